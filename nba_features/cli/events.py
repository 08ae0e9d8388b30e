"""`nba-features events`: the quality events still open (PENDING), oldest first.

Exit 0 when none is open, 1 when some are (so a cron job or a shell prompt can tell), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json

import pandas as pd

from nba_features.quality.events import EVENTS_TABLE, OPEN_EVENT_HORIZON_DAYS
from nba_features.warehouse import warehouse_from_env

OPEN_EVENTS_LIST_SQL = f"""
-- bound: events of the last {OPEN_EVENT_HORIZON_DAYS} days (partition DATE(event_timestamp))
SELECT event_id, event_timestamp, event_type, severity, table_name, game_date, processor_name, description, session_id
FROM {EVENTS_TABLE}
WHERE DATE(event_timestamp) >= @since AND resolution_status = 'PENDING'
ORDER BY event_timestamp, table_name, game_date, processor_name
"""


def add_events_parser(commands) -> None:
    parser = commands.add_parser("events", help="open quality events (PENDING), oldest first")
    parser.add_argument("--format", choices=["table", "json"], default="table")


def _age(opened: pd.Timestamp, now: pd.Timestamp) -> str:
    hours = (now - opened).total_seconds() / 3600
    return f"{hours:.1f}h" if hours < 48 else f"{hours / 24:.1f}d"


def run_events_command(args: argparse.Namespace) -> int:
    warehouse = warehouse_from_env()
    now = pd.Timestamp.now(tz="UTC")
    since = (now - pd.Timedelta(days=OPEN_EVENT_HORIZON_DAYS)).date()
    rows = warehouse.query(OPEN_EVENTS_LIST_SQL, {"since": since})
    if args.format == "json":
        records = [
            {**row, "event_timestamp": row["event_timestamp"].isoformat(),
             "game_date": None if pd.isna(row["game_date"]) else row["game_date"].date().isoformat()}
            for row in rows.to_dict("records")
        ]  # fmt: skip
        print(json.dumps(records, indent=2, default=str))
        return 1 if len(rows) else 0
    if rows.empty:
        print(f"no open quality events (since {since})")
        return 0
    print(f"{len(rows)} open quality event(s), oldest first:")
    print(f"  {'opened (UTC)':<20} {'age':>6} {'severity':<8} {'table':<40} {'date':<10} {'check / processor':<30} description")
    for row in rows.itertuples(index=False):
        day = "-" if pd.isna(row.game_date) else row.game_date.date().isoformat()
        print(
            f"  {row.event_timestamp:%Y-%m-%d %H:%M:%S} {_age(row.event_timestamp, now):>6} {row.severity:<8} "
            f"{row.table_name or '-':<40} {day:<10} {row.processor_name or '-':<30} {row.description}"
        )
    return 1
