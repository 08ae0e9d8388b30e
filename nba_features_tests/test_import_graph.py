"""The import graph of the package: no cycles, and a lower layer never imports a higher one.

The graph is grimp's: every `import` statement of every module under nba_features/, the ones inside
functions and under TYPE_CHECKING included (a lazy import still ties two modules together).

- No module takes part in an import cycle (strongly connected components of the module graph).
- No cycle between packages, at any depth: inside every package, the graph of its direct children
  (each subpackage standing for everything under it) has no cycle.
- A Phase 4 table module never imports another table module, directly or through others: what two tables
  share lives in a shared building block of nba_features/phase4/ (docs/CONVENTIONS.md#layout).
- Layers (docs/ARCHITECTURE.md#layers), highest first; a layer may import only the layers below it, and the
  members of one layer do not import each other. Every top-level package and module of nba_features is in
  exactly one layer, so a new one has to be placed on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest

PACKAGE = "nba_features"

TABLE_MODULES = tuple(
    f"{PACKAGE}.phase4.{name}"
    for name in (
        "team_defense_zone_analysis",
        "player_shot_zone_analysis",
        "player_composite_factors",
        "player_daily_cache",
        "ml_feature_store_v2",
    )
)

# Highest first. Each entry is one layer; a tuple is a layer of independent siblings.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli",),  # the nba-features command line
    ("definitions",),  # the Dagster code location
    ("defs",),  # assets, checks, jobs, schedules, sensors, resources
    ("lib",),  # Dagster plumbing shared by defs and cli (instance storage, pools, backfills, run outcomes)
    ("partitions",),  # the daily partitions definition and date parsing
    ("reruns", "demo", "legacy"),  # rerun planning, the demo league generator, legacy comparison
    ("pipeline",),  # run_table: one table for a set of dates, Dagster-free
    ("quality",),  # checks, expected rows, reports, events
    ("phase4",),  # the five pure transforms, their extracts and shared building blocks
    ("warehouse",),  # the Warehouse interface, DuckDB and BigQuery
    ("contracts", "alerts"),  # schemas/ parsed into contracts, the feature registry; Slack posting
)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, cache_dir=None)


def imports_of(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    return {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node, or a node importing itself (Tarjan)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = lowlink[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                lowlink[node] = min(lowlink[node], lowlink[target])
            elif target in on_stack:
                lowlink[node] = min(lowlink[node], index[target])
        if lowlink[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def child_graph(edges: Mapping[str, set[str]], package: str) -> dict[str, set[str]]:
    """Imports between the direct children of `package`, each child standing for its whole subtree."""

    def child(module: str) -> str | None:
        if not module.startswith(package + "."):
            return None
        return f"{package}.{module[len(package) + 1 :].split('.')[0]}"

    collapsed: dict[str, set[str]] = {}
    for source, targets in edges.items():
        source_child = child(source)
        if source_child is None:
            continue
        collapsed.setdefault(source_child, set())
        for target in targets:
            target_child = child(target)
            if target_child is not None and target_child != source_child:
                collapsed[source_child].add(target_child)
    return collapsed


def test_the_graph_holds_the_package(graph):
    """Guards the other tests against an empty or partial graph (they would pass on nothing)."""
    assert len(graph.modules) > 50
    assert graph.direct_import_exists(importer="nba_features.pipeline.registry", imported="nba_features.phase4.spec")
    assert graph.direct_import_exists(importer="nba_features.cli.main", imported="nba_features.cli.errors")


def test_cycles_finds_a_cycle_and_passes_a_tree():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"a"}}) == [["a"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    collapsed = child_graph({"p.x.one": {"p.y.two"}, "p.y.two": {"p.x.three"}, "p.x.three": set()}, "p")
    assert collapsed == {"p.x": {"p.y"}, "p.y": {"p.x"}}


def test_no_module_is_part_of_an_import_cycle(graph):
    found = cycles(imports_of(graph))
    assert not found, "modules importing each other, directly or through others:\n" + "\n".join(" ↔ ".join(c) for c in found)


def test_no_package_is_part_of_an_import_cycle(graph):
    edges = imports_of(graph)
    packages = sorted(module for module in graph.modules if graph.find_children(module))
    assert PACKAGE in packages and f"{PACKAGE}.phase4" in packages
    found = [(package, cycle) for package in packages for cycle in cycles(child_graph(edges, package))]
    message = "\n".join(f"inside {package}: {' ↔ '.join(cycle)}" for package, cycle in found)
    assert not found, "packages importing each other:\n" + message


def test_no_phase4_table_module_imports_another(graph):
    assert set(TABLE_MODULES) <= graph.modules
    chains = [
        " → ".join(graph.find_shortest_chain(importer=importer, imported=imported))
        for importer in TABLE_MODULES
        for imported in TABLE_MODULES
        if importer != imported and graph.chain_exists(importer=importer, imported=imported)
    ]
    assert not chains, "table modules importing each other (move the shared part to a building block):\n" + "\n".join(chains)


def test_every_top_level_package_is_in_one_layer(graph):
    placed = [name for layer in LAYERS for name in layer]
    assert len(placed) == len(set(placed)), "a package is in two layers"
    top_level = {module.split(".")[1] for module in graph.modules if module != PACKAGE}
    unplaced = sorted(top_level - set(placed))
    assert not unplaced, f"place these in LAYERS (and docs/ARCHITECTURE.md#layers): {unplaced}"


def route_text(route: grimp.Route) -> str:
    """importing module(s) → intermediate modules → imported module(s)."""
    return " → ".join([", ".join(sorted(route.heads)), *route.middle, ", ".join(sorted(route.tails))])


def test_a_lower_layer_never_imports_a_higher_one(graph):
    layers = [grimp.Layer(*layer, independent=True) for layer in LAYERS]
    illegal = graph.find_illegal_dependencies_for_layers(layers, containers={PACKAGE})
    lines = [
        f"{dependency.importer} imports {dependency.imported}: " + "; ".join(sorted(map(route_text, dependency.routes)))
        for dependency in sorted(illegal, key=lambda d: (d.importer, d.imported))
    ]
    assert not illegal, "imports against the layer order (LAYERS, highest first):\n" + "\n".join(lines)
