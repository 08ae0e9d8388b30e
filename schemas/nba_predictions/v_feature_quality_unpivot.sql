-- One row per player, game date and feature of ml_feature_store_v2: the feature's index and name, its value
-- (NULL when its source is default/missing/fallback), canonical source and quality weight. The legacy view of
-- this name; filter on game_date (the table requires a partition filter, which reaches every branch).
-- Generated from the registry (nba_features.contracts.features); nba_features_tests/legacy/test_views.py holds it to it.
CREATE VIEW IF NOT EXISTS nba_predictions.v_feature_quality_unpivot AS
SELECT game_date, player_lookup, 0 AS feature_index, 'points_avg_last_5' AS feature_name, feature_0_value AS feature_value, feature_0_source AS feature_source, feature_0_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 1 AS feature_index, 'points_avg_last_10' AS feature_name, feature_1_value AS feature_value, feature_1_source AS feature_source, feature_1_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 2 AS feature_index, 'points_avg_season' AS feature_name, feature_2_value AS feature_value, feature_2_source AS feature_source, feature_2_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 3 AS feature_index, 'points_std_last_10' AS feature_name, feature_3_value AS feature_value, feature_3_source AS feature_source, feature_3_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 4 AS feature_index, 'games_in_last_7_days' AS feature_name, feature_4_value AS feature_value, feature_4_source AS feature_source, feature_4_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 5 AS feature_index, 'fatigue_score' AS feature_name, feature_5_value AS feature_value, feature_5_source AS feature_source, feature_5_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 6 AS feature_index, 'shot_zone_mismatch_score' AS feature_name, feature_6_value AS feature_value, feature_6_source AS feature_source, feature_6_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 7 AS feature_index, 'pace_score' AS feature_name, feature_7_value AS feature_value, feature_7_source AS feature_source, feature_7_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 8 AS feature_index, 'usage_spike_score' AS feature_name, feature_8_value AS feature_value, feature_8_source AS feature_source, feature_8_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 9 AS feature_index, 'rest_advantage' AS feature_name, feature_9_value AS feature_value, feature_9_source AS feature_source, feature_9_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 10 AS feature_index, 'injury_risk' AS feature_name, feature_10_value AS feature_value, feature_10_source AS feature_source, feature_10_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 11 AS feature_index, 'recent_trend' AS feature_name, feature_11_value AS feature_value, feature_11_source AS feature_source, feature_11_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 12 AS feature_index, 'minutes_change' AS feature_name, feature_12_value AS feature_value, feature_12_source AS feature_source, feature_12_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 13 AS feature_index, 'opponent_def_rating' AS feature_name, feature_13_value AS feature_value, feature_13_source AS feature_source, feature_13_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 14 AS feature_index, 'opponent_pace' AS feature_name, feature_14_value AS feature_value, feature_14_source AS feature_source, feature_14_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 15 AS feature_index, 'home_away' AS feature_name, feature_15_value AS feature_value, feature_15_source AS feature_source, feature_15_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 16 AS feature_index, 'back_to_back' AS feature_name, feature_16_value AS feature_value, feature_16_source AS feature_source, feature_16_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 17 AS feature_index, 'playoff_game' AS feature_name, feature_17_value AS feature_value, feature_17_source AS feature_source, feature_17_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 18 AS feature_index, 'pct_paint' AS feature_name, feature_18_value AS feature_value, feature_18_source AS feature_source, feature_18_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 19 AS feature_index, 'pct_mid_range' AS feature_name, feature_19_value AS feature_value, feature_19_source AS feature_source, feature_19_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 20 AS feature_index, 'pct_three' AS feature_name, feature_20_value AS feature_value, feature_20_source AS feature_source, feature_20_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 21 AS feature_index, 'pct_free_throw' AS feature_name, feature_21_value AS feature_value, feature_21_source AS feature_source, feature_21_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 22 AS feature_index, 'team_pace' AS feature_name, feature_22_value AS feature_value, feature_22_source AS feature_source, feature_22_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 23 AS feature_index, 'team_off_rating' AS feature_name, feature_23_value AS feature_value, feature_23_source AS feature_source, feature_23_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 24 AS feature_index, 'team_win_pct' AS feature_name, feature_24_value AS feature_value, feature_24_source AS feature_source, feature_24_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 25 AS feature_index, 'vegas_points_line' AS feature_name, feature_25_value AS feature_value, feature_25_source AS feature_source, feature_25_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 26 AS feature_index, 'vegas_opening_line' AS feature_name, feature_26_value AS feature_value, feature_26_source AS feature_source, feature_26_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 27 AS feature_index, 'vegas_line_move' AS feature_name, feature_27_value AS feature_value, feature_27_source AS feature_source, feature_27_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 28 AS feature_index, 'has_vegas_line' AS feature_name, feature_28_value AS feature_value, feature_28_source AS feature_source, feature_28_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 29 AS feature_index, 'avg_points_vs_opponent' AS feature_name, feature_29_value AS feature_value, feature_29_source AS feature_source, feature_29_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 30 AS feature_index, 'games_vs_opponent' AS feature_name, feature_30_value AS feature_value, feature_30_source AS feature_source, feature_30_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 31 AS feature_index, 'minutes_avg_last_10' AS feature_name, feature_31_value AS feature_value, feature_31_source AS feature_source, feature_31_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 32 AS feature_index, 'ppm_avg_last_10' AS feature_name, feature_32_value AS feature_value, feature_32_source AS feature_source, feature_32_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 33 AS feature_index, 'dnp_rate' AS feature_name, feature_33_value AS feature_value, feature_33_source AS feature_source, feature_33_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 34 AS feature_index, 'pts_slope_10g' AS feature_name, feature_34_value AS feature_value, feature_34_source AS feature_source, feature_34_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 35 AS feature_index, 'pts_vs_season_zscore' AS feature_name, feature_35_value AS feature_value, feature_35_source AS feature_source, feature_35_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 36 AS feature_index, 'breakout_flag' AS feature_name, feature_36_value AS feature_value, feature_36_source AS feature_source, feature_36_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 37 AS feature_index, 'star_teammates_out' AS feature_name, feature_37_value AS feature_value, feature_37_source AS feature_source, feature_37_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 38 AS feature_index, 'game_total_line' AS feature_name, feature_38_value AS feature_value, feature_38_source AS feature_source, feature_38_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 39 AS feature_index, 'days_rest' AS feature_name, feature_39_value AS feature_value, feature_39_source AS feature_source, feature_39_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 40 AS feature_index, 'minutes_load_last_7d' AS feature_name, feature_40_value AS feature_value, feature_40_source AS feature_source, feature_40_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 41 AS feature_index, 'spread_magnitude' AS feature_name, feature_41_value AS feature_value, feature_41_source AS feature_source, feature_41_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 42 AS feature_index, 'implied_team_total' AS feature_name, feature_42_value AS feature_value, feature_42_source AS feature_source, feature_42_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 43 AS feature_index, 'points_avg_last_3' AS feature_name, feature_43_value AS feature_value, feature_43_source AS feature_source, feature_43_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 44 AS feature_index, 'scoring_trend_slope' AS feature_name, feature_44_value AS feature_value, feature_44_source AS feature_source, feature_44_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 45 AS feature_index, 'deviation_from_avg_last3' AS feature_name, feature_45_value AS feature_value, feature_45_source AS feature_source, feature_45_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 46 AS feature_index, 'consecutive_games_below_avg' AS feature_name, feature_46_value AS feature_value, feature_46_source AS feature_source, feature_46_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 47 AS feature_index, 'teammate_usage_available' AS feature_name, feature_47_value AS feature_value, feature_47_source AS feature_source, feature_47_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 48 AS feature_index, 'usage_rate_last_5' AS feature_name, feature_48_value AS feature_value, feature_48_source AS feature_source, feature_48_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 49 AS feature_index, 'games_since_structural_change' AS feature_name, feature_49_value AS feature_value, feature_49_source AS feature_source, feature_49_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 50 AS feature_index, 'multi_book_line_std' AS feature_name, feature_50_value AS feature_value, feature_50_source AS feature_source, feature_50_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 51 AS feature_index, 'prop_over_streak' AS feature_name, feature_51_value AS feature_value, feature_51_source AS feature_source, feature_51_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 52 AS feature_index, 'prop_under_streak' AS feature_name, feature_52_value AS feature_value, feature_52_source AS feature_source, feature_52_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 53 AS feature_index, 'line_vs_season_avg' AS feature_name, feature_53_value AS feature_value, feature_53_source AS feature_source, feature_53_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 54 AS feature_index, 'prop_line_delta' AS feature_name, feature_54_value AS feature_value, feature_54_source AS feature_source, feature_54_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 55 AS feature_index, 'over_rate_last_10' AS feature_name, feature_55_value AS feature_value, feature_55_source AS feature_source, feature_55_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 56 AS feature_index, 'margin_vs_line_avg_last_5' AS feature_name, feature_56_value AS feature_value, feature_56_source AS feature_source, feature_56_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 57 AS feature_index, 'blowout_minutes_risk' AS feature_name, feature_57_value AS feature_value, feature_57_source AS feature_source, feature_57_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 58 AS feature_index, 'minutes_volatility_last_10' AS feature_name, feature_58_value AS feature_value, feature_58_source AS feature_source, feature_58_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
UNION ALL
SELECT game_date, player_lookup, 59 AS feature_index, 'opponent_pace_mismatch' AS feature_name, feature_59_value AS feature_value, feature_59_source AS feature_source, feature_59_quality AS feature_quality
FROM nba_predictions.ml_feature_store_v2
