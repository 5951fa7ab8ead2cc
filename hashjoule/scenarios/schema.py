"""What a scenario file may say: pydantic models, one per section, every field documented.

Unknown keys are errors, NaN and infinity are refused, and every number carries its unit
in the description. Any numeric parameter marked *uncertain* may also be written as a
distribution (``{dist = "uniform", low = 0.5, high = 0.9}``) whose central 99.8 % lies within
the parameter's bounds. Each Monte Carlo draw samples its own value from its own random
stream (:mod:`hashjoule.scenarios.uncertain`); a deterministic run uses the median.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal, Union, get_args, get_origin

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.fields import FieldInfo
from scipy import stats


#: Bounds of the numeric parameters that may be uncertain, by field name: a number must lie
#: within them, a distribution's central 99.8 % too. [the field's unit]
BOUNDS = {
    "growth_per_day": (0.0, 1.0),
    "unprofitable_retirement_days": (1.0, 36500.0),
    "supply_ths_per_day": (1.0, 1e9),
    "supply_growth_per_year": (-0.9, 10.0),
    "tariff_dry_usd_per_kwh": (0.0, 10.0),
    "tariff_wet_usd_per_kwh": (0.0, 10.0),
    "pue": (1.0, 3.0),
    "emission_factor_t_per_mwh": (0.0, 2.0),
    "compliance": (0.0, 1.0),
    "adder": (0.0, 10.0),
    "share": (0.0, 1.0),
    "attrition": (0.0, 1.0),
    "delay_days": (1.0, 3650.0),
    "resume_days": (1.0, 3650.0),
    "hosting_mw_per_day": (0.01, 100000.0),
    "tariff_scale": (0.1, 10.0),
    "emission_factor_scale": (0.0, 5.0),
    "efficiency_scale": (0.2, 5.0),
    "price_volatility_scale": (0.0, 5.0),
    "share_dry": (0.0, 1.0),
    "share_wet": (0.0, 1.0),
}

#: Largest weight of a relocation destination. [1]
MAX_WEIGHT = 1e6

#: Days any date of a scenario may take: the genesis block to the last block subsidy.
DATE_RANGE = (dt.date(2009, 1, 3), dt.date(2140, 12, 31))
#: Most policies in a scenario; most regions named by one policy, by ``[regions]`` or as
#: relocation destinations.
MAX_POLICIES = 100
MAX_REGIONS = 50
#: Longest region name. [characters]
MAX_NAME = 80
#: Longest description, and longest note of a policy. [characters]
MAX_DESCRIPTION = 4000
MAX_NOTE = 1000
#: Largest root seed: it is stored as a 64-bit integer in the outputs.
MAX_SEED = 2**63 - 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    @field_validator(*BOUNDS, "draws", "seed", "deployment_lag_days", "ramp_days", "share_concentration", "posterior",
                     "drift_per_year", "volatility_per_year", "low", "high", "mean", "sd", "median", "sigma", "mode", "a", "b", mode="before", check_fields=False)
    @classmethod
    def _typed(cls, value, info):
        """No true/false where a number is expected, and no text where a number or a
        true/false is: TOML has types, and a file should use them."""
        kinds = _kinds(cls.model_fields[info.field_name].annotation)
        if isinstance(value, bool) and bool not in kinds:
            raise ValueError("a number, not true or false" if kinds & {int, float} else "not true or false")
        if isinstance(value, str) and str not in kinds and kinds & {int, float, bool}:
            raise ValueError("true or false, not text" if bool in kinds else "a number, not text")
        return value

    @field_validator("*")
    @classmethod
    def _bounded(cls, value, info):
        """Every field named in :data:`BOUNDS` is checked against its bounds, every date
        against :data:`DATE_RANGE`."""
        if isinstance(value, dt.date) and not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
            side = f"a day up to {DATE_RANGE[1]}" if value > DATE_RANGE[1] else f"a day from {DATE_RANGE[0]}"
            raise ValueError(f"{side} (dates run from {DATE_RANGE[0]}, the first block, to {DATE_RANGE[1]})")
        if info.field_name in ("regions", "destinations") and isinstance(value, (list, dict)):
            long = [name for name in value if len(name) > MAX_NAME]
            if long:
                raise ValueError(f"region names of at most {MAX_NAME} characters, not one of {len(long[0])}")
        if value is None or info.field_name not in BOUNDS or not isinstance(value, (int, float, _Distribution)):
            return value
        return _within(info.field_name, value, *BOUNDS[info.field_name])


def _kinds(annotation) -> set:
    """The plain types an annotation admits (through Optional, Union and Annotated)."""
    args = get_args(annotation)
    if not args:
        return {annotation}
    if get_origin(annotation) in (list, dict, Literal):
        return {get_origin(annotation)}
    return set().union(*(_kinds(a) for a in args if not isinstance(a, FieldInfo)))


# --- distributions ------------------------------------------------------------------


class _Distribution:
    """Base of the distribution models: each says which scipy distribution it is, with
    which arguments (:meth:`scipy`)."""

    def frozen(self):
        """The frozen scipy distribution."""
        dist, args, kwargs = self.scipy()
        return dist(*args, **kwargs)

    def ppf(self, q):
        """Quantiles, without freezing (which costs a millisecond a call)."""
        dist, args, kwargs = self.scipy()
        return dist.ppf(q, *args, **kwargs)


def _low_below_high(model):
    if not model.low < model.high:
        raise ValueError(f"low ({model.low}) below high ({model.high})")
    return model

class Uniform(_Model, _Distribution):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self):
        return _low_below_high(self)

    def scipy(self):
        return stats.uniform, (self.low, self.high - self.low), {}


class Normal(_Model, _Distribution):
    """Normal with ``mean`` and standard deviation ``sd``."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)

    def scipy(self):
        return stats.norm, (self.mean, self.sd), {}


class LogNormal(_Model, _Distribution):
    """Log-normal with ``median`` and ``sigma`` (standard deviation of the log)."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(gt=0)

    def scipy(self):
        return stats.lognorm, (self.sigma,), {"scale": self.median}


class Triangular(_Model, _Distribution):
    """Triangular from ``low`` to ``high`` with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self):
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(f"low <= mode <= high with low < high, not {self.low}, {self.mode}, {self.high}")
        return self

    def scipy(self):
        return stats.triang, ((self.mode - self.low) / (self.high - self.low), self.low, self.high - self.low), {}


class Beta(_Model, _Distribution):
    """Beta(``a``, ``b``) stretched to [``low``, ``high``] (default [0, 1])."""

    dist: Literal["beta"]
    a: float = Field(gt=0)
    b: float = Field(gt=0)
    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _ordered(self):
        return _low_below_high(self)

    def scipy(self):
        return stats.beta, (self.a, self.b, self.low, self.high - self.low), {}


Distribution = Annotated[Union[Uniform, Normal, LogNormal, Triangular, Beta], Field(discriminator="dist")]
#: A number, or a distribution of it.
Uncertain = Union[float, Distribution]


def central(value) -> float:
    """The number itself, or the median of a distribution."""
    return float(value) if isinstance(value, (int, float)) else float(value.ppf(0.5))


#: Quantiles of a distribution that must lie within a parameter's bounds (values drawn
#: beyond them, one in 500, will be clipped to the bounds).
_COVER = (0.001, 0.999)


def _within(name: str, value, low: float | None = None, high: float | None = None):
    """Check a number, or a distribution's central 99.8 %, against bounds."""
    number = isinstance(value, (int, float))
    with np.errstate(all="ignore"):  # extreme shapes overflow to infinity, refused below
        lo, hi = (float(value),) * 2 if number else value.ppf(_COVER)
    where = "" if number else " for 99.8 % of the distribution"
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"{name} must be finite{where}")
    if low is not None and lo < low:
        raise ValueError(f"{name} must be >= {low}{where}")
    if high is not None and hi > high:
        raise ValueError(f"{name} must be <= {high}{where}")
    return value


# --- sections ---------------------------------------------------------------------


def _in_order(model, earlier: str, later: str):
    """Refuse a model whose day ``later`` comes before its day ``earlier`` (None: open)."""
    first, last = getattr(model, earlier), getattr(model, later)
    if first is not None and last is not None and last < first:
        raise ValueError(f"{later} ({last}) on or after {earlier} ({first})")
    return model


class Run(_Model):
    """The period, the draws and the engine."""

    start: dt.date = Field(dt.date(2016, 1, 1), description="first day, 2010-07-26 to 2023-02-25")
    end: dt.date = Field(dt.date(2030, 12, 31), description="last day, included, at most 2140-12-31")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="root random seed, at most 2**63 - 1")
    draws: int = Field(100, ge=1, le=1_000_000, description="Monte Carlo draws")
    engine: Literal["ensemble", "des"] = Field("ensemble", description="vectorised Monte Carlo or per-block engine")

    @model_validator(mode="after")
    def _ordered(self):
        return _in_order(self, "start", "end")


class Fleet(_Model):
    """Deployment and retirement behaviour; unset values come from the parameter set."""

    parameter_set: str = Field("replay-2016-2021", max_length=80, description="calibrated set in hashjoule/calibration/sets "
                               "(the top-level key `calibration` is the documented way to name it)")
    growth_per_day: Uncertain | None = Field(None, description="deployments per unit hashrate and margin [1/d]; uncertain")
    deployment_lag_days: int | None = Field(None, ge=0, le=3650, description="ordering-to-arrival lag [d]")
    unprofitable_retirement_days: Uncertain | None = Field(None, description="mean wait before scrapping [d]; uncertain")
    supply_ths_per_day: Uncertain | None = Field(None, description="manufacturers' shipment capacity on 2020-01-01: "
                                                 "orders past their lead time wait until it frees [TH/s per day]; "
                                                 "uncertain")
    supply_growth_per_year: Uncertain | None = Field(None, description="yearly growth of the shipment capacity "
                                                     "[1/yr]; uncertain")
    posterior: bool = Field(False, description="sample growth and retirement (where not given here) from the parameter "
                                               "set's posterior marginals, independently (their correlation is not kept)")


class RegionOverride(_Model):
    """Changes to one region of the model (names as in ``hashjoule scenarios regions``)."""

    tariff_dry_usd_per_kwh: Uncertain | None = Field(None, description="median tariff, November-April [USD/kWh]; uncertain")
    tariff_wet_usd_per_kwh: Uncertain | None = Field(None, description="median tariff, May-October [USD/kWh]; uncertain")
    pue: Uncertain | None = Field(None, description="power usage effectiveness [1]; uncertain")
    emission_factor_t_per_mwh: Uncertain | None = Field(None, description="grid emission factor [t CO2/MWh]; uncertain")
    share: float | None = Field(None, ge=0, le=1, description="share of installed capacity and of new machines [1]")


class Uncertainty(_Model):
    """Uncertain factors on every region and on the market; where a region gives its own value
    or distribution of a quantity (``[regions.NAME]``), that one applies there instead."""

    tariff_scale: Uncertain = Field(1.0, description="factor on every region's median tariff [1]; uncertain")
    pue: Uncertain | None = Field(None, description="power usage effectiveness of every region [1]; uncertain")
    emission_factor_scale: Uncertain = Field(1.0, description="factor on every region's grid emission factor [1]; uncertain")
    efficiency_scale: Uncertain = Field(1.0, description="factor on the energy per hash of every machine class: "
                                                         "the hardware mix [1]; uncertain")
    price_volatility_scale: Uncertain = Field(1.0, description="factor on the projected price's volatility [1]; uncertain")
    share_concentration: float | None = Field(None, gt=0, le=1e6,
                                              description="concentration of a Dirichlet draw of the regions' shares "
                                                          "around their central values (larger: closer) [1]; "
                                                          "none: shares fixed")


class Emissions(_Model):
    """Which grid emission factor a kWh is counted at."""

    basis: Literal["average", "marginal"] = Field(
        "average", description="`average`: every generator of the region's grid (MEE 2021 provinces, OWID 2020 "
        "countries); `marginal`: the generation an added load sets running (the operating margin of China's "
        "regional grids, NDRC; natural gas in the United States, EIA), the average where none is bundled "
        "(hashjoule/data/marginal_emission_factors.csv)")


class Market(_Model):
    """The bitcoin price after the bundled record (2023-02-25): a geometric Brownian motion of the
    log price, after a user's own path if one is given. A deterministic run follows the median path,
    the last price times exp(drift x years)."""

    drift_per_year: float | None = Field(None, ge=-2.0, le=2.0, description="mean yearly change of the log price "
                                         "[1/yr] (none: 0, the median price stays at the last one)")
    volatility_per_year: float | None = Field(None, ge=0.0, le=5.0, description="standard deviation of the log price's "
                                              "yearly change [1/sqrt(yr)] (none: that of the last four years of the "
                                              "record, about 0.7); `uncertainty.price_volatility_scale` multiplies it")
    price_path: str | None = Field(None, min_length=1, max_length=1000,
                                   description="CSV file of daily prices, columns `date` (YYYY-MM-DD) and `price_usd` "
                                               "[USD/BTC], consecutive days from at most the day after the record; a "
                                               "relative path is read from the scenario file's folder; days already "
                                               "in the record keep the record's price; the random walk goes on from "
                                               "its last day")


_REGIONS = Field(min_length=1, max_length=MAX_REGIONS, description="regions the policy applies to")



class ShutdownPolicy(_Model):
    """Forced closure of mining in regions."""

    type: Literal["shutdown"]
    regions: list[str] = _REGIONS
    announced: dt.date = Field(description="day new deployment stops")
    effective: dt.date = Field(description="first day capacity is removed")
    ramp_days: int = Field(1, ge=1, le=3650, description="days over which the removal is spread [d]")
    compliance: Uncertain = Field(1.0, description="share of capacity removed by the end of the ramp [1]; uncertain")
    note: str = Field("", max_length=MAX_NOTE, description="source or comment")

    @model_validator(mode="after")
    def _ordered(self):
        return _in_order(self, "announced", "effective")


class TariffSurchargePolicy(_Model):
    """An adder on miners' electricity tariffs in regions."""

    type: Literal["tariff_surcharge"]
    regions: list[str] = _REGIONS
    start: dt.date = Field(description="first day it applies")
    adder: Uncertain = Field(description="surcharge per kWh, in `currency`; uncertain")
    currency: Literal["CNY", "USD"] = Field("USD", description="currency of `adder` (CNY at the year's average rate)")
    note: str = Field("", max_length=MAX_NOTE, description="source or comment")



class DeploymentBanPolicy(_Model):
    """No new machines in regions."""

    type: Literal["deployment_ban"]
    regions: list[str] = _REGIONS
    start: dt.date = Field(description="first day")
    end: dt.date | None = Field(None, description="last day, included (none: to the end of the run)")
    note: str = Field("", max_length=MAX_NOTE, description="source or comment")

    @model_validator(mode="after")
    def _ordered(self):
        return _in_order(self, "start", "end")


class RelocationPolicy(_Model):
    """Where capacity forced out by shutdowns goes."""

    type: Literal["relocation"]
    share: Uncertain = Field(description="share of the forced-out capacity moved abroad [1]; uncertain")
    delay_days: Uncertain = Field(90.0, description="mean time in transit, before the wait for hosting [d]; uncertain")
    destinations: dict[str, float] = Field(min_length=1, max_length=MAX_REGIONS,
                                           description="destination region -> weight [1], 0 to 1e6")
    attrition: Uncertain = Field(0.0, description="share lost on the way [1]; uncertain")
    hosting_mw_per_day: Uncertain | None = Field(None, description="hosting built for relocated machines in all the "
                                                 "destinations, per day; arrived machines wait for it (none: no wait) "
                                                 "[MW/d]; uncertain")
    note: str = Field("", max_length=MAX_NOTE, description="source or comment")

    @field_validator("destinations")
    @classmethod
    def _weights(cls, value):
        for weight in value.values():
            _within("a destination weight", weight, 0.0, MAX_WEIGHT)
        if not sum(value.values()) > 0:
            raise ValueError("destination weights must be >= 0 and not all zero")
        return value


class HiddenMiningPolicy(_Model):
    """Miners who stay: a share of the capacity forced out by shutdowns resumes in its region, hidden."""

    type: Literal["hidden_mining"]
    share: Uncertain = Field(description="share of the forced-out capacity that resumes hidden [1]; uncertain")
    resume_days: Uncertain = Field(60.0, description="mean time before it runs again [d]; uncertain")
    note: str = Field("", max_length=MAX_NOTE, description="source or comment")


class DemandResponsePolicy(_Model):
    """Mining in regions curtails when the grid is stressed: in a share of the hours of each
    season its machines stop, whatever they would earn."""

    type: Literal["demand_response"]
    regions: list[str] = _REGIONS
    start: dt.date = Field(description="first day")
    end: dt.date | None = Field(None, description="last day, included (none: to the end of the run)")
    share_dry: Uncertain = Field(0.0, description="share of the hours curtailed in the dry season, November-April "
                                                  "[1]; uncertain")
    share_wet: Uncertain = Field(0.0, description="share of the hours curtailed in the wet season, May-October "
                                                  "(the northern summer peak) [1]; uncertain")
    note: str = Field("", max_length=MAX_NOTE, description="source or comment")

    @model_validator(mode="after")
    def _ordered(self):
        return _in_order(self, "start", "end")


Policy = Annotated[Union[ShutdownPolicy, TariffSurchargePolicy, DeploymentBanPolicy, RelocationPolicy,
                         HiddenMiningPolicy, DemandResponsePolicy], Field(discriminator="type")]


class Scenario(_Model):
    """A scenario file."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                      description="short name (letters, digits, - _ .)")
    description: str = Field("", max_length=MAX_DESCRIPTION, description="what the scenario represents")
    extends: str | None = Field(None, max_length=200, description="name of a bundled scenario this one starts from, "
                                "or a .toml file in the same folder")
    run: Run = Field(default_factory=Run)
    fleet: Fleet = Field(default_factory=Fleet)
    calibration: str | None = Field(None, max_length=80, description="calibrated parameter set, hashjoule/calibration/sets/NAME.toml "
                                    "(written by `hashjoule calibrate`); same as fleet.parameter_set")
    regions: dict[str, RegionOverride] = Field(default_factory=dict, max_length=MAX_REGIONS,
                                                      description="changes by region name")
    uncertainty: Uncertainty = Field(default_factory=Uncertainty, description="uncertain factors on all regions")
    emissions: Emissions = Field(default_factory=Emissions, description="average or marginal grid emission factors")
    market: Market = Field(default_factory=Market, description="the price path after the bundled record")
    policy: list[Policy] = Field(default_factory=list, max_length=MAX_POLICIES, description="policies, in any order")

    @model_validator(mode="before")
    @classmethod
    def _set_name(cls, data):
        """``calibration`` names the fleet's parameter set unless ``fleet.parameter_set`` is also given."""
        if isinstance(data, dict) and isinstance(data.get("calibration"), str):
            fleet = data.get("fleet", {})
            if isinstance(fleet, dict) and "parameter_set" not in fleet:
                data = {**data, "fleet": {**fleet, "parameter_set": data["calibration"]}}
        return data

    @field_validator("calibration")
    @classmethod
    def _one_set(cls, value, info):
        fleet = info.data.get("fleet")
        if value is not None and fleet is not None and fleet.parameter_set != value:
            raise ValueError(f"the same set as fleet.parameter_set ({fleet.parameter_set!r}), or only one of the two keys")
        return value

    @model_validator(mode="after")
    def _shares(self):
        # regions without a share keep theirs, rescaled to fill what the given ones leave
        shares = [r.share for r in self.regions.values() if r.share is not None]
        if sum(shares) > 1 + 1e-9:
            raise ValueError(f"region shares sum to {sum(shares):.4g}, more than 1")
        relocations = [p for p in self.policy if isinstance(p, RelocationPolicy)]
        if len(relocations) > 1:
            raise ValueError("at most one relocation policy")
        if sum(isinstance(p, HiddenMiningPolicy) for p in self.policy) > 1:
            raise ValueError("at most one hidden_mining policy")
        return self
