package dev.facesweep.worker.amqp;

import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.worker.BatchHandler;
import dev.facesweep.worker.BatchScoringHandler;
import dev.facesweep.worker.DecodedBatch;

/**
 * A handler split into the two pipeline stages: {@link BatchScoringHandler} decodes in {@link #prepare} so the
 * next batch decodes while the model runs this one; any other handler does all its work in {@link #infer}.
 */
interface Stages {

    /** Work done on the prepare thread; the value is passed to {@link #infer}. */
    Object prepare(BatchMessage batch);

    /** Work done on the inference thread. */
    ResultMessage infer(BatchMessage batch, Object prepared);

    static Stages of(BatchHandler handler) {
        if (handler instanceof BatchScoringHandler scoring) {
            return new Stages() {
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
        return new Stages() {
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
