#!/usr/bin/env python3
"""Type-checking cost of generated code (make bench-typecheck; issue 17).

For each spec set, generates Swift with `connector-compiler generate --catalog` into one target of
a scratch package that depends on this package by path, builds that target with the frontend's
type-checking timers on, and reports:
  - generated lines (total and per spec) and the build time of the target (total and per spec),
  - the slowest function body (every body is timed: -debug-time-function-bodies),
  - the slowest expression (expressions over 1 ms are reported by -warn-long-expression-type-checking=1;
    "< 1 ms" when none is),
  - the catalog's own figures (the slowest body in ConnectorCatalog.swift).
These are figures, never limits: `make test` asserts no time (a loaded machine would fail it at
random). Spec sets: the catalog (Connectors/), the hostile-test specs (Tests/Hostile, 220 by
default, the ones make hostile-test compiles) and synthetic specs (Benchmarks/validate/gen_specs.py,
1,000 by default).

Usage: bench.py --compiler C --package ROOT [--hostile N] [--synthetic N] [--scratch DIR] [--quick]
  --quick: 20 hostile and 20 synthetic specs, for `make bench-quick` (checks that it runs and the
  figures are sane; asserts no time).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BODY = re.compile(r'^(\d+(?:\.\d+)?)ms\t([^\t]+?):(\d+):(\d+)\t(.*)$')
EXPRESSION = re.compile(r'^(.+?):(\d+):(\d+): (?:warning|error): expression took (\d+)ms to type-check')

PACKAGE_SWIFT = '''// swift-tools-version: 6.1
import PackageDescription

// Timers only in this scratch package: unsafeFlags are fine in a root package nothing depends on.
let timers: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-debug-time-function-bodies",
                                            "-Xfrontend", "-warn-long-expression-type-checking=1"])]
let package = Package(
    name: "typecheck",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: PATH)],
    targets: [
TARGETS
    ]
)
'''


def target_decl(name, identity):
    return ('        .target(name: "%s", dependencies: [.product(name: "ConnectorRuntime", package: %s)], '
            'swiftSettings: timers),' % (name, json.dumps(identity)))


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-6000:] + result.stderr[-6000:])
        raise SystemExit('error: %s failed (exit %d)' % (' '.join(cmd[:3]), result.returncode))
    return result.stdout + result.stderr


def parse(log, sources):
    """Function bodies and expressions of files under `sources`, slowest first."""
    bodies, expressions = [], []
    # The build log repeats a frontend job's output (once per file of its batch): count each once.
    for line in dict.fromkeys(log.splitlines()):
        m = BODY.match(line)
        if m and m.group(2).startswith(sources):
            name = m.group(5).split('@')[0]
            bodies.append((float(m.group(1)), os.path.basename(m.group(2)), int(m.group(3)), name))
            continue
        m = EXPRESSION.match(line)
        if m and m.group(1).startswith(sources):
            expressions.append((float(m.group(4)), os.path.basename(m.group(1)), int(m.group(2))))
    bodies.sort(key=lambda b: -b[0])
    expressions.sort(key=lambda e: -e[0])
    return bodies, expressions


def describe_body(body):
    if body is None:
        return 'none'
    ms, file, line, name = body
    name = re.sub(r'^\S+ typecheck\w*\.\(file\)\.', '', name)
    return '%.1f ms %s (%s:%d)' % (ms, name, file, line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--compiler', required=True)
    parser.add_argument('--package', required=True)
    parser.add_argument('--hostile', type=int, default=220)
    parser.add_argument('--synthetic', type=int, default=1000)
    parser.add_argument('--scratch', help='kept between runs so the runtime is built once (default: a temp folder)')
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('--sets', default='Catalog,Hostile,Synthetic', help='which spec sets (comma-separated)')
    parser.add_argument('--fixture', metavar='FILE:N',
                        help='adds a set "Fixture": N copies of a spec template with @ID@ and @NAME@ '
                             '(the codegen benchmark\'s, e.g. Tests/PluginIntegration/fixtures/connector.json.in:1000)')
    args = parser.parse_args()
    if args.quick:
        args.hostile, args.synthetic = 20, 20
    root = os.path.abspath(args.package)
    compiler = os.path.abspath(args.compiler)
    work = tempfile.mkdtemp(prefix='typecheck-bench-')
    # A kept scratch folder holds the package too: the same package path every run lets SwiftPM
    # reuse the runtime it built.
    base = os.path.abspath(args.scratch) if args.scratch else work
    scratch = os.path.join(base, 'build')
    package = os.path.join(base, 'pkg')
    shutil.rmtree(os.path.join(package, 'Sources'), ignore_errors=True)
    wanted = args.sets.split(',') + (['Fixture'] if args.fixture else [])
    try:
        specs = {}
        if 'Catalog' in wanted:
            specs['Catalog'] = os.path.join(root, 'Connectors')
        if 'Hostile' in wanted:
            specs['Hostile'] = os.path.join(work, 'hostile')
            run([sys.executable, os.path.join(root, 'Tests', 'Hostile', 'hostile_test.py'), '--compiler', compiler,
                 '--package', root, '--count', str(args.hostile), '--seed', '20261123', '--specs-only', specs['Hostile']])
        if 'Synthetic' in wanted:
            specs['Synthetic'] = os.path.join(work, 'synthetic')
            run([sys.executable, os.path.join(root, 'Benchmarks', 'validate', 'gen_specs.py'), '--count', str(args.synthetic),
                 '--seed', '1', '--out', specs['Synthetic']])
        if args.fixture:
            template_path, count = args.fixture.rsplit(':', 1)
            template = open(template_path, encoding='utf-8').read()
            specs['Fixture'] = os.path.join(work, 'fixture')
            os.makedirs(specs['Fixture'])
            for i in range(1, int(count) + 1):
                with open(os.path.join(specs['Fixture'], 'spec_%04d.json' % i), 'w', encoding='utf-8') as f:
                    f.write(template.replace('@ID@', 'spec_%04d' % i).replace('@NAME@', 'Spec %04d' % i))
        identity = os.path.basename(root).lower()
        for name, folder in specs.items():
            out = os.path.join(package, 'Sources', name)
            command = [compiler, 'generate', '--no-cache', '--output', out, '--catalog', '--source-root', os.path.dirname(folder), folder]
            if name == 'Hostile':
                command.insert(2, '--string-table')
            run(command)
        with open(os.path.join(package, 'Package.swift'), 'w') as f:
            f.write(PACKAGE_SWIFT.replace('PATH', json.dumps(root)).replace(
                'TARGETS', '\n'.join(target_decl(n, identity) for n in specs)))
        build = ['swift', 'build', '--package-path', package, '--scratch-path', scratch]
        print('# type-check benchmark: %s' % run(['swift', '--version']).splitlines()[0])
        print('# building ConnectorRuntime in %s' % scratch)
        run(build + ['--target', 'ConnectorRuntime'])
        rows = []
        for name, folder in specs.items():
            count = len([f for f in os.listdir(folder) if f.endswith('.json')])
            sources = os.path.join(package, 'Sources', name)
            files = [os.path.join(sources, f) for f in os.listdir(sources) if f.endswith('.swift')]
            lines = sum(sum(1 for _ in open(f, encoding='utf-8')) for f in files)
            start = time.monotonic()
            log = run(build + ['--target', name])
            seconds = time.monotonic() - start
            bodies, expressions = parse(log, os.path.realpath(sources) + os.sep)
            if not bodies and os.path.realpath(sources) != sources:
                bodies, expressions = parse(log, sources + os.sep)
            catalog = [b for b in bodies if b[1] == 'ConnectorCatalog.swift']
            catalog_expressions = [e for e in expressions if e[1] == 'ConnectorCatalog.swift']
            # Sanity: every generated file was compiled with the timers on.
            timed_files = {b[1] for b in bodies}
            if len(files) != count + 2 or not bodies or 'ConnectorCatalog.swift' not in timed_files:
                raise SystemExit('error: %s: %d specs gave %d files, %d timed bodies (catalog timed: %s)' % (
                    name, count, len(files), len(bodies), 'ConnectorCatalog.swift' in timed_files))
            # Where the type checker spends its time: bodies grouped by declaration name.
            kinds = {}
            for ms, _, _, body_name in bodies:
                kind = re.sub(r'@.*', '', body_name).split('.')[-2:]
                kind = '.'.join(kind) if kind[-1] in ('getter', 'setter') else kind[-1]
                kinds[kind] = kinds.get(kind, 0) + ms
            rows.append({
                'kinds': sorted(kinds.items(), key=lambda k: -k[1])[:5],
                'set': name, 'specs': count, 'lines': lines, 'build': seconds,
                'total_bodies': sum(b[0] for b in bodies),
                'body': bodies[0], 'expression': expressions[0] if expressions else None,
                'catalog_body': catalog[0] if catalog else None,
                'catalog_expression': catalog_expressions[0] if catalog_expressions else None,
            })
            print('#   %s: %d specs built in %.1f s; slowest body %s; slowest expression %s' % (
                name, count, seconds, describe_body(bodies[0]),
                '< 1 ms' if not expressions else '%d ms (%s:%d)' % expressions[0]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print('type-check benchmark (debug build of each target alone, runtime already built; body = '
          '-debug-time-function-bodies, expression = slowest over 1 ms)')
    print('| spec set | specs | generated lines | lines/spec | build s | build ms/spec | '
          'type-check of bodies s | slowest function body | slowest expression | ConnectorCatalog slowest body |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |')
    for r in rows:
        e = r['expression']
        expression = '< 1 ms' if e is None else '%d ms (%s:%d)' % e
        print('| %s | %d | %d | %d | %.1f | %.0f | %.2f | %s | %s | %s |' % (
            r['set'], r['specs'], r['lines'], r['lines'] / r['specs'], r['build'], 1000 * r['build'] / r['specs'],
            r['total_bodies'] / 1000, describe_body(r['body']), expression, describe_body(r['catalog_body'])))
    print()
    print('type-check time of function bodies by declaration (the five largest, seconds):')
    for r in rows:
        print('  %s: %s' % (r['set'], ', '.join('%s %.2f' % (k, ms / 1000) for k, ms in r['kinds'])))
    return 0


if __name__ == '__main__':
    sys.exit(main())
