"""Daily schedules (America/New_York), RUNNING by default.

- 08:00 ET: today's partition, for tonight's games (pre-game contexts and lines are in by then).
- 07:00 ET: yesterday's partition again, after the final box scores landed overnight.
A date without scheduled games is skipped with a reason naming the date.
"""

import datetime as dt

import dagster as dg

from nba_features.defs.jobs import phase4_job
from nba_features.defs.resources import WarehouseResource
from nba_features.partitions import TIMEZONE

GAMES_ON_DATE_SQL = """
-- bound: the one date asked for
SELECT COUNT(*) AS games FROM nba_reference.nba_schedule WHERE game_date = @game_date
"""


def games_on(warehouse: WarehouseResource, day: dt.date) -> int:
    frame = warehouse.get().query(GAMES_ON_DATE_SQL, {"game_date": day})
    return int(frame["games"].iloc[0])


def _request_for(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource, day: dt.date, purpose: str):
    games = games_on(warehouse, day)
    if games == 0:
        return dg.SkipReason(f"no games scheduled on {day}: nothing to compute ({purpose})")
    return dg.RunRequest(
        run_key=f"{purpose}-{day.isoformat()}",
        partition_key=day.isoformat(),
        tags={"nba_features/trigger": purpose, "nba_features/games": str(games)},
    )


@dg.schedule(
    job=phase4_job,
    cron_schedule="0 8 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Today's partition in the morning, for tonight's games.",
)
def pregame_features_schedule(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
    return _request_for(context, warehouse, context.scheduled_execution_time.date(), "pregame")


@dg.schedule(
    job=phase4_job,
    cron_schedule="0 7 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Yesterday's partition again, after the final box scores.",
)
def final_box_scores_schedule(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
    return _request_for(context, warehouse, context.scheduled_execution_time.date() - dt.timedelta(days=1), "postgame")


SCHEDULES = [pregame_features_schedule, final_box_scores_schedule]
