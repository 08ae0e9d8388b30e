"""The sensors of the code location, one per module; all RUNNING by default."""

from nba_features.defs.sensors.freshness import freshness_sensor
from nba_features.defs.sensors.input_change import input_change_sensor
from nba_features.defs.sensors.run_failure import run_canceled_alert_sensor, run_failure_event_sensor
from nba_features.defs.sensors.upstream_fixed_retry import upstream_fixed_retry_sensor

SENSORS = [
    input_change_sensor,
    upstream_fixed_retry_sensor,
    run_failure_event_sensor,
    run_canceled_alert_sensor,
    freshness_sensor,
]
