package dev.rerank.convert;

import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
import dev.rerank.weights.SyntheticWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: builds ONNX files. {@link #tinyBert} lays out a BertModel the way torch.onnx exports
 * it for optimum/Xenova (named embeddings, LayerNorms and biases; each Linear an anonymous
 * {@code onnx::MatMul_N} initializer stored [in, out] feeding a MatMul whose output an Add of the
 * named bias consumes), from synthetic weights, so the expected import is known exactly. Tests
 * edit {@link #nodes} and {@link #initializers} before {@link #build} to make broken exports.
 */
final class OnnxBuilder {
    /** How an initializer's values are stored. */
    enum Storage {
        RAW_F32, FLOAT_DATA, RAW_F16, INT32_F16, RAW_BF16;

        /** The values as this storage holds them (what the import reads back). */
        float[] rounded(float[] v) {
            float[] r = v.clone();
            for (int i = 0; i < r.length; i++) {
                r[i] = switch (this) {
                    case RAW_F16, INT32_F16 -> Float.float16ToFloat(Float.floatToFloat16(v[i]));
                    case RAW_BF16 -> Float.intBitsToFloat(DTypes.toBfloat16(v[i]) << 16);
                    default -> v[i];
                };
            }
            return r;
        }
    }

    record Node(String op, String name, List<String> inputs, List<String> outputs, Map<String, Long> ints, String domain) {
        Node(String op, String name, List<String> inputs, List<String> outputs) {
            this(op, name, inputs, outputs, Map.of(), "");
        }

        String input0() {
            return inputs.get(0);
        }
    }

    /** An initializer: float values in a storage, or (values null) raw bytes of another type. */
    record Init(String name, int dataType, long[] dims, float[] values, Storage storage, byte[] raw, boolean external) {
        static Init floats(String name, long[] dims, float[] values, Storage storage) {
            int type = switch (storage) {
                case RAW_F32, FLOAT_DATA -> OnnxInitializer.FLOAT;
                case RAW_F16, INT32_F16 -> OnnxInitializer.FLOAT16;
                case RAW_BF16 -> OnnxInitializer.BFLOAT16;
            };
            return new Init(name, type, dims, values, storage, null, false);
        }

        Init named(String newName) {
            return new Init(newName, dataType, dims, values, storage, raw, external);
        }
    }

    final List<Node> nodes = new ArrayList<>();
    final List<Init> initializers = new ArrayList<>();
    /** Parameter name → values in Hugging Face layout, as the import should produce them. */
    final Map<String, float[]> expected = new LinkedHashMap<>();

    static final String SALT = "onnx-test";

    /** A tiny config: hidden 8, 2 heads, 2 layers, ffn 12, vocab 20, 16 positions, 2 types. */
    static ModelConfig tinyConfig() {
        return ModelConfig.fromJson(com.google.gson.JsonParser.parseString("""
                {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 8, "num_attention_heads": 2,
                 "num_hidden_layers": 2, "intermediate_size": 12, "max_position_embeddings": 16,
                 "type_vocab_size": 2, "vocab_size": 20, "layer_norm_eps": 1e-12, "pad_token_id": 0}
                """).getAsJsonObject(), "tiny config");
    }

    static OnnxBuilder tinyBert(Storage storage) {
        return export(new ParameterTable(tinyConfig(), "", false), storage);
    }

    /** Every parameter of {@code table} as an optimum-style export with synthetic values. */
    static OnnxBuilder export(ParameterTable table, Storage storage) {
        OnnxBuilder b = new OnnxBuilder();
        Map<String, long[]> shapes = table.shapes();
        int positions = (int) shapes.get(table.prefix() + "embeddings.position_embeddings.weight")[0];
        b.initializers.add(new Init(table.prefix() + "embeddings.position_ids", 7, new long[] {1, positions}, null, null,
                new byte[8 * positions], false));
        b.nodes.add(new Node("Constant", "/Constant", List.of(), List.of("/Constant_output_0")));
        b.initializers.add(Init.floats("/embeddings/LayerNorm/Constant_1_output_0", new long[0], new float[] {1e-12f}, storage));
        int anonymous = 700;
        String hidden = "/embeddings/LayerNorm/Add_1_output_0";
        try (SyntheticWeights w = table.synthetic(SALT)) {
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                String name = e.getKey();
                long[] shape = e.getValue();
                float[] values = new float[Math.toIntExact(w.info(name).elementCount())];
                w.read(name, 0, values, 0, values.length);
                values = storage.rounded(values);
                b.expected.put(name, values);
                if (shape.length == 2 && !name.contains("embeddings")) {
                    String stem = name.substring(0, name.length() - ".weight".length());
                    String anon = "onnx::MatMul_" + anonymous++;
                    String path = "/" + stem.replace('.', '/');
                    b.initializers.add(Init.floats(anon, new long[] {shape[1], shape[0]}, transpose(values, shape), storage));
                    b.nodes.add(new Node("MatMul", path + "/MatMul", List.of(hidden, anon), List.of(path + "/MatMul_output_0")));
                    b.nodes.add(new Node("Add", path + "/Add", List.of(stem + ".bias", path + "/MatMul_output_0"),
                            List.of(path + "/Add_output_0")));
                    hidden = path + "/Add_output_0";
                    if (name.endsWith("self.value.weight")) {
                        // Attention's products have no initializer: they must be skipped, not mapped.
                        b.nodes.add(new Node("MatMul", path + "/scores", List.of(hidden, hidden), List.of(path + "/scores_output_0")));
                    }
                } else {
                    b.initializers.add(Init.floats(name, shape, values, storage));
                    if (name.endsWith("_embeddings.weight")) {
                        b.nodes.add(new Node("Gather", "/" + name, List.of(name, "input_ids"), List.of("/" + name + "_output_0")));
                    } else if (name.endsWith("LayerNorm.weight")) {
                        b.nodes.add(new Node("Mul", "/" + name, List.of(hidden, name), List.of("/" + name + "_output_0")));
                    }
                }
            }
        }
        return b;
    }

    /** Indices of the initializer and of the MatMul node for a Linear's HF weight name. */
    int initializerIndex(String name) {
        for (int i = 0; i < initializers.size(); i++) {
            if (initializers.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    int nodeIndex(String name) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    static float[] transpose(float[] values, long[] shape) {
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] t = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = values[r * cols + c];
            }
        }
        return t;
    }

    /** The serialized ModelProto. */
    byte[] build() {
        ProtoWriter graph = new ProtoWriter();
        for (Node n : nodes) {
            ProtoWriter node = new ProtoWriter();
            n.inputs().forEach(s -> node.string(1, s));
            n.outputs().forEach(s -> node.string(2, s));
            node.string(3, n.name()).string(4, n.op());
            if (!n.domain().isEmpty()) {
                node.string(7, n.domain());
            }
            n.ints().forEach((k, v) -> node.message(5, new ProtoWriter().string(1, k).varint(3, v).varint(20, 2)));
            if (n.op().equals("Constant")) {
                node.message(5, new ProtoWriter().string(1, "value").message(5, tensor(
                        Init.floats("", new long[0], new float[] {0.5f}, Storage.RAW_F32))).varint(20, 4));
            }
            graph.message(1, node);
        }
        graph.string(2, "main_graph");
        for (Init t : initializers) {
            graph.message(5, tensor(t));
        }
        return new ProtoWriter().varint(1, 8).string(2, "rerank-test").string(3, "1")
                .message(8, new ProtoWriter().varint(2, 17)).message(7, graph).toByteArray();
    }

    static ProtoWriter tensor(Init t) {
        ProtoWriter w = new ProtoWriter().packed(1, t.dims()).varint(2, t.dataType()).string(8, t.name());
        if (t.external()) {
            w.message(13, new ProtoWriter().string(1, "location").string(2, "weights.bin")).varint(14, 1);
            return w;
        }
        if (t.values() == null) {
            return w.bytes(9, t.raw());
        }
        float[] v = t.values();
        switch (t.storage()) {
            case RAW_F32, FLOAT_DATA -> {
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                w.bytes(t.storage() == Storage.RAW_F32 ? 9 : 4, b.array());
            }
            case RAW_F16, RAW_BF16 -> {
                ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    b.putShort(t.storage() == Storage.RAW_F16 ? Float.floatToFloat16(f) : DTypes.toBfloat16(f));
                }
                w.bytes(9, b.array());
            }
            case INT32_F16 -> {
                long[] bits = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    bits[i] = Float.floatToFloat16(v[i]) & 0xFFFF;
                }
                w.packed(5, bits);
            }
        }
        return w;
    }
}
