"""Progress on long commands: `materialize` (and `demo`, which runs it) shows each season and each asset with
elapsed time on stderr while the run goes, and stdout keeps only the outcome."""

from __future__ import annotations

import io
import re

from nba_features.cli.materialize import season_label
from nba_features.cli.progress import Progress, step_lines
from nba_features_tests.cli.conftest import GREEN

STAMP = re.compile(r"^\[\s*\d+\.\ds\] ")


def test_materialize_shows_the_season_and_each_asset_with_elapsed_time(cli):
    code, out, err = cli(
        "materialize",
        "--from",
        str(GREEN),
        "--to",
        str(GREEN),
        "--select",
        "team_defense_zone_analysis,player_shot_zone_analysis",
    )
    assert code == 0, out + err
    label = f"season 2023-24 ({GREEN} .. {GREEN}, run 1/1)"
    lines = err.splitlines()
    assert all(STAMP.match(line) for line in lines), err
    texts = [STAMP.sub("", line) for line in lines]
    assert texts[0] == f"{label}: starting 2 asset(s)"
    for asset in ("team_defense_zone_analysis", "player_shot_zone_analysis"):
        start, end = (
            texts.index(f"{label}: {asset}: started"),
            [i for i, t in enumerate(texts) if t.startswith(f"{label}: {asset}: done in ")],
        )
        assert end and start < end[0], texts
    assert texts[-1].startswith(f"{label}: finished in ")
    assert out.strip().startswith(f"{GREEN} .. {GREEN}: ok in ") and "started" not in out


def test_step_lines_and_season_labels_pure():
    started: dict[str, float] = {}
    events = [("a", "STEP_START", 10.0), ("b", "STEP_START", 11.0), ("a", "STEP_SUCCESS", 14.5), ("b", "STEP_FAILURE", 12.0)]
    assert step_lines(events, started) == ["a: started", "b: started", "a: done in 4.5s", "b: FAILED in 1.0s"]
    assert step_lines([("c", "STEP_SUCCESS", 3.0)], started) == ["c: done"]  # its start was not seen
    assert (season_label(GREEN), season_label(GREEN.replace(month=10, day=1)), season_label(GREEN.replace(month=9))) == (
        "season 2023-24", "season 2024-25", "season 2023-24",
    )  # fmt: skip
    stream = io.StringIO()
    Progress(stream).line("hello")
    assert STAMP.match(stream.getvalue()) and stream.getvalue().endswith("] hello\n")
