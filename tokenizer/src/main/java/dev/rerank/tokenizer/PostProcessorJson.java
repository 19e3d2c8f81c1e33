package dev.rerank.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code post_processor} of tokenizer.json as a {@link PairTemplate}: RobertaProcessing,
 * BertProcessing, or a TemplateProcessing of special tokens around {@code $A} (and {@code $B}).
 */
final class PostProcessorJson {
    private PostProcessorJson() {}

    static PairTemplate parse(JsonFields post) {
        String type = post.string("type", "?");
        return switch (type) {
            case "RobertaProcessing" -> PairTemplate.roberta(specialId(post, "cls"), specialId(post, "sep"));
            case "BertProcessing" -> PairTemplate.bert(specialId(post, "cls"), specialId(post, "sep"));
            case "TemplateProcessing" -> template(post);
            default -> throw post.unsupported("post_processor '" + type
                    + "' (implemented: RobertaProcessing, BertProcessing, TemplateProcessing)");
        };
    }

    /** {@code "cls": ["<s>", 0]}: the token's spelling and id. */
    private static int specialId(JsonFields post, String key) {
        JsonArray pair = post.array(key);
        if (pair.size() != 2 || !pair.get(0).isJsonPrimitive() || !pair.get(0).getAsJsonPrimitive().isString()) {
            throw post.error("'" + post.name(key) + "' must be [token, id]");
        }
        return post.integerValue(pair.get(1), post.name(key) + "[1]", 0, Integer.MAX_VALUE);
    }

    private static PairTemplate template(JsonFields post) {
        JsonFields specials = post.object("special_tokens");
        List<int[]> single = slots(post, "single", specials);
        List<int[]> pair = slots(post, "pair", specials);
        try {
            return new PairTemplate(column(single, 0), column(single, 1), column(pair, 0), column(pair, 1));
        } catch (IllegalArgumentException e) {
            throw post.unsupported("post_processor TemplateProcessing: " + e.getMessage());
        }
    }

    /**
     * One template as {slot, type id} rows: {@code {"SpecialToken": {"id": "[CLS]", "type_id": 0}}}
     * becomes one row per id the special token stands for, {@code {"Sequence": {"id": "A", ...}}}
     * one row for the text.
     */
    private static List<int[]> slots(JsonFields post, String key, JsonFields specials) {
        JsonArray items = post.array(key);
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonFields item = post.element(items, key, i);
            JsonFields special = item.optionalObject("SpecialToken");
            JsonFields sequence = item.optionalObject("Sequence");
            if ((special == null) == (sequence == null)) {
                throw post.error("'" + post.name(key) + "[" + i + "]' must be a SpecialToken or a Sequence");
            }
            if (sequence != null) {
                String id = sequence.requiredString("id");
                if (!id.equals("A") && !id.equals("B")) {
                    throw post.error("'" + sequence.name("id") + "' must be A or B, not " + id);
                }
                rows.add(new int[] {id.equals("A") ? PairTemplate.FIRST : PairTemplate.SECOND,
                        sequence.integer("type_id", 0, 0, Integer.MAX_VALUE)});
                continue;
            }
            String name = special.requiredString("id");
            int typeId = special.integer("type_id", 0, 0, Integer.MAX_VALUE);
            JsonFields token = specials.optionalObject(name);
            if (token == null) {
                throw post.error("special token '" + name + "' of the " + key + " template is not in '"
                        + post.name("special_tokens") + "'");
            }
            JsonArray ids = token.array("ids");
            if (ids.isEmpty()) {
                throw post.error("'" + token.name("ids") + "' is empty");
            }
            for (int k = 0; k < ids.size(); k++) {
                JsonElement id = ids.get(k);
                rows.add(new int[] {token.integerValue(id, token.name("ids") + "[" + k + "]", 0, Integer.MAX_VALUE), typeId});
            }
        }
        return rows;
    }

    private static int[] column(List<int[]> rows, int column) {
        return rows.stream().mapToInt(r -> r[column]).toArray();
    }
}
