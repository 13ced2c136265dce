#!/usr/bin/env bash
# Plugin integration test: a scratch package that depends on this package by path, with its own
# target holding connector specs compiled by ConnectorCompilerPlugin. Checks that adding,
# editing, breaking, fixing, renaming and deleting specs always gives the right build, and that
# the generate-connector-docs command plugin works from a dependent package.
# The scratch package and its build folder have spaces in their paths on purpose.
# Usage: Tests/PluginIntegration/run.sh   (KEEP=1 keeps the scratch folder)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
fixture="$root/Tests/PluginIntegration/fixtures/connector.json.in"
# A path dependency's identity is its folder name, lowercased.
identity=$(basename "$root" | tr '[:upper:]' '[:lower:]')
tmp=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then echo "scratch: $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
pkg="$tmp/consumer package"
scratch="$tmp/build dir"
specs="$pkg/Sources/MyConnectors"
log="$tmp/build.log"
mkdir -p "$specs" "$pkg/Sources/consumer"

cat > "$pkg/Package.swift" <<SWIFT
// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "consumer",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "$root")],
    targets: [
        .target(
            name: "MyConnectors",
            dependencies: [.product(name: "ConnectorRuntime", package: "$identity")],
            plugins: [.plugin(name: "ConnectorCompilerPlugin", package: "$identity")]
        ),
        .executableTarget(name: "consumer", dependencies: ["MyConnectors"]),
    ]
)
SWIFT
echo '@_exported public import ConnectorRuntime' > "$specs/MyConnectors.swift"

passed=0
pass() { passed=$((passed + 1)); echo "ok $passed - $1"; }
fail() {
    echo "FAIL - $1" >&2
    echo "---- last build output ----" >&2
    tail -n 40 "$log" >&2
    exit 1
}

# spec ID NAME: writes Sources/MyConnectors/ID.json from the fixture.
spec() { sed -e "s/@ID@/$1/g" -e "s/@NAME@/$2/g" "$fixture" > "$specs/$1.json"; }
# uses TYPE...: main.swift lists the catalog and uses each TYPE by name.
uses() {
    {
        echo 'import MyConnectors'
        echo 'for connector in ConnectorCatalog.all { print("catalog:", connector.id, connector.displayName) }'
        for type in "$@"; do echo "print(\"type:\", $type.id, $type.authVariants.map(\\.id))"; done
    } > "$pkg/Sources/consumer/main.swift"
}
build() { (cd "$pkg" && swift build --scratch-path "$scratch") > "$log" 2>&1; }
output() { "$scratch/debug/consumer"; }
expect_output() { # DESCRIPTION EXPECTED
    local actual; actual=$(output)
    [ "$actual" = "$2" ] || { echo "expected:"; echo "$2"; echo "actual:"; echo "$actual"; fail "$1"; } >&2
    pass "$1"
}

echo "# scratch package: $pkg"
spec alpha Alpha; spec beta Beta; uses Alpha Beta
build || fail "clean build with two specs"
pass "clean build with two specs"
expect_output "generated types are usable" "catalog: alpha Alpha
catalog: beta Beta
type: alpha [\"token\"]
type: beta [\"token\"]"

spec gamma Gamma
build || fail "build after adding a third spec"
expect_output "an added spec appears in the catalog" "catalog: alpha Alpha
catalog: beta Beta
catalog: gamma Gamma
type: alpha [\"token\"]
type: beta [\"token\"]"
uses Alpha Beta Gamma
build || fail "the added spec's type is usable"
pass "the added spec's type is usable"

sed -i 's/"name": "Beta"/"name": "Beta Two"/' "$specs/beta.json"
build || fail "build after editing a spec"
output | grep -qx "catalog: beta Beta Two" || fail "an edited spec's change shows"
pass "an edited spec's change shows"

cp "$specs/beta.json" "$tmp/beta.good"
sed -i 's/"type": "bearerToken"/"type": "bearerTokn"/' "$specs/beta.json"
line=$(grep -n '"bearerTokn"' "$specs/beta.json" | cut -d: -f1)
if build; then fail "a spec with an unknown auth type fails the build"; fi
grep -Eq "(^|[ /])Sources/MyConnectors/beta\.json:$line:[0-9]+: error: " "$log" \
    || fail "the failure names the spec's path, line $line and column"
pass "a broken spec fails the build with beta.json:$line:<column>: error:"

cp "$tmp/beta.good" "$specs/beta.json"
sed -i 's/"categories": \["hris"\],/"categories": ["hris"],,/' "$specs/beta.json"
line=$(grep -n '"categories"' "$specs/beta.json" | cut -d: -f1)
if build; then fail "a spec with a JSON syntax error fails the build"; fi
grep -Eq "(^|[ /])Sources/MyConnectors/beta\.json:$line:[0-9]+: error: " "$log" \
    || fail "the syntax error names the spec's path, line $line and column"
pass "a JSON syntax error fails the build with beta.json:$line:<column>: error:"

cp "$tmp/beta.good" "$specs/beta.json"
build || fail "the build recovers once the spec is fixed"
output | grep -qx "catalog: beta Beta Two" || fail "the fixed spec is compiled"
pass "the build recovers once the spec is fixed"

mv "$specs/gamma.json" "$specs/delta.json"
sed -i -e 's/"gamma"/"delta"/; s/"Gamma"/"Delta"/' -e 's/gamma/delta/g' "$specs/delta.json"
if build; then fail "after renaming gamma.json, the old type Gamma is gone"; fi
grep -q "cannot find 'Gamma' in scope" "$log" || fail "after renaming gamma.json, the old type Gamma is gone"
pass "after renaming gamma.json to delta.json, the old type Gamma is gone"
uses Alpha Beta Delta
build || fail "the renamed spec's new type Delta is usable"
expect_output "the renamed spec's new type Delta is usable" "catalog: alpha Alpha
catalog: beta Beta Two
catalog: delta Delta
type: alpha [\"token\"]
type: beta [\"token\"]
type: delta [\"token\"]"

rm "$specs/delta.json"
if build; then fail "after deleting delta.json, the type Delta is gone"; fi
grep -q "cannot find 'Delta' in scope" "$log" || fail "after deleting delta.json, the type Delta is gone"
pass "after deleting delta.json, the type Delta is gone"
uses Alpha Beta
build || fail "the build is fine without the deleted spec"
expect_output "the build is fine without the deleted spec" "catalog: alpha Alpha
catalog: beta Beta Two
type: alpha [\"token\"]
type: beta [\"token\"]"

(cd "$pkg" && swift package --scratch-path "$scratch" --allow-writing-to-package-directory \
    generate-connector-docs --target MyConnectors) > "$log" 2>&1 || fail "the generate-connector-docs command plugin runs"
for file in README.md alpha.md beta.md; do
    [ -f "$pkg/docs/connectors/$file" ] || fail "generate-connector-docs writes docs/connectors/$file"
done
grep -q "^# Beta Two$" "$pkg/docs/connectors/beta.md" || fail "the generated guide has the connector's name"
pass "generate-connector-docs writes docs/connectors/{README,alpha,beta}.md"

echo "plugin-test: all $passed checks passed"
