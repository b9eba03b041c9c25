package dev.facesweep.worker;

/**
 * A batch asks for a model this worker has not loaded. Scoring it would store embeddings under the wrong model
 * id, so the batch is refused as a whole; a RabbitMQ transport parks it with this one-line message as the reason.
 */
public class WrongModelException extends RuntimeException {

    private final String batchId;
    private final String wantedModel;
    private final String loadedModel;

    public WrongModelException(String batchId, String wantedModel, String loadedModel) {
        super("batch " + batchId + " is for model " + wantedModel + " but this worker runs " + loadedModel
                + "; start a worker with that model's bundle (--model)", null, false, false);
        this.batchId = batchId;
        this.wantedModel = wantedModel;
        this.loadedModel = loadedModel;
    }

    public String batchId() {
        return batchId;
    }

    public String wantedModel() {
        return wantedModel;
    }

    public String loadedModel() {
        return loadedModel;
    }
}
