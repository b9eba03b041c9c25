#!/usr/bin/python3
"""Builds the ViT-L-14 benchmark bundle (issue 6) from the weight-less graph in shared/fixtures/vit-l-14-graph.

The graph is open_clip's real ViT-L-14 image encoder with its 151 large initializers moved to an external file
that is not shipped. This script writes that file with random values (float32 little-endian, normal * 0.02, a
fixed seed, no denormals or NaN) at every initializer's recorded offset, so ONNX Runtime runs exactly the real
model's compute, and wraps it into an Immich-layout bundle the worker and `./facesweep model check` accept:

  <out>/config.json                   ViT-L-14 open_clip config, embed_dim 768, logit_scale 100
  <out>/visual/model.onnx             copy of the graph (its external data resolves relative to this file)
  <out>/visual/visual.weights         1,215,082,496 bytes of random weights
  <out>/visual/preprocess_cfg.json    open_clip defaults (224 px, bicubic, shortest side, OpenAI mean/std)
  <out>/textual/model.onnx            STAND-IN text model (see below)
  <out>/textual/bpe_simple_vocab_16e6.txt.gz  open_clip's vocabulary, copied from the clip-tiny fixture

There is no ViT-L-14 text graph, and the clip-tiny text model embeds into 32 dimensions, not 768, so the
textual model is a small stand-in with the right interface: token ids int32 [N, 77] -> Gather from a random
[49408, 768] embedding table -> ReduceMean over the 77 positions -> `embedding` [N, 768]. Its numbers mean
nothing. It only lets the bundle load and prompts embed; the text tower runs once per prompt set, so its cost is
negligible next to the image model, which is the real one. Never use this bundle for real scores.

The output (about 1.4 GB) lives outside git (bench/models/ is ignored). Rerunning with the same seed and an
intact weights file only rewrites the small files.

Usage: /usr/bin/python3 bench/make-vit-l-14.py [--out bench/models/ViT-L-14-bench] [--seed 6] [--force]
Needs Debian's python3-onnx and python3-numpy (apt-get install -y python3-onnx python3-numpy).
"""
import argparse
import json
import os
import pathlib
import shutil
import sys

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError as e:
    sys.exit(f"make-vit-l-14: {e}: run it with /usr/bin/python3 after apt-get install -y python3-onnx python3-numpy")

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCALE = 0.02
TINY = 1e-6  # values closer to zero than this are pushed out to +-TINY: no denormals, no exact zeros
CHUNK = 1 << 24  # floats per write


def parse_args():
    fixtures = pathlib.Path(os.environ.get("FACESWEEP_FIXTURES", ROOT.parent / "shared" / "fixtures"))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--graph", type=pathlib.Path, default=fixtures / "vit-l-14-graph" / "visual.onnx")
    p.add_argument("--vocab", type=pathlib.Path,
                   default=fixtures / "clip-tiny" / "model" / "textual" / "bpe_simple_vocab_16e6.txt.gz")
    p.add_argument("--out", type=pathlib.Path, default=ROOT / "bench" / "models" / "ViT-L-14-bench")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--force", action="store_true", help="rewrite the weights even when they look current")
    return p.parse_args()


def external_layout(graph_path):
    """(location, [(offset, length, name)]) of the graph's external initializers; checks they tile the file."""
    model = onnx.load(str(graph_path), load_external_data=False)
    spans = []
    locations = set()
    for init in model.graph.initializer:
        if init.data_location != TensorProto.EXTERNAL:
            continue
        if init.data_type != TensorProto.FLOAT:
            sys.exit(f"make-vit-l-14: initializer {init.name} is {TensorProto.DataType.Name(init.data_type)}; "
                     "expected float32 only")
        entries = {e.key: e.value for e in init.external_data}
        locations.add(entries["location"])
        length = int(entries["length"])
        count = int(np.prod(init.dims)) if init.dims else 1
        if length != count * 4:
            sys.exit(f"make-vit-l-14: initializer {init.name} has length {length}, shape {list(init.dims)} needs "
                     f"{count * 4}")
        spans.append((int(entries.get("offset", 0)), length, init.name))
    if len(locations) != 1:
        sys.exit(f"make-vit-l-14: expected one external data file, the graph names {sorted(locations)}")
    spans.sort()
    end = 0
    for offset, length, name in spans:
        if offset < end:
            sys.exit(f"make-vit-l-14: initializer {name} overlaps the previous one")
        end = offset + length
    return locations.pop(), spans, model


def write_weights(path, spans, seed):
    """Random float32 LE at every span; gaps (alignment padding, if any) are zero bytes."""
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as f:
        for offset, length, _ in spans:
            if f.tell() < offset:
                f.write(b"\0" * (offset - f.tell()))
            left = length // 4
            while left:
                n = min(left, CHUNK)
                v = rng.standard_normal(n, dtype=np.float32) * np.float32(SCALE)
                small = np.abs(v) < TINY
                v[small] = np.copysign(np.float32(TINY), v[small])
                assert np.isfinite(v).all()
                f.write(v.astype("<f4", copy=False).tobytes())
                left -= n
    os.replace(tmp, path)


def text_stand_in(seed, vocab=49408, width=768, context=77):
    """token ids int32 [N, context] -> mean over positions of a random embedding table -> [N, width]."""
    rng = np.random.default_rng(seed + 1)
    table = (rng.standard_normal((vocab, width), dtype=np.float32) * np.float32(SCALE)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Gather", ["token_embedding", "text"], ["tokens"], axis=0),
            helper.make_node("ReduceMean", ["tokens"], ["embedding"], axes=[1], keepdims=0),
        ],
        "vit_l_14_text_stand_in",
        [helper.make_tensor_value_info("text", TensorProto.INT32, ["batch", context])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", width])],
        [numpy_helper.from_array(table, "token_embedding")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="facesweep bench/make-vit-l-14.py")
    model.ir_version = 8
    model.doc_string = ("STAND-IN text model for the ViT-L-14 benchmark bundle: mean of random token embeddings. "
                        "Its embeddings mean nothing.")
    onnx.checker.check_model(model)
    return model


CONFIG = {
    "embed_dim": 768,
    "quick_gelu": False,
    "vision_cfg": {"image_size": 224, "layers": 24, "width": 1024, "patch_size": 14},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 768, "heads": 12, "layers": 12},
    "model_name": "ViT-L-14",
    "logit_scale": 100.0,
}

PREPROCESS = {
    "size": [224, 224],
    "mode": "RGB",
    "mean": [0.48145466, 0.4578275, 0.40821073],
    "std": [0.26862954, 0.26130258, 0.27577711],
    "interpolation": "bicubic",
    "resize_mode": "shortest",
    "fill_color": 0,
}


def main():
    a = parse_args()
    for f in (a.graph, a.vocab):
        if not f.is_file():
            sys.exit(f"make-vit-l-14: {f} not found: set FACESWEEP_FIXTURES to the shared fixtures folder")
    location, spans, _ = external_layout(a.graph)
    size = spans[-1][0] + spans[-1][1]
    visual = a.out / "visual"
    textual = a.out / "textual"
    visual.mkdir(parents=True, exist_ok=True)
    textual.mkdir(parents=True, exist_ok=True)

    weights = visual / location
    stamp = visual / (location + ".seed")
    current = weights.is_file() and weights.stat().st_size == size and stamp.is_file() \
        and stamp.read_text().strip() == str(a.seed)
    if current and not a.force:
        print(f"{weights}: current (seed {a.seed}, {size} bytes), kept", file=sys.stderr)
    else:
        print(f"writing {weights}: {len(spans)} initializers, {size} bytes, seed {a.seed}...", file=sys.stderr)
        stamp.unlink(missing_ok=True)
        write_weights(weights, spans, a.seed)
        stamp.write_text(f"{a.seed}\n")
    shutil.copyfile(a.graph, visual / "model.onnx")
    (visual / "preprocess_cfg.json").write_text(json.dumps(PREPROCESS, indent=2) + "\n")
    config = dict(CONFIG, pretrained=f"random-bench-seed-{a.seed}",
                  note="benchmark bundle: real ViT-L-14 image graph with random weights; the textual model is a "
                       "stand-in (bench/make-vit-l-14.py); its scores mean nothing")
    (a.out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    text_model = textual / "model.onnx"
    if not text_model.is_file() or a.force or not current:
        onnx.save(text_stand_in(a.seed), str(text_model))
    shutil.copyfile(a.vocab, textual / a.vocab.name)
    print(a.out)


if __name__ == "__main__":
    main()
