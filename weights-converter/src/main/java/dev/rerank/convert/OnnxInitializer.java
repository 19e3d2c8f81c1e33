package dev.rerank.convert;

import dev.rerank.weights.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One ONNX {@code TensorProto}: name, element type, dims and where its values lie in the file.
 * The values are not decoded when the file is read — graphs hold many int64 shape constants the
 * importer never needs — but by {@link #toTensor} for the tensors that become weights, after their
 * size has been checked against the dims, so a lying header cannot make it allocate.
 *
 * @param raw   the {@code raw_data} bytes, or null
 * @param typed the occurrences of {@code float_data} / {@code int32_data}: packed runs (wire type
 *              LEN) and single values (their own wire type), in file order
 */
record OnnxInitializer(String name, int dataType, long[] dims, byte[] buf, ProtoReader.Slice raw,
        List<Typed> typed, boolean external, String where) {

    /** One occurrence of a repeated numeric field: a packed run or a single value. */
    record Typed(int field, int wire, ProtoReader.Slice bytes) {}

    static final int FLOAT = 1;
    static final int FLOAT16 = 10;
    static final int BFLOAT16 = 16;
    private static final String[] TYPE_NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
        "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};

    // TensorProto fields
    private static final int DIMS = 1;
    private static final int DATA_TYPE = 2;
    private static final int SEGMENT = 3;
    private static final int FLOAT_DATA = 4;
    private static final int INT32_DATA = 5;
    private static final int NAME = 8;
    private static final int RAW_DATA = 9;
    private static final int EXTERNAL_DATA = 13;
    private static final int DATA_LOCATION = 14;
    private static final int MAX_RANK = 64;
    /** Room for a Java array of bytes. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 64;

    static OnnxInitializer parse(ProtoReader in, String where) {
        String name = "";
        int dataType = 0;
        long[] dims = new long[0];
        ProtoReader.Slice raw = null;
        List<Typed> typed = new ArrayList<>();
        boolean external = false;
        while (in.hasMore()) {
            int at = in.position();
            int field = in.next();
            switch (field) {
                case DIMS -> dims = dims(in, dims, at);
                case DATA_TYPE -> {
                    in.requireWire(ProtoReader.VARINT);
                    dataType = (int) in.varint();
                }
                case SEGMENT -> throw in.error(at, "segmented tensors are not supported");
                case FLOAT_DATA, INT32_DATA -> {
                    int wire = in.wireType();
                    int start = in.position();
                    if (wire == ProtoReader.LEN) {
                        typed.add(new Typed(field, wire, in.slice()));
                    } else {
                        in.skip();
                        typed.add(new Typed(field, wire, new ProtoReader.Slice(start, in.position() - start)));
                    }
                }
                case NAME -> name = in.string();
                case RAW_DATA -> raw = in.slice();
                case EXTERNAL_DATA -> {
                    external = true;
                    in.skip();
                }
                case DATA_LOCATION -> {
                    in.requireWire(ProtoReader.VARINT);
                    external |= in.varint() == 1;
                }
                default -> in.skip();
            }
        }
        return new OnnxInitializer(name, dataType, dims, in.buffer(), raw, List.copyOf(typed), external, where);
    }

    /** Appends dims from one field occurrence, packed or single. */
    private static long[] dims(ProtoReader in, long[] dims, int at) {
        List<Long> more = new ArrayList<>();
        if (in.wireType() == ProtoReader.LEN) {
            ProtoReader run = in.over(in.slice());
            while (run.hasMore()) {
                more.add(run.varint());
                if (dims.length + more.size() > MAX_RANK) {
                    break;
                }
            }
        } else {
            in.requireWire(ProtoReader.VARINT);
            more.add(in.varint());
        }
        long[] out = Arrays.copyOf(dims, dims.length + more.size());
        for (int i = 0; i < more.size(); i++) {
            long d = more.get(i);
            if (d < 0) {
                throw in.error(at, "negative tensor dimension " + d);
            }
            out[dims.length + i] = d;
        }
        if (out.length > MAX_RANK) {
            throw in.error(at, "tensor with more than " + MAX_RANK + " dimensions");
        }
        return out;
    }

    OnnxInitializer renamed(String newName) {
        return new OnnxInitializer(newName, dataType, dims, buf, raw, typed, external, where);
    }

    boolean isFloat() {
        return dataType == FLOAT || dataType == FLOAT16 || dataType == BFLOAT16;
    }

    long elementCount() {
        long n = 1;
        for (long d : dims) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw fail("dims " + Arrays.toString(dims) + " overflow 64 bits");
            }
        }
        return n;
    }

    String typeName() {
        return dataType >= 0 && dataType < TYPE_NAMES.length ? TYPE_NAMES[dataType] : "unknown type " + dataType;
    }

    /**
     * The values as a weight tensor named {@code target}: float32, float16 or bfloat16 as stored,
     * little-endian, transposed from [rows, cols] to [cols, rows] when asked.
     */
    Tensor toTensor(String target, boolean transpose) {
        if (external) {
            throw fail("its data is stored outside the .onnx file (external data), which is not supported; "
                    + "export the model with the weights inside the file");
        }
        DType dtype = switch (dataType) {
            case FLOAT -> DType.F32;
            case FLOAT16 -> DType.F16;
            case BFLOAT16 -> DType.BF16;
            default -> throw fail("its ONNX data type is " + typeName()
                    + "; only FLOAT, FLOAT16 and BFLOAT16 weights can be imported (quantized models are not supported)");
        };
        long count = elementCount();
        if (count > MAX_BYTES / dtype.bytes) {
            throw fail(count + " elements are more than one array can hold");
        }
        byte[] data = values(dtype, (int) count);
        long[] shape = dims.clone();
        if (transpose) {
            if (dims.length != 2) {
                throw fail("a matrix weight must have 2 dims, has " + Arrays.toString(dims));
            }
            data = transposed(data, (int) dims[0], (int) dims[1], dtype.bytes);
            shape = new long[] {dims[1], dims[0]};
        }
        return new Tensor(target, dtype, shape, data);
    }

    private byte[] values(DType dtype, int count) {
        int bytes = count * dtype.bytes;
        if (raw != null) {
            if (!typed.isEmpty()) {
                throw fail("it has both raw_data and typed values");
            }
            if (raw.length() != bytes) {
                throw fail("raw_data holds " + raw.length() + " bytes, dims " + Arrays.toString(dims) + " of "
                        + typeName() + " need " + bytes);
            }
            return Arrays.copyOfRange(buf, raw.offset(), raw.offset() + bytes);
        }
        int expectedField = dtype == DType.F32 ? FLOAT_DATA : INT32_DATA;
        for (Typed t : typed) {
            if (t.field() != expectedField) {
                throw fail("its values are in field " + t.field() + ", which does not hold " + typeName());
            }
        }
        if (dtype == DType.F32) {
            int have = floatCount();
            if (have != count) {
                throw fail("float_data holds " + have + " values, dims " + Arrays.toString(dims) + " need " + count);
            }
            // Packed and single float_data values are both little-endian IEEE bytes, as raw_data is.
            byte[] out = new byte[bytes];
            int at = 0;
            for (Typed t : typed) {
                System.arraycopy(buf, t.bytes().offset(), out, at, t.bytes().length());
                at += t.bytes().length();
            }
            return out;
        }
        // float16 and bfloat16 may travel as int32_data varints, each holding the 16 bits.
        int have = varintCount();
        if (have != count) {
            throw fail("int32_data holds " + have + " values, dims " + Arrays.toString(dims) + " need " + count);
        }
        ByteBuffer out = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (Typed t : typed) {
            ProtoReader run = new ProtoReader(buf, where).over(t.bytes());
            while (run.hasMore()) {
                long v = run.varint();
                if (v < 0 || v > 0xFFFF) {
                    throw fail("int32_data value " + v + " is not a 16-bit " + typeName());
                }
                out.putShort((short) v);
            }
        }
        return out.array();
    }

    private int floatCount() {
        long n = 0;
        for (Typed t : typed) {
            if (t.wire() != ProtoReader.LEN && t.wire() != ProtoReader.I32 || t.bytes().length() % 4 != 0) {
                throw fail("float_data is not a run of 32-bit floats");
            }
            n += t.bytes().length() / 4;
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private int varintCount() {
        long n = 0;
        for (Typed t : typed) {
            if (t.wire() != ProtoReader.LEN && t.wire() != ProtoReader.VARINT) {
                throw fail("int32_data is not a run of varints");
            }
            ProtoReader.Slice s = t.bytes();
            for (int i = s.offset(); i < s.offset() + s.length(); i++) {
                n += (buf[i] & 0x80) == 0 ? 1 : 0;
            }
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private static byte[] transposed(byte[] data, int rows, int cols, int width) {
        byte[] out = new byte[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                System.arraycopy(data, (r * cols + c) * width, out, (c * rows + r) * width, width);
            }
        }
        return out;
    }

    CheckpointException fail(String problem) {
        return new CheckpointException(where + ": tensor " + (name.isEmpty() ? "(unnamed)" : name) + ": " + problem);
    }
}
