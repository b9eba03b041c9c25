package dev.facesweep.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes model variants for tests by patching one varint of an ONNX file in place: the element type of the graph
 * input (ModelProto.graph = 7, GraphProto.input = 11, ValueInfoProto.type = 2, TypeProto.tensor_type = 1,
 * Tensor.elem_type = 1). Only same-length changes (one-byte varints), so no lengths need rewriting.
 */
final class OnnxPatching {

    static final int INT32 = 6;
    static final int INT64 = 7;

    private OnnxPatching() {
    }

    /** Copies {@code source} to {@code target} with the element type of its only graph input set to {@code type}. */
    static void copyWithInputElementType(Path source, Path target, int type) throws IOException {
        byte[] model = Files.readAllBytes(source);
        int offset = inputElementTypeOffset(model);
        if (model[offset] >= 0x80 || type >= 0x80) {
            throw new IllegalStateException("only one-byte element types can be patched");
        }
        model[offset] = (byte) type;
        Files.write(target, model);
    }

    private static int inputElementTypeOffset(byte[] b) {
        int[] graph = field(b, 0, b.length, 7);
        int[] input = field(b, graph[0], graph[1], 11);
        int[] typeProto = field(b, input[0], input[1], 2);
        int[] tensor = field(b, typeProto[0], typeProto[1], 1);
        int[] pos = {tensor[0]};
        while (pos[0] < tensor[1]) {
            long tag = varint(b, pos);
            if (tag == (1 << 3)) { // field 1, varint
                return pos[0];
            }
            skip(b, pos, (int) (tag & 7));
        }
        throw new IllegalStateException("no elem_type in the graph input");
    }

    /** [start, end) of the first length-delimited field {@code number} within [from, to). */
    private static int[] field(byte[] b, int from, int to, int number) {
        int[] pos = {from};
        while (pos[0] < to) {
            long tag = varint(b, pos);
            if ((tag >>> 3) == number && (tag & 7) == 2) {
                int length = (int) varint(b, pos);
                return new int[] {pos[0], pos[0] + length};
            }
            skip(b, pos, (int) (tag & 7));
        }
        throw new IllegalStateException("field " + number + " not found");
    }

    private static void skip(byte[] b, int[] pos, int wireType) {
        switch (wireType) {
            case 0 -> varint(b, pos);
            case 1 -> pos[0] += 8;
            case 2 -> {
                long length = varint(b, pos);
                pos[0] += (int) length;
            }
            case 5 -> pos[0] += 4;
            default -> throw new IllegalStateException("wire type " + wireType);
        }
    }

    private static long varint(byte[] b, int[] pos) {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            int v = b[pos[0]++] & 0xff;
            result |= (long) (v & 0x7f) << shift;
            if ((v & 0x80) == 0) {
                return result;
            }
        }
    }
}
