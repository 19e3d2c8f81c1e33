package dev.rerank.convert;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a view into a storage given by
 * an element offset, sizes and strides. Every number comes from the file, so before any byte is
 * touched {@link #check} proves with exact arithmetic that the view's last element lies inside
 * the storage; the copy loop's plain int arithmetic is then safe. (Unchecked long arithmetic let
 * size 2, stride 2^62 over a 1-element storage wrap around to index 0 and "convert" to
 * {@code [7.0, 7.0]}.)
 */
record TensorView(StorageRef storage, long offset, long[] size, long[] stride) {
    /** A storage as the pickle announces it: which bytes, of which element type, how many elements. */
    record StorageRef(String key, dev.rerank.weights.DType dtype, long numel) {
        /** The storage's size in bytes, or -1 if it does not fit a long. */
        long bytes() {
            try {
                return Math.multiplyExact(numel, dtype.bytes);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
    }

    /**
     * The bytes of the contiguous copy, after checking the view against a storage of
     * {@code storageBytes} bytes; the error names {@code where} (file and tensor).
     */
    long check(long storageBytes, String where) {
        if (size.length != stride.length) {
            throw new CheckpointException(where + " has " + size.length + " sizes but " + stride.length + " strides");
        }
        if (offset < 0) {
            throw new CheckpointException(where + " has a negative storage offset " + offset);
        }
        long numel = 1;
        long last = offset;
        try {
            for (int d = 0; d < size.length; d++) {
                if (size[d] < 0 || stride[d] < 0) {
                    throw new CheckpointException(where + " has a negative size or stride in dimension " + d);
                }
                numel = Math.multiplyExact(numel, size[d]);
                if (size[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
                }
            }
        } catch (ArithmeticException e) {
            throw new CheckpointException(where + " has sizes and strides that overflow 64 bits (corrupt or crafted)");
        }
        if (numel == 0) {
            return 0;
        }
        int elem = storage.dtype().bytes;
        long storageElements = storageBytes / elem;
        if (last >= storageElements) {
            throw new CheckpointException(where + " reaches element " + last + " of storage " + storage.key()
                    + ", which has " + storageElements + " elements (corrupt or truncated storage)");
        }
        if (numel > TorchCheckpoint.MAX_STORAGE_BYTES / elem) {
            throw new CheckpointException(where + " is larger than 2 GiB");
        }
        return numel * elem;
    }

    /** The view's elements in row-major order; {@link #check} must have passed for this storage. */
    byte[] copy(byte[] data) {
        int elem = storage.dtype().bytes;
        byte[] out = new byte[Math.toIntExact(check(data.length, "tensor"))];
        int rank = size.length;
        long[] index = new long[rank];
        // Walk the elements in row-major order; copy runs along the last dimension when it is contiguous.
        long run = rank == 0 ? 1 : size[rank - 1];
        boolean lastContiguous = rank == 0 || stride[rank - 1] == 1;
        int written = 0;
        while (written < out.length) {
            long src = offset;
            for (int d = 0; d < rank - 1; d++) {
                src += index[d] * stride[d];
            }
            if (lastContiguous) {
                System.arraycopy(data, (int) (src * elem), out, written, (int) (run * elem));
                written += (int) (run * elem);
            } else {
                long step = stride[rank - 1];
                for (long i = 0; i < run; i++) {
                    System.arraycopy(data, (int) ((src + i * step) * elem), out, written, elem);
                    written += elem;
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }
}
