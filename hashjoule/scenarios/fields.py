"""The parts every scenario section is built from: bounds and limits, the strict base
model (unknown keys, NaN, text for numbers and dates out of range refused), and the
distributions an uncertain number may be written as.

A distribution's central 99.8 % must lie within its parameter's bounds; values drawn beyond
them (one in 500) are clipped to the bounds when sampled (:mod:`hashjoule.scenarios.uncertain`).
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


class StrictModel(BaseModel):
    """Base of every scenario section and distribution: strict, frozen, bounded."""

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
        if value is None or info.field_name not in BOUNDS or not isinstance(value, (int, float, DistributionModel)):
            return value
        return within(info.field_name, value, *BOUNDS[info.field_name])


def _kinds(annotation) -> set:
    """The plain types an annotation admits (through Optional, Union and Annotated)."""
    args = get_args(annotation)
    if not args:
        return {annotation}
    if get_origin(annotation) in (list, dict, Literal):
        return {get_origin(annotation)}
    return set().union(*(_kinds(a) for a in args if not isinstance(a, FieldInfo)))


# --- distributions ------------------------------------------------------------------


class DistributionModel:
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

class Uniform(StrictModel, DistributionModel):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self):
        return _low_below_high(self)

    def scipy(self):
        return stats.uniform, (self.low, self.high - self.low), {}


class Normal(StrictModel, DistributionModel):
    """Normal with ``mean`` and standard deviation ``sd``."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)

    def scipy(self):
        return stats.norm, (self.mean, self.sd), {}


class LogNormal(StrictModel, DistributionModel):
    """Log-normal with ``median`` and ``sigma`` (standard deviation of the log)."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(gt=0)

    def scipy(self):
        return stats.lognorm, (self.sigma,), {"scale": self.median}


class Triangular(StrictModel, DistributionModel):
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


class Beta(StrictModel, DistributionModel):
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


def within(name: str, value, low: float | None = None, high: float | None = None):
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
