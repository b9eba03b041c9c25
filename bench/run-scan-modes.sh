#!/usr/bin/env bash
# Distributed scan (RabbitMQ, one worker) against the embedded scan on the same model and threads (issue 3), side
# by side in one run. Writes the results between the markers of the "Distributed vs embedded scan (issue 3)" section
# of docs/benchmarks.md (raw JSON lines in bench/out/scan-modes/).
#
# Usage: bench/run-scan-modes.sh          (from anywhere; about 6 minutes on 2 cores after the first build)
# Needs: a RabbitMQ at BENCH_BROKER (default amqp://guest:guest@localhost:5672; the run uses its own queue prefix and
#   deletes its queues afterwards), Debian's /usr/bin/python3 with python3-numpy and python3-pil; for the ViT-L-14
#   part also python3-onnx (the 1.4 GB benchmark bundle is built by bench/make-vit-l-14.py when missing).
# Environment: BENCH_ROUNDS (scans per mode and model, default 2), BENCH_TINY_IMAGES (default 960),
#   BENCH_VIT_IMAGES (default 48), BENCH_VIT=0 skips the ViT-L-14 part, FACESWEEP_FIXTURES (default ../shared/fixtures).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${BENCH_PYTHON:-/usr/bin/python3}
ROUNDS=${BENCH_ROUNDS:-2}
TINY_IMAGES=${BENCH_TINY_IMAGES:-960}
VIT_IMAGES=${BENCH_VIT_IMAGES:-48}
BROKER=${BENCH_BROKER:-amqp://guest:guest@localhost:5672}
FIXTURES=${FACESWEEP_FIXTURES:-$ROOT/../shared/fixtures}
OUT=bench/out/scan-modes
DOC=docs/benchmarks.md
JAR=bench/target/facesweep-bench.jar
VIT_MODEL=bench/models/ViT-L-14-bench

fail() { echo "run-scan-modes: $*" >&2; exit 2; }
"$PY" -c 'import numpy, PIL' 2>/dev/null \
  || fail "$PY cannot import numpy and PIL: apt-get install -y python3-numpy python3-pil"
mkdir -p "$OUT"
START=$(date +%s)
UPTIME_BEFORE=$(uptime)

echo "building the coordinator, the worker and the bench module..." >&2
./mvnw -B -q -Pbench -pl bench,coordinator,worker-dml -am -DskipTests package
if [ "${BENCH_VIT:-1}" != 0 ]; then
  "$PY" bench/make-vit-l-14.py --out "$VIT_MODEL" >&2
fi

# corpus ROOT N: N distinct 512x512 PNGs (the fixture faces re-encoded with a small noise patch and the index in the
# first pixel, Pillow's default PNG settings) in face sets of 40: ROOT/set_XX/faces/img_NNNN.png.
corpus() {
  local dir=$1 n=$2
  if [ "$(find "$dir" -name 'img_*.png' 2>/dev/null | wc -l)" = "$n" ]; then
    return
  fi
  echo "writing $n 512x512 PNGs to $dir..." >&2
  rm -rf "$dir"
  "$PY" - "$FIXTURES/clip-tiny/images" "$dir" "$n" <<'PYEOF'
import glob
import os
import sys
import numpy as np
from PIL import Image
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
faces = sorted(glob.glob(f"{src}/face_*.png"))
rng = np.random.default_rng(3)
for i in range(n):
    a = np.array(Image.open(faces[i % len(faces)]).convert("RGB"), dtype=np.int16)
    if (i // len(faces)) % 2:
        a = a[:, ::-1]
    y, x = rng.integers(0, 512 - 48, 2)
    a[y:y + 48, x:x + 48] += rng.integers(-3, 4, (48, 48, 3), dtype=np.int16)
    a[0, 0] = (i & 255, (i >> 8) & 255, 11)
    d = f"{out}/set_{i // 40:02d}/faces"
    os.makedirs(d, exist_ok=True)
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB").save(f"{d}/img_{i:04d}.png")
PYEOF
}

PREFIX="bench-modes-$(date +%s)-$$."
cleanup() {
  java -cp "$JAR" dev.facesweep.bench.WorkerBench cleanup --broker "$BROKER" --prefix "$PREFIX" >/dev/null 2>&1 || true
}
trap cleanup EXIT

: > "$OUT/runs.jsonl"
# measure NAME MODEL CORPUS N
measure() {
  local name=$1 model=$2 dir=$3 n=$4
  corpus "$dir" "$n"
  echo "$name: $ROUNDS scans per mode of $n images..." >&2
  "$PY" bench/scan_modes.py --facesweep ./facesweep --model "$model" --corpus "$dir" --images "$n" \
    --broker "$BROKER" --prefix "$PREFIX" --rounds "$ROUNDS" --work "$OUT" --worker-log "$OUT/worker-$name.log" \
    | while read -r line; do
        echo "$line" >&2
        echo "{\"model\": \"$name\", \"result\": $line}" >> "$OUT/runs.jsonl"
      done
}
measure clip-tiny "$FIXTURES/clip-tiny/model" "$ROOT/$OUT/corpus-tiny" "$TINY_IMAGES"
if [ "${BENCH_VIT:-1}" != 0 ]; then
  measure ViT-L-14 "$VIT_MODEL" "$ROOT/$OUT/corpus-vit" "$VIT_IMAGES"
fi
cleanup
trap - EXIT

export UPTIME_BEFORE UPTIME_AFTER=$(uptime) ROUNDS
export MINUTES=$(( ($(date +%s) - START + 59) / 60 ))
export NPROC=$(nproc)
export COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- common coordinator worker-cpu worker-dml bench \
  || echo "+changes")
"$PY" - "$OUT/runs.jsonl" "$DOC" <<'PYEOF'
import datetime
import json
import os
import sys

runs_file, doc = sys.argv[1], sys.argv[2]
e = os.environ
models = {}
for line in open(runs_file):
    r = json.loads(line)
    models.setdefault(r["model"], []).append(r["result"])
rows = []
for name, results in models.items():
    summary = next(r for r in results if r.get("summary"))
    runs = summary["runs"]
    def cell(mode):
        mine = [r for r in runs if r["mode"] == mode]
        best = summary["best"][mode]
        others = ", ".join(f"{r['per_second']:.2f}" for r in mine)
        return f"**{best['per_second']:.2f}** ({others})", best
    emb, be = cell("embedded")
    dist, bd = cell("distributed")
    ratio = summary["ratio"]
    verdict = "met" if ratio >= 0.97 else "missed"
    load = "; ".join(f"{r['mode'][0].upper()}{r['round']} {r['own_cores']:.2f}/{r['others_cores']:.2f}" for r in runs)
    rows.append(f"| {name} | {runs[0]['images']} | {emb} | {dist} | **{ratio:.3f}** | >= 0.97 | {verdict} | {load} |")
gen = f"""<!-- scan-modes:begin (generated by bench/run-scan-modes.sh; edit the notes below the end marker) -->
Run {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} at commit `{e['COMMIT']}`, {e['MINUTES']} min in all,
on {e['NPROC']} cores; `uptime` before: `{e['UPTIME_BEFORE'].strip()}`; after: `{e['UPTIME_AFTER'].strip()}`.

- Command: `bench/run-scan-modes.sh`. Per model, one `./facesweep worker --model M --allow-root ROOT` (its CPU
  defaults: intra-op threads = cores, one decode thread, batch 8) idles on the broker while
  `./facesweep scan ROOT --model M --batch-size 8` runs alternately embedded (E) and with `--broker` (D), each in
  a fresh state folder, {e['ROUNDS']} times per mode, in the order E D, D E, ...
- Rate: images / seconds from the scan's `scan <id> of <root>` line (model loaded, store open) to the end of the
  process: walking, hashing, staging, dispatch, decoding, inference, recording. Best run in bold, every run in
  brackets. Load column: per run, cores used by the scan (plus the worker when distributed) / by every other
  process, during the window.
- Corpora: distinct 512x512 PNGs (the fixture faces re-encoded), face sets of 40.

| model | images | embedded img/s (runs) | distributed img/s (runs) | distributed / embedded | target | | load: own / others |
|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}
<!-- scan-modes:end -->"""
title = "## Distributed vs embedded scan (issue 3)"
text = open(doc).read()
if title not in text:
    text = text.rstrip("\n") + f"\n\n{title}\n\n<!-- scan-modes:begin -->\n<!-- scan-modes:end -->\n"
start = text.index("<!-- scan-modes:begin")
end = text.index("<!-- scan-modes:end -->") + len("<!-- scan-modes:end -->")
open(doc, "w").write(text[:start] + gen + text[end:])
for name, results in models.items():
    print(f"{name}: distributed / embedded = {next(r for r in results if r.get('summary'))['ratio']:.3f}")
print(f"wrote {doc}")
PYEOF
