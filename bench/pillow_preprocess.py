#!/usr/bin/env python3
"""Reference side of the preprocessing benchmark: Pillow + torchvision doing open_clip's eval transform.

Usage: pillow_preprocess.py [--breakdown] SECONDS IMAGE...
prints one JSON line {"side": "pillow", "images": N, "seconds": S, "per_second": R, ...}

Runs on one core (torch.set_num_threads(1)); every iteration reads the file from disk (page cache) and runs
Resize(224, BICUBIC) -> CenterCrop(224) -> convert("RGB") -> ToTensor -> Normalize, as open_clip does.
--breakdown times the stages separately: read + decode (Image.open + load), resize + crop + RGB, ToTensor +
Normalize (reported in milliseconds per image). cpu_share is this thread's CPU time over the wall time: well below 1
means another process took the core and the run should be repeated.
"""
import json
import sys
import time

import torch
from PIL import Image
from torchvision import transforms as T

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


def main():
    args = sys.argv[1:]
    breakdown = bool(args) and args[0] == "--breakdown"
    if breakdown:
        args = args[1:]
    if len(args) < 2:
        sys.exit("usage: pillow_preprocess.py [--breakdown] SECONDS IMAGE...")
    seconds = float(args[0])
    files = args[1:]
    torch.set_num_threads(1)
    geometry = T.Compose([
        T.Resize(224, interpolation=T.InterpolationMode.BICUBIC),
        T.CenterCrop(224),
        lambda im: im.convert("RGB"),
    ])
    tensor = T.Compose([
        T.ToTensor(),
        T.Normalize(MEAN, STD),
    ])
    transform = T.Compose([geometry, tensor])
    totals = [0.0, 0.0, 0.0]

    def one(path):
        with Image.open(path) as im:
            return transform(im)

    def one_timed(path):
        t0 = time.perf_counter()
        with Image.open(path) as im:
            im.load()
            t1 = time.perf_counter()
            rgb = geometry(im)
        t2 = time.perf_counter()
        out = tensor(rgb)
        t3 = time.perf_counter()
        totals[0] += t1 - t0
        totals[1] += t2 - t1
        totals[2] += t3 - t2
        return out

    run = one_timed if breakdown else one
    for path in files:  # warm-up
        run(path)
    totals[:] = [0.0, 0.0, 0.0]
    done = 0
    cpu_start = time.thread_time()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for path in files:
            run(path)
        done += len(files)
    elapsed = time.perf_counter() - start
    cpu = time.thread_time() - cpu_start
    result = {"side": "pillow", "images": done, "seconds": round(elapsed, 3), "per_second": round(done / elapsed, 2),
              "cpu_share": round(cpu / elapsed, 3),
              "pillow": Image.__version__, "torch": torch.__version__}
    if breakdown:
        result["ms_per_image"] = {"read_decode": round(totals[0] * 1000 / done, 3),
                                  "resize_crop_rgb": round(totals[1] * 1000 / done, 3),
                                  "to_tensor_normalize": round(totals[2] * 1000 / done, 3)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
