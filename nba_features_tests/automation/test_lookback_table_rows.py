"""The README's rerun-window table is the generated one row for row (docs/RULES.md#reruns): one row per Phase 4
asset, in run order, nothing more. Found by tools/mutation.py (docs/MUTATION.md): a generator that dropped every
row still passed the "is contained in the README" test.
"""

from __future__ import annotations

from pathlib import Path

from nba_features.pipeline.registry import RUN_ORDER
from nba_features.reruns.lookbacks import lookback_table_markdown

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_has_exactly_one_row_per_asset():
    generated = lookback_table_markdown().splitlines()
    lines = README.read_text().splitlines()
    start = lines.index(generated[0])
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    assert table == generated
    assert [row.split("|")[1].strip(" `") for row in table[2:]] == [t.asset_name for t in RUN_ORDER]
