#!/usr/bin/env python3
"""Token figures of peers' published tool lists, counted the way `make mcp-bench` counts ours.

Two peers publish their tool definitions as files in public repositories:

- StackOne (StackOneHQ/stackone-ai-python): the SDK's parser tests kept a snapshot of every tool it
  builds from StackOne's unified API, one file per category
  (tests/snapshots/test_parser/test_parse_all_oas_specs/<category>_tools.json: each tool's
  description and `parameters`, the JSON Schema an agent framework hands the model). The snapshots
  were removed in commit d50d5fb (2025-12-17, "remove deprecated OAS-based getTools"), so they are
  read at its parent. A tool is counted as an MCP client would get it: name, description and the
  parameters as `inputSchema`.
- GitHub's official MCP server (github/github-mcp-server): every tool definition it serves, as a
  JSON snapshot (pkg/github/__toolsnaps__/<tool>.snap, exactly what `tools/list` sends), and the
  README's list of the tools of each toolset and of the toolsets that are on by default.

This script reads clones of those repositories (the search tool's `fetch` brings them; CI has no
network, so `make mcp-bench` prints the figures recorded in peer-tool-tokens.json beside this
script) and writes the figures:

    python3 peer_tool_tokens.py --stackone <git dir> --github <git dir> > peer-tool-tokens.json

Tokens: UTF-8 bytes of the compact JSON (sorted keys, no spaces) divided by 4, rounded up, as
MCPBudget counts ours (docs/mcp.md, "Token budget").
"""
import argparse
import json
import math
import re
import subprocess
import sys

STACKONE_REMOVAL = "d50d5fb20402dd625217b2900287ae7d9e4cb98c"
STACKONE_SNAPSHOTS = "tests/snapshots/test_parser/test_parse_all_oas_specs/"
STACKONE_CATEGORIES = ("hris", "ats", "iam")
GITHUB_DEFAULT_TOOLSETS = ("Context", "Repositories", "Issues", "Pull Requests", "Users")


def tokens(value: object) -> int:
    return math.ceil(len(json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()) / 4)


def figures(label: str, definitions: list[dict]) -> dict:
    sizes = sorted(tokens(definition) for definition in definitions)
    return {
        "label": label,
        "tools": len(definitions),
        "listTokens": tokens(definitions),
        "largestTool": sizes[-1],
        "medianTool": sizes[len(sizes) // 2],
    }


def git(git_dir: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", git_dir, *args], capture_output=True, text=True, check=True).stdout


def stackone(git_dir: str) -> dict:
    commit = git(git_dir, "rev-parse", f"{STACKONE_REMOVAL}~1").strip()
    rows = []
    for category in STACKONE_CATEGORIES:
        tools = json.loads(git(git_dir, "show", f"{commit}:{STACKONE_SNAPSHOTS}{category}_tools.json"))
        definitions = [
            {"name": name, "description": tool["description"], "inputSchema": tool["parameters"]}
            for name, tool in tools.items()
        ]
        rows.append(figures(f"{category} category (every tool of the unified API's {category} part)", definitions))
    return {
        "peer": "StackOne AI SDK (StackOneHQ/stackone-ai-python)",
        "source": f"https://github.com/StackOneHQ/stackone-ai-python/tree/{commit}/{STACKONE_SNAPSHOTS}",
        "commit": commit,
        "date": git(git_dir, "log", "-1", "--format=%cs", commit).strip(),
        "rows": rows,
    }


def github(git_dir: str) -> dict:
    commit = git(git_dir, "rev-parse", "HEAD").strip()
    readme = git(git_dir, "show", f"{commit}:README.md")
    # The README's generated tool reference: one <details> block a toolset, one "- **name**" line a tool.
    toolsets = {
        match.group(1).strip(): re.findall(r"^- \*\*([a-z0-9_]+)\*\*", match.group(2), re.M)
        for match in re.finditer(r"</picture> ([^<]+)</summary>(.*?)</details>", readme, re.S)
    }
    missing = [name for name in GITHUB_DEFAULT_TOOLSETS if name not in toolsets]
    if missing:
        sys.exit(f"github-mcp-server: the README has no tool list for the default toolsets {missing}")
    snapshots = {}
    for path in git(git_dir, "ls-tree", "--name-only", commit, "pkg/github/__toolsnaps__/").split():
        definition = json.loads(git(git_dir, "show", f"{commit}:{path}"))
        snapshots[definition["name"]] = definition

    def definitions(names: list[str]) -> list[dict]:
        absent = [name for name in names if name not in snapshots]
        if absent:
            sys.exit(f"github-mcp-server: no snapshot for {absent}")
        return [snapshots[name] for name in names]

    default = [tool for name in GITHUB_DEFAULT_TOOLSETS for tool in toolsets[name]]
    every = [tool for tools in toolsets.values() for tool in tools]
    return {
        "peer": "GitHub MCP server (github/github-mcp-server)",
        "source": f"https://github.com/github/github-mcp-server/tree/{commit}/pkg/github/__toolsnaps__",
        "commit": commit,
        "date": git(git_dir, "log", "-1", "--format=%cs", commit).strip(),
        "rows": [
            figures("default toolsets (" + ", ".join(GITHUB_DEFAULT_TOOLSETS) + ")", definitions(default)),
            figures(f"all {len(toolsets)} toolsets", definitions(every)),
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stackone", required=True, help="git dir of StackOneHQ/stackone-ai-python")
    parser.add_argument("--github", required=True, help="git dir of github/github-mcp-server")
    arguments = parser.parse_args()
    print(json.dumps({"peers": [stackone(arguments.stackone), github(arguments.github)]}, indent=2))


if __name__ == "__main__":
    main()
