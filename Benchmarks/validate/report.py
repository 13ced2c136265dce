#!/usr/bin/env python3
"""Prints the validate benchmark's table from hyperfine's JSON, jsonschema_time.py's output and
/usr/bin/time's peak memory (called by Benchmarks/validate/bench.sh)."""
import argparse
import json
import os


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hyperfine", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--python-time", required=True)
    p.add_argument("--rss", action="append", default=[])
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--runs", type=int, required=True)
    a = p.parse_args()

    hf = {r["command"]: r for r in json.load(open(a.hyperfine))["results"]}
    py = json.load(open(a.python))
    py_rss, py_elapsed, py_user, py_sys = open(a.python_time).read().split()[-4:]
    rss = dict(item.split("=", 1) for item in a.rss)
    if py["failingCount"]:
        raise SystemExit("error: jsonschema rejects %d specs, e.g. %s" % (py["failingCount"], py["failing"]))

    def mb(kb):
        return "%.1f" % (int(kb) / 1024)

    v, v0, jq = hf["validate"], hf["validate-0"], hf["jq"]
    rows = [
        ("connector-compiler validate (release)", "process, %d files" % a.count,
         v["median"], v["user"] + v["system"], mb(rss["validate"])),
        ("connector-compiler validate, 0 files", "process start-up only",
         v0["median"], v0["user"] + v0["system"], mb(rss["validate-0"])),
        ("python jsonschema (Draft 2020-12)", "validation only, loaded specs",
         py["medianWall"], py["medianCPU"], mb(py_rss)),
        ("python jsonschema, whole process", "start, import, compile, load, %d rounds" % py["rounds"],
         float(py_elapsed), float(py_user) + float(py_sys), mb(py_rss)),
        ("jq empty", "process, %d files" % a.count, jq["median"], jq["user"] + jq["system"], mb(rss["jq"])),
    ]
    print()
    print("validate benchmark: %d specs, %.1f KB average, %.2f MB in all" % (a.count, a.bytes / a.count / 1024, a.bytes / 1e6))
    print("(wall = median of %d hyperfine runs, or of %d in-process rounds for jsonschema; CPU = user+system,"
          " hyperfine's mean; peak RSS from /usr/bin/time)" % (a.runs, py["rounds"]))
    print()
    print("| %-38s | %-40s | %8s | %8s | %12s |" % ("tool", "timed", "wall s", "CPU s", "peak RSS MB"))
    print("| %s | %s | %s | %s | %s |" % ("-" * 38, "-" * 40, "-" * 7 + ":", "-" * 7 + ":", "-" * 11 + ":"))
    for name, what, wall, cpu, mem in rows:
        print("| %-38s | %-40s | %8.3f | %8.3f | %12s |" % (name, what, wall, cpu, mem))
    print()
    speedup_wall = py["medianWall"] / v["median"]
    speedup_cpu = py["medianCPU"] / (v["user"] + v["system"])
    jq_wall = v["median"] / jq["median"]
    jq_cpu = (v["user"] + v["system"]) / (jq["user"] + jq["system"])
    def verdict(ok):
        return "met" if ok else "MISSED"

    print("jsonschema / validate: %.1fx (wall), %.1fx (CPU)   target >= 10x: %s (wall), %s (CPU)"
          % (speedup_wall, speedup_cpu, verdict(speedup_wall >= 10), verdict(speedup_cpu >= 10)))
    print("validate / jq empty:   %.2fx (wall), %.2fx (CPU)   target <= 2x: %s (wall), %s (CPU)"
          % (jq_wall, jq_cpu, verdict(jq_wall <= 2), verdict(jq_cpu <= 2)))
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load > cores:
        print("note: load average %.1f on %d cores during the run: other processes took CPU, so wall times "
              "(validate uses every core) are unreliable; compare CPU times" % (load, cores))
    print("validate start-up (0 files) is %.0f%% of the 1,000-spec wall time" % (100 * v0["median"] / v["median"]))


if __name__ == "__main__":
    main()
