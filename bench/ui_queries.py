"""Time the GraphQL queries the Dagster UI sends for the pages an operator opens first.

The queries are not written here: they are read from the installed dagster-webserver's UI bundle (its
source maps hold every `gql` template and fragment), so the timings are those of the UI's own
`AssetChecksQuery` (an asset's Checks tab, sent once per Phase 4 asset) and `AssetGraphLiveQuery` (the
lineage graph's statuses, all assets in one request).

    make dev &                                   # or any webserver on the instance to measure
    .venv/bin/python bench/ui_queries.py --port 3000 [--repeat 3] [--json PATH]

Targets and results: bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
import urllib.request
from pathlib import Path

import dagster_webserver

from nba_features.pipeline.registry import PHASE4_ASSET_NAMES

TARGET_SECONDS = 2.0
ALL_ASSET_KEYS = "{ assetNodes { assetKey { path } } }"


def ui_documents() -> tuple[dict[str, str], dict[str, str]]:
    """(operations, fragments) by name, from the `gql` templates in the UI bundle's source maps."""
    build = Path(dagster_webserver.__file__).parent / "webapp" / "build"
    operations: dict[str, str] = {}
    fragments: dict[str, str] = {}
    for source_map in build.rglob("*.js.map"):
        for source in json.loads(source_map.read_text()).get("sourcesContent") or []:
            if not source or "gql`" not in source:
                continue
            for template in re.findall(r"gql`(.*?)`", source, re.S):
                template = re.sub(r"\$\{\w+\}", "", template)  # interpolated fragments are resolved by name below
                for part in re.split(r"(?=\n\s*(?:fragment|query|mutation|subscription)\s+\w+)", template):
                    head = re.match(r"\s*(fragment|query|mutation|subscription)\s+(\w+)", part)
                    if head:
                        (fragments if head.group(1) == "fragment" else operations)[head.group(2)] = part.strip()
    return operations, fragments


def ui_query(name: str) -> str:
    """The UI's operation `name` with every fragment it spreads, transitively: the document it sends."""
    operations, fragments = ui_documents()
    document = operations[name]
    needed: set[str] = set()
    pending = re.findall(r"\.\.\.(\w+)", document)
    while pending:
        spread = pending.pop()
        if spread == "on" or spread in needed:
            continue
        if spread not in fragments:
            raise KeyError(f"fragment {spread} of {name} not found in the UI bundle")
        needed.add(spread)
        pending += re.findall(r"\.\.\.(\w+)", fragments[spread])
    return "\n".join([document, *(fragments[n] for n in sorted(needed))])


def post(port: int, query: str, variables: dict, timeout: float = 300) -> tuple[float, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = json.loads(response.read())
    seconds = time.perf_counter() - started
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return seconds, body["data"]


def measure(port: int, repeat: int) -> list[dict]:
    checks, graph = ui_query("AssetChecksQuery"), ui_query("AssetGraphLiveQuery")
    _, data = post(port, ALL_ASSET_KEYS, {})
    keys = [{"path": node["assetKey"]["path"]} for node in data["assetNodes"]]
    rows = []
    for asset in PHASE4_ASSET_NAMES:
        times = [post(port, checks, {"assetKey": {"path": [asset]}})[0] for _ in range(repeat)]
        rows.append({"query": "AssetChecksQuery", "asset": asset, "median_seconds": round(statistics.median(times), 3)})
    times = [post(port, graph, {"assetKeys": keys})[0] for _ in range(repeat)]
    rows.append(
        {"query": "AssetGraphLiveQuery", "asset": f"all {len(keys)}", "median_seconds": round(statistics.median(times), 3)}
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = measure(args.port, args.repeat)
    print("| query | asset(s) | median (s) | target |")
    print("|---|---|---|---|")
    for row in rows:
        verdict = "met" if row["median_seconds"] <= TARGET_SECONDS else "missed"
        print(f"| {row['query']} | {row['asset']} | {row['median_seconds']} | <= {TARGET_SECONDS:g}: {verdict} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
