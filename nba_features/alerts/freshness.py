"""When a game date's partition is late (docs/ALERTS.md#freshness), without Dagster: the verdicts the freshness
checks and their sensor report, from a clock, the schedule's tip-offs and the partitions' latest materializations.

- Today (ET): the partition must be materialized by the pregame deadline: the earlier of
  NBA_FEATURES_PREGAME_DEADLINE (default 10:00 ET) and the first tip-off minus NBA_FEATURES_PREGAME_LEAD_MINUTES
  (default 60).
- Yesterday: the partition must have been rematerialized after its final box scores (a materialization at
  least FINAL_AFTER_TIPOFF after the day's last tip-off) by NBA_FEATURES_POSTGAME_DEADLINE (default 11:00 ET).
- A day without scheduled games is never late.
A materialization is a green result: a red date is not materialized (docs/RULES.md#red-partitions), so a red
run leaves the partition late. Before its deadline a partition that is not yet fresh has no verdict.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# the check every Phase 4 asset carries (defs/sensors/freshness.py)
FRESHNESS_CHECK = "latest_partition_fresh"
EASTERN = ZoneInfo("America/New_York")
# a game is final about 2.5 h after tip-off; the box scores of the day's last game are in an hour later
FINAL_AFTER_TIPOFF = dt.timedelta(hours=3)


@dataclass(frozen=True)
class FreshnessSettings:
    pregame_deadline: dt.time = dt.time(10, 0)
    pregame_lead: dt.timedelta = dt.timedelta(minutes=60)
    postgame_deadline: dt.time = dt.time(11, 0)

    @classmethod
    def from_env(cls) -> FreshnessSettings:
        return cls(
            pregame_deadline=dt.time.fromisoformat(os.environ.get("NBA_FEATURES_PREGAME_DEADLINE", "10:00")),
            pregame_lead=dt.timedelta(minutes=float(os.environ.get("NBA_FEATURES_PREGAME_LEAD_MINUTES", "60"))),
            postgame_deadline=dt.time.fromisoformat(os.environ.get("NBA_FEATURES_POSTGAME_DEADLINE", "11:00")),
        )


@dataclass(frozen=True)
class Verdict:
    day: dt.date
    kind: str  # 'pregame' (today) | 'postgame' (yesterday's rerun)
    passed: bool
    deadline: dt.datetime | None  # None on a day without games
    description: str


def _eastern(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=EASTERN)


def _shown(moment: dt.datetime | None) -> str:
    return moment.astimezone(EASTERN).strftime("%Y-%m-%d %H:%M ET") if moment else "never"


def freshness_verdicts(
    now: dt.datetime,
    tipoffs: Mapping[dt.date, Sequence[dt.datetime]],
    materialized_at: Mapping[dt.date, dt.datetime | None],
    settings: FreshnessSettings = FreshnessSettings(),
) -> list[Verdict]:
    """The verdicts due at `now` (UTC-aware) for yesterday's and today's partitions of one asset.

    `tipoffs`: the scheduled tip-offs (UTC-aware) of each date; `materialized_at`: each date's latest materialization.
    """
    today = now.astimezone(EASTERN).date()
    verdicts = []
    for day, kind in ((today - dt.timedelta(days=1), "postgame"), (today, "pregame")):
        games = sorted(tipoffs.get(day, ()))
        latest = materialized_at.get(day)
        if not games:
            verdicts.append(Verdict(day, kind, True, None, f"no games on {day}: never late"))
            continue
        if kind == "pregame":
            deadline = min(_eastern(day, settings.pregame_deadline), games[0] - settings.pregame_lead)
            fresh_after, wanted = None, "materialized"
        else:
            deadline = _eastern(today, settings.postgame_deadline)
            fresh_after = games[-1] + FINAL_AFTER_TIPOFF
            wanted = f"rematerialized after its final box scores (from {_shown(fresh_after)})"
        if latest is not None and (fresh_after is None or latest >= fresh_after):
            verdicts.append(Verdict(day, kind, True, deadline, f"{day} {wanted} at {_shown(latest)}"))
        elif now >= deadline:
            verdicts.append(
                Verdict(
                    day,
                    kind,
                    False,
                    deadline,
                    f"{day} late since {_shown(deadline)}: not {wanted}; latest materialization {_shown(latest)}",
                )  # fmt: skip
            )
    return verdicts
