#!/usr/bin/env bash
# Checks `connector-compiler validate` end to end: exit codes, output formats, folders, the empty
# folder case. Run by `make validate-cli-check` (part of `make test`) with the compiler as $1.
set -u
compiler="$1"
fixtures=Tests/ConnectorCompilerCoreTests/Fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

expect() { # expect <description> <expected exit> <command...>
    local description="$1" expected="$2"
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local status=$?
    if [ "$status" -ne "$expected" ]; then
        echo "FAIL: $description: exit $status, expected $expected"; cat "$tmp/err"; failures=$((failures + 1))
    fi
}
contains() { # contains <description> <file> <text>
    if ! grep -qF -- "$3" "$2"; then
        echo "FAIL: $1: '$3' not in output:"; cat "$2"; failures=$((failures + 1))
    fi
}

expect "valid folder" 0 "$compiler" validate "$fixtures/valid"
valid_count=$(find "$fixtures/valid" -maxdepth 1 -name '*.json' | wc -l | tr -d ' ')
contains "summary line" "$tmp/err" "validated $valid_count specs: 0 errors, 1 warning"
expect "warnings as errors" 1 "$compiler" validate --warnings-as-errors "$fixtures/valid/api_key_query.json"
contains "warning promoted" "$tmp/err" "api_key_query.json:30:13: error: an API key sent as a query parameter"
expect "invalid file" 1 "$compiler" validate "$fixtures/invalid/structural/unknown_key.json"
contains "swiftc format" "$tmp/err" "unknown_key.json:5:3: error: unknown key 'descripton' in the connector (did you mean 'description'?) [unknown-key]"
expect "quiet" 1 "$compiler" validate --quiet "$fixtures/invalid/structural/unknown_key.json"
if grep -q "validated" "$tmp/err"; then echo "FAIL: --quiet printed a summary"; failures=$((failures + 1)); fi
expect "json format" 1 "$compiler" validate --format json "$fixtures/invalid/semantic/url_insecure.json"
contains "json output" "$tmp/out" '"rule": "url-insecure"'
expect "github format" 1 "$compiler" validate --format github "$fixtures/invalid/semantic/url_insecure.json"
contains "github output" "$tmp/out" "::error file=$fixtures/invalid/semantic/url_insecure.json,line=10,col=16,title=url-insecure::"
mkdir "$tmp/empty"
expect "empty folder" 0 "$compiler" validate "$tmp/empty"
contains "no specs" "$tmp/err" "no specs found"
mkdir "$tmp/dup1" "$tmp/dup2"
cp "$fixtures/valid/bearer_token.json" "$tmp/dup1/" && cp "$fixtures/valid/bearer_token.json" "$tmp/dup2/"
expect "duplicate ids across folders" 1 "$compiler" validate "$tmp/dup1" "$tmp/dup2"
contains "duplicate id" "$tmp/err" "connector id 'bearer_token' is used by two spec files"
expect "missing file" 2 "$compiler" validate "$tmp/missing.json"
expect "unknown option" 2 "$compiler" validate --strict "$fixtures/valid"
expect "bad format" 2 "$compiler" validate --format xml "$fixtures/valid"
expect "no inputs" 2 "$compiler" validate
expect "help" 0 "$compiler" validate --help
contains "help lists exit codes" "$tmp/out" "EXIT CODES"

if [ "$failures" -ne 0 ]; then echo "validate-cli-check: $failures failures"; exit 1; fi
echo "validate-cli-check: all passed"
