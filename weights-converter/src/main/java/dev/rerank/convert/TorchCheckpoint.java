package dev.rerank.convert;

import dev.rerank.weights.DType;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch {@code torch.save} state dict without Python: the zip format of torch ≥ 1.6
 * ({@code <root>/data.pkl} plus one entry per storage) and the legacy format before it (a run of
 * pickles followed by the raw storages). Tensors come out contiguous, whatever their strides,
 * storage offsets or shared storages, with their bytes unchanged.
 */
final class TorchCheckpoint {
    /** Longest storage key accepted; torch.save numbers its storages "0", "1", ... */
    private static final int MAX_STORAGE_KEY = 256;
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    /** No storage in a real checkpoint comes near this; it keeps a corrupt size from exhausting memory. */
    static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE - 64;

    private TorchCheckpoint() {}

    /**
     * Fails unless {@code file} is a regular file. Opening a FIFO blocks until a writer comes,
     * and a device can be endless, so neither is ever opened.
     */
    static void requireRegularFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(Files.exists(file) ? file + ": not a regular file (a directory, FIFO or device)"
                    : "checkpoint not found: " + file);
        }
    }

    /** All tensors of the checkpoint, in the state dict's order. */
    static List<Tensor> read(Path file) {
        return read(file, bytes -> {});
    }

    /**
     * All tensors of the checkpoint, in the state dict's order, telling {@code bytesRead} how many
     * more bytes of the file are through as they are; the amounts add up to the file's size.
     */
    static List<Tensor> read(Path file, LongConsumer bytesRead) {
        requireRegularFile(file);
        byte[] head = new byte[4];
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 4) {
                throw new CheckpointException(file + ": only " + n + " bytes, not a PyTorch checkpoint");
            }
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint not found: " + file);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        ExpansionBudget budget = new ExpansionBudget(file, size);
        long[] counted = {0};
        LongConsumer counting = bytes -> {
            counted[0] += bytes;
            bytesRead.accept(bytes);
        };
        List<Tensor> tensors;
        if (head[0] == 'P' && head[1] == 'K') {
            tensors = readZip(file, budget, counting);
        } else if ((head[0] & 0xFF) == 0x80) {
            tensors = readLegacy(file, size, budget, counting);
        } else {
            throw new CheckpointException(file + ": neither a zip nor a legacy PyTorch checkpoint");
        }
        // The zip's headers, directory and pickle were read too, without a count of their own.
        bytesRead.accept(Math.max(0, size - counted[0]));
        return tensors;
    }

    // ---- zip format ----

    private static List<Tensor> readZip(Path file, ExpansionBudget budget, LongConsumer bytesRead) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl"))
                    .findFirst().orElseThrow(() -> new CheckpointException(file + ": zip has no data.pkl entry"));
            String root = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(root + "byteorder");
            if (order != null && !new String(readEntry(zip, order, Math.min(order.getSize(), 16), file, budget)).trim().equals("little")) {
                throw new CheckpointException(file + ": big-endian checkpoints are not supported");
            }
            Map<String, TensorView.StorageRef> announced = new HashMap<>();
            Object state = unpickle(readEntry(zip, pkl, pkl.getSize(), file, budget), 0, file.toString(), announced).value();
            Map<String, byte[]> storages = new HashMap<>();
            return materialize(state, file, budget, ref -> storages.computeIfAbsent(ref.key(), key -> {
                ZipEntry e = zip.getEntry(root + "data/" + key);
                if (e == null) {
                    throw new CheckpointException(file + ": storage " + key + " is missing from the zip (entry "
                            + root + "data/" + key + ")");
                }
                byte[] bytes = readEntry(zip, e, storageBytes(ref, file), file, budget);
                // Storages are read lazily, one per tensor or two: the count moves as the data does.
                bytesRead.accept(Math.max(0, e.getCompressedSize()));
                return bytes;
            }));
        } catch (ZipException e) {
            throw new CheckpointException(file + ": not a readable zip (truncated or corrupt): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The bytes of one entry, which must be exactly {@code expected} long (what the pickle
     * announced for a storage, or the entry's own declared size). Reading stops there: an entry
     * that inflates past it is refused after one more byte, never read to its end.
     */
    private static byte[] readEntry(ZipFile zip, ZipEntry entry, long expected, Path file, ExpansionBudget budget) {
        long declared = entry.getSize();
        if (declared < 0 || declared > expected) {
            throw new CheckpointException(file + ": entry " + entry.getName() + " declares " + declared
                    + " bytes where " + expected + " are expected (corrupt or crafted)");
        }
        if (declared < expected) {
            throw new CheckpointException(file + ": entry " + entry.getName() + " holds " + declared + " bytes but "
                    + expected + " are expected (corrupt or truncated storage)");
        }
        budget.charge(expected, "entry " + entry.getName());
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes((int) expected);
            if (bytes.length != expected) {
                throw new CheckpointException(file + ": entry " + entry.getName() + " is cut short (truncated or corrupt)");
            }
            if (in.read() >= 0) {
                throw new CheckpointException(file + ": entry " + entry.getName() + " inflates to more than the "
                        + expected + " bytes it declares (corrupt or a zip bomb)");
            }
            return bytes;
        } catch (IOException e) {
            throw new CheckpointException(file + ": entry " + entry.getName() + " cannot be read (truncated or corrupt): "
                    + e.getMessage(), e);
        }
    }

    /** A storage's size in bytes as the pickle announced it, if a storage may be that large. */
    private static long storageBytes(TensorView.StorageRef ref, Path file) {
        long bytes = ref.bytes();
        if (bytes < 0 || bytes > MAX_STORAGE_BYTES) {
            throw new CheckpointException(file + ": storage " + ref.key() + " claims " + ref.numel() + " elements of "
                    + ref.dtype() + ", over 2 GiB (corrupt or crafted)");
        }
        return bytes;
    }

    // ---- legacy format ----

    private static List<Tensor> readLegacy(Path file, long size, ExpansionBudget budget, LongConsumer bytesRead) {
        byte[] data;
        try {
            if (size > MAX_STORAGE_BYTES) {
                throw new CheckpointException(file + ": legacy checkpoints over 2 GiB are not supported; re-save with torch >= 1.6");
            }
            data = ReadProgress.readAll(file, size, bytesRead);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String source = file.toString();
        Map<String, TensorView.StorageRef> announced = new HashMap<>();
        Pickle.Result magic = unpickle(data, 0, source, announced);
        if (!LEGACY_MAGIC.equals(magic.value())) {
            throw new CheckpointException(file + ": not a PyTorch checkpoint (wrong magic number)");
        }
        Pickle.Result version = unpickle(data, magic.end(), source, announced);
        if (!(version.value() instanceof Long v) || v != 1001L) {
            throw new CheckpointException(file + ": unsupported legacy protocol version " + PickleValues.describe(version.value()));
        }
        Pickle.Result sysInfo = unpickle(data, version.end(), source, announced);
        if (sysInfo.value() instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
            throw new CheckpointException(file + ": big-endian checkpoints are not supported");
        }
        Pickle.Result state = unpickle(data, sysInfo.end(), source, announced);
        Pickle.Result keys = unpickle(data, state.end(), source, announced);
        if (!(keys.value() instanceof List<?> keyList)) {
            throw new CheckpointException(file + ": storage key list missing after the state dict");
        }
        // The raw storages follow in key order, each as an int64 element count then its bytes.
        Map<String, byte[]> storages = new HashMap<>();
        int pos = keys.end();
        ByteBuffer le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (Object k : keyList) {
            TensorView.StorageRef ref = k instanceof String key ? announced.get(key) : null;
            if (ref == null) {
                throw new CheckpointException(file + ": the storage list names " + PickleValues.describe(k)
                        + ", which no tensor announced");
            }
            if (data.length - pos < 8) {
                throw new CheckpointException(file + ": storage " + ref.key() + " is missing (file ends at byte " + data.length + ")");
            }
            long numel = le.getLong(pos);
            if (numel != ref.numel()) {
                throw new CheckpointException(file + ": storage " + ref.key() + " holds " + numel + " elements but "
                        + ref.numel() + " were announced (corrupt or truncated storage)");
            }
            long bytes = storageBytes(ref, file);
            if (bytes > data.length - pos - 8L) {
                throw new CheckpointException(file + ": storage " + ref.key() + " claims " + numel
                        + " elements, more than the file holds (truncated or corrupt)");
            }
            budget.charge(bytes, "storage " + ref.key());
            storages.put(ref.key(), java.util.Arrays.copyOfRange(data, pos + 8, pos + 8 + (int) bytes));
            pos += 8 + (int) bytes;
        }
        return materialize(state.value(), file, budget, ref -> {
            byte[] s = storages.get(ref.key());
            if (s == null) {
                throw new CheckpointException(file + ": storage " + ref.key() + " is not among the saved storages");
            }
            return s;
        });
    }

    // ---- shared ----

    /**
     * Unpickles one pickle, turning tensor constructors and storage ids into views and storage
     * refs; every storage announced is recorded in {@code announced}, which must agree with itself.
     */
    private static Pickle.Result unpickle(byte[] data, int start, String source, Map<String, TensorView.StorageRef> announced) {
        return Pickle.load(data, start, source, new Pickle.Resolver() {
            @Override
            public Object call(Pickle.Global g, Pickle.Tuple args) {
                return switch (g.qualified()) {
                    case "collections.OrderedDict" -> new LinkedHashMap<>();
                    case "torch._utils._rebuild_tensor_v2" -> rebuildTensor(args, source);
                    case "torch._utils._rebuild_parameter" -> {
                        if (args.size() < 1) {
                            throw new CheckpointException(source + ": _rebuild_parameter called without a tensor");
                        }
                        yield args.get(0);
                    }
                    default -> throw new CheckpointException(source + ": " + g.qualified() + " cannot be called");
                };
            }

            @Override
            public Object persistentLoad(Object pid) {
                if (!(pid instanceof Pickle.Tuple t) || t.size() < 5 || !"storage".equals(t.get(0))
                        || !(t.get(1) instanceof Pickle.Global type) || !(t.get(2) instanceof String key)) {
                    throw new CheckpointException(source + ": unexpected persistent id " + PickleValues.describe(pid));
                }
                if (key.length() > MAX_STORAGE_KEY) {
                    // Found by the fuzz pass: a 5,000-character key went whole into later messages.
                    throw new CheckpointException(source + ": a storage key of " + key.length()
                            + " characters (torch.save writes short numbers): " + PickleValues.clip(key));
                }
                long numel = asLong(t.get(4), source);
                if (numel < 0) {
                    throw new CheckpointException(source + ": storage " + PickleValues.clip(key) + " has a negative size " + numel);
                }
                TensorView.StorageRef ref = new TensorView.StorageRef(key, storageType(type, source), numel);
                TensorView.StorageRef before = announced.putIfAbsent(key, ref);
                if (before != null && !before.equals(ref)) {
                    throw new CheckpointException(source + ": storage " + PickleValues.clip(key)
                            + " is announced twice, with different types or sizes");
                }
                return ref;
            }
        });
    }

    private static DType storageType(Pickle.Global type, String source) {
        return switch (type.name()) {
            case "FloatStorage" -> DType.F32;
            case "HalfStorage" -> DType.F16;
            case "BFloat16Storage" -> DType.BF16;
            case "DoubleStorage" -> DType.F64;
            case "LongStorage" -> DType.I64;
            case "IntStorage" -> DType.I32;
            case "ShortStorage" -> DType.I16;
            case "CharStorage" -> DType.I8;
            case "ByteStorage" -> DType.U8;
            case "BoolStorage" -> DType.BOOL;
            default -> throw new CheckpointException(source + ": unsupported storage type " + type.qualified());
        };
    }

    private static TensorView rebuildTensor(Pickle.Tuple args, String source) {
        if (args.size() < 4 || !(args.get(0) instanceof TensorView.StorageRef storage)) {
            throw new CheckpointException(source + ": _rebuild_tensor_v2 called without a storage");
        }
        return new TensorView(storage, asLong(args.get(1), source), longs(args.get(2), source), longs(args.get(3), source));
    }

    private static long[] longs(Object tuple, String source) {
        if (!(tuple instanceof Pickle.Tuple t)) {
            throw new CheckpointException(source + ": tensor size/stride is not a tuple");
        }
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asLong(t.get(i), source);
        }
        return out;
    }

    private static long asLong(Object o, String source) {
        if (o instanceof Long l) {
            return l;
        }
        throw new CheckpointException(source + ": expected an integer, found " + PickleValues.describe(o));
    }

    interface StorageBytes {
        byte[] of(TensorView.StorageRef ref);
    }

    /** Copies every tensor view out of its storage into contiguous row-major bytes. */
    private static List<Tensor> materialize(Object state, Path file, ExpansionBudget budget, StorageBytes storages) {
        if (!(state instanceof Map<?, ?> dict)) {
            throw new CheckpointException(file + ": the checkpoint is not a state dict (found "
                    + PickleValues.typeName(state) + ")");
        }
        List<Tensor> out = new ArrayList<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getKey() instanceof String name && e.getValue() instanceof TensorView view) {
                String where = file + ": tensor " + PickleValues.clip(name);
                byte[] storage = storages.of(view.storage());
                budget.charge(view.check(storage.length, where), "tensor " + PickleValues.clip(name));
                out.add(new Tensor(name, view.storage().dtype(), view.size(), view.copy(storage)));
            }
        }
        return out;
    }
}
