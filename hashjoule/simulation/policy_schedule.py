"""The one compiled form of mining policies: what they do, day by day, in each draw.

:func:`~hashjoule.simulation.policy.compile_policies` turns policy objects into a
:class:`PolicySchedule` for ``n`` draws; the central world of
:class:`~hashjoule.simulation.inputs.ModelInputs` holds one with a single draw, and a batch
of Monte Carlo draws holds one row per draw (:meth:`PolicySchedule.repeat` when every draw
has the central policy). The engines read only this form.

It is sparse in time: removals are listed on the days of a ramp only, and surcharges,
curtailments and deployment bans as steps that hold from a day until the next step. Numbers
that a scenario may make uncertain (removal rates, surcharges, curtailed shares, relocation
and hidden mining) have a draw axis; the days, the regions a surcharge covers, the bans and
the relocation destinations are the same in every draw.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np


def _checked(name: str, values, shape, low: float, high: float | None = None) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {values.shape}")
    if np.isnan(values).any():
        raise ValueError(f"{name}: expected numbers, found NaN")
    if (values < low).any():
        raise ValueError(f"{name}: expected values >= {low}, found {values.min()}")
    if high is not None and (values > high).any():
        raise ValueError(f"{name}: expected values <= {high}, found {values.max()}")
    return values


def _steps(days: np.ndarray, name: str, length: int) -> np.ndarray:
    """Step days: whole numbers inside the run, increasing, the first one 0."""
    days = np.asarray(days, dtype=np.int64)
    if days.ndim != 1 or days.size < 1 or days[0] != 0 or np.any(np.diff(days) <= 0) or days[-1] >= length:
        raise ValueError(f"{name}: expected increasing days of the run starting with day 0")
    return days


def _stepped(days: np.ndarray, values: np.ndarray, length: int) -> np.ndarray:
    """Daily values, (T, ...), of a series given as steps."""
    return values[np.searchsorted(days, np.arange(length), side="right") - 1]


@dataclass(frozen=True)
class PolicySchedule:
    """Policies of ``n`` draws over a run's days and ``R`` regions (no policy: all zeros).

    Attributes
    ----------
    removal_days : numpy.ndarray of int
        Days on which some capacity is forced out, in order. (K,)
    removal_rate : numpy.ndarray
        Fraction of a region's installed capacity forced out on those days. (K, n, R) [1/d]
    adder_days : numpy.ndarray of int
        Days on which the surcharges change, in order, the first one 0. (S,)
    adder_usd_per_kwh : numpy.ndarray
        Surcharge on every tariff in the region from each of those days until the next.
        (S, n, R) [USD/kWh]
    adder_regions : numpy.ndarray of bool
        Regions a surcharge applies to from each of those days, whatever its value in a
        draw. (S, R)
    curtail_days : numpy.ndarray of int
        Days on which the curtailed shares change, in order, the first one 0. (C,)
    curtailed_share : numpy.ndarray
        Share of the day's hours in which mining in the region stops (demand response) from
        each of those days until the next; the day's online capacity is scaled by one minus
        it. (C, n, R) [1]
    ban_days : numpy.ndarray of int
        Days on which the deployment bans change, in order, the first one 0. (B,)
    banned : numpy.ndarray of bool
        Regions where no new machines (nor relocated ones) may be installed from each of
        those days until the next. (B, R)
    destinations : numpy.ndarray
        Weights of the regions that relocated capacity moves to. (R,) [1]
    relocation_share : numpy.ndarray
        Share of the capacity forced out that moves abroad rather than being scrapped. (n, R) [1]
    relocation_delay_days : numpy.ndarray
        Mean time in transit; arrivals follow an exponential delay. (n,) [d]
    relocation_attrition : numpy.ndarray
        Share of relocating capacity lost on the way. (n,) [1]
    hidden_share : numpy.ndarray
        Share of the capacity forced out that resumes hidden in its region. (n, R) [1]
    hidden_resume_days : numpy.ndarray
        Mean time before hidden capacity resumes (exponential). (n,) [d]
    hosting_mw_per_day : numpy.ndarray
        Hosting built for relocated machines per day, all destinations; infinite: no wait.
        (n,) [MW/d]
    """

    removal_days: np.ndarray
    removal_rate: np.ndarray
    adder_days: np.ndarray
    adder_usd_per_kwh: np.ndarray
    adder_regions: np.ndarray
    curtail_days: np.ndarray
    curtailed_share: np.ndarray
    ban_days: np.ndarray
    banned: np.ndarray
    destinations: np.ndarray
    relocation_share: np.ndarray
    relocation_delay_days: np.ndarray
    relocation_attrition: np.ndarray
    hidden_share: np.ndarray
    hidden_resume_days: np.ndarray
    hosting_mw_per_day: np.ndarray

    #: fields with one row per draw on their first axis
    PER_DRAW = ("relocation_share", "relocation_delay_days", "relocation_attrition", "hidden_share",
                "hidden_resume_days", "hosting_mw_per_day")
    #: fields with one row per draw on their second axis (after the days)
    PER_DRAW_STEPS = ("removal_rate", "adder_usd_per_kwh", "curtailed_share")

    @property
    def n(self) -> int:
        return self.relocation_delay_days.size

    @classmethod
    def none(cls, regions: int, n: int = 1) -> "PolicySchedule":
        """No policy at all."""
        zero = np.zeros(1, dtype=np.int64)
        return cls(np.zeros(0, dtype=np.int64), np.zeros((0, n, regions)), zero, np.zeros((1, n, regions)),
                   np.zeros((1, regions), dtype=bool), zero, np.zeros((1, n, regions)), zero,
                   np.zeros((1, regions), dtype=bool), np.zeros(regions), np.zeros((n, regions)), np.full(n, 90.0),
                   np.zeros(n), np.zeros((n, regions)), np.full(n, 60.0), np.full(n, np.inf))

    @classmethod
    def from_daily(cls, removal_rate, tariff_adder_usd_per_kwh, deployment_ban, curtailed_share=None, *,
                   destinations, relocation_share, relocation_delay_days: float = 90.0,
                   relocation_attrition: float = 0.0, hidden_share=None, hidden_resume_days: float = 60.0,
                   hosting_mw_per_day: float = float("inf")) -> "PolicySchedule":
        """One draw's schedule from daily arrays, (T, R) each, and the numbers that hold all
        along: the form for a world made by hand rather than from policy objects."""
        removal, adder = np.asarray(removal_rate, dtype=float), np.asarray(tariff_adder_usd_per_kwh, dtype=float)
        ban = np.asarray(deployment_ban, dtype=bool)
        curtailed = np.zeros(removal.shape) if curtailed_share is None else np.asarray(curtailed_share, dtype=float)
        regions = removal.shape[1]

        def changes(daily):
            return np.r_[0, np.flatnonzero(np.any(np.diff(daily, axis=0) != 0, axis=1)) + 1].astype(np.int64)

        removal_days = np.flatnonzero(removal.any(axis=1)).astype(np.int64)
        adder_days, curtail_days, ban_days = changes(adder), changes(curtailed), changes(ban)
        return cls(removal_days, removal[removal_days][:, None, :], adder_days, adder[adder_days][:, None, :],
                   adder[adder_days] != 0, curtail_days, curtailed[curtail_days][:, None, :], ban_days, ban[ban_days],
                   np.asarray(destinations, dtype=float), np.asarray(relocation_share, dtype=float)[None, :],
                   np.array([float(relocation_delay_days)]), np.array([float(relocation_attrition)]),
                   np.zeros((1, regions)) if hidden_share is None else np.asarray(hidden_share, dtype=float)[None, :],
                   np.array([float(hidden_resume_days)]), np.array([float(hosting_mw_per_day)]))

    def take(self, rows) -> "PolicySchedule":
        """The draws at ``rows``."""
        rows = np.atleast_1d(np.asarray(rows, dtype=np.int64))
        return replace(self, **{name: getattr(self, name)[rows] for name in self.PER_DRAW},
                       **{name: getattr(self, name)[:, rows] for name in self.PER_DRAW_STEPS})

    def repeat(self, n: int) -> "PolicySchedule":
        """The same policy for every one of ``n`` draws (read-only views of this one's draw)."""
        if self.n != 1:
            raise ValueError(f"repeat: expected a schedule of one draw, got {self.n}")
        return replace(self, **{name: np.broadcast_to(getattr(self, name), (n, *getattr(self, name).shape[1:]))
                                for name in self.PER_DRAW},
                       **{name: np.broadcast_to(getattr(self, name), (getattr(self, name).shape[0], n,
                                                                       getattr(self, name).shape[2]))
                          for name in self.PER_DRAW_STEPS})

    def first_move_day(self) -> int | None:
        """First day on which a policy forces capacity out or bans new machines somewhere
        (None: never)."""
        days = [int(d) for d in self.removal_days[:1]]
        banned = np.flatnonzero(self.banned.any(axis=1))
        if banned.size:
            days.append(int(self.ban_days[banned[0]]))
        return min(days) if days else None

    @cached_property
    def _days(self) -> dict[str, list[int]]:
        """The days of the removals and of each kind of step, as lists: a day's lookup, made
        for every draw on every day, is then a bisection without numpy's call overhead."""
        return {name: getattr(self, name).tolist() for name in ("removal_days", "adder_days", "curtail_days",
                                                                  "ban_days")}

    def removal_on(self, day: int) -> np.ndarray | None:
        """Today's removal rate (n, R), or None on a day without removals."""
        days = self._days["removal_days"]
        k = bisect_left(days, day)
        return self.removal_rate[k] if k < len(days) and days[k] == day else None

    def step(self, day: int) -> int:
        """Index of the surcharges' step that holds on ``day``."""
        return bisect_right(self._days["adder_days"], day) - 1

    def adder_on(self, day: int) -> np.ndarray:
        """Today's surcharge. (n, R) [USD/kWh]"""
        return self.adder_usd_per_kwh[self.step(day)]

    @cached_property
    def _curtailing(self) -> np.ndarray:
        """Whether each step of the curtailment curtails anything. (steps,) bool"""
        return self.curtailed_share.any(axis=(1, 2))

    def curtailed_on(self, day: int) -> np.ndarray | None:
        """Today's share of the hours curtailed (n, R), or None on a day without curtailment. [1]"""
        step = bisect_right(self._days["curtail_days"], day) - 1
        return self.curtailed_share[step] if self._curtailing[step] else None

    def ban_step(self, day: int) -> int:
        """Index of the bans' step that holds on ``day``."""
        return bisect_right(self._days["ban_days"], day) - 1

    def banned_on(self, day: int) -> np.ndarray:
        """Regions closed to new machines today. (R,) bool"""
        return self.banned[self.ban_step(day)]

    @cached_property
    def _open(self) -> np.ndarray:
        """Regions open to new machines in each step of the bans, read-only. (steps, R) bool"""
        open_ = ~self.banned
        open_.setflags(write=False)  # a day's row is handed out, not a copy
        return open_

    def open_on(self, day: int) -> np.ndarray:
        """Regions open to new machines today, the complement of :meth:`banned_on`. (R,) bool"""
        return self._open[self.ban_step(day)]

    def daily(self, days: int, draw: int | None = None) -> dict[str, np.ndarray]:
        """The schedule spread over ``days`` days: ``removal_rate``, ``tariff_adder_usd_per_kwh``
        and ``curtailed_share`` (T, n, R), or (T, R) for one ``draw``; ``deployment_ban``
        (T, R). For logs and checks."""
        removal = np.zeros((days, self.n, self.destinations.size))
        removal[self.removal_days] = self.removal_rate
        spread = {"removal_rate": removal,
                  "tariff_adder_usd_per_kwh": _stepped(self.adder_days, self.adder_usd_per_kwh, days),
                  "curtailed_share": _stepped(self.curtail_days, self.curtailed_share, days)}
        if draw is not None:
            spread = {name: values[:, draw] for name, values in spread.items()}
        return {**spread, "deployment_ban": _stepped(self.ban_days, self.banned, days)}

    def checked(self, days: int, regions: int) -> "PolicySchedule":
        """Refuse schedules no world can have: shapes that do not fit the run, rates and
        shares outside [0, 1], negative surcharges, delays under a day, relocation without
        a destination."""
        n, steps = self.n, {}
        for name in ("adder_days", "curtail_days", "ban_days"):
            steps[name] = _steps(getattr(self, name), name, days)
        removal_days = np.asarray(self.removal_days, dtype=np.int64)
        outside = np.any((removal_days < 0) | (removal_days >= days))
        if removal_days.ndim != 1 or np.any(np.diff(removal_days) <= 0) or outside:
            raise ValueError("removal_days: expected increasing days of the run")
        banned = np.asarray(self.banned, dtype=bool)
        regions_covered = np.asarray(self.adder_regions, dtype=bool)
        for name, values, rows in (("banned", banned, steps["ban_days"].size),
                                   ("adder_regions", regions_covered, steps["adder_days"].size)):
            if values.shape != (rows, regions):
                raise ValueError(f"{name}: expected shape {(rows, regions)}, one row a step, got {values.shape}")
        out = replace(
            self, **steps, removal_days=removal_days, banned=banned, adder_regions=regions_covered,
            removal_rate=_checked("removal_rate", self.removal_rate, (removal_days.size, n, regions), 0, 1),
            adder_usd_per_kwh=_checked("tariff_adder_usd_per_kwh", self.adder_usd_per_kwh,
                                       (steps["adder_days"].size, n, regions), 0),
            curtailed_share=_checked("curtailed_share", self.curtailed_share,
                                     (steps["curtail_days"].size, n, regions), 0, 1),
            destinations=_checked("relocation_destinations", self.destinations, (regions,), 0),
            relocation_share=_checked("relocation_share", self.relocation_share, (n, regions), 0, 1),
            relocation_delay_days=_checked("relocation_delay_days", self.relocation_delay_days, (n,), 1),
            relocation_attrition=_checked("relocation_attrition", self.relocation_attrition, (n,), 0, 1),
            hidden_share=_checked("hidden_share", self.hidden_share, (n, regions), 0, 1),
            hidden_resume_days=_checked("hidden_resume_days", self.hidden_resume_days, (n,), 1),
            hosting_mw_per_day=_checked("hosting_mw_per_day", self.hosting_mw_per_day, (n,), 0),
        )
        if not (np.all(np.isfinite(out.adder_usd_per_kwh)) and np.all(np.isfinite(out.relocation_delay_days))
                and np.all(np.isfinite(out.hidden_resume_days))):
            raise ValueError("tariff_adder_usd_per_kwh, relocation_delay_days, hidden_resume_days: "
                             "expected finite numbers")
        if not np.all(np.isfinite(out.destinations)):
            raise ValueError("relocation_destinations: expected finite weights")
        if np.any((out.adder_usd_per_kwh > 0).any(axis=1) & ~out.adder_regions):
            raise ValueError("adder_regions: expected every region with a surcharge in some draw to be marked")
        if not np.all(out.hosting_mw_per_day > 0):  # infinity: no wait for hosting
            raise ValueError("hosting_mw_per_day: expected a positive number [MW/d]")
        if out.relocation_share.any() and not out.destinations.any():
            raise ValueError("relocation_destinations: expected some positive weight when capacity relocates")
        return out
