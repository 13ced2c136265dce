#!/usr/bin/env python3
"""Sums the frontend statistics of one build (codegen-bench.sh; issue 24).

codegen-bench.sh builds each benchmark target with `-stats-output-dir DIR` (in the scratch
package's swiftSettings, so the tool and the runtime are built without it) and empties DIR before
every build, so DIR holds one JSON file per swift-frontend job of that build. This prints one line,
CPU seconds (user + system) summed over the jobs:

    jobs frontend emit_module compile typecheck sil_opt irgen

  frontend     every job
  emit_module  the module job (-emit-module over all files: what an edit pays for every spec)
  compile      the compile jobs (-c: what a clean build pays per spec, in parallel)
  typecheck    "Type checking and Semantic analysis" in all jobs
  sil_opt      "SIL optimization" in all jobs
  irgen        "IRGen" in all jobs (the frontend has no LLVM timer in its statistics)
"""
import glob
import json
import os
import sys


def cpu(stats, name):
    return stats.get(name + '.user', 0.0) + stats.get(name + '.sys', 0.0)


def main():
    totals = dict.fromkeys(['frontend', 'emit_module', 'compile', 'typecheck', 'sil_opt', 'irgen'], 0.0)
    jobs = 0
    for path in glob.glob(os.path.join(sys.argv[1], '*.json')):
        with open(path) as f:
            stats = json.load(f)
        # The job's own timer is named time.swift-frontend.<module>-<input>-<target>-<output>-<opt>.
        names = {key.rsplit('.', 1)[0] for key in stats if key.startswith('time.swift-frontend.')}
        if not names:
            continue
        jobs += 1
        name = names.pop()
        job = cpu(stats, name)
        totals['frontend'] += job
        totals['emit_module' if '-swiftmodule-' in name else 'compile'] += job
        totals['typecheck'] += cpu(stats, 'time.swift.Type checking and Semantic analysis')
        totals['sil_opt'] += cpu(stats, 'time.swift.SIL optimization')
        totals['irgen'] += cpu(stats, 'time.swift.IRGen')
    print(jobs, ' '.join('%.2f' % totals[k] for k in
                         ['frontend', 'emit_module', 'compile', 'typecheck', 'sil_opt', 'irgen']))


if __name__ == '__main__':
    main()
