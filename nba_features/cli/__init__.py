"""`nba-features`: the command line (one module per command; `main` parses and dispatches)."""

from nba_features.cli.main import main

__all__ = ["main"]
