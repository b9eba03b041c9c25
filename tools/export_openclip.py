#!/usr/bin/env python3
"""Export an open_clip CLIP model to a facesweep model bundle (Immich-compatible layout).

Writes, under --out:
  config.json                        open_clip model cfg + logit_scale, model_name, pretrained, export
  visual/model.onnx                  image [N,3,H,W] float32 -> embedding [N,D]
  visual/preprocess_cfg.json         size, mode, mean, std, interpolation, resize_mode, fill_color
  textual/model.onnx                 text [N,77] int32 -> embedding [N,D] (causal mask inside the graph)
  textual/bpe_simple_vocab_16e6.txt.gz   open_clip's BPE vocabulary

Needs: pip install open_clip_torch torch onnx  (plus onnxconverter-common for --fp16; onnxruntime is used,
when installed, to compare the exported graphs with torch). See docs/models.md.
"""

import argparse
import inspect
import json
import shutil
import sys
from pathlib import Path

OPSET = 17
VOCAB_FILE = "bpe_simple_vocab_16e6.txt.gz"
PREPROCESS_KEYS = ("size", "mode", "mean", "std", "interpolation", "resize_mode", "fill_color")
SAMPLE_PROMPT = "a photo of a face"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Export an open_clip model to a facesweep/Immich-format ONNX bundle "
                    "(visual + textual ONNX, opset 17, TorchScript exporter).")
    parser.add_argument("--model", default="ViT-L-14", help="open_clip model name (default: %(default)s)")
    parser.add_argument("--pretrained", default="dfn2b_s39b",
                        help="open_clip pretrained tag or checkpoint path (default: %(default)s)")
    parser.add_argument("--out", required=True, type=Path, help="bundle folder to write")
    parser.add_argument("--batch", type=int, default=None,
                        help="fix the batch dimension to N (e.g. for DirectML); default: dynamic batch axis")
    parser.add_argument("--fp16", action="store_true",
                        help="convert weights to float16, keeping LayerNormalization in float32 and the "
                             "model inputs/outputs float32 (needs onnxconverter-common)")
    parser.add_argument("--model-config", type=Path, default=None,
                        help="export a randomly initialised model from this open_clip JSON config "
                             "(model name = file stem; --model and --pretrained are ignored)")
    parser.add_argument("--seed", type=int, default=None,
                        help="torch seed for --model-config (default: 0)")
    args = parser.parse_args(argv)

    if args.batch is not None and args.batch < 1:
        parser.error(f"--batch must be at least 1, got {args.batch}")
    if args.seed is not None and args.model_config is None:
        parser.error("--seed only applies with --model-config (pretrained weights are not random)")
    if args.model_config is not None:
        check_model_config(parser, args.model_config)
        if args.seed is None:
            args.seed = 0
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out} exists and is not a folder: choose another path")
    return args


def check_model_config(parser, path):
    """open_clip silently ignores config files without these keys; say so before loading torch."""
    if path.suffix != ".json" or not path.is_file():
        parser.error(f"--model-config {path}: not a .json file")
    try:
        cfg = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        parser.error(f"--model-config {path}: cannot read JSON ({e})")
    missing = [k for k in ("embed_dim", "vision_cfg", "text_cfg") if not isinstance(cfg, dict) or k not in cfg]
    if missing:
        parser.error(f"--model-config {path}: missing {', '.join(missing)} (open_clip model configs need "
                     "embed_dim, vision_cfg and text_cfg)")


def load_model(args, torch, open_clip):
    """Returns (model, model_name, pretrained label, open_clip model cfg)."""
    if args.model_config is not None:
        open_clip.add_model_config(args.model_config)
        name, pretrained = args.model_config.stem, None
    else:
        name, pretrained = args.model.replace("/", "-"), args.pretrained
    cfg = open_clip.get_model_config(name)
    if cfg is None:
        sys.exit(f"error: open_clip has no model config named {name}: see open_clip.list_models()")
    if pretrained is None:
        torch.manual_seed(args.seed)
        return open_clip.create_model(name, pretrained=None), name, f"random-seed-{args.seed}", cfg
    return open_clip.create_model(name, pretrained=pretrained), name, pretrained, cfg


def preprocess_cfg(model, open_clip):
    getter = getattr(open_clip, "get_model_preprocess_cfg", None)
    cfg = dict(getter(model)) if getter else dict(getattr(model.visual, "preprocess_cfg", {}) or {})
    defaults = {
        "size": getattr(model.visual, "image_size", 224),
        "mode": "RGB",
        "mean": open_clip.OPENAI_DATASET_MEAN,
        "std": open_clip.OPENAI_DATASET_STD,
        "interpolation": "bicubic",
        "resize_mode": "shortest",
        "fill_color": 0,
    }
    out = {}
    for key in PREPROCESS_KEYS:
        if key not in cfg:
            print(f"warning: the model has no preprocess '{key}'; writing open_clip's default {defaults[key]!r}",
                  file=sys.stderr)
        value = cfg.get(key, defaults[key])
        if key == "size":
            value = [int(value), int(value)] if isinstance(value, int) else [int(v) for v in value]
        elif isinstance(value, tuple):
            value = list(value)
        out[key] = value
    return out


def encoder(torch, model, method):
    """A module whose forward is model.<method>(x): what torch.onnx.export traces."""

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, x):
            return getattr(self.model, method)(x)

    return Encoder().eval()


def export(torch, module, sample, path, input_name, fixed_batch):
    path.parent.mkdir(parents=True, exist_ok=True)
    kwargs = dict(
        input_names=[input_name],
        output_names=["embedding"],
        opset_version=OPSET,
        do_constant_folding=True,
        export_params=True,
    )
    if fixed_batch is None:
        kwargs["dynamic_axes"] = {input_name: {0: "batch"}, "embedding": {0: "batch"}}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # the TorchScript exporter: its opset-17 graphs are the ones DirectML fuses
    torch.onnx.export(module, (sample,), str(path), **kwargs)


def to_fp16(path):
    """Float16 weights and compute, LayerNormalization kept in float32 (DirectML fp16 LayerNorm is unreliable).
    keep_io_types=True: the graph still takes and returns float32, so callers feed the same tensors either way."""
    import onnx
    from onnxconverter_common import float16

    block = list(float16.DEFAULT_OP_BLOCK_LIST) + ["LayerNormalization"]
    converted = float16.convert_float_to_float16(onnx.load(str(path)), keep_io_types=True, op_block_list=block)
    onnx.save(converted, str(path))


def compare_with_onnxruntime(path, input_name, sample, expected):
    """Runs the exported graph on the export sample; prints the worst cosine against torch."""
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError:
        print(f"  (onnxruntime not installed: {path} not compared with torch)")
        return
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(["embedding"], {input_name: sample})[0].astype(np.float64)
    want = expected.astype(np.float64)
    cos = (got * want).sum(-1) / np.maximum(np.linalg.norm(got, axis=-1) * np.linalg.norm(want, axis=-1), 1e-12)
    print(f"  {path}: onnxruntime vs torch: min cosine {cos.min():.6f}, "
          f"max abs diff {np.abs(got - want).max():.3g}")


def main(argv=None):
    args = parse_args(argv)

    try:  # imported after parsing so --help works without torch
        import torch
        import open_clip
        if args.fp16:
            import onnx  # noqa: F401
            from onnxconverter_common import float16  # noqa: F401
    except ImportError as e:
        sys.exit(f"error: {e.name} is not installed: pip install open_clip_torch torch onnx"
                 + (" onnxconverter-common" if args.fp16 else ""))

    if hasattr(torch.backends, "mha") and hasattr(torch.backends.mha, "set_fastpath_enabled"):
        torch.backends.mha.set_fastpath_enabled(False)  # the fused attention op has no ONNX export

    model, model_name, pretrained, cfg = load_model(args, torch, open_clip)
    model.eval()

    tokenizer = open_clip.get_tokenizer(model_name)
    if not isinstance(tokenizer, open_clip.SimpleTokenizer):
        sys.exit(f"error: {model_name} uses {type(tokenizer).__name__}, not open_clip's BPE SimpleTokenizer; "
                 "facesweep bundles carry the BPE vocabulary: choose a CLIP model with the default tokenizer")
    vocab = Path(open_clip.__file__).resolve().parent / VOCAB_FILE
    if not vocab.is_file():
        sys.exit(f"error: {vocab} is missing from the installed open_clip: reinstall open_clip_torch")

    if getattr(model, "logit_bias", None) is not None:
        print("warning: this model has a logit_bias (SigLIP-style); facesweep scores with "
              "softmax(logit_scale * cosine) and ignores it", file=sys.stderr)

    pp = preprocess_cfg(model, open_clip)
    batch = args.batch or 2  # a sample batch > 1 keeps the traced graph free of batch-1 special cases
    height, width = pp["size"]
    image = torch.randn(batch, 3, height, width, dtype=torch.float32)
    text = tokenizer([SAMPLE_PROMPT] * batch).to(torch.int32)

    out = args.out
    visual_path = out / "visual" / "model.onnx"
    textual_path = out / "textual" / "model.onnx"
    visual = encoder(torch, model, "encode_image")
    textual = encoder(torch, model, "encode_text")
    with torch.no_grad():
        logit_scale = float(model.logit_scale.exp().item())
        image_expected = visual(image).float().numpy()
        text_expected = textual(text).float().numpy()
        print(f"exporting {model_name} ({pretrained}) image encoder to {visual_path} ...")
        export(torch, visual, image, visual_path, "image", args.batch)
        print(f"exporting text encoder to {textual_path} ...")
        export(torch, textual, text, textual_path, "text", args.batch)

    if args.fp16:
        for path in (visual_path, textual_path):
            print(f"converting {path} to float16 (LayerNormalization stays float32) ...")
            to_fp16(path)

    compare_with_onnxruntime(visual_path, "image", image.numpy(), image_expected)
    compare_with_onnxruntime(textual_path, "text", text.numpy(), text_expected)

    (out / "visual" / "preprocess_cfg.json").write_text(json.dumps(pp, indent=2) + "\n", encoding="utf-8")
    cfg.update({
        "model_name": model_name,
        "pretrained": pretrained,
        "logit_scale": logit_scale,
        "export": {
            "precision": "fp16" if args.fp16 else "fp32",
            "batch": args.batch if args.batch else "dynamic",
            "opset": OPSET,
            "text_dtype": "int32",
            "open_clip": getattr(open_clip, "__version__", "unknown"),
            "torch": torch.__version__,
        },
    })
    (out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    shutil.copyfile(vocab, out / "textual" / VOCAB_FILE)

    print(f"logit_scale = {logit_scale:.4f}")
    print("wrote:")
    for rel in ("config.json", "visual/model.onnx", "visual/preprocess_cfg.json", "textual/model.onnx",
                f"textual/{VOCAB_FILE}"):
        f = out / rel
        print(f"  {f}  ({f.stat().st_size / 1e6:.1f} MB)")
    print(f"next: ./facesweep model check {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
