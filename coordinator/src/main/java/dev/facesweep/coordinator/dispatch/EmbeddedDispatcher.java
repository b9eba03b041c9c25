package dev.facesweep.coordinator.dispatch;

import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.worker.BatchHandler;
import dev.facesweep.worker.BatchStages;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process workers with the RabbitMQ worker's pipeline: a <em>prepare</em> thread reads and decodes the next batch
 * ({@link BatchStages#prepare}) while the <em>inference</em> thread runs the model on the current one
 * ({@link BatchStages#infer}), so the embedded scan does the same work in the same order as a worker on the same
 * model and threads; each result goes straight to the listener.
 *
 * <p>A batch whose handler throws (in either stage) is tried again with the attempt count raised, up to
 * {@code maxAttempts} in all, then parked: the same bound the RabbitMQ workers apply
 * ({@link dev.facesweep.protocol.Topology}).
 *
 * <p>The dispatcher owns the handler: {@link #close()} closes it when it is {@link AutoCloseable}.
 */
public final class EmbeddedDispatcher implements Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDispatcher.class);
    /** One batch in the model, one decoded and waiting, one being decoded: neither thread idles. */
    private static final int CAPACITY = 3;

    private final BatchHandler handler;
    private final BatchStages stages;
    private final int maxAttempts;
    private final BlockingQueue<BatchMessage> toPrepare = new LinkedBlockingQueue<>();
    private final BlockingQueue<Prepared> toInfer = new ArrayBlockingQueue<>(1);
    private final Thread preparer;
    private final Thread inferrer;
    private volatile DispatchListener listener;
    private volatile boolean closed;

    /** A batch out of the prepare stage: its decoded images, or why preparing it failed. */
    private record Prepared(BatchMessage batch, Object value, RuntimeException failure) {
    }

    /** @param maxAttempts tries per batch before it is parked */
    public EmbeddedDispatcher(BatchHandler handler, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("embedded workers need at least one attempt per batch");
        }
        this.handler = Objects.requireNonNull(handler, "handler");
        this.stages = BatchStages.of(handler);
        this.maxAttempts = maxAttempts;
        this.preparer = daemon("facesweep-embedded-prepare", this::prepareLoop);
        this.inferrer = daemon("facesweep-embedded-infer", this::inferLoop);
    }

    @Override
    public void start(DispatchListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        preparer.start();
        inferrer.start();
    }

    @Override
    public int capacity() {
        return CAPACITY;
    }

    @Override
    public void publish(List<BatchMessage> batches) throws DispatchException {
        if (listener == null) {
            throw new IllegalStateException("start the dispatcher before publishing");
        }
        if (closed) {
            throw new DispatchException("the embedded workers are shut down; " + batches.size()
                    + " batch(es) not taken");
        }
        toPrepare.addAll(batches);
    }

    private void prepareLoop() {
        try {
            while (!closed) {
                BatchMessage batch = toPrepare.take();
                Prepared prepared;
                try {
                    prepared = new Prepared(batch, stages.prepare(batch), null);
                } catch (RuntimeException e) {
                    prepared = new Prepared(batch, null, e);
                }
                toInfer.put(prepared);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void inferLoop() {
        try {
            while (!closed) {
                Prepared prepared = toInfer.take();
                BatchMessage batch = prepared.batch();
                ResultMessage result;
                try {
                    if (prepared.failure() != null) {
                        throw prepared.failure();
                    }
                    result = stages.infer(batch, prepared.value());
                } catch (RuntimeException e) {
                    failed(batch, e);
                    continue;
                }
                try {
                    listener.onResult(result);
                } catch (RuntimeException e) {
                    listener.onRejected("the result of batch " + batch.batchId() + " could not be recorded: "
                            + oneLine(e));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void failed(BatchMessage batch, RuntimeException e) {
        String reason = oneLine(e);
        if (batch.attempt() >= maxAttempts) {
            listener.onParked(batch.batchId(), "failed " + batch.attempt() + " time(s) in the embedded worker,"
                    + " last: " + reason);
            return;
        }
        log.warn("batch {} failed on attempt {} of {}, trying again: {}", batch.batchId(), batch.attempt(),
                maxAttempts, reason);
        toPrepare.add(new BatchMessage(batch.scanId(), batch.batchId(), batch.modelId(), batch.promptHash(),
                batch.attempt() + 1, batch.images()));
    }

    @Override
    public List<WorkerStatus> workers() {
        return List.of();
    }

    @Override
    public String description() {
        return "embedded (prepare + inference thread, as a worker), model " + handler.modelId();
    }

    @Override
    public void close() {
        closed = true;
        preparer.interrupt();
        inferrer.interrupt();
        try {
            if (preparer.isAlive() || inferrer.isAlive()) {
                preparer.join(TimeUnit.SECONDS.toMillis(30));
                inferrer.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (preparer.isAlive() || inferrer.isAlive()) {
                log.warn("embedded workers did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (handler instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("closing the embedded batch handler: {}", oneLine(e));
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }
}
