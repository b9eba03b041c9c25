#!/usr/bin/env bash
# Coordinator + broker capacity (issue 3) and the coordinator's memory as the corpus grows (issue 6).
#
# Runs real `facesweep scan --broker` processes (the coordinator's own jar) against the real RabbitMQ, each with its
# own queue prefix, while a benchmark-only stand-in pool (bench: StandInPool) answers every batch at once with
# 768-d unit embeddings; measures images/s from the scan's start to its end as the store recorded them, for SQLite
# (the default store) and PostgreSQL, and samples the coordinator's live heap after a full GC during a large and a
# 10x smaller scan. Writes the results between the markers of the "Coordinator capacity (issue 3)" section of
# docs/benchmarks.md (raw JSON lines in bench/out/capacity-runs.jsonl).
#
# Usage: bench/run-capacity.sh            (from anywhere; about 25 minutes with the defaults)
# Environment:
#   CAPACITY_MODEL     bundle the coordinator embeds its prompts with and whose model id and width the stand-ins
#                      answer with (default bench/models/ViT-L-14-bench, made by bench/make-vit-l-14.py; without
#                      it the fixture ../shared/fixtures/clip-tiny/model, 32-d, and the doc says so)
#   CAPACITY_BROKER    amqp URL (default amqp://guest:guest@localhost:5672)
#   CAPACITY_PG        PostgreSQL database the benchmark drops and creates for each run (default
#                      jdbc:postgresql://localhost:5432/facesweep_capacity_bench; "off" skips PostgreSQL)
#   CAPACITY_DIR       corpora and state folders (default bench/out/capacity; the corpora are kept and reused)
#   CAPACITY_IMAGES    images of the throughput corpus (default 300000)
#   CAPACITY_BATCHES   batch sizes to measure (default "16 64")
#   CAPACITY_WORKERS   stand-in workers, i.e. the pool size the coordinator sees (default 8)
#   CAPACITY_REPEATS   runs per store and batch size; the table shows the best (default 2)
#   CAPACITY_MEMORY    corpus sizes of the memory runs (default "100000 1000000"; "" skips them)
#   CAPACITY_BASELINE  a coordinator jar to measure too, once per store of CAPACITY_BASELINE_STORES (default
#                      sqlite), at batch 16, for a before/after line (optional; e.g. one built at commit 92b6427)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${BENCH_PYTHON:-/usr/bin/python3}
BROKER=${CAPACITY_BROKER:-amqp://guest:guest@localhost:5672}
PG=${CAPACITY_PG:-jdbc:postgresql://localhost:5432/facesweep_capacity_bench}
DIR=${CAPACITY_DIR:-$ROOT/bench/out/capacity}
IMAGES=${CAPACITY_IMAGES:-300000}
BATCHES=${CAPACITY_BATCHES:-16 64}
WORKERS=${CAPACITY_WORKERS:-8}
REPEATS=${CAPACITY_REPEATS:-2}
MEMORY=${CAPACITY_MEMORY-100000 1000000}
BASELINE=${CAPACITY_BASELINE:-}
BASELINE_STORES=${CAPACITY_BASELINE_STORES:-sqlite}
MODEL=${CAPACITY_MODEL:-$ROOT/bench/models/ViT-L-14-bench}
OUT=bench/out
DOC=docs/benchmarks.md
RUNS=$OUT/capacity-runs.jsonl

fail() { echo "run-capacity: $*" >&2; exit 2; }
MODEL_NOTE=""
if [ ! -f "$MODEL/config.json" ]; then
  [ -n "${CAPACITY_MODEL:-}" ] && fail "CAPACITY_MODEL=$MODEL is not a model bundle (no config.json)"
  MODEL=$ROOT/../shared/fixtures/clip-tiny/model
  [ -f "$MODEL/config.json" ] || fail "no bench/models/ViT-L-14-bench (run bench/make-vit-l-14.py) and no fixture model"
  MODEL_NOTE="the ViT-L-14 benchmark bundle was not built, so this run used the fixture clip-tiny model (32-d embeddings: far smaller result messages than a real model's)"
  echo "run-capacity: $MODEL_NOTE" >&2
fi
command -v jcmd >/dev/null || fail "jcmd not found: install a full JDK (the memory runs read the heap with it)"

echo "building the coordinator and the bench module..." >&2
./mvnw -B -q -Pbench -pl coordinator,bench -am -DskipTests package
COORDINATOR=coordinator/target/facesweep-coordinator.jar
CP="bench/target/facesweep-bench.jar:bench/target/lib/*"
BROKER_PORT=$(sed -E 's#^amqps?://([^@/]*@)?[^:/]+:?([0-9]*).*#\2#' <<<"$BROKER")
BROKER_PID=$(ss -ltnpH "sport = :${BROKER_PORT:-5672}" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
BROKER_ARGS=()
[ -n "$BROKER_PID" ] && BROKER_ARGS=(--broker-pid "$BROKER_PID")

mkdir -p "$DIR" "$OUT"
: > "$RUNS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before: $LOAD_BEFORE" >&2

# run TAG IMAGES STORE BATCH [extra CapacityBench options]: one scan, its JSON line tagged and appended to RUNS.
run() {
  local tag=$1 images=$2 store=$3 batch=$4 line
  shift 4
  local store_args=()
  [ "$store" = postgresql ] && store_args=(--store "$PG")
  line=$(java -cp "$CP" dev.facesweep.bench.CapacityBench run --coordinator "${JAR:-$COORDINATOR}" --model "$MODEL" \
    --images "$images" --batch "$batch" --workers "$WORKERS" --broker "$BROKER" --prefix "capacity-bench-$$." \
    --state "$DIR/state" --log "$OUT/capacity-last.log" --timeout 3600 "${BROKER_ARGS[@]}" "${store_args[@]}" \
    "$@" "$DIR/corpus-$images")
  echo "$tag $store b$batch: $(sed -E 's/.*"per_second":([0-9.]+).*"machine_busy_cores":([0-9.]+).*/\1 img\/s, machine busy \2 cores/' <<<"$line")" >&2
  echo "{\"tag\": \"$tag\", \"result\": $line}" >> "$RUNS"
}

STORES=(sqlite)
[ "$PG" != off ] && STORES+=(postgresql)
for round in $(seq 1 "$REPEATS"); do
  for store in "${STORES[@]}"; do
    for batch in $BATCHES; do
      run "throughput round$round" "$IMAGES" "$store" "$batch"
    done
  done
done
if [ -n "$BASELINE" ]; then
  for store in $BASELINE_STORES; do
    JAR=$BASELINE run "baseline" "$IMAGES" "$store" 16
  done
fi
for images in $MEMORY; do
  # heap after a full GC every ~50 samples of the run (jcmd GC.class_histogram), SQLite
  run "memory" "$images" sqlite 16 --heap --sample-every "$(( images / 5000 / 40 > 2 ? images / 5000 / 40 : 2 ))"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average after: $LOAD_AFTER" >&2
rm -rf "$DIR/state"

export LOAD_BEFORE LOAD_AFTER MODEL_NOTE IMAGES WORKERS REPEATS
export JAVA_VERSION=$(java -version 2>&1 | head -1)
cpuinfo() { grep -m1 "^$1[[:space:]]*:" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'; }
VM=$(grep -qw hypervisor /proc/cpuinfo && echo '; virtual machine' || true)
export CPU_MODEL="$(cpuinfo 'model name') (family $(cpuinfo 'cpu family'), model $(cpuinfo model)$VM)"
export NPROC=$(nproc) MEM_GB=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
export COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- common coordinator bench || echo "+changes")
export RABBITMQ=$(rabbitmqctl version 2>/dev/null || echo "unknown")
export POSTGRES=$(psql -V 2>/dev/null | awk '{ print $3 }' || echo "unknown")
export AUTOVACUUM=$(psql -h localhost -U postgres -At -c "show autovacuum" 2>/dev/null || echo "unknown")
export SQLITE_JDBC=$(ls bench/target/lib | sed -n 's/^sqlite-jdbc-\(.*\)\.jar$/\1/p')
"$PY" - "$RUNS" "$DOC" <<'PYEOF'
import datetime
import json
import os
import statistics
import sys

runs_file, doc = sys.argv[1], sys.argv[2]
e = os.environ
runs = [json.loads(line) for line in open(runs_file)]
TARGET = 5000


def other_cores(r):
    return max(0.0, r["other_cpu_seconds"]) / r["process_seconds"]


def per_1k(seconds, images):
    return seconds * 1000 / images * 1000


rows = []
headline = []
for tag in ("throughput", "baseline"):
    groups = {}
    for r in runs:
        if r["tag"].startswith(tag):
            res = r["result"]
            groups.setdefault((res["store"], res["batch"]), []).append(res)
    for (store, batch), results in sorted(groups.items(), key=lambda kv: (kv[0][0] != "sqlite", kv[0][1])):
        best = max(results, key=lambda x: x["per_second"])
        ratio = best["per_second"] / TARGET
        name = store if store == "sqlite" else "PostgreSQL"
        if store == "sqlite":
            name = "SQLite (default)"
        what = "" if tag == "throughput" else " - **before** (`CAPACITY_BASELINE` jar)"
        if tag == "throughput" and batch == 16:
            headline.append((name, best["per_second"], ratio))
        broker = best.get("broker_cpu_seconds")
        n = best["images"]
        all_runs = ", ".join("%s" % format(round(x["per_second"]), ",") for x in results)
        cpu = " / ".join([
            "%.0f" % per_1k(best["coordinator_cpu_seconds"], n),
            "-" if broker is None else "%.0f" % per_1k(broker, n),
            "%.0f" % per_1k(best["standin_cpu_seconds"], n),
            "%.0f" % per_1k(max(0.0, best["other_cpu_seconds"]), n)])
        verdict = "met" if ratio >= 1 else "missed"
        rows.append(
            f"| {name}{what} | {batch} | {n:,} | **{best['per_second']:,.0f}** ({all_runs}) | **{ratio:.2f}** | "
            f"{verdict} | {best['scan_seconds']:.1f} | {cpu} | {best['machine_busy_cores']:.2f} | "
            f"{best['failed']} / {best['standin_repeats']} |")

mem_rows = []
mem = [r["result"] for r in runs if r["tag"] == "memory"]
for res in mem:
    samples = [s for s in res["samples"] if "live_heap_kb" in s]
    heap = [s["live_heap_kb"] / 1024 for s in samples]
    objects = [s["live_objects"] for s in samples]
    rss = [s["rss_kb"] / 1024 for s in samples]
    mem_rows.append(
        f"| {res['images']:,} | {len(samples)} | {min(heap):.1f} / {statistics.median(heap):.1f} / {max(heap):.1f} | "
        f"{min(objects):,} / {statistics.median(objects):,.0f} / {max(objects):,} | "
        f"{statistics.median(rss):.0f} / {res['coordinator_peak_rss_kb'] / 1024:.0f} | "
        f"{res['per_second']:,.0f} | {res['store_bytes'] / 2**30:.2f} |")
trace = ""
if mem:
    big = max(mem, key=lambda r: r["images"])
    pts = [s for s in big["samples"] if "live_heap_kb" in s]
    step = max(1, len(pts) // 12)
    trace = ", ".join(f"{s['answered_images'] // 1000:,}k: {s['live_heap_kb'] / 1024:.1f} MB"
                      for s in pts[::step])

model = runs[0]["result"]["model"]
dim = runs[0]["result"]["dim"]
disturbed = [r for r in runs if other_cores(r["result"]) > 0.3 and r["result"]["store"] == "sqlite"]
generated = f"""<!-- capacity:begin (generated by bench/run-capacity.sh; edit the notes below the end marker) -->
Run {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} at commit `{e['COMMIT']}`.

- Machine: {e['NPROC']} cores (`nproc`), {e['CPU_MODEL']}, {e['MEM_GB']} GB RAM; shared with other builds.
  Load average (1, 5, 15 min) before: {e['LOAD_BEFORE']}; after: {e['LOAD_AFTER']}.
- Java: {e['JAVA_VERSION']}, default JVM flags. RabbitMQ {e['RABBITMQ']} (quorum queues, on this machine),
  PostgreSQL {e['POSTGRES']} (on this machine, server defaults of this box: autovacuum {e['AUTOVACUUM']}), SQLite through sqlite-jdbc {e['SQLITE_JDBC']}.
- Command: `bench/run-capacity.sh` (builds with `./mvnw -B -q -Pbench -pl coordinator,bench -am -DskipTests package`).
  Each run is a real `java -jar coordinator/target/facesweep-coordinator.jar scan ROOT --broker ... --queue-prefix
  ... --batch-size B --json --metrics-port 0` (metrics served, as by default) from an empty store, against
  {e['WORKERS']} benchmark-only stand-in workers (`bench/.../StandInPool.java`, in the benchmark's own process) that
  answer every batch at once with unit embeddings of the model's width ({dim}-d, model `{model}`), with heartbeats,
  prefetch 2, publisher confirms and an ack after the confirm. {e['MODEL_NOTE']}
- Corpus: `<root>/set-NNNNNN/faces/img-NNNNNNNN.png`, 100 per face set; each file is a few dozen distinct bytes,
  not a PNG (the coordinator walks and hashes every file; the stand-ins never read them).
- img/s = images / (scan's `finished_at` - `created_at` in the store): walk, hash, stage, claim, publish, score
  and store every result, finish. Best of {e['REPEATS']} run(s), all runs in brackets. CPU per image from
  `/proc` over the whole run (the coordinator's includes its start-up: JVM, model load, JIT).

| store | batch | images | img/s (runs) | / 5,000 | target >= 1.0 | scan s | CPU µs per image: coordinator / broker / stand-ins / rest (PostgreSQL, kernel, others) | machine busy cores | failed / repeated batches |
|---|---|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Coordinator memory as the corpus grows (SQLite, batch 16): the live heap and object count after a full GC
(`jcmd PID GC.class_histogram`), sampled about 40 times per run while the scan ran; resident set from
`/proc/PID/status`.

| images | samples | live heap MB min / median / max | live objects min / median / max | RSS MB median / peak | img/s (with sampling) | store GB |
|---|---|---|---|---|---|---|
{chr(10).join(mem_rows)}

Live heap through the largest run (images answered: heap): {trace}.
{"" if not disturbed else f"{len(disturbed)} SQLite run(s) had more than 0.3 cores of other load; compare the better runs."}
<!-- capacity:end -->"""

title = "## Coordinator capacity (issue 3)"
text = open(doc).read()
if title not in text:
    text = text.rstrip("\n") + f"\n\n{title}\n\n<!-- capacity:begin -->\n<!-- capacity:end -->\n"
start = text.index("<!-- capacity:begin")
end = text.index("<!-- capacity:end -->") + len("<!-- capacity:end -->")
text = text[:start] + generated + text[end:]
open(doc, "w").write(text)
for name, rate, ratio in headline:
    print(f"{name}: {rate:,.0f} img/s at batch 16 = {ratio:.2f} x target")
print(f"wrote {doc}")
PYEOF
