package dev.facesweep.worker.app;

import dev.facesweep.worker.amqp.AmqpWorker;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the RabbitMQ worker once the context is up and stops it first on shutdown (SIGTERM): no new batches, the
 * one in progress finishes, unstarted ones go back to the queue.
 */
final class WorkerLifecycle implements SmartLifecycle {

    private final AmqpWorker worker;
    private volatile boolean running;

    WorkerLifecycle(AmqpWorker worker) {
        this.worker = worker;
    }

    @Override
    public void start() {
        worker.start();
        running = true;
    }

    @Override
    public void stop() {
        worker.stop();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
