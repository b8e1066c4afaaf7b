"""How far a day's points go: the read rate each group of products gets when the planner's passes spend the
points in its order (`priorities`), and the points a target would need. Pure arithmetic, no database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Costs:
    stock: int  # points of a stock read
    price: int  # points of reading the costs too
    price_reads_per_day: float  # the price cycle: 24 h → 1

    def per_day(self, reads_per_day: float) -> float:
        """Points a day for one product read this often (its costs are read with it at most on the price cycle)."""
        return self.stock * reads_per_day + self.price * min(reads_per_day, self.price_reads_per_day)

    def reads_for(self, points_per_day: float) -> float:
        """The inverse of `per_day`: how often one product can be read on these points."""
        if points_per_day <= 0:
            return 0.0
        both = self.stock + self.price
        if points_per_day <= both * self.price_reads_per_day:
            return points_per_day / both
        return (points_per_day - self.price * self.price_reads_per_day) / self.stock


@dataclass(frozen=True)
class Groups:
    """The catalog as the planner sees it: needy (low stock or recently sold), unsubscribed, subscribed."""

    needy: int
    unsubscribed: int
    subscribed: int

    @property
    def total(self) -> int:
        return self.needy + self.unsubscribed + self.subscribed


@dataclass(frozen=True)
class Split:
    at_target: int
    at_daily: int
    behind: int
    points_needed: int  # a day, for every product at its target and the daily check


def split(groups: Groups, target_reads_per_day: float, costs: Costs, available: int) -> Split:
    """Spend `available` points a day as the planner does: the daily check for each group in turn, then the
    target for needy and unsubscribed products; a group short of points shares them evenly."""
    daily = 1.0
    sizes = {"needy": groups.needy, "unsubscribed": groups.unsubscribed, "subscribed": groups.subscribed}
    rates = dict.fromkeys(sizes, 0.0)
    left = float(available)
    passes = [(name, daily) for name in sizes]
    if target_reads_per_day > daily:
        passes += [("needy", target_reads_per_day), ("unsubscribed", target_reads_per_day)]
    needed = 0.0
    for name, rate in passes:
        count = sizes[name]
        if not count:
            continue
        extra = count * (costs.per_day(rate) - costs.per_day(rates[name]))
        needed += extra
        spent = min(extra, left)
        left -= spent
        rates[name] = costs.reads_for(costs.per_day(rates[name]) + spent / count)
    at_target = at_daily = behind = 0
    for name, count in sizes.items():
        wanted = min(target_reads_per_day, daily) if name == "subscribed" else target_reads_per_day
        if rates[name] >= wanted - 1e-9:
            at_target += count
        elif rates[name] >= daily - 1e-9:
            at_daily += count
        else:
            behind += count
    return Split(at_target, at_daily, behind, round(needed))
