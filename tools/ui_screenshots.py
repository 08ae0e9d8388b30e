"""Screenshots of the Dagster UI pages an operator reads first, taken with headless Chromium.

Run against a webserver on the instance to show (`make dev` after `make demo`); the pictures go to
docs/img/ and are linked from the README:

    .venv/bin/python tools/ui_screenshots.py --port 3000 [--out docs/img] [--only NAME]

Chromium is Debian's (`apt-get install chromium`); it is started with the flags a closed network
needs (no background networking, no component updates), a fresh profile, and enough virtual time for
the UI's queries to come back before the picture is taken.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

PAGES = {
    "lineage": "/asset-groups/phase4/lineage",
    "feature_store_partitions": "/assets/ml_feature_store_v2?view=partitions",
    "feature_store_checks": "/assets/ml_feature_store_v2?view=checks",
    "feature_store_failed_partitions": "/assets/ml_feature_store_v2?view=partitions&status=FAILED",
}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1500,950",
    "--virtual-time-budget=30000",
]


def screenshot(port: int, path: str, target: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={target}", f"http://127.0.0.1:{port}{path}"],
            check=True,
            capture_output=True,
            timeout=180,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--only", choices=sorted(PAGES), action="append", help="page(s) to take (default: all)")
    parser.add_argument("--prefix", default="", help="prefix of the file names, e.g. 'red_' for a red-date instance")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.only or PAGES:
        target = args.out / f"{args.prefix}{name}.png"
        screenshot(args.port, PAGES[name], target.resolve())
        print(target)


if __name__ == "__main__":
    main()
