package dev.rerank.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mutations of a seed input, in the manner of coverage-free fuzzers: bit flips, boundary values
 * written over fields, ranges deleted, repeated or spliced from another seed — and, for JSON,
 * whole tokens swapped for values that break naive parsers (fractions, huge numbers, wrong types,
 * path tricks). Positions favour the first and last 4 KiB, where headers, pickles and zip
 * directories live, over bulk tensor data.
 */
public final class Mutator {
    /** Values at the edges of the integer widths, and the ones issue 17 found. */
    private static final long[] BOUNDARIES = {0, 1, 2, -1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
            Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFFFFFFL, 1L << 32, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE,
            0x3FFFFFFFFFFFFFFFL};
    private static final String[] JSON_VALUES = {"-1", "0", "1", "1.9", "4.0", "1e400", "-0", "2147483648",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "4611686018427387904",
            "\"x\"", "\"\"", "{}", "[]", "null", "true", "[1]", "[[]]", "{\"a\":1}", "\"../x\"", "\"a/b\"", "\".\"",
            "\"\\u0000\"", "\"F32\"", "\"F16\"", "\"BF16\"", "\"I64\"", "\"BOOL\"", "[0,0]", "[0,4]", "[4,0]",
            "\"__metadata__\"", "\"weight_map\"", "\"dtype\"", "\"shape\"", "\"data_offsets\""};
    private static final Pattern JSON_TOKEN = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9][0-9.eE+-]*|true|false|null|[\\[\\]{},:]");

    private final Random random;

    public Mutator(Random random) {
        this.random = random;
    }

    /** A fair coin, for callers that choose between kinds of mutation. */
    public boolean coin() {
        return random.nextBoolean();
    }

    /** One of {@code choices}, at random: for callers' own format-aware mutations. */
    @SafeVarargs
    public final <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** A random int in [0, bound). */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /**
     * One to three line-level mutations of a text file (vocab.txt, merges.txt, an HTTP head):
     * a line deleted, repeated, swapped with another, or replaced by one of {@code odd}.
     */
    public String lines(String text, String... odd) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        for (int n = 1 + random.nextInt(3); n > 0 && !lines.isEmpty(); n--) {
            int at = random.nextInt(lines.size());
            switch (random.nextInt(4)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, lines.get(at));
                case 2 -> java.util.Collections.swap(lines, at, random.nextInt(lines.size()));
                default -> lines.set(at, odd.length == 0 ? "" : odd[random.nextInt(odd.length)]);
            }
        }
        return String.join("\n", lines);
    }

    /**
     * Byte-level mutations of {@code input} ({@code other} is a splice partner): mostly one, so
     * that many inputs get past the first checks; a third of the time two to four, stacked.
     */
    public byte[] bytes(byte[] input, byte[] other) {
        byte[] out = input;
        for (int n = random.nextInt(3) == 0 ? 2 + random.nextInt(3) : 1; n > 0; n--) {
            out = once(out, other);
        }
        return out;
    }

    private byte[] once(byte[] in, byte[] other) {
        if (in.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        int at = position(in.length);
        byte[] out = in.clone();
        switch (random.nextInt(8)) {
            case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> out[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : BOUNDARIES[random.nextInt(BOUNDARIES.length)]);
            case 2 -> { // a boundary value as a 1-, 2-, 4- or 8-byte little-endian field
                long v = BOUNDARIES[random.nextInt(BOUNDARIES.length)];
                int width = 1 << random.nextInt(4);
                for (int i = 0; i < width && at + i < out.length; i++) {
                    out[at + i] = (byte) (v >>> (8 * i));
                }
            }
            case 3 -> out = splice(in, at, Math.min(in.length, at + 1 + random.nextInt(16)), new byte[0]);
            case 4 -> { // repeat a nearby range
                int from = position(in.length);
                int len = Math.min(in.length - from, 1 + random.nextInt(64));
                out = splice(in, at, at, java.util.Arrays.copyOfRange(in, from, from + len));
            }
            case 5 -> {
                byte[] noise = new byte[1 + random.nextInt(8)];
                random.nextBytes(noise);
                out = splice(in, at, at, noise);
            }
            case 6 -> { // this input's head, the other's tail
                int cut = other.length == 0 ? 0 : position(other.length);
                out = splice(in, at, in.length, java.util.Arrays.copyOfRange(other, cut, other.length));
            }
            default -> out = java.util.Arrays.copyOf(in, at);
        }
        return out;
    }

    private int position(int length) {
        int window = Math.min(length, 4096);
        return switch (random.nextInt(4)) {
            case 0, 1 -> random.nextInt(window);
            case 2 -> length - 1 - random.nextInt(window);
            default -> random.nextInt(length);
        };
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + insert.length);
        out.write(in, 0, from);
        out.writeBytes(insert);
        out.write(in, to, in.length - to);
        return out.toByteArray();
    }

    /** One to three token-level mutations of JSON text: replace, delete or repeat a token. */
    public String json(String text) {
        String out = text;
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            List<int[]> tokens = new ArrayList<>();
            Matcher m = JSON_TOKEN.matcher(out);
            while (m.find()) {
                tokens.add(new int[] {m.start(), m.end()});
            }
            if (tokens.isEmpty()) {
                return out + JSON_VALUES[random.nextInt(JSON_VALUES.length)];
            }
            int[] t = tokens.get(random.nextInt(tokens.size()));
            String replacement = switch (random.nextInt(4)) {
                case 0 -> "";
                case 1 -> out.substring(t[0], t[1]).repeat(2);
                default -> JSON_VALUES[random.nextInt(JSON_VALUES.length)];
            };
            out = out.substring(0, t[0]) + replacement + out.substring(t[1]);
        }
        return out;
    }

    /** A safetensors file whose header text is mutated as JSON, with the length prefix kept right. */
    public byte[] safetensorsHeader(byte[] file) {
        if (file.length < 8) {
            return bytes(file, file);
        }
        long length = java.nio.ByteBuffer.wrap(file, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        if (length < 0 || length > file.length - 8) {
            return bytes(file, file);
        }
        byte[] header = json(new String(file, 8, (int) length, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + header.length + file.length - 8 - (int) length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return out.putLong(header.length).put(header).put(file, 8 + (int) length, file.length - 8 - (int) length).array();
    }
}
