import sys

from nba_features.cli.main import main

sys.exit(main())
