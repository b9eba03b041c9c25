package dev.facesweep.model;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the graph inputs (name, element type, dimensions) of an ONNX file without loading its weights, so that
 * session options can refer to the model's own dimension names (e.g. fix the symbolic batch dimension) before
 * the session exists. Walks the protobuf wire format and skips everything else, so a 1.2 GB model costs a few
 * reads.
 */
final class OnnxGraphInputs {

    /** One graph input; {@code dims} holds a name for symbolic dimensions and a number for fixed ones. */
    record Input(String name, int elementType, List<Dim> dims) {
    }

    /** A dimension: {@code value} when fixed (>= 0), else -1 and {@code param} (possibly empty). */
    record Dim(long value, String param) {
        boolean fixed() {
            return value >= 0;
        }
    }

    // Field numbers from onnx.proto
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int TENSOR_NAME = 8;
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_TYPE_ELEM = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;
    private static final int MAX_VALUE_INFO_BYTES = 1 << 20;

    private OnnxGraphInputs() {
    }

    /** The graph's real inputs (initializers listed as inputs, as old IR versions do, are left out). */
    static List<Input> read(Path model) throws IOException {
        try (FileChannel channel = FileChannel.open(model, StandardOpenOption.READ)) {
            Wire wire = new Wire(channel);
            while (!wire.atEnd(Long.MAX_VALUE)) {
                long tag = wire.varint();
                if (field(tag) == MODEL_GRAPH && wireType(tag) == 2) {
                    long length = wire.varint();
                    return readGraph(wire, wire.position() + length);
                }
                wire.skip(wireType(tag));
            }
            throw new IOException(model.getFileName() + " has no graph: not an ONNX model");
        }
    }

    private static List<Input> readGraph(Wire wire, long end) throws IOException {
        List<Input> inputs = new ArrayList<>();
        Set<String> initializers = new HashSet<>();
        while (!wire.atEnd(end)) {
            long tag = wire.varint();
            if (field(tag) == GRAPH_INPUT && wireType(tag) == 2) {
                long length = wire.varint();
                if (length > MAX_VALUE_INFO_BYTES) {
                    throw new IOException("graph input of " + length + " bytes: not an ONNX model");
                }
                inputs.add(readValueInfo(new Wire(ByteBuffer.wrap(wire.bytes((int) length)))));
            } else if (field(tag) == GRAPH_INITIALIZER && wireType(tag) == 2) {
                long length = wire.varint();
                long tensorEnd = wire.position() + length;
                while (!wire.atEnd(tensorEnd)) {
                    long t = wire.varint();
                    if (field(t) == TENSOR_NAME && wireType(t) == 2) {
                        initializers.add(wire.string());
                    } else {
                        wire.skip(wireType(t));
                    }
                }
            } else {
                wire.skip(wireType(tag));
            }
        }
        inputs.removeIf(in -> initializers.contains(in.name()));
        return inputs;
    }

    private static Input readValueInfo(Wire wire) throws IOException {
        String name = "";
        int elementType = 0;
        List<Dim> dims = new ArrayList<>();
        while (!wire.atEnd(Long.MAX_VALUE)) {
            long tag = wire.varint();
            if (field(tag) == VALUE_INFO_NAME && wireType(tag) == 2) {
                name = wire.string();
            } else if (field(tag) == VALUE_INFO_TYPE && wireType(tag) == 2) {
                Wire type = wire.message();
                while (!type.atEnd(Long.MAX_VALUE)) {
                    long t = type.varint();
                    if (field(t) == TYPE_TENSOR && wireType(t) == 2) {
                        Wire tensor = type.message();
                        while (!tensor.atEnd(Long.MAX_VALUE)) {
                            long tt = tensor.varint();
                            if (field(tt) == TENSOR_TYPE_ELEM && wireType(tt) == 0) {
                                elementType = (int) tensor.varint();
                            } else if (field(tt) == TENSOR_TYPE_SHAPE && wireType(tt) == 2) {
                                readShape(tensor.message(), dims);
                            } else {
                                tensor.skip(wireType(tt));
                            }
                        }
                    } else {
                        type.skip(wireType(t));
                    }
                }
            } else {
                wire.skip(wireType(tag));
            }
        }
        return new Input(name, elementType, List.copyOf(dims));
    }

    private static void readShape(Wire shape, List<Dim> dims) throws IOException {
        while (!shape.atEnd(Long.MAX_VALUE)) {
            long tag = shape.varint();
            if (field(tag) == SHAPE_DIM && wireType(tag) == 2) {
                Wire dim = shape.message();
                long value = -1;
                String param = "";
                while (!dim.atEnd(Long.MAX_VALUE)) {
                    long t = dim.varint();
                    if (field(t) == DIM_VALUE && wireType(t) == 0) {
                        value = dim.varint();
                    } else if (field(t) == DIM_PARAM && wireType(t) == 2) {
                        param = dim.string();
                    } else {
                        dim.skip(wireType(t));
                    }
                }
                dims.add(new Dim(value, param));
            } else {
                shape.skip(wireType(tag));
            }
        }
    }

    private static int field(long tag) {
        return (int) (tag >>> 3);
    }

    private static int wireType(long tag) {
        return (int) (tag & 7);
    }

    /** Protobuf wire reader over a file (buffered, skips by seeking) or an in-memory message. */
    private static final class Wire {
        private final FileChannel channel;
        private final ByteBuffer buffer;
        private long bufferStart;

        Wire(FileChannel channel) {
            this.channel = channel;
            this.buffer = ByteBuffer.allocate(1 << 16);
            this.buffer.limit(0);
        }

        Wire(ByteBuffer message) {
            this.channel = null;
            this.buffer = message;
        }

        long position() {
            return bufferStart + buffer.position();
        }

        boolean atEnd(long end) throws IOException {
            return position() >= end || !fill(1);
        }

        /** Makes at least {@code n} bytes available if the source has them. */
        private boolean fill(int n) throws IOException {
            if (buffer.remaining() >= n) {
                return true;
            }
            if (channel == null) {
                return false;
            }
            bufferStart += buffer.position();
            buffer.compact();
            while (buffer.position() < n) {
                if (channel.read(buffer) < 0) {
                    break;
                }
            }
            buffer.flip();
            return buffer.remaining() >= n;
        }

        int read() throws IOException {
            if (!fill(1)) {
                throw new EOFException("truncated ONNX file");
            }
            return buffer.get() & 0xff;
        }

        long varint() throws IOException {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read();
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IOException("malformed varint: not an ONNX model");
        }

        byte[] bytes(int length) throws IOException {
            if (length < 0) {
                throw new IOException("negative length: not an ONNX model");
            }
            byte[] out = new byte[length];
            int done = 0;
            while (done < length) {
                if (!fill(1)) {
                    throw new EOFException("truncated ONNX file");
                }
                int n = Math.min(buffer.remaining(), length - done);
                buffer.get(out, done, n);
                done += n;
            }
            return out;
        }

        String string() throws IOException {
            long length = varint();
            if (length > MAX_VALUE_INFO_BYTES) {
                throw new IOException("string of " + length + " bytes: not an ONNX model");
            }
            return new String(bytes((int) length), StandardCharsets.UTF_8);
        }

        Wire message() throws IOException {
            long length = varint();
            if (length > MAX_VALUE_INFO_BYTES) {
                throw new IOException("nested message of " + length + " bytes: not an ONNX model");
            }
            return new Wire(ByteBuffer.wrap(bytes((int) length)));
        }

        void skip(int wireType) throws IOException {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> skipBytes(8);
                case 2 -> skipBytes(varint());
                case 5 -> skipBytes(4);
                default -> throw new IOException("unsupported protobuf wire type " + wireType + ": not an ONNX model");
            }
        }

        private void skipBytes(long n) throws IOException {
            if (n < 0) {
                throw new IOException("negative length: not an ONNX model");
            }
            if (n <= buffer.remaining()) {
                buffer.position(buffer.position() + (int) n);
                return;
            }
            if (channel == null) {
                throw new EOFException("truncated message");
            }
            long target = position() + n;
            if (target > channel.size()) {
                throw new EOFException("truncated ONNX file");
            }
            channel.position(target);
            bufferStart = target;
            buffer.clear();
            buffer.limit(0);
        }
    }
}
