"""Jobs, schedules and sensors."""

from nba_features.automation.jobs import AUTOMATION_JOBS, phase4_job
from nba_features.automation.schedules import SCHEDULES
from nba_features.automation.sensors import SENSORS

__all__ = ["AUTOMATION_JOBS", "SCHEDULES", "SENSORS", "phase4_job"]
