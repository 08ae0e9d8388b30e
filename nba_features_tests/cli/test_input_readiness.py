"""The pure input judgements behind `validate` and the backfill preflight (quality/input_readiness.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nba_features.quality import input_readiness as inputs

D = dt.date(2024, 1, 16)
START = dt.date(2023, 10, 24)


def schedule(*games: tuple[str, str, str, str, int]) -> pd.DataFrame:
    """(game_id, date, away, home, status) rows as the schedule extract gives them."""
    return pd.DataFrame(
        [
            {"game_id": g, "game_date": pd.Timestamp(d), "away_team_tricode": a, "home_team_tricode": h, "game_status": s}
            for g, d, a, h, s in games
        ]
    )


SCHEDULE = schedule(
    ("g1", "2024-01-14", "BOS", "TOR", 3),
    ("g2", "2024-01-15", "DEN", "PHI", 3),
    ("g3", "2024-01-15", "LAL", "GSW", 1),  # never played: no box scores yet
    ("g4", "2024-01-16", "DEN", "MIA", 1),
    ("g0", "2023-05-01", "BOS", "MIA", 3),  # last season
)


def test_pregame_rows_must_cover_every_team_playing():
    playing = inputs.teams_playing(SCHEDULE, D)
    assert playing == {"DEN", "MIA"}
    assert inputs.pregame_status("t", pd.Series(["DEN", "MIA"]), 30, playing, D).complete
    status = inputs.pregame_status("t", pd.Series(["DEN"]), 15, playing, D)
    assert status.problems == (f"t: no rows for 1 team(s) playing on {D}: MIA",)
    idle = inputs.pregame_status("t", pd.Series(["DEN"]), 15, set(), D)
    assert idle.problems == (f"t: 15 rows on {D}, which has no scheduled games",)


def test_box_scores_of_both_teams_of_every_final_game_of_the_season_before_d():
    final = inputs.final_games_before(SCHEDULE, D, START)
    assert sorted(final["game_id"]) == ["g1", "g2"]  # not g0 (last season), g3 (not final), g4 (D itself)
    rows = pd.DataFrame({"game_id": ["g1", "g1", "g2"], "team_abbr": ["BOS", "TOR", "PHI"], "n": [12, 12, 13]})
    status = inputs.box_score_status("pgs", rows, final, D)
    assert status.rows == 37
    assert status.problems == (f"pgs: 1 team-game(s) of final games before {D} have no rows: g2 DEN",)
    full = pd.concat([rows, pd.DataFrame({"game_id": ["g2"], "team_abbr": ["DEN"], "n": [12]})])
    assert inputs.box_score_status("pgs", full, final, D).complete


def test_games_before_d_that_are_not_final_have_no_box_scores_yet():
    status = inputs.unfinished_games_before(SCHEDULE, D, START)
    assert status.problems == (
        f"nba_reference.nba_schedule: 1 game(s) before {D} not final (no box scores yet): g3 (2024-01-15)",
    )
    assert inputs.unfinished_games_before(SCHEDULE, dt.date(2024, 1, 15), START).complete
    assert inputs.unfinished_games_before(SCHEDULE, D, None).complete  # no known season: nothing to judge


def test_lines_from_either_feed_and_the_injury_report_on_game_days_only():
    assert inputs.odds_status(0, 5, 3, D).complete and inputs.odds_status(5, 0, 3, D).complete
    assert not inputs.odds_status(0, 0, 3, D).complete
    assert inputs.odds_status(0, 0, 0, D).complete  # no games: no lines needed
    assert inputs.snapshot_status("inj", 0, 3, D, needed=True).problems == (
        f"inj: no rows for {D}, which has 3 scheduled game(s)",
    )
    assert inputs.snapshot_status("inj", 0, 0, D, needed=True).complete


def test_long_lists_are_cut_with_a_count():
    many = schedule(*[(f"x{i}", "2024-01-10", f"A{i}", f"H{i}", 1) for i in range(8)])
    (problem,) = inputs.unfinished_games_before(many, D, START).problems
    assert problem.endswith("x4 (2024-01-10) (+3 more)")
