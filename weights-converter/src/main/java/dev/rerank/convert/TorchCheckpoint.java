package dev.rerank.convert;

import dev.rerank.weights.DType;
import java.io.IOException;
import java.io.InputStream;
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
    private static final java.math.BigInteger LEGACY_MAGIC = new java.math.BigInteger("1950a86a20f9469cfc6c", 16);
    /** No storage in a real checkpoint comes near this; it keeps a corrupt size from exhausting memory. */
    private static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE - 64;

    /** A storage as the pickle describes it: which bytes, of which element type. */
    record StorageRef(String key, DType dtype, long numel) {}

    /** A tensor view as _rebuild_tensor_v2 describes it. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    private TorchCheckpoint() {}

    /** All tensors of the checkpoint, in the state dict's order. */
    static List<Tensor> read(Path file) {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 4) {
                throw new CheckpointException(file + ": only " + n + " bytes, not a PyTorch checkpoint");
            }
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint not found: " + file);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (head[0] == 'P' && head[1] == 'K') {
            return readZip(file);
        }
        if ((head[0] & 0xFF) == 0x80) {
            return readLegacy(file);
        }
        throw new CheckpointException(file + ": neither a zip nor a legacy PyTorch checkpoint");
    }

    // ---- zip format ----

    private static List<Tensor> readZip(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl"))
                    .findFirst().orElseThrow(() -> new CheckpointException(file + ": zip has no data.pkl entry"));
            String root = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(root + "byteorder");
            if (order != null && !new String(readEntry(zip, order, file)).trim().equals("little")) {
                throw new CheckpointException(file + ": big-endian checkpoints are not supported");
            }
            Map<String, byte[]> storages = new HashMap<>();
            Object state = unpickle(readEntry(zip, pkl, file), 0, file.toString()).value();
            return materialize(state, file, ref -> storages.computeIfAbsent(ref.key(), key -> {
                ZipEntry e = zip.getEntry(root + "data/" + key);
                if (e == null) {
                    throw new CheckpointException(file + ": storage " + key + " is missing from the zip (entry "
                            + root + "data/" + key + ")");
                }
                return readEntry(zip, e, file);
            }));
        } catch (ZipException e) {
            throw new CheckpointException(file + ": not a readable zip (truncated or corrupt): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry entry, Path file) {
        if (entry.getSize() > MAX_STORAGE_BYTES) {
            throw new CheckpointException(file + ": entry " + entry.getName() + " claims " + entry.getSize() + " bytes");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readAllBytes();
            if (entry.getSize() >= 0 && bytes.length != entry.getSize()) {
                throw new CheckpointException(file + ": entry " + entry.getName() + " is cut short");
            }
            return bytes;
        } catch (IOException e) {
            throw new CheckpointException(file + ": entry " + entry.getName() + " cannot be read (truncated or corrupt): "
                    + e.getMessage(), e);
        }
    }

    // ---- legacy format ----

    private static List<Tensor> readLegacy(Path file) {
        byte[] data;
        try {
            long size = Files.size(file);
            if (size > MAX_STORAGE_BYTES) {
                throw new CheckpointException(file + ": legacy checkpoints over 2 GiB are not supported; re-save with torch >= 1.6");
            }
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String source = file.toString();
        Pickle.Result magic = unpickle(data, 0, source);
        if (!LEGACY_MAGIC.equals(toBig(magic.value()))) {
            throw new CheckpointException(file + ": not a PyTorch checkpoint (wrong magic number)");
        }
        Pickle.Result version = unpickle(data, magic.end(), source);
        if (!(version.value() instanceof Long v) || v != 1001L) {
            throw new CheckpointException(file + ": unsupported legacy protocol version " + version.value());
        }
        Pickle.Result sysInfo = unpickle(data, version.end(), source);
        if (sysInfo.value() instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
            throw new CheckpointException(file + ": big-endian checkpoints are not supported");
        }
        Pickle.Result state = unpickle(data, sysInfo.end(), source);
        Pickle.Result keys = unpickle(data, state.end(), source);
        if (!(keys.value() instanceof List<?> keyList)) {
            throw new CheckpointException(file + ": storage key list missing after the state dict");
        }
        // The raw storages follow in key order, each as an int64 element count then its bytes.
        Map<String, byte[]> storages = new HashMap<>();
        Map<String, DType> dtypes = new HashMap<>();
        collectStorages(state.value(), dtypes);
        int pos = keys.end();
        ByteBuffer le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (Object k : keyList) {
            String key = String.valueOf(k);
            DType dtype = dtypes.get(key);
            if (pos + 8 > data.length) {
                throw new CheckpointException(file + ": storage " + key + " is missing (file ends at byte " + data.length + ")");
            }
            long numel = le.getLong(pos);
            int elem = dtype == null ? 1 : dtype.bytes;
            if (numel < 0 || numel * elem > data.length - pos - 8L) {
                throw new CheckpointException(file + ": storage " + key + " claims " + numel
                        + " elements, more than the file holds (truncated or corrupt)");
            }
            int bytes = (int) (numel * elem);
            byte[] s = new byte[bytes];
            System.arraycopy(data, pos + 8, s, 0, bytes);
            storages.put(key, s);
            pos += 8 + bytes;
        }
        return materialize(state.value(), file, ref -> {
            byte[] s = storages.get(ref.key());
            if (s == null) {
                throw new CheckpointException(file + ": storage " + ref.key() + " is not among the saved storages");
            }
            return s;
        });
    }

    private static java.math.BigInteger toBig(Object o) {
        if (o instanceof Long l) {
            return java.math.BigInteger.valueOf(l);
        }
        return o instanceof java.math.BigInteger b ? b : java.math.BigInteger.valueOf(-1);
    }

    private static void collectStorages(Object state, Map<String, DType> out) {
        if (state instanceof Map<?, ?> m) {
            for (Object v : m.values()) {
                if (v instanceof TensorRef t) {
                    out.put(t.storage().key(), t.storage().dtype());
                }
            }
        }
    }

    // ---- shared ----

    /** Unpickles one pickle, turning tensor constructors and storage ids into refs. */
    private static Pickle.Result unpickle(byte[] data, int start, String source) {
        return Pickle.load(data, start, source, new Pickle.Resolver() {
            @Override
            public Object call(Pickle.Global g, Pickle.Tuple args) {
                return switch (g.qualified()) {
                    case "collections.OrderedDict" -> new LinkedHashMap<>();
                    case "torch._utils._rebuild_tensor_v2" -> rebuildTensor(args, source);
                    case "torch._utils._rebuild_parameter" -> args.get(0);
                    default -> throw new CheckpointException(source + ": " + g.qualified() + " cannot be called");
                };
            }

            @Override
            public Object persistentLoad(Object pid) {
                if (!(pid instanceof Pickle.Tuple t) || t.size() < 5 || !"storage".equals(t.get(0))
                        || !(t.get(1) instanceof Pickle.Global type)) {
                    throw new CheckpointException(source + ": unexpected persistent id " + pid);
                }
                return new StorageRef(String.valueOf(t.get(2)), storageType(type, source), asLong(t.get(4), source));
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

    private static TensorRef rebuildTensor(Pickle.Tuple args, String source) {
        if (args.size() < 4 || !(args.get(0) instanceof StorageRef storage)) {
            throw new CheckpointException(source + ": _rebuild_tensor_v2 called without a storage");
        }
        return new TensorRef(storage, asLong(args.get(1), source), longs(args.get(2), source), longs(args.get(3), source));
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
        throw new CheckpointException(source + ": expected an integer, found " + o);
    }

    interface StorageBytes {
        byte[] of(StorageRef ref);
    }

    /** Copies every tensor view out of its storage into contiguous row-major bytes. */
    private static List<Tensor> materialize(Object state, Path file, StorageBytes storages) {
        if (!(state instanceof Map<?, ?> dict)) {
            throw new CheckpointException(file + ": the checkpoint is not a state dict (found "
                    + (state == null ? "nothing" : state.getClass().getSimpleName()) + ")");
        }
        List<Tensor> out = new ArrayList<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                continue;
            }
            if (e.getValue() instanceof TensorRef ref) {
                out.add(new Tensor(name, ref.storage().dtype(), ref.size(), contiguous(name, ref, storages.of(ref.storage()), file)));
            }
        }
        return out;
    }

    private static byte[] contiguous(String name, TensorRef t, byte[] storage, Path file) {
        int elem = t.storage().dtype().bytes;
        long numel = 1;
        long lastIndex = t.offset();
        for (int d = 0; d < t.size().length; d++) {
            if (t.size()[d] < 0 || t.stride()[d] < 0) {
                throw new CheckpointException(file + ": tensor " + name + " has a negative size or stride");
            }
            try {
                numel = Math.multiplyExact(numel, t.size()[d]);
                if (t.size()[d] > 0) {
                    lastIndex = Math.addExact(lastIndex, Math.multiplyExact(t.size()[d] - 1, t.stride()[d]));
                }
            } catch (ArithmeticException ex) {
                throw new CheckpointException(file + ": tensor " + name + " has an absurd size");
            }
        }
        if (numel == 0) {
            return new byte[0];
        }
        if (t.offset() < 0 || (lastIndex + 1) * elem > storage.length) {
            throw new CheckpointException(file + ": storage " + t.storage().key() + " has " + storage.length / elem
                    + " elements but tensor " + name + " needs " + (lastIndex + 1) + " (corrupt or truncated storage)");
        }
        if (numel * elem > MAX_STORAGE_BYTES) {
            throw new CheckpointException(file + ": tensor " + name + " is larger than 2 GiB");
        }
        byte[] out = new byte[(int) (numel * elem)];
        int rank = t.size().length;
        long[] index = new long[rank];
        // Walk the elements in row-major order; copy runs along the last dimension when it is contiguous.
        long run = rank == 0 ? 1 : t.size()[rank - 1];
        boolean lastContiguous = rank == 0 || t.stride()[rank - 1] == 1;
        int written = 0;
        while (written < out.length) {
            long src = t.offset();
            for (int d = 0; d < rank - 1; d++) {
                src += index[d] * t.stride()[d];
            }
            if (lastContiguous) {
                System.arraycopy(storage, (int) (src * elem), out, written, (int) (run * elem));
                written += (int) (run * elem);
            } else {
                long stride = t.stride()[rank - 1];
                for (long i = 0; i < run; i++) {
                    System.arraycopy(storage, (int) ((src + i * stride) * elem), out, written, elem);
                    written += elem;
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < t.size()[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }
}
