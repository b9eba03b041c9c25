package dev.facesweep.coordinator.dispatch;

import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.worker.BatchHandler;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process workers: each published batch is handed to a {@link BatchHandler} on one of {@code threads} daemon
 * threads, and its result goes straight to the listener. With two threads, one batch is decoded while the other
 * is in the model (the model serialises its own runs).
 *
 * <p>A batch whose handler throws is tried again with the attempt count raised, up to {@code maxAttempts} in
 * all, then parked: the same bound the RabbitMQ workers apply ({@link dev.facesweep.protocol.Topology}).
 *
 * <p>The dispatcher owns the handler: {@link #close()} closes it when it is {@link AutoCloseable}.
 */
public final class EmbeddedDispatcher implements Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDispatcher.class);

    private final BatchHandler handler;
    private final int threads;
    private final int maxAttempts;
    private final ExecutorService pool;
    private volatile DispatchListener listener;

    /**
     * @param threads batches handled at once
     * @param maxAttempts tries per batch before it is parked
     */
    public EmbeddedDispatcher(BatchHandler handler, int threads, int maxAttempts) {
        if (threads < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("embedded workers need at least one thread and one attempt");
        }
        this.handler = Objects.requireNonNull(handler, "handler");
        this.threads = threads;
        this.maxAttempts = maxAttempts;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "facesweep-embedded-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start(DispatchListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Every thread busy plus one batch waiting per thread, so no thread idles between batches. */
    @Override
    public int capacity() {
        return 2 * threads;
    }

    @Override
    public void publish(List<BatchMessage> batches) throws DispatchException {
        if (listener == null) {
            throw new IllegalStateException("start the dispatcher before publishing");
        }
        for (BatchMessage batch : batches) {
            try {
                pool.execute(() -> handle(batch));
            } catch (RejectedExecutionException e) {
                throw new DispatchException("the embedded workers are shut down; batch " + batch.batchId()
                        + " not taken", e);
            }
        }
    }

    private void handle(BatchMessage first) {
        BatchMessage batch = first;
        while (true) {
            ResultMessage result;
            try {
                result = handler.handle(batch);
            } catch (RuntimeException e) {
                String reason = oneLine(e);
                if (batch.attempt() >= maxAttempts) {
                    listener.onParked(batch.batchId(), "failed " + batch.attempt() + " time(s) in the embedded"
                            + " worker, last: " + reason);
                    return;
                }
                log.warn("batch {} failed on attempt {} of {}, trying again: {}", batch.batchId(), batch.attempt(),
                        maxAttempts, reason);
                batch = new BatchMessage(batch.scanId(), batch.batchId(), batch.modelId(), batch.promptHash(),
                        batch.attempt() + 1, batch.images());
                continue;
            }
            try {
                listener.onResult(result);
            } catch (RuntimeException e) {
                listener.onRejected("the result of batch " + batch.batchId() + " could not be recorded: "
                        + oneLine(e));
            }
            return;
        }
    }

    @Override
    public List<WorkerStatus> workers() {
        return List.of();
    }

    @Override
    public String description() {
        return "embedded, " + threads + " batch thread(s), model " + handler.modelId();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
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

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }
}
