#!/usr/bin/env python3
"""`make check-no-time-limits` (a step of `make test`): no step of `make test` sets a compile-time limit.

Type-checking limits (-warn-long-function-bodies, -warn-long-expression-type-checking,
-solver-expression-time-threshold) turn into errors under -warnings-as-errors, and on a shared or
loaded machine any function can pass a limit: such a test fails at random (issue 17). Their figures
belong in `make bench` (make bench-typecheck). This checks two places:
  1. the commands of `make -n test` (every step, dry run: nothing is built or run), and
  2. the files those commands hand flags to: Package.swift files and the test scripts under Tests/
     and Hub/Tests/ (Tests/Hostile/hostile_test.py passed them to its own `swift build` once).
Benchmarks/ is not checked: a benchmark reports these times, with no -warnings-as-errors.

Usage: check_no_time_limits.py [ROOT]   (default: the current folder)
"""
import os
import subprocess
import sys

LIMITS = ('warn-long-function-bodies', 'warn-long-expression-type-checking', 'solver-expression-time-threshold')
SCANNED = ('.py', '.sh', '.swift', '.mk')


def files(root):
    yield os.path.join(root, 'Package.swift')
    yield os.path.join(root, 'Hub', 'Package.swift')
    for top in ('Tests', os.path.join('Hub', 'Tests')):
        for folder, dirs, names in os.walk(os.path.join(root, top)):
            dirs[:] = [d for d in dirs if not d.startswith('.')]
            for name in names:
                if name.endswith(SCANNED):
                    yield os.path.join(folder, name)


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else '.')
    problems = []
    # `make -n` runs the recipe lines that call $(MAKE) (the step loop), dry-running each step.
    dry = subprocess.run(['make', '-n', '--no-print-directory', '-C', root, 'test'], capture_output=True, text=True)
    if dry.returncode != 0:
        print(dry.stdout[-3000:] + dry.stderr[-3000:], file=sys.stderr)
        print('error: `make -n test` failed', file=sys.stderr)
        return 1
    for line in dry.stdout.splitlines():
        if any(limit in line for limit in LIMITS):
            problems.append('make test runs: ' + line.strip()[:200])
    for path in files(root):
        if not os.path.isfile(path):
            continue
        with open(path, encoding='utf-8', errors='replace') as f:
            for number, line in enumerate(f, 1):
                if any(limit in line for limit in LIMITS):
                    problems.append('%s:%d: %s' % (os.path.relpath(path, root), number, line.strip()[:200]))
    if problems:
        for problem in problems:
            print('check-no-time-limits: ' + problem, file=sys.stderr)
        print('error: `make test` must not limit type-checking time (a loaded machine fails it at random); '
              'report the time in `make bench-typecheck` instead', file=sys.stderr)
        return 1
    steps = dry.stdout.count('\n')
    print('check-no-time-limits: no type-checking time limit in `make test` (%d dry-run command lines and the '
          'test scripts checked)' % steps)
    return 0


if __name__ == '__main__':
    sys.exit(main())
