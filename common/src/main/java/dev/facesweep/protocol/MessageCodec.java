package dev.facesweep.protocol;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plain-JSON encoding of the queue messages, with strict decoding.
 *
 * <p>Wire format (UTF-8 JSON objects; field order as written here; unknown fields are ignored so that a newer
 * writer can add optional fields without a schema bump):
 * <pre>
 * batch:     {"schema":1, "type":"batch", "scan":S, "batch":S, "model":S, "promptHash":S, "attempt":I,
 *             "images":[{"id":SHA256, "path":S, "data":BASE64?}]}
 * result:    {"schema":1, "type":"result", "scan":S, "batch":S, "worker":S, "model":S, "promptHash":S,
 *             "results":[{"id":SHA256, "embedding":BASE64?, "scores":{"attr":P}?, "error":S?}],
 *             "timings":{"decodeMs":N, "preprocessMs":N, "inferMs":N}}
 * heartbeat: {"schema":1, "type":"heartbeat", "worker":S, "host":S, "provider":S, "configuredProvider":S,
 *             "device":S, "model":S, "imagesPerSecond":N, "batchSize":I, "inFlight":I, "timestamp":ISO-8601,
 *             "tuning":{"intraOpThreads":I, "decodeThreads":I, "origin":S}?}
 * </pre>
 * {@code embedding} is the base64 of the vector as little-endian float32 ({@link EmbeddingBytes}): a 768-d
 * embedding is 4 KiB of base64 instead of ~15 KiB of decimal text, and round-trips bit-exactly. Each result has
 * exactly one of {@code embedding} and {@code error}. {@code data} carries the image bytes inline for workers
 * without the shared folder.
 *
 * <p>Decoding rejects, with a {@link MalformedMessageException} whose message is one line: a message over the
 * size limit (checked before parsing), bytes that are not one JSON object, a missing or unsupported schema
 * version, a message of another type, and missing, null or mistyped fields. Value ranges (e.g. whether scores
 * lie in [0, 1] or embeddings are finite) are for the consumer to judge per image.
 *
 * <p>Thread-safe.
 */
public final class MessageCodec {

    /** Default size limit: 64 MiB, room for a batch of inline images. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

    private static final String BATCH = "batch";
    private static final String RESULT = "result";
    private static final String HEARTBEAT = "heartbeat";

    private final int maxBytes;
    private final JsonMapper mapper;

    public MessageCodec() {
        this(DEFAULT_MAX_BYTES);
    }

    /** @param maxBytes largest encoded message accepted by the decoders */
    public MessageCodec(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("message size limit must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(maxBytes)
                        .maxStringLength(maxBytes)
                        .maxNestingDepth(32)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    public int maxBytes() {
        return maxBytes;
    }

    // ---- encoding ----

    public byte[] encode(Message message) {
        ObjectNode json;
        if (message instanceof BatchMessage batch) {
            json = batchJson(batch);
        } else if (message instanceof ResultMessage result) {
            json = resultJson(result);
        } else {
            json = heartbeatJson((Heartbeat) message);
        }
        return mapper.writeValueAsBytes(json);
    }

    private ObjectNode header(String type) {
        ObjectNode json = mapper.createObjectNode();
        json.put("schema", Message.SCHEMA);
        json.put("type", type);
        return json;
    }

    private ObjectNode batchJson(BatchMessage batch) {
        ObjectNode json = header(BATCH);
        json.put("scan", batch.scanId());
        json.put("batch", batch.batchId());
        json.put("model", batch.modelId());
        json.put("promptHash", batch.promptHash());
        json.put("attempt", batch.attempt());
        ArrayNode images = json.putArray("images");
        for (BatchImage image : batch.images()) {
            ObjectNode item = images.addObject();
            item.put("id", image.id());
            item.put("path", image.path());
            if (image.data() != null) {
                item.put("data", Base64.getEncoder().encodeToString(image.data()));
            }
        }
        return json;
    }

    private ObjectNode resultJson(ResultMessage result) {
        ObjectNode json = header(RESULT);
        json.put("scan", result.scanId());
        json.put("batch", result.batchId());
        json.put("worker", result.workerId());
        json.put("model", result.modelId());
        json.put("promptHash", result.promptHash());
        ArrayNode results = json.putArray("results");
        for (ImageResult image : result.results()) {
            ObjectNode item = results.addObject();
            item.put("id", image.id());
            if (image.embedding() != null) {
                item.put("embedding", Base64.getEncoder().encodeToString(EmbeddingBytes.toBytes(image.embedding())));
            }
            if (!image.scores().isEmpty()) {
                ObjectNode scores = item.putObject("scores");
                image.scores().forEach(scores::put);
            }
            item.put("error", image.error());
        }
        ObjectNode timings = json.putObject("timings");
        timings.put("decodeMs", result.timings().decodeMs());
        timings.put("preprocessMs", result.timings().preprocessMs());
        timings.put("inferMs", result.timings().inferMs());
        return json;
    }

    private ObjectNode heartbeatJson(Heartbeat heartbeat) {
        ObjectNode json = header(HEARTBEAT);
        json.put("worker", heartbeat.workerId());
        json.put("host", heartbeat.host());
        json.put("provider", heartbeat.provider());
        json.put("configuredProvider", heartbeat.configuredProvider());
        json.put("device", heartbeat.device());
        json.put("model", heartbeat.modelId());
        json.put("imagesPerSecond", heartbeat.imagesPerSecond());
        json.put("batchSize", heartbeat.batchSize());
        json.put("inFlight", heartbeat.inFlight());
        json.put("timestamp", heartbeat.timestamp().toString());
        if (heartbeat.tuning() != null) {
            ObjectNode tuning = json.putObject("tuning");
            tuning.put("intraOpThreads", heartbeat.tuning().intraOpThreads());
            tuning.put("decodeThreads", heartbeat.tuning().decodeThreads());
            tuning.put("origin", heartbeat.tuning().origin());
        }
        return json;
    }

    // ---- decoding ----

    /** Decodes any message kind, going by its {@code type} field. */
    public Message decode(byte[] bytes) throws MalformedMessageException {
        JsonFields json = parse(bytes, "message");
        String type = withContext("message", () -> json.string("type"));
        return switch (type) {
            case BATCH -> withContext("batch message", () -> readBatch(json));
            case RESULT -> withContext("result message", () -> readResult(json));
            case HEARTBEAT -> withContext("heartbeat message", () -> readHeartbeat(json));
            default -> throw new MalformedMessageException("message has unknown type '" + type
                    + "' (expected batch, result or heartbeat)");
        };
    }

    public BatchMessage decodeBatch(byte[] bytes) throws MalformedMessageException {
        JsonFields json = parse(bytes, "batch message");
        expectType(json, BATCH);
        return withContext("batch message", () -> readBatch(json));
    }

    public ResultMessage decodeResult(byte[] bytes) throws MalformedMessageException {
        JsonFields json = parse(bytes, "result message");
        expectType(json, RESULT);
        return withContext("result message", () -> readResult(json));
    }

    public Heartbeat decodeHeartbeat(byte[] bytes) throws MalformedMessageException {
        JsonFields json = parse(bytes, "heartbeat message");
        expectType(json, HEARTBEAT);
        return withContext("heartbeat message", () -> readHeartbeat(json));
    }

    private JsonFields parse(byte[] bytes, String what) throws MalformedMessageException {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedMessageException(what + " is empty");
        }
        if (bytes.length > maxBytes) {
            throw new MalformedMessageException(what + " is " + bytes.length + " bytes, over the limit of " + maxBytes
                    + " bytes; send fewer or smaller inline images per batch, or raise the limit");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw new MalformedMessageException(what + " is not valid JSON: " + oneLine(e.getOriginalMessage()));
        }
        JsonFields json = withContext(what, () -> JsonFields.root(tree));
        withContext(what, () -> {
            if (!json.has("schema")) {
                throw new MalformedMessageException("has no schema version (expected \"schema\": " + Message.SCHEMA
                        + ")");
            }
            int schema = json.integer("schema");
            if (schema != Message.SCHEMA) {
                throw new MalformedMessageException("has schema version " + schema + ", this build reads only "
                        + Message.SCHEMA + "; run the same facesweep version on the coordinator and the workers");
            }
            return null;
        });
        return json;
    }

    private void expectType(JsonFields json, String expected) throws MalformedMessageException {
        String what = expected + " message";
        String type = withContext(what, () -> json.string("type"));
        if (!type.equals(expected)) {
            throw new MalformedMessageException(what + " expected, got a message of type '" + type
                    + "'; check the queue bindings");
        }
    }

    private static BatchMessage readBatch(JsonFields json) throws MalformedMessageException {
        List<JsonFields> items = json.objects("images");
        if (items.isEmpty()) {
            throw new MalformedMessageException("images is empty");
        }
        List<BatchImage> images = new ArrayList<>(items.size());
        for (JsonFields item : items) {
            images.add(new BatchImage(item.sha256("id"), item.nonEmptyString("path"), item.optionalBase64("data")));
        }
        int attempt = json.integer("attempt");
        if (attempt < 1) {
            throw new MalformedMessageException("attempt must be 1 or more, got " + attempt);
        }
        return new BatchMessage(json.nonEmptyString("scan"), json.nonEmptyString("batch"),
                json.nonEmptyString("model"), json.nonEmptyString("promptHash"), attempt, images);
    }

    private static ResultMessage readResult(JsonFields json) throws MalformedMessageException {
        List<ImageResult> results = new ArrayList<>();
        for (JsonFields item : json.objects("results")) {
            String id = item.sha256("id");
            String error = item.optionalString("error");
            byte[] embeddingBytes = item.optionalBase64("embedding");
            Map<String, Double> scores = item.optionalNumberMap("scores");
            if (error != null && embeddingBytes != null) {
                throw new MalformedMessageException(item.field("id") + " " + id
                        + " has both an embedding and an error; send one of them");
            }
            if (error == null && embeddingBytes == null) {
                throw new MalformedMessageException(item.field("id") + " " + id
                        + " has neither an embedding nor an error");
            }
            if (error != null) {
                results.add(new ImageResult(id, null, scores, error));
                continue;
            }
            if (embeddingBytes.length == 0 || embeddingBytes.length % Float.BYTES != 0) {
                throw new MalformedMessageException(item.field("embedding") + " has " + embeddingBytes.length
                        + " bytes, expected a non-empty multiple of 4 (little-endian float32)");
            }
            results.add(new ImageResult(id, EmbeddingBytes.fromBytes(embeddingBytes), scores, null));
        }
        JsonFields timings = json.object("timings");
        ResultMessage.Timings t = new ResultMessage.Timings(nonNegative(timings, "decodeMs"),
                nonNegative(timings, "preprocessMs"), nonNegative(timings, "inferMs"));
        return new ResultMessage(json.nonEmptyString("scan"), json.nonEmptyString("batch"),
                json.nonEmptyString("worker"), json.nonEmptyString("model"), json.nonEmptyString("promptHash"),
                results, t);
    }

    private static Heartbeat readHeartbeat(JsonFields json) throws MalformedMessageException {
        String timestamp = json.string("timestamp");
        Instant at;
        try {
            at = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw new MalformedMessageException("timestamp must be an ISO-8601 instant such as "
                    + "2025-01-31T12:00:00Z, got '" + timestamp + "'");
        }
        return new Heartbeat(json.nonEmptyString("worker"), json.string("host"), json.nonEmptyString("provider"),
                json.nonEmptyString("configuredProvider"), json.string("device"), json.nonEmptyString("model"),
                nonNegative(json, "imagesPerSecond"), json.integer("batchSize"), json.integer("inFlight"), at,
                json.has("tuning") ? readTuning(json.object("tuning")) : null);
    }

    private static Heartbeat.Tuning readTuning(JsonFields json) throws MalformedMessageException {
        return new Heartbeat.Tuning(json.integer("intraOpThreads"), json.integer("decodeThreads"),
                json.string("origin"));
    }

    private static double nonNegative(JsonFields json, String name) throws MalformedMessageException {
        double value = json.number(name);
        if (value < 0) {
            throw new MalformedMessageException(json.field(name) + " must not be negative, got " + value);
        }
        return value;
    }

    private interface Reader<T> {
        T read() throws MalformedMessageException;
    }

    /** Prefixes the reason with what was being read, e.g. "batch message: missing field images[0].id". */
    private static <T> T withContext(String what, Reader<T> reader) throws MalformedMessageException {
        try {
            return reader.read();
        } catch (MalformedMessageException e) {
            throw new MalformedMessageException(what + ": " + e.getMessage());
        } catch (JacksonException | IllegalArgumentException e) {
            throw new MalformedMessageException(what + ": " + oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "no detail";
        }
        String line = s.replaceAll("\\s+", " ").trim();
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }
}
