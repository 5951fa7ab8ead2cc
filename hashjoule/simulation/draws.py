"""Per-draw values of the uncertain parameters, and the starting fleet each draw implies.

:class:`~hashjoule.simulation.inputs.ModelInputs` holds one world: the central values.
A Monte Carlo draw may differ from it in the numbers a scenario marks as uncertain; a
batch of ``n`` draws carries them in one :class:`DrawValues`, arrays whose first axis is
the draw. Tariffs and efficiency enter as factors on the central values (so a seasonal
tariff profile keeps its shape); PUE, emission factors and regional shares as values.

Each draw's starting capacity is matched again, as the central world's is, so that the
capacity switched on at the first day's hashprice equals the central world's online
hashrate (the observed one): a draw with dearer power starts with more machines, not with
less hashrate.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from hashjoule.errors import InputError
from hashjoule.simulation.economics import breakeven_tariff_usd_per_kwh, online_fraction
from hashjoule.simulation.inputs import ModelInputs
from hashjoule.simulation.policy_schedule import PolicySchedule
from hashjoule.simulation.world import is_wet, start_hashprice


@dataclass(frozen=True)
class DrawValues:
    """Uncertain parameters of a batch of draws; rows are draws.

    Attributes
    ----------
    growth_per_day : numpy.ndarray
        See :class:`~hashjoule.simulation.inputs.FleetParameters`. (n,) [1/d]
    unprofitable_retirement_days : numpy.ndarray
        (n,) [d]
    supply_ths_per_day : numpy.ndarray
        Shipment capacity on the reference day; infinite: no limit. (n,) [TH/s per day]
    supply_growth_per_year : numpy.ndarray
        (n,) [1/yr]
    volatility_scale : numpy.ndarray
        Factor on the price model's volatility. (n,) [1]
    efficiency_scale : numpy.ndarray
        Factor on the energy per hash of every machine class (the fleet's hardware mix). (n,) [1]
    tariff_scale : numpy.ndarray
        Factor on each region's median tariff, dry season (November-April) and wet season
        (May-October). (n, 2, R) [1]
    pue : numpy.ndarray
        Power usage effectiveness. (n, R) [1]
    emission_factor_t_per_mwh : numpy.ndarray
        (n, R) [t CO2/MWh]
    share : numpy.ndarray
        Share of installed capacity at the start and of new machines; rows sum to 1. (n, R) [1]
    policy : PolicySchedule
        The draws' policies.
    """

    growth_per_day: np.ndarray
    unprofitable_retirement_days: np.ndarray
    supply_ths_per_day: np.ndarray
    supply_growth_per_year: np.ndarray
    volatility_scale: np.ndarray
    efficiency_scale: np.ndarray
    tariff_scale: np.ndarray
    pue: np.ndarray
    emission_factor_t_per_mwh: np.ndarray
    share: np.ndarray
    policy: PolicySchedule

    @property
    def n(self) -> int:
        return self.growth_per_day.size

    @classmethod
    def central(cls, inputs: ModelInputs, n: int) -> "DrawValues":
        """Every draw at the central values."""
        r = inputs.regions
        f = inputs.fleet
        return cls(np.full(n, f.growth_per_day), np.full(n, f.unprofitable_retirement_days),
                   np.full(n, f.supply_ths_per_day), np.full(n, f.supply_growth_per_year), np.ones(n), np.ones(n),
                   np.ones((n, 2, len(r.names))), np.tile(r.pue, (n, 1)),
                   np.tile(r.emission_factor_t_per_mwh, (n, 1)), np.tile(r.initial_share, (n, 1)),
                   inputs.policy.repeat(n))

    def take(self, rows) -> "DrawValues":
        """The draws at ``rows`` (indices into this batch)."""
        rows = np.atleast_1d(np.asarray(rows, dtype=np.int64))
        return replace(self, **{f.name: getattr(self, f.name)[rows] for f in fields(self) if f.name != "policy"},
                       policy=self.policy.take(rows))

    def row(self, i: int) -> "DrawValues":
        """Draw ``i`` alone, as a batch of one."""
        return self.take([i])

    def checked(self, regions: int) -> "DrawValues":
        """Refuse values no world can have (the scenario layer keeps draws within bounds).

        Returns the values with every array C-contiguous: the compiled passes vectorise only
        over contiguous rows, and a batch's layout then never depends on how it was built."""
        n = self.n
        expect = {"growth_per_day": ((n,), 0.0), "unprofitable_retirement_days": ((n,), 1.0),
                  "volatility_scale": ((n,), 0.0), "efficiency_scale": ((n,), 1e-6),
                  "tariff_scale": ((n, 2, regions), 0.0), "pue": ((n, regions), 1.0),
                  "emission_factor_t_per_mwh": ((n, regions), 0.0), "share": ((n, regions), 0.0)}
        for name, (shape, low) in expect.items():
            value = getattr(self, name)
            if value.shape != shape or not np.all(np.isfinite(value)) or np.any(value < low):
                raise ValueError(f"{name}: expected finite values >= {low} of shape {shape}")
        if self.supply_ths_per_day.shape != (n,) or not np.all(self.supply_ths_per_day > 0):
            raise ValueError(f"supply_ths_per_day: expected positive values (infinite: no limit) of shape {(n,)}")
        if self.supply_growth_per_year.shape != (n,) or not np.all(self.supply_growth_per_year > -1):
            raise ValueError(f"supply_growth_per_year: expected values > -1 of shape {(n,)}")
        if not np.allclose(self.share.sum(axis=1), 1.0):
            raise ValueError("share: expected each draw's shares to sum to 1")
        if self.policy.n != n:
            raise ValueError(f"policy: expected a schedule of {n} draws, got {self.policy.n}")
        return replace(self, **{f.name: np.ascontiguousarray(getattr(self, f.name), dtype=float)
                                for f in fields(self) if f.name != "policy"})



def initial_capacity(inputs: ModelInputs, values: DrawValues) -> np.ndarray:
    """Each draw's starting capacity, (H, n, R) [TH/s].

    The central capacity's mix of classes within a region is kept, the regions are weighted
    by the draw's shares, and the total is scaled so that the capacity switched on at the
    first day's hashprice (under the draw's tariffs, PUE and efficiency) equals the central
    world's.
    """
    x, r = inputs, inputs.regions
    hashprice = start_hashprice(x.market, x.chain_start)
    season = int(is_wet(x.time[:1])[0])

    def online(efficiency, pue, tariff):
        return online_fraction(breakeven_tariff_usd_per_kwh(hashprice, efficiency, pue), tariff, r.tariff_shape)

    # (H, R) central; (H, n, R) per draw
    central = x.initial_capacity_ths.T
    target = float((central * online(x.hardware.efficiency_j_per_th[:, None], r.pue, r.tariff_usd_per_kwh[0])).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        mix = np.where(central.sum(axis=0) > 0, central / central.sum(axis=0), 0.0)  # classes within a region
    capacity = mix[:, None, :] * values.share[None, :, :]
    on = online((x.hardware.efficiency_j_per_th[:, None] * values.efficiency_scale[None, :])[:, :, None],
                values.pue[None, :, :], (r.tariff_usd_per_kwh[0] * values.tariff_scale[:, season, :])[None, :, :])
    switched_on = (capacity * on).sum(axis=(0, 2))
    if np.any(switched_on <= 0):
        raise InputError.single("scenario", "uncertainty", "distributions under which some machine is profitable on "
                                f"the first day ({x.time[0]})", "a draw in which none is (tariffs or PUE too high)")
    return capacity * (target / switched_on)[None, :, None]
