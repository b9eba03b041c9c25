#!/usr/bin/env python3
"""Regenerates the extra Pillow 9.4 goldens in this folder (PNG inputs + expected.json).

Run with Pillow 9.4.0, torch and torchvision installed (Debian 12: python3-pil python3-torchvision):
    python3 generate.py
The eval transform is torchvision's Resize/CenterCrop as open_clip builds it; "longest" follows open_clip's
ResizeKeepRatio(longest=1) + CenterCropOrPad. Pillow writes the PNGs it can; the formats it cannot write
(2/4-bit grey, 16-bit colour, Adam7) are written by the small encoder below. Pillow decodes all of them.
"""
import hashlib
import json
import struct
import zlib
from pathlib import Path

import numpy as np
import PIL
import torch
from PIL import Image
from torchvision import transforms as T
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F

assert PIL.__version__ == "9.4.0", PIL.__version__
HERE = Path(__file__).resolve().parent
MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


def pattern(h, w, seed):
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    return [((a * x + b * y + c * x * y // 7 + seed) % 256).astype(np.uint8)
            for a, b, c in ((7, 13, 1), (3, 5, 2), (11, 2, 3), (1, 9, 5))]


def smooth(h, w, seed):
    """Gradients and a few sharp edges: compresses well, still exercises every filter tap."""
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    return [((a * x + b * y + seed * 10 + 60 * ((x // 17 + y // 13) % 2)) % 256).astype(np.uint8)
            for a, b in ((1, 2), (3, 1), (2, 3), (1, 1))]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png(path, samples, depth, color_type, interlace=False, palette=None):
    """samples: uint array [h, w, channels] of raw sample values at `depth` bits."""
    h, w, ch = samples.shape

    bpp = max(1, ch * depth // 8)

    def filtered(kind, line, prev):
        """PNG filter `kind` applied to one row (every kind is used, in turn, to exercise the decoder)."""
        cur = np.frombuffer(line, np.uint8).astype(np.int64)
        up = np.frombuffer(prev, np.uint8).astype(np.int64) if prev else np.zeros_like(cur)
        left = np.concatenate([np.zeros(bpp, np.int64), cur[:-bpp]])
        upleft = np.concatenate([np.zeros(bpp, np.int64), up[:-bpp]])
        if kind == 0:
            pred = np.zeros_like(cur)
        elif kind == 1:
            pred = left
        elif kind == 2:
            pred = up
        elif kind == 3:
            pred = (left + up) // 2
        else:
            p = left + up - upleft
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, upleft))
        return bytes([kind]) + ((cur - pred) % 256).astype(np.uint8).tobytes()

    def rows(img):
        out = b""
        prev = None
        for i, r in enumerate(img):
            flat = r.reshape(-1)
            if depth == 16:
                line = flat.astype(">u2").tobytes()
            elif depth == 8:
                line = flat.astype(np.uint8).tobytes()
            else:
                bits = "".join(format(int(v), "0%db" % depth) for v in flat)
                bits += "0" * (-len(bits) % 8)
                line = int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""
            out += filtered(i % 5, line, prev)
            prev = line
        return out

    if interlace:
        raw = b""
        for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                               (0, 1, 1, 2)):
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += rows(sub)
    else:
        raw = rows(samples)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 1 if interlace else 0)
    body = png_chunk(b"IHDR", ihdr)
    if palette is not None:
        body += png_chunk(b"PLTE", bytes(palette))
    body += png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)


def make_inputs():
    r, g, b, a = smooth(240, 320, 1)
    la = Image.merge("LA", (Image.fromarray(r), Image.fromarray(a)))
    la.save(HERE / "la8_320x240.png")

    y, x = np.mgrid[0:300, 0:300]
    gray16 = ((x * 2 + y) % 600).astype(np.uint16)
    Image.fromarray(gray16, "I;16").save(HERE / "gray16_300x300.png")

    bits = ((pattern(250, 250, 2)[0] > 127) * 255).astype(np.uint8)
    Image.fromarray(bits).convert("1").save(HERE / "gray1_250x250.png")

    write_png(HERE / "gray2_150x170.png", (pattern(170, 150, 3)[1] % 4)[..., None], 2, 0)
    write_png(HERE / "gray4_201x203.png", (pattern(203, 201, 4)[2] % 16)[..., None], 4, 0)

    idx = (pattern(230, 260, 5)[0] % 16).astype(np.uint8)
    p4 = Image.fromarray(idx, "P")
    p4.putpalette([v for i in range(16) for v in (i * 16, 255 - i * 9, (i * 77) % 256)])
    p4.save(HERE / "p4_trns_260x230.png", bits=4, transparency=bytes([i * 16 for i in range(16)]))

    idx1 = (pattern(100, 280, 6)[3] % 2).astype(np.uint8)
    p1 = Image.fromarray(idx1, "P")
    p1.putpalette([200, 30, 60, 10, 220, 90])
    p1.save(HERE / "p1_280x100.png", bits=1)

    c16 = np.dstack([v.astype(np.uint16) * 256 + 255 - v for v in smooth(230, 250, 7)[:3]])
    write_png(HERE / "rgb16_250x230.png", c16, 16, 2)
    c16a = np.dstack([v.astype(np.uint16) * 251 for v in smooth(228, 236, 8)])
    write_png(HERE / "rgba16_236x228.png", c16a, 16, 6)
    la16 = np.dstack([v.astype(np.uint16) * 256 + 255 for v in smooth(230, 240, 9)[1:3]])
    write_png(HERE / "la16_240x230.png", la16, 16, 4)

    rgb = np.dstack(smooth(231, 257, 10)[:3])
    write_png(HERE / "rgb8_adam7_257x231.png", rgb, 8, 2, interlace=True)
    pal = [v for i in range(256) for v in (i, (i * 3) % 256, 255 - i)]
    write_png(HERE / "p2_adam7_61x77.png", (pattern(77, 61, 11)[0] % 4)[..., None], 2, 3, interlace=True,
              palette=pal[:12])

    Image.fromarray(np.dstack(smooth(300, 224, 12)[:3])).save(HERE / "rgb_224x300.png")
    Image.fromarray(np.dstack(smooth(224, 297, 13)[:3])).save(HERE / "rgb_297x224.png")
    Image.fromarray(np.dstack(pattern(280, 100, 14)[:3])).save(HERE / "rgb_100x280.png")
    idx8 = pattern(280, 100, 15)[0]
    p8 = Image.fromarray(idx8, "P")
    p8.putpalette([v for i in range(256) for v in ((i * 5) % 256, i, (i * 11) % 256)])
    p8.save(HERE / "p8_100x280.png")
    rgba = Image.fromarray(np.dstack(pattern(90, 120, 16)), "RGBA")
    rgba.save(HERE / "rgba8_120x90.png")


class ResizeKeepRatio:
    """open_clip.transform.ResizeKeepRatio without the random parts."""

    def __init__(self, size, longest):
        self.size, self.longest = size, longest

    def __call__(self, img):
        h, w = img.size[::-1]
        ratio_h, ratio_w = h / self.size[0], w / self.size[1]
        ratio = max(ratio_h, ratio_w) * self.longest + min(ratio_h, ratio_w) * (1.0 - self.longest)
        return F.resize(img, [round(h / ratio), round(w / ratio)], InterpolationMode.BICUBIC)


def center_crop_or_pad(img, size, fill):
    """open_clip.transform.center_crop_or_pad."""
    crop_h, crop_w = size
    w, h = img.size
    if crop_w > w or crop_h > h:
        pad = [(crop_w - w) // 2 if crop_w > w else 0, (crop_h - h) // 2 if crop_h > h else 0,
               (crop_w - w + 1) // 2 if crop_w > w else 0, (crop_h - h + 1) // 2 if crop_h > h else 0]
        img = F.pad(img, pad, fill=fill)
        w, h = img.size
        if crop_w == w and crop_h == h:
            return img
    return F.crop(img, int((h - crop_h) / 2.0), int((w - crop_w) / 2.0), crop_h, crop_w)


def transform(mode, size, fill):
    if mode == "shortest":
        geometry = [T.Resize(size[0], interpolation=InterpolationMode.BICUBIC), T.CenterCrop(size)]
    elif mode == "squash":
        geometry = [T.Resize(size, interpolation=InterpolationMode.BICUBIC)]
    else:
        geometry = [ResizeKeepRatio(size, 1), lambda im: center_crop_or_pad(im, size, fill)]
    return T.Compose(geometry + [lambda im: im.convert("RGB")])


def main():
    make_inputs()
    cases = []
    for path in sorted(HERE.glob("*.png")):
        configs = [("shortest", 0)]
        if path.name in ("rgb_100x280.png", "p8_100x280.png", "la8_320x240.png"):
            configs += [("squash", 0), ("longest", 0), ("longest", 77)]
        for resize_mode, fill in configs:
            im = Image.open(path)
            mode = im.mode
            rgb = transform(resize_mode, (224, 224), fill)(im)
            arr = np.asarray(rgb)
            tensor = T.Normalize(MEAN, STD)(T.ToTensor()(rgb))
            cases.append({
                "file": path.name,
                "pillow_mode": mode,
                "resize_mode": resize_mode,
                "fill_color": fill,
                "resized_rgb_sha256": hashlib.sha256(arr.tobytes()).hexdigest(),
                "resized_rgb_sum": int(arr.astype(np.int64).sum()),
                "tensor_first8": [round(float(v), 7) for v in tensor.reshape(-1)[:8]],
            })
    meta = {"generator": "generate.py", "pillow": PIL.__version__, "torch": torch.__version__,
            "torchvision": __import__("torchvision").__version__, "cases": cases}
    (HERE / "expected.json").write_text(json.dumps(meta, indent=1) + "\n")


if __name__ == "__main__":
    main()
