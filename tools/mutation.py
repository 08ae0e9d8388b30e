"""Mutation testing on demand (not in CI): does a small, plausible bug in a module fail its fast tests?

One AST mutation at a time is applied to a copy of the project (mutants/<module>.<pid>/, git-ignored), and the
module's fast tests (never `slow`, BigQuery only with --bigquery) run against that copy. A mutant the tests
fail on is "killed", one they pass on "survived", one that runs past the time limit "timeout".
Why our own mutator and not mutmut 3: mutmut reads its configuration from setup.cfg/pyproject.toml and
rewrites every function into trampolines; here one copy, one edit and one pytest run per mutant is enough.
How to run and the recorded results: docs/MUTATION.md.

    .venv/bin/python tools/mutation.py --module nba_features/phase4/ml_features/quality_scorer.py
    .venv/bin/python tools/mutation.py --module nba_features/phase4/ml_features/quality_scorer.py --list
    .venv/bin/python tools/mutation.py --module nba_features/phase4/ml_features/quality_scorer.py --only 64d3f9b1 1aece4f4
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "mutants"
COPIED = [
    "nba_features",
    "nba_features_tests",
    "schemas",
    "docs",
    "bench",
    "README.md",
    "Makefile",
    "pyproject.toml",
    "dagster.yaml",
    "workspace.yaml",
]

# Module -> the fast tests that exercise it (docs/MUTATION.md explains the choice).
TARGETS: dict[str, list[str]] = {
    "nba_features/warehouse/sql.py": [
        "nba_features_tests/warehouse/test_dialect.py",
        "nba_features_tests/warehouse_local/test_duckdb_nested_values.py",
        "nba_features_tests/warehouse_local/test_bigquery_param_types.py",
        "nba_features_tests/warehouse_local/test_duckdb_warehouse.py",
        "nba_features_tests/warehouse/test_partition_replace_shared.py",
    ],
    "nba_features/warehouse/base.py": [
        "nba_features_tests/warehouse_local/test_duckdb_warehouse.py",
        "nba_features_tests/warehouse_local/test_duckdb_refused_writes.py",
        "nba_features_tests/warehouse_local/test_normalize_result.py",
        "nba_features_tests/warehouse_local/test_schema_drift_extra.py",
        "nba_features_tests/warehouse_local/test_prepare_frame_shape.py",
        "nba_features_tests/warehouse_local/test_duckdb_catalog.py",
        "nba_features_tests/warehouse/test_partition_replace_shared.py",
        "nba_features_tests/warehouse/test_column_values_shared.py",
        "nba_features_tests/warehouse/test_dialect.py",
        "nba_features_tests/warehouse_local/test_contracts.py",
    ],
    "nba_features/warehouse/duckdb_warehouse.py": [
        "nba_features_tests/warehouse_local/test_duckdb_warehouse.py",
        "nba_features_tests/warehouse_local/test_duckdb_nested_values.py",
        "nba_features_tests/warehouse_local/test_duckdb_warehouse_path.py",
        "nba_features_tests/warehouse_local/test_duckdb_time_zone.py",
        "nba_features_tests/warehouse_local/test_duckdb_catalog.py",
        "nba_features_tests/warehouse_local/test_duckdb_transient_errors.py",
        "nba_features_tests/warehouse_local/test_duckdb_execute.py",
        "nba_features_tests/warehouse/test_partition_replace_shared.py",
        "nba_features_tests/warehouse/test_column_values_shared.py",
        "nba_features_tests/warehouse_local/test_contracts.py",
    ],
    "nba_features/phase4/ml_features/quality_scorer.py": [
        "nba_features_tests/quality/test_scorer.py",
        "nba_features_tests/quality/test_scorer_boundaries.py",
    ],
    "nba_features/quality/table_checks.py": [
        "nba_features_tests/quality/test_table_checks.py",
        "nba_features_tests/quality/test_table_checks_empty_dates.py",
        "nba_features_tests/quality/test_schema_check_outcomes.py",
        "nba_features_tests/quality/test_value_ranges.py",
    ],
    "nba_features/quality/feature_store_checks.py": [
        "nba_features_tests/quality/test_feature_store_checks.py",
        "nba_features_tests/quality/test_feature_store_history.py",
    ],
    "nba_features/quality/expected_rows.py": [
        "nba_features_tests/quality/test_table_checks.py",
        "nba_features_tests/quality/test_value_ranges.py",
        "nba_features_tests/quality/test_expected_rows_ranges.py",
        "nba_features_tests/quality/test_team_defense_expected_rows.py",
    ],
    "nba_features/reruns/lookbacks.py": [
        "nba_features_tests/automation/test_lookbacks.py",
        "nba_features_tests/automation/test_lookback_table_rows.py",
    ],
    "nba_features/reruns/fingerprints.py": [
        "nba_features_tests/automation/test_fingerprint_windows.py",
        "nba_features_tests/automation/test_lookbacks.py",
        "nba_features_tests/automation/test_input_change_sensor.py",
    ],
    "nba_features/defs/sensors/input_change.py": [
        "nba_features_tests/automation/test_input_change_sensor.py",
        "nba_features_tests/automation/test_input_change_tags.py",
        "nba_features_tests/automation/test_input_change_missing_tables.py",
    ],
    "nba_features/defs/sensors/upstream_fixed_retry.py": [
        "nba_features_tests/automation/test_retry_sensor_ticks.py",  # test_retry_sensor.py is slow only
    ],
    "nba_features/phase4/game_windows.py": [
        "nba_features_tests/phase4/test_game_windows.py",
        "nba_features_tests/phase4/test_team_defense_zone_analysis.py",
        "nba_features_tests/phase4/test_player_shot_zone_analysis.py",
        "nba_features_tests/phase4/test_player_daily_cache.py",
    ],
    "nba_features/warehouse/bigquery_warehouse.py": [  # with --bigquery: the emulator tests
        "nba_features_tests/warehouse/test_bigquery_warehouse.py",
        "nba_features_tests/warehouse/test_partition_replace_shared.py",
        "nba_features_tests/warehouse/test_column_values_shared.py",
        "nba_features_tests/warehouse/test_dialect.py",
        "nba_features_tests/warehouse/test_schema_cli_bigquery.py",
        "nba_features_tests/alerts/test_query_timeouts.py",
        "nba_features_tests/automation/test_bigquery_automation_sql.py",
        "nba_features_tests/legacy/test_legacy_bigquery.py",
    ],
    "nba_features/phase4/ml_features/windows.py": [
        "nba_features_tests/phase4/test_event_windows.py",
        "nba_features_tests/phase4/test_ml_feature_store_v2.py",
    ],
}

# SQL inside string constants: one token swapped at a time (comparisons, boolean logic, sort order).
SQL_SWAPS = [(" <= ", " < "), (" < ", " <= "), (" >= ", " > "), (" > ", " >= "), (" = ", " != "), (" AND ", " OR "),
             (" IN (", " NOT IN ("), (" DESC", " ASC"), (" ASC", " DESC")]  # fmt: skip
_SQL_WORDS = re.compile(r"\b(SELECT|WHERE|JOIN|DELETE|MERGE|INSERT|UPDATE|HAVING|QUALIFY)\b")
COMPARE_SWAPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
                 ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}  # fmt: skip
BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Mult}
CALL_SWAPS = {"min": "max", "max": "min", "any": "all", "all": "any"}


@dataclass(frozen=True)
class Mutation:
    index: int
    key: str  # stable while the mutated code itself is unchanged: edits elsewhere in the module do not move it
    operator: str
    line: int
    before: str
    after: str


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """Annotations and docstrings: mutating them changes no behaviour."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            roots.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            roots.append(node.returns)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                roots.append(first)
    return {id(sub) for root in roots for sub in ast.walk(root)}


def _candidates(tree: ast.AST) -> Iterator[tuple[ast.AST, str, Callable[[ast.AST], ast.AST]]]:
    """Every (node, operator, replacement builder) of the tree, in a fixed order."""
    skipped = _skipped_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Compare):
            for position, op in enumerate(node.ops):
                if type(op) in COMPARE_SWAPS:
                    yield node, "compare", _compare_swap(position)
        elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in BINOP_SWAPS:
            yield node, "arithmetic", _binop_swap
        elif isinstance(node, ast.BoolOp):
            yield node, "boolean", lambda n: ast.BoolOp(op=ast.Or() if isinstance(n.op, ast.And) else ast.And(), values=n.values)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "drop-not", lambda n: n.operand
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            yield node, "constant", lambda n: ast.Constant(not n.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            yield node, "constant", lambda n: ast.Constant(n.value + 1)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL_WORDS.search(node.value):
            for old, new in SQL_SWAPS:
                if old in node.value:
                    yield node, "sql", lambda n, old=old, new=new: ast.Constant(n.value.replace(old, new, 1))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CALL_SWAPS:
            yield (
                node,
                "call",
                lambda n: ast.Call(func=ast.Name(CALL_SWAPS[n.func.id], ast.Load()), args=n.args, keywords=n.keywords),
            )
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            yield node, "drop-call", lambda n: ast.Pass()


def _compare_swap(position: int) -> Callable[[ast.AST], ast.AST]:
    def build(node: ast.Compare) -> ast.AST:
        ops = list(node.ops)
        ops[position] = COMPARE_SWAPS[type(ops[position])]()
        return ast.Compare(left=node.left, ops=ops, comparators=node.comparators)

    return build


def _binop_swap(node: ast.BinOp | ast.AugAssign) -> ast.AST:
    op = BINOP_SWAPS[type(node.op)]()
    if isinstance(node, ast.AugAssign):
        return ast.AugAssign(target=node.target, op=op, value=node.value)
    return ast.BinOp(left=node.left, op=op, right=node.right)


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, replacement: ast.AST) -> None:
        self.target, self.replacement = target, replacement

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return ast.copy_location(self.replacement, node)
        return super().generic_visit(node)


def list_mutations(source: str) -> list[Mutation]:
    tree = ast.parse(source)
    mutations, seen = [], Counter()
    for index, (node, operator, build) in enumerate(_candidates(tree)):
        before, after = ast.unparse(node), ast.unparse(build(node))
        seen[operator, before, after] += 1
        key = hashlib.sha1(f"{operator}|{before}|{after}|{seen[operator, before, after]}".encode()).hexdigest()[:8]
        if operator == "sql":  # show the swapped token in its context, not the start of a long query
            before, after = _around_change(node.value, build(node).value)
        mutations.append(Mutation(index, key, operator, node.lineno, _short(before), _short(after)))
    return mutations


def mutate(source: str, index: int) -> str:
    tree = ast.parse(source)
    node, _, build = next(c for i, c in enumerate(_candidates(tree)) if i == index)
    mutated = ast.fix_missing_locations(_Replace(node, build(node)).visit(tree))
    return ast.unparse(mutated)


def _around_change(before: str, after: str, context: int = 30) -> tuple[str, str]:
    start = next(i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
    end = start + len(after) - len(before)
    lo = max(0, start - context)
    return "..." + before[lo : start + context] + "...", "..." + after[lo : max(start, end) + context] + "..."


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 110 else text[:107] + "..."


def _copy_project(destination: Path, revision: str | None) -> None:
    """The project at `revision` (a commit: other people's unfinished edits stay out), or the working tree."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    if revision is not None:
        archive = subprocess.run(["git", "archive", revision, *COPIED], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
        return
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, destination / name)


def _remove_project(copy: Path) -> None:
    """Keep only the logs and results: a copy of the project left in the checkout would be scanned by tests that
    walk the repository (docs links, imports)."""
    for name in COPIED:
        path = copy / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    shutil.rmtree(copy / ".pytest_tmp", ignore_errors=True)


def _preload() -> None:
    """Import the heavy third-party libraries once; each forked test run then starts in a fraction of the time.
    The project's own modules are NOT imported here: each child imports them fresh from the mutated copy."""
    import dagster  # noqa: F401
    import duckdb  # noqa: F401
    import hypothesis  # noqa: F401
    import pandas  # noqa: F401
    import pytest  # noqa: F401
    import sqlglot  # noqa: F401


def _run_tests(copy: Path, tests: list[str], markers: str, timeout: float, log: Path) -> tuple[str, float]:
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child: its own process group, so a timeout also ends whatever the tests started
        code = 3
        try:
            os.setpgid(0, 0)
            descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(descriptor, 1)
            os.dup2(descriptor, 2)
            os.chdir(copy)
            sys.path.insert(0, str(copy))
            sys.dont_write_bytecode = True
            os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(copy), os.environ.get("PYTHONPATH")]))
            os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
            import pytest

            args = [*tests, "-x", "-q", "-m", markers, "-p", "no:cacheprovider", f"--basetemp={copy / '.pytest_tmp'}"]
            code = int(pytest.main(args))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    while True:
        finished, status = os.waitpid(pid, os.WNOHANG)
        elapsed = time.monotonic() - started
        if finished:
            code = os.waitstatus_to_exitcode(status)
            if code == 0:
                return "survived", elapsed
            # The baseline passed, so any failure is the mutant's: 1 failed, 2 collection error, 4 a conftest that no
            # longer imports, < 0 crashed. 5 (nothing collected) says nothing about the mutant.
            return ("killed" if code != 5 else "error(5)"), elapsed
        if elapsed > timeout:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", elapsed
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--module", required=True, help="e.g. nba_features/phase4/ml_features/quality_scorer.py")
    parser.add_argument("--tests", nargs="+", help="test paths (default: the module's entry in TARGETS)")
    parser.add_argument("--sample", type=int, default=40, help="at most this many mutants (0: all)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--only", nargs="+", help="run exactly these mutants (their keys, as printed)")
    parser.add_argument("--bigquery", action="store_true", help="also run tests marked bigquery (emulator, slow)")
    parser.add_argument("--revision", default="HEAD", help="the commit to test (default HEAD)")
    parser.add_argument("--working-tree", action="store_true", help="test the working tree instead of a commit")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)

    module = args.module
    commit = (
        None if args.working_tree else subprocess.check_output(["git", "rev-parse", args.revision], cwd=ROOT, text=True).strip()
    )
    if commit is None:
        source = (ROOT / module).read_text()
    else:
        source = subprocess.check_output(["git", "show", f"{commit}:{module}"], cwd=ROOT, text=True)
    mutations = list_mutations(source)
    if args.list:
        for m in mutations:
            print(f"{m.key} {m.operator:10s} L{m.line:<4d} {m.before}  ->  {m.after}")
        return 0
    tests = args.tests or TARGETS[module]
    markers = "not slow" if args.bigquery else "not slow and not bigquery"
    if args.only:
        by_key = {m.key: m.index for m in mutations}
        unknown = [key for key in args.only if key not in by_key]
        if unknown:
            print(f"gone from {module} (the mutated code changed): {' '.join(unknown)}")
        chosen = sorted(by_key[key] for key in args.only if key in by_key)
    elif args.sample and len(mutations) > args.sample:
        chosen = sorted(random.Random(args.seed).sample(range(len(mutations)), args.sample))
    else:
        chosen = list(range(len(mutations)))

    copy = WORK / f"{module.removesuffix('.py').replace('/', '.')}.{os.getpid()}"  # one copy per run: runs never collide
    _copy_project(copy, commit)
    target = copy / module
    _preload()
    baseline, baseline_seconds = _run_tests(copy, tests, markers, timeout=1800, log=copy / "baseline.log")
    if baseline != "survived":
        _remove_project(copy)
        print(f"baseline: the unmutated tests did not pass ({baseline}); see {copy / 'baseline.log'}")
        return 2
    timeout = max(3 * baseline_seconds, baseline_seconds + 30)
    revision = commit[:7] if commit else "working tree"
    print(f"{module} at {revision}: {len(mutations)} mutants, running {len(chosen)} (seed {args.seed}); "
          f"baseline {baseline_seconds:.1f}s, timeout {timeout:.0f}s", flush=True)  # fmt: skip

    results = []
    try:
        for index in chosen:
            m = mutations[index]
            target.write_text(mutate(source, index))
            status, seconds = _run_tests(copy, tests, markers, timeout, log=copy / f"mutant_{index}.log")
            results.append({**m.__dict__, "status": status, "seconds": round(seconds, 1)})
            print(f"{m.key} {status:9s} {seconds:6.1f}s {m.operator:10s} L{m.line:<4d} {m.before}  ->  {m.after}", flush=True)
    finally:
        _remove_project(copy)
    counts = {s: sum(r["status"] == s for r in results) for s in sorted({r["status"] for r in results})}
    print(f"{module}: " + ", ".join(f"{s} {n}" for s, n in counts.items()))
    (copy / "results.json").write_text(
        json.dumps({"module": module, "revision": revision, "tests": tests, "results": results}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
