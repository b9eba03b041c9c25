#!/usr/bin/python3
"""Distributed scan (RabbitMQ, one worker) against the embedded scan, same model and threads (issue 3).

Driven by bench/run-scan-modes.sh, which builds the jars and the corpora. For each model: starts one
`./facesweep worker` (its CPU defaults: intra-op threads = cores, one decode thread, batch 8), then runs
`./facesweep scan ROOT --batch-size 8` alternately embedded and with `--broker` (fresh state folder every time, so
nothing is reused), ROUNDS times each, in the order E D, D E, E D, ... A worker is a long-running process, so one
unmeasured distributed scan warms it up first (its JIT), as any real worker is warm after its first minutes; every
embedded scan is a fresh process, as it is for a user.

Rate: images / seconds from the scan's "scan <id> of <root>" line (printed once the model is loaded and the store
open, before the walk) to the scan process's exit, so it covers walking, hashing, staging, dispatch, decoding,
inference and recording, and leaves out JVM start-up and model loading, which differ between the modes for reasons
unrelated to scanning (the distributed coordinator needs no image model; the worker was started beforehand).
Contention: `others` = cores' worth of CPU used by every other process during the window (/proc/stat minus the
scan process and, when distributed, the worker).

Prints one JSON line per scan and a final JSON summary line with two ratios: best distributed / best embedded, and
the median of the per-round ratios (each round's D over its E, measured back to back), which is less sensitive to a
single lucky or unlucky scan.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy():
    with open("/proc/stat") as f:
        parts = f.readline().split()
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in parts[1:9])
    return (user + nice + system + irq + softirq + steal) / TICKS


def proc_cpu(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


class Sampler(threading.Thread):
    """Keeps the last CPU time seen of a process that may exit at any moment."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.last = 0.0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            v = proc_cpu(self.pid)
            if v is None:
                return
            self.last = v
            time.sleep(0.05)


def scan(args, mode, worker_pid):
    state = tempfile.mkdtemp(prefix=f"scan-modes-{mode}-", dir=args.work)
    cmd = [args.facesweep, "scan", args.corpus, "--model", args.model, "--state", state, "--batch-size",
           str(args.batch), "--json", "--metrics-port", "off"]
    if mode == "distributed":
        cmd += ["--broker", args.broker, "--queue-prefix", args.prefix]
    env = dict(os.environ, FACESWEEP_NO_BUILD="1")
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    sampler = Sampler(p.pid)
    sampler.start()
    out_lines = []
    reader = threading.Thread(target=lambda: out_lines.extend(p.stdout), daemon=True)
    reader.start()
    t0 = None
    busy0 = own0 = worker0 = None
    err_tail = []
    for line in p.stderr:
        err_tail = (err_tail + [line.rstrip()])[-20:]
        if t0 is None and re.match(r"^(resuming )?scan \S+ of ", line):
            t0 = time.monotonic()
            busy0 = machine_busy()
            own0 = proc_cpu(p.pid) or 0.0
            worker0 = proc_cpu(worker_pid) if mode == "distributed" else 0.0
    p.wait()
    t1 = time.monotonic()
    busy1 = machine_busy()
    worker1 = proc_cpu(worker_pid) if mode == "distributed" else 0.0
    sampler.stop.set()
    sampler.join()
    reader.join()
    if p.returncode != 0 or t0 is None:
        sys.exit(f"scan-modes: {mode} scan failed (exit {p.returncode}):\n" + "\n".join(err_tail))
    summary = json.loads(out_lines[-1])
    if summary["scored"] != args.images or summary["failed"] != 0:
        sys.exit(f"scan-modes: {mode} scan scored {summary['scored']} of {args.images} images: {summary}")
    seconds = t1 - t0
    own = (sampler.last - own0) + (worker1 - worker0)
    subprocess.run(["rm", "-rf", state], check=False)
    return {"mode": mode, "images": summary["scored"], "seconds": round(seconds, 3),
            "per_second": round(summary["scored"] / seconds, 4), "own_cores": round(own / seconds, 2),
            "others_cores": round(max(0.0, (busy1 - busy0) - own) / seconds, 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--facesweep", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--images", type=int, required=True)
    ap.add_argument("--broker", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured distributed scans before the rounds")
    ap.add_argument("--work", required=True)
    ap.add_argument("--worker-log", required=True)
    args = ap.parse_args()

    env = dict(os.environ, FACESWEEP_NO_BUILD="1",
               FACESWEEP_JAVA_OPTS=f"-Dfacesweep.amqp.prefix={args.prefix} -Dserver.port=0")
    log = open(args.worker_log, "w")
    worker = subprocess.Popen([args.facesweep, "worker", "--broker", args.broker, "--model", args.model,
                               "--allow-root", args.corpus], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 180
        while True:
            text = open(args.worker_log).read()
            if re.search(r"consuming .* with prefetch", text):
                break
            if worker.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"scan-modes: the worker did not start; see {args.worker_log}")
            time.sleep(0.5)
        for _ in range(args.warmup):
            warm = scan(args, "distributed", worker.pid)
            print(json.dumps(dict(warm, warmup=True)), file=sys.stderr, flush=True)
        runs = []
        for r in range(args.rounds):
            order = ["embedded", "distributed"] if r % 2 == 0 else ["distributed", "embedded"]
            for mode in order:
                result = scan(args, mode, worker.pid)
                result["round"] = r + 1
                print(json.dumps(result), flush=True)
                runs.append(result)
    finally:
        worker.terminate()
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
    best = {m: max((x for x in runs if x["mode"] == m), key=lambda x: x["per_second"])
            for m in ("embedded", "distributed")}
    pairs = []
    for r in range(1, args.rounds + 1):
        rate = {x["mode"]: x["per_second"] for x in runs if x["round"] == r}
        pairs.append(round(rate["distributed"] / rate["embedded"], 4))
    print(json.dumps({"summary": True, "runs": runs, "best": best,
                      "ratio": round(best["distributed"]["per_second"] / best["embedded"]["per_second"], 4),
                      "round_ratios": pairs, "median_round_ratio": round(statistics.median(pairs), 4)}))


if __name__ == "__main__":
    main()
