package dev.facesweep.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class MessageCodecTest {

    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "0123456789abcdef".repeat(4);

    private final MessageCodec codec = new MessageCodec();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void batchRoundTripsWithAndWithoutInlineBytes() throws Exception {
        BatchMessage batch = batch();

        BatchMessage decoded = codec.decodeBatch(codec.encode(batch));

        assertThat(decoded).isEqualTo(batch);
        assertThat(decoded.images().get(1).data()).containsExactly(0, 1, 2, (byte) 0xFF);
        assertThat(decoded.images().get(0).data()).isNull();
    }

    @Test
    void resultRoundTripsBitExactly() throws Exception {
        float[] embedding = {1.0f, -0.0f, Float.MIN_VALUE, -Float.MAX_VALUE, 0.1f, Float.NaN};
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("mask", 0.93);
        scores.put("sunglasses", 0.01);
        ResultMessage result = new ResultMessage("scan-1", "batch-7", "vega-0", "ViT-L-14/dfn2b_s39b", "ph",
                List.of(ImageResult.scored(SHA_A, embedding, scores),
                        ImageResult.failed(SHA_B, "not a PNG: bad signature")),
                new ResultMessage.Timings(12.5, 3, 401.25));

        ResultMessage decoded = codec.decodeResult(codec.encode(result));

        assertThat(decoded).isEqualTo(result);
        float[] back = decoded.results().get(0).embedding();
        for (int i = 0; i < embedding.length; i++) {
            assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(embedding[i]));
        }
        assertThat(decoded.results().get(0).scores().keySet()).containsExactly("mask", "sunglasses");
        assertThat(decoded.results().get(1).failed()).isTrue();
    }

    @Test
    void embeddingIsBase64OfLittleEndianFloat32() throws Exception {
        // 1.0f is 0x3F800000; little-endian bytes 00 00 80 3F; base64 "AACAPw==".
        ResultMessage result = new ResultMessage("s", "b", "w", "m", "p",
                List.of(ImageResult.scored(SHA_A, new float[] {1.0f}, Map.of())), new ResultMessage.Timings(0, 0, 0));

        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(result));

        assertThat(tree.get("schema").intValue()).isEqualTo(1);
        assertThat(tree.get("type").stringValue()).isEqualTo("result");
        assertThat(tree.get("results").get(0).get("embedding").stringValue()).isEqualTo("AACAPw==");
        assertThat(EmbeddingBytes.toBytes(new float[] {1.0f})).containsExactly(0x00, 0x00, 0x80, 0x3F);
    }

    @Test
    void heartbeatRoundTrips() throws Exception {
        Heartbeat heartbeat = heartbeat();

        assertThat(codec.decodeHeartbeat(codec.encode(heartbeat))).isEqualTo(heartbeat);
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(heartbeat));
        assertThat(tree.get("timestamp").stringValue()).isEqualTo("2025-03-01T10:15:30.250Z");
        assertThat(tree.has("tuning")).isFalse();
    }

    @Test
    void heartbeatTuningRoundTripsAsAnOptionalObject() throws Exception {
        Heartbeat plain = heartbeat();
        Heartbeat tuned = new Heartbeat(plain.workerId(), plain.host(), plain.provider(), plain.configuredProvider(),
                plain.device(), plain.modelId(), plain.imagesPerSecond(), plain.batchSize(), plain.inFlight(),
                plain.timestamp(), new Heartbeat.Tuning(0, 3, "dml defaults for 4 cores"));

        assertThat(codec.decodeHeartbeat(codec.encode(tuned))).isEqualTo(tuned);
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(tuned));
        assertThat(tree.get("tuning").get("decodeThreads").intValue()).isEqualTo(3);
        assertThat(tree.get("tuning").get("origin").stringValue()).isEqualTo("dml defaults for 4 cores");
        // an older reader sees a heartbeat with one unknown field: without the object it is the plain heartbeat
        tree.remove("tuning");
        assertThat(codec.decodeHeartbeat(json.writeValueAsBytes(tree))).isEqualTo(plain);
        rejects(() -> codec.decodeHeartbeat(edit(tuned, t -> ((ObjectNode) t.get("tuning")).remove("origin"))))
                .hasMessage("heartbeat message: missing field tuning.origin");
    }

    @Test
    void genericDecodeGoesByType() throws Exception {
        assertThat(codec.decode(codec.encode(batch()))).isInstanceOf(BatchMessage.class);
        assertThat(codec.decode(codec.encode(heartbeat()))).isInstanceOf(Heartbeat.class);
    }

    @Test
    void oversizedMessageIsRejectedBeforeParsing() {
        MessageCodec small = new MessageCodec(64);
        byte[] bytes = codec.encode(batch());

        rejects(() -> small.decodeBatch(bytes))
                .hasMessage("batch message is " + bytes.length + " bytes, over the limit of 64 bytes; send fewer or"
                        + " smaller inline images per batch, or raise the limit");
    }

    @Test
    void notJsonIsRejected() {
        rejects(() -> codec.decodeBatch("{\"schema\": 1, ".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("batch message is not valid JSON: ");
        rejects(() -> codec.decodeBatch("{\"schema\": 1} trailing".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("batch message is not valid JSON: ");
        rejects(() -> codec.decodeBatch("[1, 2]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("batch message: not a JSON object");
        rejects(() -> codec.decodeBatch(new byte[0])).hasMessage("batch message is empty");
        rejects(() -> codec.decodeBatch("{\"schema\":1,\"schema\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("Duplicate").hasMessageContaining("schema");
    }

    @Test
    void schemaVersionMustBePresentAndSupported() {
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.remove("schema"))))
                .hasMessage("batch message: has no schema version (expected \"schema\": 1)");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.put("schema", 2))))
                .hasMessage("batch message: has schema version 2, this build reads only 1; run the same facesweep"
                        + " version on the coordinator and the workers");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.put("schema", "1"))))
                .hasMessage("batch message: schema must be an integer, got the string '1'");
    }

    @Test
    void messageOfAnotherTypeIsRejected() {
        rejects(() -> codec.decodeBatch(codec.encode(heartbeat())))
                .hasMessage("batch message expected, got a message of type 'heartbeat'; check the queue bindings");
        rejects(() -> codec.decode(edit(batch(), t -> t.put("type", "bogus"))))
                .hasMessage("message has unknown type 'bogus' (expected batch, result or heartbeat)");
    }

    @Test
    void missingNullAndMistypedFieldsAreNamed() {
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.remove("scan"))))
                .hasMessage("batch message: missing field scan");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> ((ObjectNode) t.get("images").get(1)).remove("id"))))
                .hasMessage("batch message: missing field images[1].id");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.putNull("model"))))
                .hasMessage("batch message: field model is null");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.put("attempt", "1"))))
                .hasMessage("batch message: attempt must be an integer, got the string '1'");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.put("attempt", 1.5))))
                .hasMessage("batch message: attempt must be an integer, got the number 1.5");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.put("attempt", 0))))
                .hasMessage("batch message: attempt must be 1 or more, got 0");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.put("images", "none"))))
                .hasMessage("batch message: images must be an array, got the string 'none'");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.putArray("images"))))
                .hasMessage("batch message: images is empty");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> t.putArray("images").add(3))))
                .hasMessage("batch message: images[0] must be an object, got the integer 3");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> ((ObjectNode) t.get("images").get(0))
                .put("id", "ABC"))))
                .hasMessage("batch message: images[0].id must be a sha256 (64 lowercase hex digits), got 'ABC'");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> ((ObjectNode) t.get("images").get(1))
                .put("data", "***"))))
                .hasMessageStartingWith("batch message: images[1].data is not valid base64");
        rejects(() -> codec.decodeBatch(edit(batch(), t -> ((ObjectNode) t.get("images").get(0)).put("path", ""))))
                .hasMessage("batch message: images[0].path is empty");
    }

    @Test
    void resultEntriesNeedExactlyOneOfEmbeddingAndError() {
        ResultMessage result = new ResultMessage("s", "b", "w", "m", "p",
                List.of(ImageResult.scored(SHA_A, new float[] {1f, 2f}, Map.of("mask", 0.5))),
                new ResultMessage.Timings(1, 2, 3));

        rejects(() -> codec.decodeResult(edit(result, t -> ((ObjectNode) t.get("results").get(0))
                .put("error", "boom"))))
                .hasMessage("result message: results[0].id " + SHA_A
                        + " has both an embedding and an error; send one of them");
        rejects(() -> codec.decodeResult(edit(result, t -> ((ObjectNode) t.get("results").get(0))
                .remove("embedding"))))
                .hasMessage("result message: results[0].id " + SHA_A + " has neither an embedding nor an error");
        rejects(() -> codec.decodeResult(edit(result, t -> ((ObjectNode) t.get("results").get(0))
                .put("embedding", "AAEC"))))
                .hasMessage("result message: results[0].embedding has 3 bytes, expected a non-empty multiple of 4"
                        + " (little-endian float32)");
        rejects(() -> codec.decodeResult(edit(result, t -> ((ObjectNode) t.get("results").get(0).get("scores"))
                .put("mask", "high"))))
                .hasMessage("result message: results[0].scores.mask must be a number, got the string 'high'");
        rejects(() -> codec.decodeResult(edit(result, t -> ((ObjectNode) t.get("timings")).put("inferMs", -1))))
                .hasMessage("result message: timings.inferMs must not be negative, got -1.0");
        rejects(() -> codec.decodeResult(edit(result, t -> t.remove("timings"))))
                .hasMessage("result message: missing field timings");
    }

    @Test
    void heartbeatTimestampMustBeAnInstant() {
        rejects(() -> codec.decodeHeartbeat(edit(heartbeat(), t -> t.put("timestamp", "yesterday"))))
                .hasMessage("heartbeat message: timestamp must be an ISO-8601 instant such as 2025-01-31T12:00:00Z,"
                        + " got 'yesterday'");
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() throws Exception {
        BatchMessage batch = batch();

        assertThat(codec.decodeBatch(edit(batch, t -> t.put("priority", 5)))).isEqualTo(batch);
    }

    @Test
    void damagedMessagesNeverEscapeAsAnythingButMalformed() {
        byte[] good = codec.encode(new ResultMessage("s", "b", "w", "m", "p",
                List.of(ImageResult.scored(SHA_A, new float[] {1f, 2f}, Map.of("mask", 0.5)),
                        ImageResult.failed(SHA_B, "unreadable")),
                new ResultMessage.Timings(1, 2, 3)));
        Random random = new Random(42);
        int rejected = 0;
        for (int cut = 0; cut < good.length; cut++) {
            rejected += outcome(Arrays.copyOf(good, cut));
        }
        for (int i = 0; i < 2000; i++) {
            byte[] damaged = good.clone();
            damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            rejected += outcome(damaged);
        }
        assertThat(rejected).as("every truncation is rejected").isGreaterThanOrEqualTo(good.length);
    }

    /** 1 when rejected as malformed, 0 when it still decodes; anything else fails the test. */
    private int outcome(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> codec.decode(bytes));
        if (thrown == null) {
            return 0;
        }
        assertThat(thrown).isInstanceOf(MalformedMessageException.class);
        assertThat(thrown.getMessage()).doesNotContain("\n");
        return 1;
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> rejects(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(MalformedMessageException.class);
        assertThat(thrown.getMessage()).doesNotContain("\n");
        return assertThat(thrown);
    }

    private byte[] edit(Message message, Consumer<ObjectNode> change) {
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(message));
        change.accept(tree);
        return json.writeValueAsBytes(tree);
    }

    private static BatchMessage batch() {
        return new BatchMessage("scan-1", "batch-7", "ViT-L-14/dfn2b_s39b", "ph", 1, List.of(
                new BatchImage(SHA_A, "/mnt/e/facesets/faceset_001/faces/0001.png"),
                new BatchImage(SHA_B, "E:\\facesets\\face set 2\\faces\\élan.png", new byte[] {0, 1, 2, (byte) 0xFF})));
    }

    private static Heartbeat heartbeat() {
        return new Heartbeat("vega-0", "box1", "DML", "DML", "Radeon RX Vega", "ViT-L-14/dfn2b_s39b", 28.5, 16, 1,
                Instant.parse("2025-03-01T10:15:30.250Z"));
    }

    @Test
    void emptyObjectHasNoSchema() {
        assertThatThrownBy(() -> codec.decodeBatch("{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessage("batch message: has no schema version (expected \"schema\": 1)");
    }
}
