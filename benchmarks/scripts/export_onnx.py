#!/usr/bin/python3
"""Exports a synthetic cross-encoder to ONNX, for the ONNX Runtime side of the race.

Benchmark set-up only (never part of the tests or CI). Needs Debian's python3-torch
(apt-get install -y python3-torch) and reads the weights from a safetensors file written by
`rerank synth`, so both engines run exactly the same numbers. config.json's model_type picks the
architecture, as transformers does:
- roberta: positions count up from pad + 1 over real tokens, one token type, head
  classifier.out_proj(tanh(classifier.dense(h[<s>]))); inputs input_ids, attention_mask.
- bert: positions 0..n-1, token_type_ids (0 for the first text, 1 for the second), head
  classifier(tanh(bert.pooler.dense(h[CLS]))); inputs input_ids, attention_mask, token_type_ids.

usage: export_onnx.py MODEL_DIR OUT.onnx
"""
import json
import math
import struct
import sys

import numpy as np
import torch
from torch import nn


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{name}: only F32 weights are exported, found {info['dtype']}")
        begin, end = info["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype="<f4").copy().reshape(info["shape"]))
    return tensors


class Layer(nn.Module):
    def __init__(self, h, heads, inter, eps):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.o = nn.Linear(h, h)
        self.ln1 = nn.LayerNorm(h, eps=eps)
        self.up, self.down = nn.Linear(h, inter), nn.Linear(inter, h)
        self.ln2 = nn.LayerNorm(h, eps=eps)

    def forward(self, x, mask):
        b, n, h = x.shape
        d = h // self.heads

        def split(t):
            return t.view(b, n, self.heads, d).transpose(1, 2)

        scores = split(self.q(x)) @ split(self.k(x)).transpose(-1, -2) / math.sqrt(d) + mask
        ctx = (scores.softmax(-1) @ split(self.v(x))).transpose(1, 2).reshape(b, n, h)
        x = self.ln1(self.o(ctx) + x)
        return self.ln2(self.down(torch.nn.functional.gelu(self.up(x))) + x)


# What differs between the architectures: weight-name prefix, head names, default LayerNorm eps.
ARCHITECTURES = {
    "roberta": {"prefix": "roberta.", "dense": "classifier.dense", "out": "classifier.out_proj", "eps": 1e-5},
    "bert": {"prefix": "bert.", "dense": "bert.pooler.dense", "out": "classifier", "eps": 1e-12},
}


class CrossEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.kind = cfg.get("model_type", "roberta")
        if self.kind not in ARCHITECTURES:
            raise SystemExit(f"model_type {self.kind!r} is not exported (supported: {', '.join(ARCHITECTURES)})")
        arch = ARCHITECTURES[self.kind]
        h, eps = cfg["hidden_size"], cfg.get("layer_norm_eps", arch["eps"])
        self.pad = cfg.get("pad_token_id", 1 if self.kind == "roberta" else 0)
        self.words = nn.Embedding(cfg["vocab_size"], h)
        self.positions = nn.Embedding(cfg["max_position_embeddings"], h)
        self.token_type = nn.Embedding(cfg.get("type_vocab_size", 1 if self.kind == "roberta" else 2), h)
        self.ln = nn.LayerNorm(h, eps=eps)
        self.layers = nn.ModuleList(Layer(h, cfg["num_attention_heads"], cfg["intermediate_size"], eps)
                                    for _ in range(cfg["num_hidden_layers"]))
        self.dense = nn.Linear(h, h)
        self.out = nn.Linear(h, cfg.get("num_labels", 1))

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        if self.kind == "bert":
            positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0).expand_as(input_ids)
            types = token_type_ids
        else:
            # RoBERTa positions: real tokens count up from pad + 1.
            not_pad = (input_ids != self.pad).long()
            positions = torch.cumsum(not_pad, dim=1) * not_pad + self.pad
            types = torch.zeros_like(input_ids)
        x = self.words(input_ids) + self.token_type(types) + self.positions(positions)
        x = self.ln(x)
        mask = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, mask)
        return self.out(torch.tanh(self.dense(x[:, 0])))


def load(model, t):
    arch = ARCHITECTURES[model.kind]
    e = arch["prefix"] + "embeddings."
    with torch.no_grad():
        model.words.weight.copy_(t[e + "word_embeddings.weight"])
        model.positions.weight.copy_(t[e + "position_embeddings.weight"])
        model.token_type.weight.copy_(t[e + "token_type_embeddings.weight"])
        model.ln.weight.copy_(t[e + "LayerNorm.weight"])
        model.ln.bias.copy_(t[e + "LayerNorm.bias"])
        for i, layer in enumerate(model.layers):
            p = f"{arch['prefix']}encoder.layer.{i}."
            pairs = [(layer.q, "attention.self.query"), (layer.k, "attention.self.key"), (layer.v, "attention.self.value"),
                     (layer.o, "attention.output.dense"), (layer.ln1, "attention.output.LayerNorm"),
                     (layer.up, "intermediate.dense"), (layer.down, "output.dense"), (layer.ln2, "output.LayerNorm")]
            for module, name in pairs:
                module.weight.copy_(t[p + name + ".weight"])
                module.bias.copy_(t[p + name + ".bias"])
        for module, name in [(model.dense, arch["dense"]), (model.out, arch["out"])]:
            module.weight.copy_(t[name + ".weight"])
            module.bias.copy_(t[name + ".bias"])


def main():
    model_dir, out = sys.argv[1], sys.argv[2]
    cfg = json.load(open(f"{model_dir}/config.json"))
    model = CrossEncoder(cfg).eval()
    load(model, read_safetensors(f"{model_dir}/model.safetensors"))
    # A traced sample pair; any in-vocabulary ids do (both vocabularies have ids below 400).
    if model.kind == "bert":
        ids = torch.tensor([[101, 250, 313, 19, 10, 102, 250, 313, 102]], dtype=torch.long)
        types = torch.tensor([[0, 0, 0, 0, 0, 0, 1, 1, 1]], dtype=torch.long)
        inputs, names = (ids, torch.ones_like(ids), types), ["input_ids", "attention_mask", "token_type_ids"]
    else:
        ids = torch.tensor([[0, 250, 313, 19, 10, 2, 2, 250, 313, 2]], dtype=torch.long)
        inputs, names = (ids, torch.ones_like(ids)), ["input_ids", "attention_mask"]
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    axes["logits"] = {0: "batch"}
    torch.onnx.export(model, inputs, out, input_names=names, output_names=["logits"], dynamic_axes=axes, opset_version=14)
    print(f"wrote {out} ({model.kind})")


if __name__ == "__main__":
    main()
