#!/usr/bin/env python3
"""Writes testdata/gguf_py_golden.bin: reference vectors from llama.cpp's own
gguf-py (gguf/quants.py, numpy), for golden_test.cc. Run by hand, not by
ctest; the output is committed.

  apt-get install python3-numpy
  git clone <node-llama-cpp>/llama/gitRelease.bundle /tmp/llama-src   # the llama.cpp
      # source that the npm package node-llama-cpp ships (see shared/peers/llamacpp)
  /usr/bin/python3 make_golden.py /tmp/llama-src/gguf-py testdata/gguf_py_golden.bin

Records (little-endian), after the magic b"FQG1":
  u32 kind (0: decode, 1: encode), u32 ggml type id, u32 n_elements, u32 n_bytes
  kind 0: n_bytes block bytes, then n_elements float32 that gguf-py decodes
  kind 1: n_elements float32 inputs, then the n_bytes that gguf-py encodes
Decode inputs are random bytes whose fp16 scale fields are random finite
values (plus one fully random row per type, where NaN/Inf may appear).
"""
import struct
import sys

import numpy as np


def main():
    sys.path.insert(0, sys.argv[1])
    from gguf.constants import GGMLQuantizationType as T  # noqa: E402
    from gguf.quants import dequantize, quantize  # noqa: E402

    rng = np.random.default_rng(20240601)
    out = bytearray(b"FQG1")

    # type -> (block elements, block bytes, offsets of fp16 scale fields)
    layouts = {
        T.Q8_0: (32, 34, [0]),
        T.Q4_0: (32, 18, [0]),
        T.Q4_K: (256, 144, [0, 2]),
        T.Q5_K: (256, 176, [0, 2]),
        T.Q6_K: (256, 210, [208]),
        T.F16: (1, 2, []),
        T.BF16: (1, 2, []),
    }

    def finite_half():
        # exponent field 1..29 (2^-14 .. 2^14), random mantissa and sign
        return int((rng.integers(1, 30) << 10) | rng.integers(0, 1024) | (rng.integers(0, 2) << 15))

    for qtype, (bs, bpb, scale_offsets) in layouts.items():
        if qtype == T.BF16 and not hasattr(T, "BF16"):
            continue
        for fully_random in (False, True):
            n_blocks = 8 if bs == 32 else 4
            if bs == 1:
                n_blocks = 512
            raw = bytearray(rng.integers(0, 256, size=n_blocks * bpb, dtype=np.uint8).tobytes())
            if not fully_random:
                for b in range(n_blocks):
                    for off in scale_offsets:
                        struct.pack_into("<H", raw, b * bpb + off, finite_half())
            try:
                ref = dequantize(np.frombuffer(bytes(raw), dtype=np.uint8).copy(), qtype)
            except NotImplementedError:
                continue
            ref = np.asarray(ref, dtype=np.float32).reshape(-1)
            assert ref.size == n_blocks * bs
            out += struct.pack("<IIII", 0, int(qtype), ref.size, len(raw))
            out += raw
            out += ref.astype("<f4").tobytes()

    # Encoders that gguf-py implements bit-exactly to ggml's reference.
    for qtype, bs, bpb in ((T.Q8_0, 32, 34), (T.Q4_0, 32, 18)):
        for sigma in (1.0, 1e-3, 300.0):
            x = (rng.standard_normal(16 * bs) * sigma).astype(np.float32)
            x[5] = 0.0
            q = np.asarray(quantize(x, qtype), dtype=np.uint8).reshape(-1)
            assert q.size == 16 * bpb
            out += struct.pack("<IIII", 1, int(qtype), x.size, q.size)
            out += x.astype("<f4").tobytes()
            out += q.tobytes()

    # numpy's float32 -> float16 cast (round to nearest even) and gguf-py's
    # BF16 encoder (ggml_compute_fp32_to_bf16) on random bit patterns.
    bits = rng.integers(0, 2**32, size=2048, dtype=np.uint64).astype(np.uint32)
    near = (bits & np.uint32(0x807FFFFF)) | ((rng.integers(98, 145, size=bits.size).astype(np.uint32)) << 23)
    for qtype, pattern in ((T.F16, near), (T.BF16, bits)):
        x = pattern.view(np.float32).copy()
        if qtype == T.F16:
            x = x[~np.isnan(x)]  # NaN payload rules differ between converters
        q = np.asarray(quantize(x, qtype)).view(np.uint8).reshape(-1)
        out += struct.pack("<IIII", 1, int(qtype), x.size, q.size)
        out += x.astype("<f4").tobytes()
        out += q.tobytes()

    with open(sys.argv[2], "wb") as f:
        f.write(out)
    print(f"wrote {len(out)} bytes to {sys.argv[2]}")


if __name__ == "__main__":
    main()
