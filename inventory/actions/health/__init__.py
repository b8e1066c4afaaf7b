"""The sync health panel (issue 19, item 6): what a store's sync is doing and whether it keeps up.

- `figures`: the panel's dataclasses, the points projection, the next beat run, and what counts as trouble
- `collect`: reading them for one store (`sync_health`) or many (`sync_health_for`, the staff view)
"""

from .collect import sync_health, sync_health_for
from .figures import PointsOutlook, Problem, SyncHealth, points_outlook

__all__ = ["PointsOutlook", "Problem", "SyncHealth", "points_outlook", "sync_health", "sync_health_for"]
