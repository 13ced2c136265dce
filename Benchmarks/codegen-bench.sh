#!/usr/bin/env bash
# Code-generation benchmark: how builds with ConnectorCompilerPlugin scale with the number of
# connector specs. A scratch package depends on this package by path and has, per size, a target
# of synthetic valid specs compiled by our plugin ("batch": one build command for all specs) and,
# as a peer measured in the same run, the same specs compiled by a per-file variant of the plugin
# ("per-file": one build command per spec, each running the same generator).
#
# For each target: clean build (tool and runtime already built; median of three), one-spec edit
# rebuild (median of three edits of different specs), add-a-spec
# rebuild, no-op rebuild, generator runs per edit, and edit/clean. Generator runs are counted from
# the build log, where SwiftPM prints each build command's display name when it runs it.
#
# It also reports the generated lines (total and per spec) and the clean build time per spec: the
# compile cost grows with both, so a change in either shows here first.
#
# Each benchmark target is built with the frontend's statistics (-stats-output-dir, in the scratch
# package's swiftSettings only: never in make test, and the tool and runtime are built without it).
# Benchmarks/codegen-stats.py sums them per build, so the tables also give the frontend's CPU time
# (user + system, which the machine's load inflates far less than wall time): per spec in a clean
# build, of which type-checking, and for an edit, split into the module job (-emit-module over every
# file, which an edit pays for all specs) and the compile job of the edited file. The quick mode
# (part of make test) leaves the statistics off; BENCH_STATS=0/1 overrides either default.
#
# Usage: Benchmarks/codegen-bench.sh            sizes 100 and 1000, with the per-file peer
#        BENCH_SIZES="100" BENCH_PEER=0 Benchmarks/codegen-bench.sh
#        BENCH_FIXTURE=Benchmarks/fixtures/oauth.json.in Benchmarks/codegen-bench.sh
#        BENCH_QUICK=1 Benchmarks/codegen-bench.sh   120 specs (the per-file peer 10), one round of
#            each build, and checks only that it ran and its outputs are sane (make bench-quick; no
#            time is asserted)
# BENCH_ROUNDS (3) clean builds and edits per target; BENCH_SCRATCH keeps the build folder (and the
# built tool and runtime) between runs instead of a temporary one.
# Targets (issue 3): at 1,000 specs, 1 generator run per edit and edit rebuild < 20% of clean.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# The synthetic spec: a bearer-token connector by default; BENCH_FIXTURE=Benchmarks/fixtures/oauth.json.in
# gives OAuth 2.0 connectors with a scope catalogue, headers and extra parameters.
fixture="${BENCH_FIXTURE:-$root/Tests/PluginIntegration/fixtures/connector.json.in}"
case "$fixture" in /*) ;; *) fixture="$root/$fixture" ;; esac
identity=$(basename "$root" | tr '[:upper:]' '[:lower:]')
quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then sizes=${BENCH_SIZES:-120}; rounds=${BENCH_ROUNDS:-1}; else sizes=${BENCH_SIZES:-100 1000}; rounds=${BENCH_ROUNDS:-3}; fi
# The quick mode's default builds the batch target past 100 specs (so the spec texts' part files
# are compiled in make test) and the per-file peer at 10 specs (one command per spec costs more).
quick_peer_size=""; [ "$quick" = 1 ] && [ -z "${BENCH_SIZES:-}" ] && quick_peer_size=10
peer=${BENCH_PEER:-1}
if [ "$quick" = 1 ]; then stats_on=${BENCH_STATS:-0}; else stats_on=${BENCH_STATS:-1}; fi
tmp=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then echo "scratch: $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
if [ -n "${BENCH_SCRATCH:-}" ]; then
    # The same package path every run, so the tool and runtime builds are reused; the targets are not.
    mkdir -p "$BENCH_SCRATCH"; BENCH_SCRATCH=$(cd "$BENCH_SCRATCH" && pwd)
    pkg="$BENCH_SCRATCH/bench"; scratch="$BENCH_SCRATCH/build"
    rm -rf "$pkg" "$scratch"/*/debug/{Batch,PerFile}*.build "$scratch"/*/debug/Modules/{Batch,PerFile}* "$scratch/plugins/outputs/bench"
else
    pkg="$tmp/bench"; scratch="$tmp/build"
fi
log="$tmp/build.log"
# Frontend statistics of the last build of each target (emptied before each build).
stats="$tmp/stats"
mkdir -p "$pkg/Plugins/PerFilePlugin"

modes="batch"; [ "$peer" = 1 ] && modes="batch per-file"
targets=""; decls=""
pairs=""
for n in $sizes; do for mode in $modes; do
    if [ "$mode" = per-file ] && [ -n "$quick_peer_size" ]; then pairs="$pairs $mode:$quick_peer_size"; else pairs="$pairs $mode:$n"; fi
done; done
for pair in $pairs; do
    mode=${pair%%:*}; n=${pair##*:}
    name="${mode/per-file/PerFile}"; name="${name/batch/Batch}$n"
    targets="$targets $name"
    plugin='.plugin(name: "ConnectorCompilerPlugin", package: "'$identity'")'
    [ "$mode" = per-file ] && plugin='"PerFilePlugin"'
    settings=""
    [ "$stats_on" = 1 ] && settings="
                swiftSettings: [.unsafeFlags([\"-stats-output-dir\", \"$stats/$name\"])],"
    decls="$decls
        .target(name: \"$name\", dependencies: [.product(name: \"ConnectorRuntime\", package: \"$identity\")], path: \"$name\",$settings plugins: [$plugin]),"
    mkdir -p "$pkg/$name"
    echo '@_exported public import ConnectorRuntime' > "$pkg/$name/Module.swift"
    for i in $(seq -f "%04g" 1 "$n"); do
        sed -e "s/@ID@/spec_$i/g" -e "s/@NAME@/Spec $i/g" "$fixture" > "$pkg/$name/spec_$i.json"
    done
done

cat > "$pkg/Package.swift" <<SWIFT
// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "bench",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "$root")],
    targets: [
        .plugin(name: "PerFilePlugin", capability: .buildTool(),
                dependencies: [.product(name: "connector-compiler", package: "$identity")]),$decls
    ]
)
SWIFT

# The peer: one build command per spec, each with its own output folder, no catalog.
cp "$root/Sources/ConnectorCompilerCore/Generation/OutputNaming.swift" "$pkg/Plugins/PerFilePlugin/"
cat > "$pkg/Plugins/PerFilePlugin/plugin.swift" <<'SWIFT'
import Foundation
import PackagePlugin

@main struct PerFilePlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? any SourceModuleTarget else { return [] }
        let tool = try context.tool(named: "connector-compiler").url
        let specs = target.sourceFiles.map(\.url).filter { $0.pathExtension == "json" }
        return specs.map { spec in
            let out = context.pluginWorkDirectoryURL.appending(path: "GeneratedSources/" + spec.deletingPathExtension().lastPathComponent)
            return .buildCommand(
                displayName: "Generating connector \(spec.lastPathComponent)",
                executable: tool,
                arguments: ["generate", "--output", out.path(percentEncoded: false),
                            "--source-root", context.package.directoryURL.path(percentEncoded: false), spec.path(percentEncoded: false)],
                inputFiles: [spec, tool],
                outputFiles: [out.appending(path: OutputNaming.outputFileName(forSpecPath: spec.path(percentEncoded: false)))])
        }
    }
}
SWIFT

now() { date +%s.%N; }
# build TARGET: seconds taken; the log is kept in $log and the frontend statistics in $stats/TARGET.
# Fails loudly on a build error.
build() {
    local start end
    rm -rf "${stats:?}/$1"; mkdir -p "$stats/$1"
    start=$(now)
    if ! (cd "$pkg" && swift build --scratch-path "$scratch" --target "$1") > "$log" 2>&1; then
        tail -n 30 "$log" >&2; echo "error: build of $1 failed" >&2; exit 1
    fi
    end=$(now)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }'
}
# Generator runs in the last build: batch commands say "connector spec", per-file ones "Generating connector".
runs() { grep -Ec "connector specs? of |Generating connector " "$log" || true; }
# Frontend CPU of the last build of TARGET: "jobs frontend emit_module compile typecheck sil_opt irgen".
cpu() { python3 "$root/Benchmarks/codegen-stats.py" "$stats/$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }

echo "# codegen benchmark: $(swift --version 2>/dev/null | head -n 1)"
echo "# warming up: building connector-compiler and ConnectorRuntime"
(cd "$pkg" && swift build --scratch-path "$scratch" --product connector-compiler && swift build --scratch-path "$scratch" --target ConnectorRuntime) > "$log" 2>&1 \
    || { tail -n 30 "$log" >&2; exit 1; }

results="$tmp/results"
cpu_results="$tmp/cpu-results"
cpu_row='| %-14s | %5s | %13s | %13s | %13s | %14s | %14s | %13s | %13s | %14s |\n'
printf "$cpu_row" target specs "clean cpu s" "cpu ms/spec" "tc ms/spec" "edit cpu s" "module job s" "edited file s" "edit/clean" "typecheck/edit" > "$cpu_results"
printf "$cpu_row" --- ---: ---: ---: ---: ---: ---: ---: ---: ---: >> "$cpu_results"
row='| %-14s | %5s | %9s | %10s | %8s | %13s | %8s | %7s | %8s | %7s | %9s | %10s |\n'
printf "$row" target specs "gen lines" "lines/spec" "clean s" "clean ms/spec" "edit s" "runs" "add s" "runs" "no-op s" "edit/clean" > "$results"
printf "$row" --- ---: ---: ---: ---: ---: ---: ---: ---: ---: ---: ---: >> "$results"
# Checks that the run is sane (quick mode asserts only these, never a time).
insane() { echo "error: $1" >&2; exit 1; }
for target in $targets; do
    n=$(ls "$pkg/$target"/*.json | wc -l)
    echo "# $target: clean builds of $n specs"
    # Three clean builds (the target's products and generated sources removed in between); the
    # median is reported. A single clean build on a shared machine varied by up to 25%.
    cleans=("$(build "$target")"); clean_runs=$(runs)
    if [ "$stats_on" = 1 ]; then
        read -r clean_jobs clean_cpu _ _ clean_tc _ _ <<< "$(cpu "$target")"
        [ "$clean_jobs" -ge 2 ] || insane "$target: no frontend statistics from the clean build ($stats/$target)"
    fi
    # Generated Swift of this target (the batch plugin's files and catalog, or the per-file outputs).
    generated=$(find "$scratch/plugins/outputs/bench/$target" -name '*.swift' -path '*GeneratedSources*')
    files=$(printf "%s\n" "$generated" | grep -c . || true)
    lines=$(printf "%s\n" "$generated" | xargs cat | wc -l)
    case "$target" in
        # The spec texts: one file up to 100 specs, else the lookup and one part per 100 specs.
        Batch*) texts=1; [ "$n" -gt 100 ] && texts=$((1 + (n + 99) / 100))
                [ "$files" = $((n + 1 + texts)) ] || insane "$target: $files generated files for $n specs (want one per spec, the catalog and $texts of spec texts)"
                [ "$clean_runs" = 1 ] || insane "$target: $clean_runs generator runs in a clean build (want 1)" ;;
        *) [ "$files" = "$n" ] || insane "$target: $files generated files for $n specs" ;;
    esac
    for k in $(seq 2 "$rounds"); do
        # Everything the target's build produced, except the files SwiftPM writes only when planning.
        find "$scratch"/*/debug/"$target".build -mindepth 1 -maxdepth 1 ! -name output-file-map.json ! -name sources -exec rm -rf {} +
        rm -rf "$scratch"/*/debug/Modules/"$target".* "$scratch/plugins/outputs/bench/$target"
        cleans+=("$(build "$target")")
    done
    median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
    clean=$(printf "%s\n" "${cleans[@]}" | median)
    # One-spec edits (different specs); the median time is reported, and the most runs.
    edits=(); edit_runs=0
    for k in $(seq 1 "$rounds"); do
        sed -i "s/\"name\": \"Spec 000$k\"/\"name\": \"Spec 000$k edited\"/" "$pkg/$target/spec_000$k.json"
        edits+=("$(build "$target")"); r=$(runs)
        # The frontend CPU of the last edit (the rounds' figures barely vary: CPU, not wall time).
        [ "$stats_on" = 1 ] && read -r _ edit_cpu edit_module edit_compile edit_tc _ _ <<< "$(cpu "$target")"
        if [ "$r" -gt "$edit_runs" ]; then edit_runs=$r; fi
    done
    edit=$(printf "%s\n" "${edits[@]}" | median)
    grep -q "Spec 0001 edited" "$(find "$scratch/plugins/outputs/bench/$target" -name 'Spec0001.swift' | head -n 1)" \
        || insane "$target: the edited spec's generated file does not have the edit"
    case "$target" in Batch*) grep -lq "Spec 0001 edited" "$(dirname "$(find "$scratch/plugins/outputs/bench/$target" -name 'Spec0001.swift' | head -n 1)")"/ConnectorCatalog+Specs*.swift \
        || insane "$target: no spec-text file has the edited spec's text" ;; esac
    sed -e "s/@ID@/added/g" -e "s/@NAME@/Added/g" "$fixture" > "$pkg/$target/added.json"
    add=$(build "$target"); add_runs=$(runs)
    noop=$(build "$target"); noop_runs=$(runs)
    case "$target" in Batch*) [ "$edit_runs" = 1 ] && [ "$add_runs" = 1 ] || insane "$target: $edit_runs generator runs per edit, $add_runs per add (want 1)" ;; esac
    [ "$noop_runs" = 0 ] || insane "$target: a no-op build ran the generator $noop_runs times"
    [ -n "$(find "$scratch/plugins/outputs/bench/$target" -name 'Added.swift')" ] || insane "$target: the added spec was not generated"
    printf "$row" "$target" "$n" "$lines" "$((lines / n))" "$clean" "$(awk -v c="$clean" -v n="$n" 'BEGIN { printf "%.0f", 1000 * c / n }')" \
        "$edit" "$edit_runs" "$add" "$add_runs" "$noop" "$(ratio "$edit" "$clean")" >> "$results"
    [ "$stats_on" = 1 ] && printf "$cpu_row" "$target" "$n" "$clean_cpu" "$(awk -v c="$clean_cpu" -v n="$n" 'BEGIN { printf "%.1f", 1000 * c / n }')" \
        "$(awk -v c="$clean_tc" -v n="$n" 'BEGIN { printf "%.1f", 1000 * c / n }')" "$edit_cpu" "$edit_module" "$edit_compile" \
        "$(ratio "$edit_cpu" "$clean_cpu")" "$(ratio "$edit_tc" "$edit_cpu")" >> "$cpu_results"
    echo "#   cleans ${cleans[*]}s (generator runs: $clean_runs), edits ${edits[*]}s, add ${add}s, no-op ${noop}s"
done
echo
echo "codegen benchmark (clean s = median of $rounds clean builds, excluding building the tool; edit s = median of $rounds one-spec edits; runs = generator runs in that rebuild; gen lines = generated Swift lines of the clean build)"
cat "$results"
[ "$stats_on" = 1 ] || { echo "(frontend statistics off: BENCH_STATS=1 for the compiler CPU table)"; exit 0; }
echo
echo "frontend CPU, user + system, from -stats-output-dir (clean: the first clean build; edit: the last one-spec edit; module job = -emit-module over every file; edited file = its compile job; tc = type checking and semantic analysis; uptime: $(uptime | sed 's/.*load/load/'))"
cat "$cpu_results"
