#!/usr/bin/env python3
"""The python-jsonschema peer of the validate benchmark.

Compiles Schemas/connector.schema.json into one Draft 2020-12 validator, loads every spec of a
folder with json.loads, then times only the validation of all of them, ROUNDS times in this one
process. Prints one JSON object: the median and each round's seconds (wall and process CPU), the
load time, and how many specs failed the schema (the benchmark requires 0).

Usage: jsonschema_time.py SCHEMA DIR [ROUNDS]
"""
import json
import pathlib
import statistics
import sys
import time

from jsonschema import Draft202012Validator


def main():
    schema_path, folder = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)

    start = time.perf_counter()
    paths = sorted(folder.glob("*.json"))
    instances = [json.loads(p.read_bytes()) for p in paths]
    load_seconds = time.perf_counter() - start

    failing = []
    walls, cpus = [], []
    for _ in range(rounds):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        failing = [p.name for p, instance in zip(paths, instances) if next(validator.iter_errors(instance), None)]
        cpus.append(time.process_time() - cpu0)
        walls.append(time.perf_counter() - wall0)
    print(json.dumps({
        "specs": len(paths), "failing": failing[:5], "failingCount": len(failing),
        "loadSeconds": load_seconds, "rounds": rounds,
        "medianWall": statistics.median(walls), "medianCPU": statistics.median(cpus),
        "walls": walls, "cpus": cpus,
    }))


if __name__ == "__main__":
    main()
