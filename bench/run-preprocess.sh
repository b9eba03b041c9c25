#!/usr/bin/env bash
# Preprocessing benchmark (issue 2): images/s on one core for 512x512 PNG decode + resize + normalise, Java's
# ClipImagePreprocessor against Pillow + torchvision, in one run on the same files. Writes the results between the
# markers of the "Preprocessing (issue 2)" section of docs/benchmarks.md (raw JSON lines in bench/out/).
#
# Usage: bench/run-preprocess.sh            (from anywhere; about 4 minutes)
# Environment: BENCH_SECONDS (timed window per run, default 10), BENCH_WARMUP (Java JIT warm-up, default 5),
#   BENCH_CORE (CPU to pin both sides to, default 0), BENCH_MIN_CPU_SHARE and BENCH_RETRIES (a run that got less
#   than this share of its core is repeated, at most this many attempts in all; defaults 0.9 and 3), BENCH_PYTHON
#   (default /usr/bin/python3, with Debian's python3-pil and python3-torchvision), FACESWEEP_FIXTURES (default
#   ../shared/fixtures beside the repository).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${BENCH_PYTHON:-/usr/bin/python3}
SECS=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-5}
CORE=${BENCH_CORE:-0}
MIN_SHARE=${BENCH_MIN_CPU_SHARE:-0.9}
RETRIES=${BENCH_RETRIES:-3}
FIXTURES=${FACESWEEP_FIXTURES:-$ROOT/../shared/fixtures}
OUT=bench/out
DOC=docs/benchmarks.md

fail() { echo "run-preprocess: $*" >&2; exit 2; }
command -v taskset >/dev/null || fail "taskset not found: install util-linux"
"$PY" -c 'import PIL, torch, torchvision, numpy' 2>/dev/null \
  || fail "$PY cannot import PIL, torch, torchvision and numpy: apt-get install python3-pil python3-torchvision"
shopt -s nullglob
FACES=("$FIXTURES"/clip-tiny/images/face_*.png)
shopt -u nullglob
[ ${#FACES[@]} -gt 0 ] || fail "no face_*.png in $FIXTURES/clip-tiny/images: set FACESWEEP_FIXTURES to the fixtures dir"

echo "building the bench module..." >&2
./mvnw -B -q -Pbench -pl bench -am -DskipTests package
JAR=bench/target/facesweep-bench.jar

# Noisier images than the rendered faces: smooth gradients plus Gaussian noise (sigma 12), saved by Pillow with
# its default PNG settings, so the decoder works through far more compressed data per image.
mkdir -p "$OUT/noisy"
"$PY" - "$OUT/noisy" <<'PYEOF'
import sys
import numpy as np
from PIL import Image
rng = np.random.default_rng(2)
y, x = np.mgrid[0:512, 0:512].astype(np.float32)
for i in range(4):
    base = np.stack([128 + 100 * np.sin(x / (40 + 10 * i) + c) * np.cos(y / (60 + 7 * i) - c) for c in range(3)], -1)
    img = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    Image.fromarray(img, "RGB").save(f"{sys.argv[1]}/noisy_{i}.png")
PYEOF
NOISY=("$OUT"/noisy/noisy_*.png)

RUNS=$OUT/preprocess-runs.jsonl
: > "$RUNS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before: $LOAD_BEFORE" >&2

# run TAG SIDE [--breakdown] IMAGE...: one pinned run, its JSON line tagged with the image set and round. A run whose
# cpu_share (CPU time of the benchmark thread / wall time) is below MIN_SHARE lost the core to another process: it
# is repeated, up to RETRIES times, and the doc counts the repeats.
run() {
  local tag=$1 side=$2 breakdown=() line share attempt
  shift 2
  if [ "$1" = --breakdown ]; then breakdown=(--breakdown); shift; fi
  for attempt in $(seq 1 "$RETRIES"); do
    if [ "$side" = java ]; then
      line=$(taskset -c "$CORE" java -jar "$JAR" --warmup "$WARMUP" --seconds "$SECS" "${breakdown[@]}" "$@")
    else
      line=$(taskset -c "$CORE" "$PY" bench/pillow_preprocess.py "${breakdown[@]}" "$SECS" "$@")
    fi
    share=$(sed -n 's/.*"cpu_share": \([0-9.]*\).*/\1/p' <<<"$line")
    echo "$tag (attempt $attempt, load $(cut -d' ' -f1 /proc/loadavg)) $line" >&2
    if awk -v s="$share" -v m="$MIN_SHARE" 'BEGIN { exit !(s >= m) }'; then
      break
    fi
    echo "  cpu_share $share < $MIN_SHARE: another process took the core" >&2
  done
  echo "{\"tag\": \"$tag\", \"attempts\": $attempt, \"result\": $line}" >> "$RUNS"
}

# Headline numbers: Java and Python alternate, twice per image set; the better run of each side counts.
for round in 1 2; do
  run "faces round$round" java "${FACES[@]}"
  run "faces round$round" pillow "${FACES[@]}"
  run "noisy round$round" java "${NOISY[@]}"
  run "noisy round$round" pillow "${NOISY[@]}"
done
# Where the time goes: one run per side with per-stage timers (not used for the headline numbers).
run "faces breakdown" java --breakdown "${FACES[@]}"
run "faces breakdown" pillow --breakdown "${FACES[@]}"
run "noisy breakdown" java --breakdown "${NOISY[@]}"
run "noisy breakdown" pillow --breakdown "${NOISY[@]}"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average after: $LOAD_AFTER" >&2

FACE_KB=$(stat -c %s "${FACES[@]}" | awk '{ s += $1 } END { print int(s / 1024) }')
NOISY_KB=$(stat -c %s "${NOISY[@]}" | awk '{ s += $1 } END { print int(s / 1024) }')
export LOAD_BEFORE LOAD_AFTER SECS WARMUP CORE FACE_KB NOISY_KB MIN_SHARE RETRIES
export FACE_COUNT=${#FACES[@]} NOISY_COUNT=${#NOISY[@]}
export JAVA_VERSION=$(java -version 2>&1 | head -1)
cpuinfo() { grep -m1 "^$1[[:space:]]*:" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'; }
VM=$(grep -qw hypervisor /proc/cpuinfo && echo '; virtual machine' || true)
export CPU_MODEL="$(cpuinfo 'model name') (family $(cpuinfo 'cpu family'), model $(cpuinfo model)$VM)"
export NPROC=$(nproc)
export COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- common bench || echo "+changes")
export TORCHVISION=$("$PY" -c 'import torchvision; print(torchvision.__version__)')
export NUMPY=$("$PY" -c 'import numpy; print(numpy.__version__)')
"$PY" - "$RUNS" "$DOC" <<'PYEOF'
import datetime
import json
import os
import sys

runs_file, doc = sys.argv[1], sys.argv[2]
e = os.environ
runs = [json.loads(line) for line in open(runs_file)]
head = [r for r in runs if "round" in r["tag"]]
stages = {(r["tag"].split()[0], r["result"]["side"]): r["result"] for r in runs if r["tag"].endswith("breakdown")}


def best(image_set, side):
    mine = [r["result"] for r in head if r["tag"].startswith(image_set) and r["result"]["side"] == side]
    return max(mine, key=lambda r: r["per_second"]), [r["per_second"] for r in mine]


pillow_version = next(r["result"]["pillow"] for r in head if "pillow" in r["result"])
torch_version = next(r["result"]["torch"] for r in head if "torch" in r["result"])
rows = []
summary = []
for image_set, count, kb, what in (
        ("faces", e["FACE_COUNT"], e["FACE_KB"], "fixture faces `face_*.png` (512x512 RGB)"),
        ("noisy", e["NOISY_COUNT"], e["NOISY_KB"], "generated noisy 512x512 RGB"),
):
    java, java_all = best(image_set, "java")
    pil, pil_all = best(image_set, "pillow")
    ratio = java["per_second"] / pil["per_second"]
    summary.append((image_set, ratio))
    rows.append(f"| {what}, {count} files, {int(kb) // int(count)} KiB each | {java['per_second']:.1f} "
                f"({', '.join(f'{v:.1f}' for v in java_all)}) | {pil['per_second']:.1f} "
                f"({', '.join(f'{v:.1f}' for v in pil_all)}) | **{ratio:.2f}** | "
                f"{'met' if ratio >= 1.0 else 'missed'} | {java['cpu_share']:.2f} / {pil['cpu_share']:.2f} |")

repeats = sum(r["attempts"] - 1 for r in runs)
low = [r for r in runs if r["result"]["cpu_share"] < float(e["MIN_SHARE"])]
stage_rows = []
for image_set in ("faces", "noisy"):
    j = stages[(image_set, "java")]["ms_per_image"]
    p = stages[(image_set, "pillow")]["ms_per_image"]
    jt = sum(j.values())
    pt = sum(p.values())
    stage_rows.append(f"| {image_set} | read + decode | {j['read'] + j['decode']:.2f} "
                      f"({j['read']:.2f} + {j['decode']:.2f}) | {p['read_decode']:.2f} |")
    stage_rows.append(f"| {image_set} | resize + crop + RGB | {j['resize_crop_rgb']:.2f} | {p['resize_crop_rgb']:.2f} |")
    stage_rows.append(f"| {image_set} | normalise to float32 | {j['normalize']:.2f} | {p['to_tensor_normalize']:.2f} |")
    stage_rows.append(f"| {image_set} | **total** | **{jt:.2f}** | **{pt:.2f}** |")

generated = f"""<!-- preprocess:begin (generated by bench/run-preprocess.sh; edit the notes below the end marker) -->
Run {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} at commit `{e['COMMIT']}`.

- Machine: {e['NPROC']} cores (`nproc`), {e['CPU_MODEL']} (`/proc/cpuinfo` model name); shared with other builds.
  Load average (1, 5, 15 min) before: {e['LOAD_BEFORE']}; after: {e['LOAD_AFTER']}.
- Java: {e['JAVA_VERSION']}, default JVM flags (one visible core: Serial GC).
- Python: Debian `/usr/bin/python3`, Pillow {pillow_version}, torch {torch_version}, torchvision {e['TORCHVISION']},
  numpy {e['NUMPY']}; `torch.set_num_threads(1)`.
- Command: `bench/run-preprocess.sh` (builds with `./mvnw -B -q -Pbench -pl bench -am -DskipTests package`).
  Each side runs pinned with `taskset -c {e['CORE']}`, one thread, for a {e['SECS']} s timed window; Java first
  warms up the JIT for {e['WARMUP']} s, Python runs one untimed pass. Java and Python alternate, twice per image
  set; the table shows the **better** of each side's two runs (both in brackets).
- Same work on both sides, per image and per iteration: read the file (from the page cache), decode the PNG,
  `Resize(224, BICUBIC)`, `CenterCrop(224)`, convert to RGB, float32 `(v / 255 - mean) / std` in CHW order.
  Java writes into one reused float buffer (as a worker fills its batch); torchvision allocates a new tensor.

| images | Java img/s per core (runs) | Pillow + torchvision img/s per core (runs) | Java / Pillow | target >= 1.0 | CPU share Java / Pillow |
|---|---|---|---|---|---|
{chr(10).join(rows)}

CPU share: the benchmark thread's CPU time over the wall time of the run shown; well below 1.00 means something else
ran on the pinned core during the window. A run below {e['MIN_SHARE']} was repeated (at most {e['RETRIES']} attempts): {repeats}
repeat(s) in this session{f", and {len(low)} run(s) still below it after the last attempt (kept, but treat them with care)" if low else ""}.

Where the time goes, in ms per image (one extra run per side with a timer around each stage, CPU share
{', '.join(f"{k[0]} {k[1]} {v['cpu_share']:.2f}" for k, v in stages.items())}; Java's read is `Files.readAllBytes`,
Pillow's read is inside `Image.open` + `load()`):

| images | stage | Java ms | Pillow + torchvision ms |
|---|---|---|---|
{chr(10).join(stage_rows)}
<!-- preprocess:end -->"""

title = "## Preprocessing (issue 2)"
text = open(doc).read() if os.path.exists(doc) else (
    "# Benchmarks\n\nHow fast facesweep's hot paths are, measured on the development machine. Each section says how "
    "to rerun it.\n")
if title not in text:
    text = text.rstrip("\n") + f"\n\n{title}\n\n<!-- preprocess:begin -->\n<!-- preprocess:end -->\n"
start = text.index("<!-- preprocess:begin")
end = text.index("<!-- preprocess:end -->") + len("<!-- preprocess:end -->")
text = text[:start] + generated + text[end:]
open(doc, "w").write(text)
for image_set, ratio in summary:
    print(f"{image_set}: Java / Pillow = {ratio:.2f}")
print(f"wrote {doc}")
PYEOF
