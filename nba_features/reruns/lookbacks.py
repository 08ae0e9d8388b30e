"""Which Phase 4 partitions read a given date of a source table: the rerun windows of the sensors.

Each extract declares its lookback L (`Extract.lookback_days`) and bounds its partition column
either by `<= @end_date` / `BETWEEN ... AND @end_date` (pre-game rows of D itself: contexts, odds,
injury report, schedule) or by `< @end_date` (outcome rows, docs/RULES.md#point-in-time: game_date < D). It therefore
reads [D - L, D] or [D - L, D - 1], so a change of that table on date X can alter exactly the
partitions D in [X, X + L] or [X + 1, X + L]. The tables an extract reads and its upper bound are
read from its SQL (sqlglot, BigQuery dialect), so the windows follow the extracts when they change.

Only the external inputs (`nba_features.phase4.inputs.SOURCE_TABLES`) get windows here; the
Phase 4 tables an extract reads (nba_precompute.*) are covered by lineage instead: every asset
downstream of an affected asset reruns for the same dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from nba_features.phase4.inputs import SOURCE_TABLES
from nba_features.phase4.spec import Extract
from nba_features.pipeline.registry import RUN_ORDER

END_DATE_PARAMETER = "end_date"


@dataclass(frozen=True)
class RerunWindow:
    """Partitions D = X + first_offset .. X + last_offset are affected by a change on date X."""

    first_offset: int
    last_offset: int

    def partitions_for(self, changed: dt.date) -> tuple[dt.date, dt.date]:
        return changed + dt.timedelta(days=self.first_offset), changed + dt.timedelta(days=self.last_offset)

    def union(self, other: RerunWindow) -> RerunWindow:
        # Offsets start at 0 or 1 and end at L >= 0, so two windows always overlap or touch.
        return RerunWindow(min(self.first_offset, other.first_offset), max(self.last_offset, other.last_offset))

    def describe(self) -> str:
        start = "X" if self.first_offset == 0 else f"X+{self.first_offset}"
        end = "X" if self.last_offset == 0 else f"X+{self.last_offset}"
        return start if start == end else f"[{start}, {end}]"


def tables_read(sql: str) -> set[str]:
    """'dataset.table' names an extract reads."""
    return {f"{t.db}.{t.name}" for t in sqlglot.parse_one(sql, read="bigquery").find_all(exp.Table) if t.db}


def _is_end_date(node: exp.Expression | None) -> bool:
    return isinstance(node, exp.Parameter) and node.name == END_DATE_PARAMETER


def excludes_end_date(sql: str) -> bool:
    """True when every bound on @end_date is strict (`< @end_date`): the run's own dates are not read.

    An extract without a recognisable bound counts as reading its end date (the wider window).
    """
    tree = sqlglot.parse_one(sql, read="bigquery")
    strict = [node for node in tree.find_all(exp.LT) if _is_end_date(node.expression)]
    strict += [node for node in tree.find_all(exp.GT) if _is_end_date(node.this)]
    inclusive = [node for node in tree.find_all(exp.LTE) if _is_end_date(node.expression)]
    inclusive += [node for node in tree.find_all(exp.GTE) if _is_end_date(node.this)]
    inclusive += [node for node in tree.find_all(exp.Between) if _is_end_date(node.args.get("high"))]
    return bool(strict) and not inclusive


def extract_window(extract: Extract) -> RerunWindow:
    return RerunWindow(1 if excludes_end_date(extract.sql) else 0, extract.lookback_days)


def _rerun_windows() -> dict[str, dict[str, RerunWindow]]:
    windows: dict[str, dict[str, RerunWindow]] = {}
    for table in RUN_ORDER:
        per_source: dict[str, RerunWindow] = {}
        for extract in table.extracts:
            window = extract_window(extract)
            for source in tables_read(extract.sql) & set(SOURCE_TABLES):
                per_source[source] = per_source[source].union(window) if source in per_source else window
        windows[table.asset_name] = per_source
    return windows


# asset name → source table → window of partitions a change on date X of that table can alter
RERUN_WINDOWS: dict[str, dict[str, RerunWindow]] = _rerun_windows()


def _downstream() -> dict[str, frozenset[str]]:
    direct: dict[str, set[str]] = {t.asset_name: set() for t in RUN_ORDER}
    for table in RUN_ORDER:
        for upstream in table.upstream_assets:
            direct[upstream].add(table.asset_name)
    closure: dict[str, frozenset[str]] = {}
    for table in reversed(RUN_ORDER):  # run order is topological: children are closed first
        name = table.asset_name
        closure[name] = frozenset(direct[name]).union(*(closure[child] for child in direct[name]))
    return closure


# asset name → every Phase 4 asset that reads it, directly or through another Phase 4 asset
DOWNSTREAM: dict[str, frozenset[str]] = _downstream()
ASSET_ORDER: tuple[str, ...] = tuple(t.asset_name for t in RUN_ORDER)


def with_downstream(assets: Iterable[str]) -> tuple[str, ...]:
    """The assets and everything downstream of them, in run order."""
    selected = set(assets)
    for name in list(selected):
        selected |= DOWNSTREAM[name]
    return tuple(name for name in ASSET_ORDER if name in selected)


def affected_partitions(
    changed_dates: Mapping[str, Iterable[dt.date]],
    *,
    first_partition: dt.date,
    last_partition: dt.date,
    game_dates: Iterable[dt.date],
) -> dict[dt.date, tuple[str, ...]]:
    """Partition date → the Phase 4 assets to rerun (downstream included, run order).

    `changed_dates`: source table → dates X whose rows changed. Only existing partitions
    (first_partition..last_partition) that are game dates are returned.
    """
    eligible = {d for d in game_dates if first_partition <= d <= last_partition}
    direct: dict[dt.date, set[str]] = {}
    for source, dates in changed_dates.items():
        for asset, windows in RERUN_WINDOWS.items():
            window = windows.get(source)
            if window is None:
                continue
            for changed in dates:
                start, end = window.partitions_for(changed)
                for offset in range((end - start).days + 1):
                    day = start + dt.timedelta(days=offset)
                    if day in eligible:
                        direct.setdefault(day, set()).add(asset)
    return {day: with_downstream(assets) for day, assets in sorted(direct.items())}


def lookback_table_markdown() -> str:
    """The rerun windows per asset, as documented in the README (a test keeps the two equal)."""
    lines = [
        "| asset | lookback (days) | a change on date X of … reruns partitions D in | and after a rerun of |",
        "|---|---|---|---|",
    ]
    for table in RUN_ORDER:
        windows = RERUN_WINDOWS[table.asset_name]
        reads = "; ".join(f"`{source}` {windows[source].describe()}" for source in SOURCE_TABLES if source in windows)
        upstream = ", ".join(f"`{name}`" for name in table.upstream_assets) or "—"
        lines.append(f"| `{table.asset_name}` | {table.lookback_days} | {reads} | {upstream} |")
    return "\n".join(lines)


if __name__ == "__main__":  # regenerate the README table: python -m nba_features.reruns.lookbacks
    print(lookback_table_markdown())
