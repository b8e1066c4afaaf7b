"""The sync planner: the merchant's schedule is a freshness target met within CJ's daily points.

- `budget`: what a cycle may spend (the day's background points over the cycles left) and what a read costs
- `priorities`: which products need a read, most needed first
- `capacity`: how far a day's points go (pure arithmetic)
- `plan`: the `FreshnessPlan` the merchant sees
- `cycle`: one planned cycle, run by beat every `CYCLE_MINUTES`
"""

from .budget import CYCLE_MINUTES, cycle_budget, cycles_left, read_cost
from .cycle import plan_cycle, run_planned_cycle
from .plan import FreshnessPlan, freshness_plan, points_available
from .priorities import Candidate, Reason, ranked_candidates

__all__ = [
    "CYCLE_MINUTES",
    "Candidate",
    "FreshnessPlan",
    "Reason",
    "cycle_budget",
    "cycles_left",
    "freshness_plan",
    "plan_cycle",
    "points_available",
    "ranked_candidates",
    "read_cost",
    "run_planned_cycle",
]
