"""Everything an engine needs, resolved into arrays over days and regions.

The engines read only :class:`ModelInputs`: they know nothing of files, scenario
schemas or policy types. Policies arrive already compiled into their schedule
(:class:`~hashjoule.simulation.policy_schedule.PolicySchedule`, one draw), prices as a
history plus a stochastic model for the days after it (:class:`Market`). Each class checks
its own arrays on construction, so physical nonsense (negative capacity, NaN tariffs,
shares that do not sum to one) is refused before any engine runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from hashjoule.network import chain
from hashjoule.simulation.policy_schedule import PolicySchedule

#: Days of prices drawn at a time (:meth:`Market.price_chunks`). [d]
PRICE_CHUNK_DAYS = 512


def _check(name: str, values, shape, low=None, high=None) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {values.shape}")
    if not np.isfinite(values).all():
        raise ValueError(f"{name}: expected finite numbers, found NaN or infinity")
    if low is not None and (values < low).any():
        raise ValueError(f"{name}: expected values >= {low}, found {values.min()}")
    if high is not None and (values > high).any():
        raise ValueError(f"{name}: expected values <= {high}, found {values.max()}")
    return values


@dataclass(frozen=True)
class Regions:
    """Where machines run.

    Attributes
    ----------
    names : tuple of str
        Region names. (R,)
    tariff_usd_per_kwh : numpy.ndarray
        Median electricity tariff paid by miners, seasonal profile included. (T, R) [USD/kWh]
    tariff_shape : numpy.ndarray
        Shape k of the log-logistic distribution of tariffs within each region: the
        share of capacity paying less than x is 1 / (1 + (median / x)**k); larger k,
        narrower spread. (R,) [1]
    pue : numpy.ndarray
        Power usage effectiveness. (R,) [1]
    emission_factor_t_per_mwh : numpy.ndarray
        Grid CO2 emission factor. (R,) [t CO2/MWh]
    initial_share : numpy.ndarray
        Share of installed capacity at the start; sums to 1. (R,) [1]
    deployment_share : numpy.ndarray
        Share of new machines installed in each region, per day; each row sums to 1. (T, R) [1]
    share_target_days : numpy.ndarray of int, optional
        Days on whose start the installed capacity is split among regions as observed
        (none by default). (K,)
    share_targets : numpy.ndarray, optional
        The observed split of each of those days; each row sums to 1. (K, R) [1]
    """

    names: tuple[str, ...]
    tariff_usd_per_kwh: np.ndarray
    tariff_shape: np.ndarray
    pue: np.ndarray
    emission_factor_t_per_mwh: np.ndarray
    initial_share: np.ndarray
    deployment_share: np.ndarray
    share_target_days: np.ndarray = None
    share_targets: np.ndarray = None

    def checked(self, days: int) -> "Regions":
        r = len(self.names)
        out = replace(
            self,
            tariff_usd_per_kwh=_check("tariff_usd_per_kwh", self.tariff_usd_per_kwh, (days, r), low=0),
            tariff_shape=_check("tariff_shape", self.tariff_shape, (r,), low=0.5),
            pue=_check("pue", self.pue, (r,), low=1.0),
            emission_factor_t_per_mwh=_check("emission_factor_t_per_mwh", self.emission_factor_t_per_mwh, (r,), low=0),
            initial_share=_check("initial_share", self.initial_share, (r,), low=0, high=1),
            deployment_share=_check("deployment_share", self.deployment_share, (days, r), low=0, high=1),
            share_target_days=np.zeros(0, dtype=np.int64) if self.share_target_days is None
            else np.asarray(self.share_target_days, dtype=np.int64),
        )
        k = out.share_target_days.size
        target_days = out.share_target_days
        if np.any(np.diff(target_days) <= 0) or np.any((target_days < 1) | (target_days >= days)):
            raise ValueError("share_target_days: expected increasing days of the run after its first")
        out = replace(out, share_targets=_check("share_targets", np.zeros((0, r)) if self.share_targets is None
                                                else self.share_targets, (k, r), low=0, high=1))
        if not np.allclose(out.share_targets.sum(axis=1), 1.0):
            raise ValueError("share_targets: expected shares summing to 1 on every target day")
        if not np.isclose(out.initial_share.sum(), 1.0):
            raise ValueError("initial_share: expected shares summing to 1")
        if not np.allclose(out.deployment_share.sum(axis=1), 1.0):
            raise ValueError("deployment_share: expected shares summing to 1 on every day")
        return out


@dataclass(frozen=True)
class Hardware:
    """Machine classes (cohorts): efficiency, release and service life.

    Attributes
    ----------
    names : tuple of str
        (H,)
    efficiency_j_per_th : numpy.ndarray
        (H,) [J/TH]
    release_day : numpy.ndarray of int
        First day the class can be deployed, as an index into the model's days (negative:
        released before the start). (H,)
    lifetime_days : numpy.ndarray of int
        Service life; capacity of a class is scrapped once ``release_day + lifetime_days``
        is reached. (H,) [d]
    """

    names: tuple[str, ...]
    efficiency_j_per_th: np.ndarray
    release_day: np.ndarray
    lifetime_days: np.ndarray

    def checked(self) -> "Hardware":
        h = len(self.names)
        release = np.asarray(self.release_day, dtype=np.int64)
        if release.shape != (h,) or np.any(np.diff(release) < 0):
            raise ValueError("release_day: expected one non-decreasing day per class")
        lifetime = np.asarray(self.lifetime_days, dtype=np.int64)
        if lifetime.shape != (h,) or np.any(lifetime <= 0):
            raise ValueError("lifetime_days: expected a positive life per class")
        return replace(self, release_day=release, lifetime_days=lifetime,
                       efficiency_j_per_th=_check("efficiency_j_per_th", self.efficiency_j_per_th, (h,), low=1e-6))

    def newest(self, day):
        """Index of the newest class released on or before ``day`` (the first class if none);
        for an array of days, an array of indices."""
        index = np.maximum(np.searchsorted(self.release_day, day, side="right") - 1, 0)
        return int(index) if np.ndim(index) == 0 else index


@dataclass(frozen=True)
class Market:
    """Bitcoin price and fees.

    The price is observed for the first ``len(price_history_usd)`` days; afterwards it
    follows a geometric Brownian motion from the last observed value, log-price drift
    ``drift_per_day`` and volatility ``volatility_per_sqrt_day`` (in a deterministic run,
    the median path).

    Attributes
    ----------
    price_history_usd : numpy.ndarray
        Observed daily price. (T_obs,) [USD/BTC]
    drift_per_day : float
        Mean daily change of the log price. [1/d]
    volatility_per_sqrt_day : float
        Standard deviation of the daily change of the log price. [1/sqrt(d)]
    fees_btc_per_block : numpy.ndarray
        Mean fees per block, every day. (T,) [BTC]
    """

    price_history_usd: np.ndarray
    drift_per_day: float
    volatility_per_sqrt_day: float
    fees_btc_per_block: np.ndarray

    def checked(self, days: int) -> "Market":
        history = np.asarray(self.price_history_usd, dtype=float)
        if history.ndim != 1 or not 1 <= history.size <= days:
            raise ValueError(f"price_history_usd: expected 1 to {days} days of prices")
        _check("price_history_usd", history, history.shape, low=1e-12)
        if not (np.isfinite(self.drift_per_day) and np.isfinite(self.volatility_per_sqrt_day)
                and self.volatility_per_sqrt_day >= 0):
            raise ValueError("drift and volatility: expected finite numbers, volatility >= 0")
        return replace(self, price_history_usd=history,
                       fees_btc_per_block=_check("fees_btc_per_block", self.fees_btc_per_block, (days,), low=0))

    def price_paths(self, days: int, rngs: list[np.random.Generator] | None,
                    volatility_scale: np.ndarray | None = None) -> np.ndarray:
        """Daily prices for each draw, day-major (a day's prices are contiguous, as the engines
        read them); ``rngs=None`` gives the median path. (T, n) [USD/BTC]

        ``volatility_scale`` (n,) multiplies each draw's volatility. [1] The whole run's
        paths of :meth:`price_chunks`, for results that keep every day.
        """
        paths = None
        for first, prices in self.price_chunks(days, rngs, volatility_scale):
            if paths is None:
                paths = np.empty((days, prices.shape[1]))
            paths[first:first + len(prices)] = prices
        return paths

    def price_chunks(self, days: int, rngs: list[np.random.Generator] | None,
                     volatility_scale: np.ndarray | None = None, chunk: int = PRICE_CHUNK_DAYS):
        """The paths of :meth:`price_paths`, ``chunk`` days at a time: yields the first day
        and the prices from it, (c, n) [USD/BTC], in a buffer the next chunk overwrites.

        Each draw's generator gives its normal variates in the same order whatever the
        chunks, and the log-price's running sum carries over from one chunk to the next as
        the first term of the next, so the numbers are those of one pass over all days.
        An engine that summarises as it goes holds a chunk, not the whole run: 88 MB for
        2,000 draws over 15 years, fresh pages that took 0.3-0.5 s of system time to map.
        """
        if rngs is not None:
            n = len(rngs)
        else:   # the median path, once per draw when the draws have their own volatility
            n = 1 if volatility_scale is None else np.asarray(volatility_scale).size
        volatility = self.volatility_per_sqrt_day * (1.0 if volatility_scale is None else np.asarray(volatility_scale))
        history = self.price_history_usd
        buffer = np.empty((min(chunk, days), n))
        shocks = np.zeros((n, min(chunk, days)))  # each draw's variates of the chunk in a row: its generator fills it
        log_change = np.zeros(n)  # since the last observed day, up to the previous chunk's end
        for first in range(0, days, chunk):
            prices = buffer[:min(chunk, days - first)]
            observed = min(max(history.size - first, 0), len(prices))
            prices[:observed] = history[first:first + observed, None]
            steps, k = prices[observed:], len(prices) - observed
            if k:
                for j, rng in enumerate(rngs or ()):
                    rng.standard_normal(out=shocks[j, :k])
                np.multiply(volatility, shocks[:, :k].T, out=steps)
                steps += self.drift_per_day
                if first > history.size:  # a chunk after the first of the future carries the sum on
                    steps[0] += log_change
                np.cumsum(steps, axis=0, out=steps)
                log_change[:] = steps[-1]
                np.exp(steps, out=steps)
                steps *= history[-1]
            yield first, prices


@dataclass(frozen=True)
class FleetParameters:
    """How the fleet grows and shrinks.

    Attributes
    ----------
    growth_per_day : float
        New machines ordered per day, per unit of online network hashrate and per unit of
        the newest machine's profit margin: orders = g x H x max(margin, 0). [1/d]
    deployment_lag_days : int
        Lead time from an order to the earliest day it can ship (manufacturing, shipping,
        installing). [d]
    unprofitable_retirement_days : float
        Mean time an unprofitable (switched-off) machine waits before it is scrapped. [d]
    supply_ths_per_day : float
        Manufacturers' shipment capacity on 2020-01-01 (``economics.SUPPLY_REFERENCE_DAY``);
        orders past their lead time wait in a backlog until capacity frees. Infinite: no
        limit. [TH/s per day]
    supply_growth_per_year : float
        Yearly growth of the shipment capacity (> -1). [1/yr]
    """

    growth_per_day: float = 0.004
    deployment_lag_days: int = 90
    unprofitable_retirement_days: float = 180.0
    supply_ths_per_day: float = float("inf")
    supply_growth_per_year: float = 0.0

    def checked(self) -> "FleetParameters":
        if not (np.isfinite(self.growth_per_day) and self.growth_per_day >= 0):
            raise ValueError("growth_per_day: expected a number >= 0 [1/d]")
        lag = self.deployment_lag_days
        if not np.isfinite(lag) or int(lag) != lag or lag < 0:
            raise ValueError("deployment_lag_days: expected a whole number of days >= 0")
        if not (np.isfinite(self.unprofitable_retirement_days) and self.unprofitable_retirement_days >= 1):
            raise ValueError("unprofitable_retirement_days: expected a number >= 1 [d]")
        if not self.supply_ths_per_day > 0:  # NaN fails too; infinity means no supply limit
            raise ValueError("supply_ths_per_day: expected a positive number [TH/s per day]")
        if not (np.isfinite(self.supply_growth_per_year) and self.supply_growth_per_year > -1):
            raise ValueError("supply_growth_per_year: expected a number > -1 [1/yr]")
        return replace(self, deployment_lag_days=int(lag))


@dataclass(frozen=True)
class ChainStart:
    """State of the chain at the start of the first day.

    Attributes
    ----------
    height : int
        Height of the next block to be mined.
    bits : int
        Compact target of the current epoch.
    epoch_first_time_s : int
        Timestamp of the current epoch's first block, relative to the start of the
        first day (negative if it was mined before); ignored when ``height`` is the
        first block of an epoch. [s]
    """

    height: int
    bits: int
    epoch_first_time_s: int = 0

    def checked(self) -> "ChainStart":
        if not isinstance(self.height, (int, np.integer)) or self.height < 0:
            raise ValueError(f"height: expected a whole number >= 0, got {self.height!r}")
        if chain.bits_to_target(self.bits) <= 0 or self.bits >> 24 < 3:
            raise ValueError(f"bits: expected a positive compact target of at least 3 bytes, got {self.bits:#x}")
        if self.height % chain.RETARGET_INTERVAL and self.epoch_first_time_s > 0:
            raise ValueError("epoch_first_time_s: the current epoch's first block was mined before the start (<= 0)")
        return replace(self, height=int(self.height))


@dataclass(frozen=True)
class Anchor:
    """An observed network hashrate the fleet is set to on one day (a forecast's initial state).

    At the end of day ``day`` every part of the fleet's state (installed capacity, machines
    ordered, shipped, waiting for hosting or hidden) is scaled, draw by draw, by the observed
    hashrate over the simulated one: the run then goes on from what was seen that day.

    Attributes
    ----------
    day : int
        Index into the run's days.
    hashrate_ths : float
        Observed network hashrate that day (trailing 7-day mean). [TH/s]
    """

    day: int
    hashrate_ths: float

    def checked(self, days: int) -> "Anchor":
        if not (0 <= int(self.day) < days and np.isfinite(self.hashrate_ths) and self.hashrate_ths > 0):
            raise ValueError(f"anchor: expected a day of the run and a positive hashrate, got {self}")
        return replace(self, day=int(self.day), hashrate_ths=float(self.hashrate_ths))


@dataclass(frozen=True)
class ModelInputs:
    """All inputs of a run. ``time`` holds the days; every (T, ...) array follows it."""

    time: np.ndarray
    regions: Regions
    hardware: Hardware
    market: Market
    policy: PolicySchedule
    fleet: FleetParameters
    chain_start: ChainStart
    initial_capacity_ths: np.ndarray
    anchor: Anchor | None = None

    def __post_init__(self):
        time = np.asarray(self.time, dtype="datetime64[D]")
        if time.ndim != 1 or time.size < 1 or np.any(np.diff(time) != np.timedelta64(1, "D")):
            raise ValueError("time: expected consecutive days in order")
        days, r, h = time.size, len(self.regions.names), len(self.hardware.names)
        object.__setattr__(self, "time", time)
        object.__setattr__(self, "regions", self.regions.checked(days))
        object.__setattr__(self, "hardware", self.hardware.checked())
        object.__setattr__(self, "market", self.market.checked(days))
        if self.policy.n != 1:
            raise ValueError(f"policy: expected the central world's schedule, one draw, got {self.policy.n}")
        object.__setattr__(self, "policy", self.policy.checked(days, r))
        object.__setattr__(self, "fleet", self.fleet.checked())
        object.__setattr__(self, "chain_start", self.chain_start.checked())
        object.__setattr__(self, "initial_capacity_ths",
                           _check("initial_capacity_ths", self.initial_capacity_ths, (r, h), low=0))
        if self.anchor is not None:
            object.__setattr__(self, "anchor", self.anchor.checked(days))

    @property
    def days(self) -> int:
        return self.time.size

    def with_changes(self, **changes) -> "ModelInputs":
        """A copy with some fields replaced (checked again)."""
        return replace(self, **changes)
