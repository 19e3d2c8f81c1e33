package dev.rerank.weights;

/** Element types a safetensors file may declare; only the floating ones can feed the model. */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    public final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Whether the engine can read this type as floats. */
    public boolean isSupported() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The safetensors spelling, or null if it is not one we know. */
    public static DType parse(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
