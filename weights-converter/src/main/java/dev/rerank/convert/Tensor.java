package dev.rerank.convert;

import dev.rerank.weights.DType;

/** One named tensor ready to write: its type, shape and contiguous little-endian bytes. */
record Tensor(String name, DType dtype, long[] shape, byte[] data) {}
