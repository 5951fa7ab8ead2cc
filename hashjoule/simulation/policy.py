"""Mining policies as plain objects, and their compilation to the daily series engines read.

A policy names regions and dates; :func:`compile_policies` turns a list of them into a
:class:`~hashjoule.simulation.inputs.PolicySeries` over the run's days and regions. The
engines never see the policy objects, and this module never sees a scenario file.

A policy's numbers (compliance, adder, relocation share, delay, attrition) may also be
arrays with one value per draw: :func:`compile_policy_draws` then gives a
:class:`PolicyDraws`, the per-draw form the fleet reads, sparse in time (removals only on
the days of a ramp, surcharges as steps).

- :class:`Shutdown`: from ``effective``, a share ``compliance`` of the capacity in the
  regions is forced out over ``ramp_days`` at a constant daily rate (a fixed fraction of
  what remains, so the removal is front-loaded); no new machines may be installed there
  from ``announced`` on.
- :class:`TariffSurcharge`: an adder on every tariff in the regions from ``start``
  (e.g. Hainan's +0.80 CNY/kWh from 2021-12-03).
- :class:`DeploymentBan`: no new machines in the regions between ``start`` and ``end``.
- :class:`Relocation`: a share of the capacity that shutdowns force out moves to the
  destination regions: it is shipped (an exponential delay), some is lost on the way, and
  it then waits for hosting capacity, built abroad at a finite rate (MW per day).
- :class:`HiddenMining`: a share of the capacity that shutdowns force out keeps running
  in its region, hidden, after an exponential delay (miners who stay).
- :class:`DemandResponse`: mining in the regions stops in a share of the hours of each
  season (the grid's stressed hours), between ``start`` and ``end``: the online capacity
  of a day is scaled by one minus that share.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from hashjoule.simulation.inputs import PolicySeries
from hashjoule.simulation.world import is_wet


@dataclass(frozen=True)
class Shutdown:
    """Forced closure of mining in some regions.

    Attributes
    ----------
    regions : tuple of str
    announced : str
        Day new deployment stops (YYYY-MM-DD).
    effective : str
        First day capacity is removed.
    ramp_days : int
        Days over which the removal is spread (1: all on the effective day). [d]
    compliance : float
        Share of the capacity present that is removed by the end of the ramp. [1]
    """

    regions: tuple[str, ...]
    announced: str
    effective: str
    ramp_days: int = 1
    compliance: float = 1.0


@dataclass(frozen=True)
class TariffSurcharge:
    """An adder on miners' electricity tariffs.

    Attributes
    ----------
    regions : tuple of str
    start : str
        First day it applies.
    adder_usd_per_kwh : float
        [USD/kWh] (convert CNY at the year's rate before, see :func:`cny_to_usd`).
    """

    regions: tuple[str, ...]
    start: str
    adder_usd_per_kwh: float


@dataclass(frozen=True)
class DeploymentBan:
    """No new machines in the regions from ``start`` to ``end`` (included; None: to the end)."""

    regions: tuple[str, ...]
    start: str
    end: str | None = None


@dataclass(frozen=True)
class Relocation:
    """What happens to capacity that shutdowns force out.

    Attributes
    ----------
    share : float
        Share moved abroad (the rest is scrapped or idle). [1]
    delay_days : float
        Mean time in transit. [d]
    destinations : dict
        Region -> weight of the destinations.
    attrition : float
        Share of the moving capacity lost on the way. [1]
    hosting_mw_per_day : float
        Hosting capacity built for relocated machines in the destinations, in all; the
        machines that have arrived wait in a queue until it is there (infinite: no wait). [MW/d]
    """

    share: float
    delay_days: float
    destinations: dict[str, float] = field(default_factory=dict)
    attrition: float = 0.0
    hosting_mw_per_day: float = float("inf")


@dataclass(frozen=True)
class HiddenMining:
    """Miners who stay: capacity forced out that resumes in its region, unreported.

    Attributes
    ----------
    share : float
        Share of the capacity forced out by shutdowns that resumes hidden (taken before
        any relocation). [1]
    resume_days : float
        Mean time before it runs again (exponential). [d]
    """

    share: float
    resume_days: float = 60.0


@dataclass(frozen=True)
class DemandResponse:
    """Curtailment when the grid is stressed: machines in the regions stop in a share of the
    hours of each season, whatever they would earn (installed capacity is kept).

    Attributes
    ----------
    regions : tuple of str
    start : str
        First day (YYYY-MM-DD).
    end : str or None
        Last day, included (None: to the end of the run).
    share_dry : float
        Share of the hours curtailed in the dry season, November-April. [1]
    share_wet : float
        Share of the hours curtailed in the wet season, May-October. [1]

    Several curtailments of one region combine as independent hours: 1 - (1 - a)(1 - b).
    """

    regions: tuple[str, ...]
    start: str
    end: str | None = None
    share_dry: float = 0.0
    share_wet: float = 0.0


def _offset(time: np.ndarray, day: str) -> int:
    """Days from the run's first day to ``day`` (negative before the run, may pass its end)."""
    return int((np.datetime64(pd.Timestamp(day).date(), "D") - time[0]).astype(int))


def _span(time: np.ndarray, first: int, stop: int) -> slice:
    """The part of days [first, stop) that lies inside the run (possibly empty)."""
    return slice(int(np.clip(first, 0, time.size)), int(np.clip(stop, 0, time.size)))


def _region_mask(names: tuple[str, ...], regions) -> np.ndarray:
    unknown = [r for r in regions if r not in names]
    if unknown:
        raise ValueError(f"unknown regions {', '.join(unknown)}; known: {', '.join(names)}")
    return np.isin(np.array(names), list(regions))


def daily_removal_rate(compliance: float, ramp_days: int) -> float:
    """Constant daily removal rate that removes ``compliance`` of the capacity in ``ramp_days``:
    1 - (1 - compliance)**(1 / ramp_days). [1/d]"""
    compliance = np.asarray(compliance, dtype=float)
    if not (np.all((0 <= compliance) & (compliance <= 1)) and ramp_days >= 1):
        raise ValueError("compliance must be in [0, 1] and ramp_days >= 1")
    rate = 1.0 - (1.0 - compliance) ** (1.0 / ramp_days)
    return float(rate) if rate.ndim == 0 else rate


def compile_policies(policies, time: np.ndarray, region_names: tuple[str, ...]) -> PolicySeries:
    """Daily series of a list of policies over the run's days and regions.

    Several shutdowns of one region combine their removals; surcharges add up; the last
    :class:`Relocation` given applies to every shutdown. The removals, surcharges and
    relocation are :func:`compile_policy_draws`'s for one draw, spread over the days.
    """
    time = np.asarray(time, dtype="datetime64[D]")
    days, regions = time.size, len(region_names)
    one = compile_policy_draws(policies, time, region_names, 1)
    removal = np.zeros((days, regions))
    removal[one.removal_days] = one.removal_rate[:, 0]
    adder = np.zeros((days, regions))
    for first, stop, value in zip(one.adder_days, [*one.adder_days[1:], days], one.adder_usd_per_kwh[:, 0]):
        adder[first:stop] = value
    curtailed = np.zeros((days, regions))
    for first, stop, value in zip(one.curtail_days, [*one.curtail_days[1:], days], one.curtailed_share[:, 0]):
        curtailed[first:stop] = value
    ban = np.zeros((days, regions), dtype=bool)
    destinations = np.zeros(regions)
    for policy in policies:
        if isinstance(policy, Relocation):
            destinations = np.zeros(regions)
            for name, weight in policy.destinations.items():
                destinations[_region_mask(region_names, [name])] = weight
        elif isinstance(policy, Shutdown):
            ban[_span(time, _offset(time, policy.announced), days), _region_mask(region_names, policy.regions)] = True
        elif isinstance(policy, DeploymentBan):
            stop = days if policy.end is None else _offset(time, policy.end) + 1
            ban[_span(time, _offset(time, policy.start), stop), _region_mask(region_names, policy.regions)] = True
        elif not isinstance(policy, (TariffSurcharge, HiddenMining, DemandResponse)):
            raise TypeError(f"not a policy: {policy!r}")
    return PolicySeries(removal, adder, ban, one.relocation_share[0], float(one.relocation_delay_days[0]),
                        float(one.relocation_attrition[0]), destinations, one.hidden_share[0],
                        float(one.hidden_resume_days[0]), float(one.hosting_mw_per_day[0]), curtailed)


@dataclass(frozen=True)
class PolicyDraws:
    """Policies of a batch of ``n`` draws, sparse in time.

    Attributes
    ----------
    removal_days : numpy.ndarray of int
        Days on which some capacity is forced out, in order. (K,)
    removal_rate : numpy.ndarray
        Fraction of a region's capacity forced out on those days. (K, n, R) [1/d]
    adder_days : numpy.ndarray of int
        Days on which the surcharges change, in order, the first one 0. (S,)
    adder_usd_per_kwh : numpy.ndarray
        Surcharge from each of those days until the next. (S, n, R) [USD/kWh]
    adder_regions : numpy.ndarray of bool
        Regions a surcharge applies to from each of those days, whatever its value in a
        draw. (S, R)
    relocation_share : numpy.ndarray
        Share of the capacity forced out that moves abroad. (n, R) [1]
    relocation_delay_days : numpy.ndarray
        Mean time in transit. (n,) [d]
    relocation_attrition : numpy.ndarray
        Share lost on the way. (n,) [1]
    hidden_share : numpy.ndarray
        Share of the capacity forced out that resumes hidden in its region. (n, R) [1]
    hidden_resume_days : numpy.ndarray
        Mean time before it resumes. (n,) [d]
    hosting_mw_per_day : numpy.ndarray
        Hosting built for relocated machines per day, all destinations. (n,) [MW/d]
    curtail_days : numpy.ndarray of int
        Days on which the curtailed shares change, in order, the first one 0. (C,)
    curtailed_share : numpy.ndarray
        Share of the hours curtailed from each of those days until the next. (C, n, R) [1]
    """

    removal_days: np.ndarray
    removal_rate: np.ndarray
    adder_days: np.ndarray
    adder_usd_per_kwh: np.ndarray
    adder_regions: np.ndarray
    relocation_share: np.ndarray
    relocation_delay_days: np.ndarray
    relocation_attrition: np.ndarray
    hidden_share: np.ndarray
    hidden_resume_days: np.ndarray
    hosting_mw_per_day: np.ndarray
    curtail_days: np.ndarray = None
    curtailed_share: np.ndarray = None

    #: fields with one row per draw (the first axis, or the second for the sparse series)
    PER_DRAW = ("relocation_share", "relocation_delay_days", "relocation_attrition", "hidden_share",
                "hidden_resume_days", "hosting_mw_per_day")

    def take(self, rows: np.ndarray) -> "PolicyDraws":
        """The draws at ``rows``."""
        curtailed = None if self.curtailed_share is None else self.curtailed_share[:, rows]
        return replace(self, removal_rate=self.removal_rate[:, rows], adder_usd_per_kwh=self.adder_usd_per_kwh[:, rows],
                       curtailed_share=curtailed, **{name: getattr(self, name)[rows] for name in self.PER_DRAW})

    @classmethod
    def from_series(cls, series: PolicySeries, n: int) -> "PolicyDraws":
        """The same policy for every one of ``n`` draws."""
        days, regions = series.removal_rate.shape
        removal_days = np.flatnonzero(series.removal_rate.any(axis=1))
        adder = series.tariff_adder_usd_per_kwh
        adder_days = np.r_[0, np.flatnonzero(np.any(np.diff(adder, axis=0) != 0, axis=1)) + 1]
        curtailed = np.zeros((days, regions)) if series.curtailed_share is None else series.curtailed_share
        curtail_days = np.r_[0, np.flatnonzero(np.any(np.diff(curtailed, axis=0) != 0, axis=1)) + 1]
        return cls(removal_days, np.broadcast_to(series.removal_rate[removal_days][:, None, :], (removal_days.size, n, regions)),
                   adder_days, np.broadcast_to(adder[adder_days][:, None, :], (adder_days.size, n, regions)),
                   adder[adder_days] != 0,
                   np.broadcast_to(series.relocation_share, (n, regions)),
                   np.full(n, float(series.relocation_delay_days)), np.full(n, float(series.relocation_attrition)),
                   np.broadcast_to(series.hidden_share, (n, regions)), np.full(n, float(series.hidden_resume_days)),
                   np.full(n, float(series.hosting_mw_per_day)), curtail_days,
                   np.broadcast_to(curtailed[curtail_days][:, None, :], (curtail_days.size, n, regions)))

    def removal_on(self, day: int) -> np.ndarray | None:
        """Today's removal rate (n, R), or None on a day without removals."""
        k = np.searchsorted(self.removal_days, day)
        return self.removal_rate[k] if k < self.removal_days.size and self.removal_days[k] == day else None

    def step(self, day: int) -> int:
        """Index of the surcharges' step that holds on ``day``."""
        return int(np.searchsorted(self.adder_days, day, side="right")) - 1

    def adder_on(self, day: int) -> np.ndarray:
        """Today's surcharge. (n, R) [USD/kWh]"""
        return self.adder_usd_per_kwh[self.step(day)]

    def curtailed_on(self, day: int) -> np.ndarray | None:
        """Today's share of the hours curtailed (n, R), or None on a day without curtailment. [1]"""
        if self.curtail_days is None:
            return None
        share = self.curtailed_share[int(np.searchsorted(self.curtail_days, day, side="right")) - 1]
        return share if share.any() else None


def compile_policy_draws(policies, time: np.ndarray, region_names: tuple[str, ...], n: int) -> PolicyDraws:
    """Per-draw form of :func:`compile_policies`: policies whose numbers may be arrays of ``n``
    values, one per draw (deployment bans carry no numbers and stay in the
    :class:`~hashjoule.simulation.inputs.PolicySeries`)."""
    time = np.asarray(time, dtype="datetime64[D]")
    days, regions = time.size, len(region_names)
    ramps, steps, curtailments, relocation, hidden = [], [], [], None, None
    for policy in policies:
        if isinstance(policy, Relocation):
            relocation = policy
        elif isinstance(policy, HiddenMining):
            hidden = policy
        elif isinstance(policy, Shutdown):
            first = _offset(time, policy.effective)
            ramp = _span(time, first, first + int(policy.ramp_days))
            rate = daily_removal_rate(np.broadcast_to(np.asarray(policy.compliance, dtype=float), (n,)),
                                      int(policy.ramp_days))
            ramps.append((ramp, _region_mask(region_names, policy.regions), rate))
        elif isinstance(policy, DemandResponse):
            curtailments.append(policy)
        elif isinstance(policy, TariffSurcharge):
            steps.append((max(_offset(time, policy.start), 0), _region_mask(region_names, policy.regions),
                          np.broadcast_to(np.asarray(policy.adder_usd_per_kwh, dtype=float), (n,))))
    removal_days = np.unique(np.concatenate([np.arange(days)[ramp] for ramp, _, _ in ramps] or [np.zeros(0, int)]))
    removal = np.zeros((removal_days.size, n, regions))
    for ramp, mask, rate in ramps:
        k = np.searchsorted(removal_days, np.arange(days)[ramp])
        removal[np.ix_(k, np.arange(n), mask)] = 1.0 - (1.0 - removal[np.ix_(k, np.arange(n), mask)]) \
            * (1.0 - rate[None, :, None])
    adder_days = np.unique(np.r_[0, [first for first, _, _ in steps if first < days]]).astype(np.int64)
    adder = np.zeros((adder_days.size, n, regions))
    covered = np.zeros((adder_days.size, regions), dtype=bool)
    for first, mask, value in steps:
        adder[np.ix_(adder_days >= first, np.arange(n), mask)] += value[None, :, None]
        covered[np.ix_(adder_days >= first, mask)] = True
    shut = np.zeros(regions, dtype=bool)
    for _, mask, _ in ramps:
        shut |= mask
    per_draw = lambda value: np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()  # noqa: E731
    share, hidden_share = np.zeros((n, regions)), np.zeros((n, regions))
    delay, attrition, hosting = np.full(n, 90.0), np.zeros(n), np.full(n, np.inf)
    if relocation is not None:
        share[:, shut] = per_draw(relocation.share)[:, None]
        delay, attrition = per_draw(relocation.delay_days), per_draw(relocation.attrition)
        hosting = per_draw(relocation.hosting_mw_per_day)
    resume = np.full(n, 60.0)
    if hidden is not None:
        hidden_share[:, shut] = per_draw(hidden.share)[:, None]
        resume = per_draw(hidden.resume_days)
    curtail_days, curtailed = _curtailment(curtailments, time, region_names, n)
    return PolicyDraws(removal_days.astype(np.int64), removal, adder_days, adder, covered, share, delay, attrition,
                       hidden_share, resume, hosting, curtail_days, curtailed)


def _curtailment(policies, time: np.ndarray, region_names: tuple[str, ...], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Days on which the curtailed shares change (the first one 0), and the shares from each of
    them, (C, n, R) [1]: each policy's seasonal share in its regions between its days, several
    combined as independent hours."""
    days, wet = time.size, is_wet(time)
    state = np.zeros((len(policies), days), dtype=np.int8)  # 0 off, 1 dry season, 2 wet season
    for k, policy in enumerate(policies):
        stop = days if policy.end is None else _offset(time, policy.end) + 1
        on = _span(time, _offset(time, policy.start), stop)
        state[k, on] = 1 + wet[on]
    curtail_days = np.r_[0, np.flatnonzero(np.any(np.diff(state, axis=1) != 0, axis=0)) + 1].astype(np.int64)
    kept = np.ones((curtail_days.size, n, len(region_names)))
    for k, policy in enumerate(policies):
        mask = _region_mask(region_names, policy.regions)
        for season, value in ((1, policy.share_dry), (2, policy.share_wet)):
            steps = state[k, curtail_days] == season
            share = np.broadcast_to(np.asarray(value, dtype=float), (n,))
            kept[np.ix_(steps, np.arange(n), mask)] *= 1.0 - share[None, :, None]
    return curtail_days, 1.0 - kept


def cny_to_usd(amount_cny: float, year: int) -> float:
    """Convert at the year's average rate; years outside the bundled table (2015-2022; 2021
    and 2022 not confirmed, see PROVENANCE) take the nearest year's. [USD]"""
    from hashjoule.data import read_table

    rates = read_table("cny_usd_exchange_rate_annual").set_index("year").cny_per_usd
    nearest = rates.index[np.argmin(np.abs(rates.index.to_numpy() - year))]
    return amount_cny / float(rates.loc[nearest])
