#!/usr/bin/env python3
"""Reference side of the preprocessing benchmark: Pillow + torchvision doing open_clip's eval transform.

Usage: pillow_preprocess.py SECONDS IMAGE...   prints one JSON line {"images": N, "seconds": S, "per_second": R}

Runs on one core (torch.set_num_threads(1)); every iteration reads the file from disk (page cache) and runs
Resize(224, BICUBIC) -> CenterCrop(224) -> convert("RGB") -> ToTensor -> Normalize, as open_clip does.
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
    seconds = float(sys.argv[1])
    files = sys.argv[2:]
    torch.set_num_threads(1)
    transform = T.Compose([
        T.Resize(224, interpolation=T.InterpolationMode.BICUBIC),
        T.CenterCrop(224),
        lambda im: im.convert("RGB"),
        T.ToTensor(),
        T.Normalize(MEAN, STD),
    ])

    def one(path):
        with Image.open(path) as im:
            return transform(im)

    for path in files:  # warm-up
        one(path)
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for path in files:
            one(path)
        done += len(files)
    elapsed = time.perf_counter() - start
    print(json.dumps({"images": done, "seconds": round(elapsed, 3), "per_second": round(done / elapsed, 2),
                      "pillow": Image.__version__, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
