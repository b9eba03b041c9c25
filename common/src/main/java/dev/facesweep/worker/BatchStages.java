package dev.facesweep.worker;

import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ResultMessage;

/**
 * A handler split into the two stages of a worker's pipeline, used alike by the RabbitMQ worker and the scan's
 * in-process workers: {@link BatchScoringHandler} reads and decodes in {@link #prepare} so the next batch decodes
 * while the model runs this one; any other handler does all its work in {@link #infer}.
 */
public interface BatchStages {

    /** Work done on the prepare thread; the value is passed to {@link #infer}. */
    Object prepare(BatchMessage batch);

    /** Work done on the inference thread. */
    ResultMessage infer(BatchMessage batch, Object prepared);

    static BatchStages of(BatchHandler handler) {
        if (handler instanceof BatchScoringHandler scoring) {
            return new BatchStages() {
                @Override
                public Object prepare(BatchMessage batch) {
                    return scoring.prepare(batch);
                }

                @Override
                public ResultMessage infer(BatchMessage batch, Object prepared) {
                    return scoring.infer((DecodedBatch) prepared);
                }
            };
        }
        return new BatchStages() {
            @Override
            public Object prepare(BatchMessage batch) {
                return null;
            }

            @Override
            public ResultMessage infer(BatchMessage batch, Object prepared) {
                return handler.handle(batch);
            }
        };
    }
}
