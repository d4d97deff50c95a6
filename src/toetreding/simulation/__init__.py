"""``toetreding simulate``: a scripted cohort of schools played out on a virtual clock."""

from toetreding.simulation.runner import (
    NOT_JUDGED,
    DeadlineOutcome,
    SchoolOutcome,
    SimulationResult,
    TimelineEntry,
    run_simulation,
)
from toetreding.simulation.script import CohortScript

__all__ = [
    "NOT_JUDGED",
    "CohortScript",
    "DeadlineOutcome",
    "SchoolOutcome",
    "SimulationResult",
    "TimelineEntry",
    "run_simulation",
]
