package dev.rerank.convert;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of an ONNX {@code ModelProto} the importer needs: the main graph's initializers
 * (including tensors of {@code Constant} nodes, which some exporters use instead) and its nodes.
 * Field numbers are those of onnx/onnx.proto3; every other field is skipped unread.
 */
record OnnxGraph(List<OnnxInitializer> initializers, List<Node> nodes) {
    /** A node: its operator, input and output value names, and its integer and float attributes. */
    record Node(String opType, String domain, String name, List<String> inputs, List<String> outputs,
            Map<String, Long> ints, Map<String, Float> floats) {
        String input(int i) {
            return i < inputs.size() ? inputs.get(i) : "";
        }

        String describe() {
            return opType + " node " + (name.isEmpty() ? "(unnamed, output " + outputs + ")" : name);
        }
    }

    // ModelProto
    private static final int MODEL_GRAPH = 7;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    // AttributeProto
    private static final int ATTR_NAME = 1;
    private static final int ATTR_F = 2;
    private static final int ATTR_I = 3;
    private static final int ATTR_T = 5;

    /** Parses a serialized {@code ModelProto}; {@code where} names the file in error messages. */
    static OnnxGraph parse(byte[] model, String where) {
        ProtoReader in = new ProtoReader(model, where);
        OnnxGraph graph = null;
        while (in.hasMore()) {
            int at = in.position();
            if (in.next() == MODEL_GRAPH) {
                if (graph != null) {
                    throw in.error(at, "the model has two graph fields");
                }
                graph = graph(in.message(), where);
            } else {
                in.skip();
            }
        }
        if (graph == null) {
            throw new CheckpointException(where + ": not an ONNX model (no graph field)");
        }
        return graph;
    }

    private static OnnxGraph graph(ProtoReader in, String where) {
        List<OnnxInitializer> initializers = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        while (in.hasMore()) {
            int at = in.position();
            switch (in.next()) {
                case GRAPH_NODE -> nodes.add(node(in.message(), initializers, where));
                case GRAPH_INITIALIZER -> initializers.add(OnnxInitializer.parse(in.message(), where));
                case GRAPH_SPARSE_INITIALIZER -> throw in.error(at, "sparse initializers are not supported");
                default -> in.skip();
            }
        }
        return new OnnxGraph(List.copyOf(initializers), List.copyOf(nodes));
    }

    /** A node; a Constant node's {@code value} tensor is also added to the initializers under its output's name. */
    private static Node node(ProtoReader in, List<OnnxInitializer> initializers, String where) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String opType = "";
        String domain = "";
        String name = "";
        Map<String, Long> ints = new HashMap<>();
        Map<String, Float> floats = new HashMap<>();
        OnnxInitializer value = null;
        while (in.hasMore()) {
            switch (in.next()) {
                case NODE_INPUT -> inputs.add(in.string());
                case NODE_OUTPUT -> outputs.add(in.string());
                case NODE_NAME -> name = in.string();
                case NODE_OP_TYPE -> opType = in.string();
                case NODE_DOMAIN -> domain = in.string();
                case NODE_ATTRIBUTE -> {
                    OnnxInitializer t = attribute(in.message(), ints, floats, where);
                    value = t != null ? t : value;
                }
                default -> in.skip();
            }
        }
        if (opType.equals("Constant") && domain.isEmpty() && value != null && outputs.size() == 1) {
            initializers.add(value.renamed(outputs.get(0)));
        }
        return new Node(opType, domain, name, List.copyOf(inputs), List.copyOf(outputs), Map.copyOf(ints),
                Map.copyOf(floats));
    }

    /** Records an int or float attribute by name; returns the tensor of a {@code value} attribute, else null. */
    private static OnnxInitializer attribute(ProtoReader in, Map<String, Long> ints, Map<String, Float> floats,
            String where) {
        String name = "";
        Long i = null;
        Float f = null;
        OnnxInitializer t = null;
        while (in.hasMore()) {
            switch (in.next()) {
                case ATTR_NAME -> name = in.string();
                case ATTR_I -> {
                    in.requireWire(ProtoReader.VARINT);
                    i = in.varint();
                }
                case ATTR_F -> {
                    in.requireWire(ProtoReader.I32);
                    f = Float.intBitsToFloat(in.fixed32());
                }
                case ATTR_T -> t = OnnxInitializer.parse(in.message(), where);
                default -> in.skip();
            }
        }
        if (i != null) {
            ints.put(name, i);
        }
        if (f != null) {
            floats.put(name, f);
        }
        return name.equals("value") ? t : null;
    }
}
