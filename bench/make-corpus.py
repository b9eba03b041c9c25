#!/usr/bin/python3
"""Writes a benchmark corpus of N distinct 512x512 PNGs made from the fixture faces.

Each image is a fixture face re-encoded with small changes (a mirrored copy every other round, a +-3 noise patch at
a random place, the index in the first pixel), so every file has its own sha256, as in a real corpus. Pillow's
default PNG settings, like the fixtures.

Usage: /usr/bin/python3 bench/make-corpus.py FACES_DIR OUT N [--seed S] [--per-faceset K]
  --per-faceset K: OUT/set_XX/faces/img_NNNN.png with K images per face set (a scannable corpus);
  without it:      OUT/img_NNNN.png (a flat folder of images).
"""
import argparse
import glob
import os

import numpy as np
from PIL import Image

ap = argparse.ArgumentParser()
ap.add_argument("faces")
ap.add_argument("out")
ap.add_argument("n", type=int)
ap.add_argument("--seed", type=int, default=6)
ap.add_argument("--per-faceset", type=int, default=0)
args = ap.parse_args()

faces = sorted(glob.glob(f"{args.faces}/face_*.png"))
if not faces:
    raise SystemExit(f"make-corpus: no face_*.png in {args.faces}")
rng = np.random.default_rng(args.seed)
for i in range(args.n):
    a = np.array(Image.open(faces[i % len(faces)]).convert("RGB"), dtype=np.int16)
    if (i // len(faces)) % 2:
        a = a[:, ::-1]
    y, x = rng.integers(0, 512 - 48, 2)
    a[y:y + 48, x:x + 48] += rng.integers(-3, 4, (48, 48, 3), dtype=np.int16)
    a[0, 0] = (i & 255, (i >> 8) & 255, args.seed)
    d = f"{args.out}/set_{i // args.per_faceset:02d}/faces" if args.per_faceset else args.out
    os.makedirs(d, exist_ok=True)
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB").save(f"{d}/img_{i:04d}.png")
