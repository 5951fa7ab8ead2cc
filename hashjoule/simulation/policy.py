"""Mining policies as plain objects, and their compilation to the schedule engines read.

A policy names regions and dates; :func:`compile_policies` turns a list of them into a
:class:`~hashjoule.simulation.policy_schedule.PolicySchedule` over the run's days and
regions, for one draw (the central world) or for ``n`` draws when the policies' numbers
(compliance, adder, relocation share, delay, attrition, curtailed shares) are arrays with
one value per draw. This is the only translation of policies into what the engines read;
the engines never see the policy objects, and this module never sees a scenario file.

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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hashjoule.simulation.policy_schedule import PolicySchedule
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


def compile_policies(policies, time: np.ndarray, region_names: tuple[str, ...], n: int = 1) -> PolicySchedule:
    """The schedule of a list of policies over the run's days and regions, for ``n`` draws.

    A policy's numbers may be arrays of ``n`` values, one per draw. Several shutdowns of one
    region combine their removals; surcharges add up; curtailments combine as independent
    hours; the last :class:`Relocation` and :class:`HiddenMining` given apply to every
    shutdown.
    """
    time = np.asarray(time, dtype="datetime64[D]")
    ramps, steps, curtailments, bans, relocation, hidden = [], [], [], [], None, None
    for policy in policies:
        if isinstance(policy, Relocation):
            relocation = policy
        elif isinstance(policy, HiddenMining):
            hidden = policy
        elif isinstance(policy, Shutdown):
            first = _offset(time, policy.effective)
            rate = daily_removal_rate(np.broadcast_to(np.asarray(policy.compliance, dtype=float), (n,)),
                                      int(policy.ramp_days))
            ramps.append((_span(time, first, first + int(policy.ramp_days)), _region_mask(region_names, policy.regions),
                          rate))
            bans.append((_offset(time, policy.announced), time.size, policy.regions))
        elif isinstance(policy, DeploymentBan):
            stop = time.size if policy.end is None else _offset(time, policy.end) + 1
            bans.append((_offset(time, policy.start), stop, policy.regions))
        elif isinstance(policy, DemandResponse):
            curtailments.append(policy)
        elif isinstance(policy, TariffSurcharge):
            steps.append((max(_offset(time, policy.start), 0), _region_mask(region_names, policy.regions),
                          np.broadcast_to(np.asarray(policy.adder_usd_per_kwh, dtype=float), (n,))))
        else:
            raise TypeError(f"not a policy: {policy!r}")
    removal_days, removal = _removals(ramps, time.size, len(region_names), n)
    adder_days, adder, covered = _surcharges(steps, time.size, len(region_names), n)
    curtail_days, curtailed = _curtailment(curtailments, time, region_names, n)
    ban_days, banned = _bans(bans, time, region_names)
    shut = np.zeros(len(region_names), dtype=bool)
    for _, mask, _ in ramps:
        shut |= mask
    return PolicySchedule(removal_days, removal, adder_days, adder, covered, curtail_days, curtailed, ban_days, banned,
                          *_moving(relocation, hidden, shut, region_names, n))


def _removals(ramps, days: int, regions: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Days with removals and the combined rates on them, (K, n, R) [1/d]."""
    removal_days = np.unique(np.concatenate([np.arange(days)[ramp] for ramp, _, _ in ramps] or [np.zeros(0, int)]))
    removal = np.zeros((removal_days.size, n, regions))
    for ramp, mask, rate in ramps:
        k = np.searchsorted(removal_days, np.arange(days)[ramp])
        removal[np.ix_(k, np.arange(n), mask)] = 1.0 - (1.0 - removal[np.ix_(k, np.arange(n), mask)]) \
            * (1.0 - rate[None, :, None])
    return removal_days.astype(np.int64), removal


def _surcharges(steps, days: int, regions: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days on which the surcharges change (the first one 0), the summed surcharges from each,
    (S, n, R) [USD/kWh], and the regions covered, (S, R)."""
    adder_days = np.unique(np.r_[0, [first for first, _, _ in steps if first < days]]).astype(np.int64)
    adder = np.zeros((adder_days.size, n, regions))
    covered = np.zeros((adder_days.size, regions), dtype=bool)
    for first, mask, value in steps:
        adder[np.ix_(adder_days >= first, np.arange(n), mask)] += value[None, :, None]
        covered[np.ix_(adder_days >= first, mask)] = True
    return adder_days, adder, covered


def _bans(bans, time: np.ndarray, region_names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Days on which the deployment bans change (the first one 0) and the regions banned from
    each, (B, R): a shutdown bans deployment from its announcement to the end of the run."""
    ban = np.zeros((time.size, len(region_names)), dtype=bool)
    for first, stop, regions in bans:
        ban[_span(time, first, stop), _region_mask(region_names, regions)] = True
    ban_days = np.r_[0, np.flatnonzero(np.any(np.diff(ban, axis=0), axis=1)) + 1].astype(np.int64)
    return ban_days, ban[ban_days]


def _moving(relocation: Relocation | None, hidden: HiddenMining | None, shut: np.ndarray,
            region_names: tuple[str, ...], n: int) -> tuple[np.ndarray, ...]:
    """Where capacity forced out from the ``shut`` regions goes: the destinations' weights and
    the per-draw relocation and hidden-mining numbers, in :class:`PolicySchedule`'s order."""
    per_draw = lambda value: np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()  # noqa: E731
    destinations, share, hidden_share = np.zeros(len(region_names)), np.zeros((n, shut.size)), np.zeros((n, shut.size))
    delay, attrition, hosting, resume = np.full(n, 90.0), np.zeros(n), np.full(n, np.inf), np.full(n, 60.0)
    if relocation is not None:
        for name, weight in relocation.destinations.items():
            destinations[_region_mask(region_names, [name])] = weight
        share[:, shut] = per_draw(relocation.share)[:, None]
        delay, attrition = per_draw(relocation.delay_days), per_draw(relocation.attrition)
        hosting = per_draw(relocation.hosting_mw_per_day)
    if hidden is not None:
        hidden_share[:, shut] = per_draw(hidden.share)[:, None]
        resume = per_draw(hidden.resume_days)
    return destinations, share, delay, attrition, hidden_share, resume, hosting


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
