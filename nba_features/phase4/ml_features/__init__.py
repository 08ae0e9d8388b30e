"""Per-family computations of the ML feature store (nba_features.phase4.ml_feature_store_v2).

* windows: point-in-time windows over sorted event rows, vectorised over every (row, date) of a run;
* feature_set: the 60 values and raw source tags, ordered and defaulted by the feature registry;
* player_history: player_game_summary windows (last-10 list, season, opponent, rolling set, graded lines);
* team_context: team_offense_game_summary windows, injured teammates' usage, the schedule's team games;
* vegas: points lines from odds_api (pre-tip-off) and BettingPros;
* upstream: the four Phase 4 tables read for the exact date D and how they join;
* output: the row around the features (quality fields, completeness, tracking, range validation).
"""
