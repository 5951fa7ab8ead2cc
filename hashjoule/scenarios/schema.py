"""What a scenario file may say: pydantic models, one per section, every field documented.

Unknown keys are errors, NaN and infinity are refused, and every number carries its unit
in the description. Any numeric parameter marked *uncertain* may also be written as a
distribution (``{dist = "uniform", low = 0.5, high = 0.9}``) whose central 99.8 % lies within
the parameter's bounds. Each Monte Carlo draw samples its own value from its own random
stream (:mod:`hashjoule.scenarios.uncertain`); a deterministic run uses the median.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

# the distributions and bounds are re-exported: a scenario's schema is read from here
from hashjoule.scenarios.fields import (  # noqa: F401
    BOUNDS, DATE_RANGE, MAX_DESCRIPTION, MAX_NAME, MAX_NOTE, MAX_POLICIES,
    MAX_REGIONS, MAX_SEED, MAX_WEIGHT, Beta, Distribution, LogNormal,
    Normal, StrictModel, Triangular, Uncertain, Uniform, central,
    within,
)


# --- sections ---------------------------------------------------------------------


def _in_order(model, earlier: str, later: str):
    """Refuse a model whose day ``later`` comes before its day ``earlier`` (None: open)."""
    first, last = getattr(model, earlier), getattr(model, later)
    if first is not None and last is not None and last < first:
        raise ValueError(f"{later} ({last}) on or after {earlier} ({first})")
    return model


class Run(StrictModel):
    """The period, the draws and the engine."""

    start: dt.date = Field(dt.date(2016, 1, 1), description="first day, 2010-07-26 to 2023-02-25")
    end: dt.date = Field(dt.date(2030, 12, 31), description="last day, included, at most 2140-12-31")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="root random seed, at most 2**63 - 1")
    draws: int = Field(100, ge=1, le=1_000_000, description="Monte Carlo draws")
    engine: Literal["ensemble", "des"] = Field("ensemble", description="vectorised Monte Carlo or per-block engine")

    @model_validator(mode="after")
    def _ordered(self):
        return _in_order(self, "start", "end")


class Fleet(StrictModel):
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
    regional_split: Literal["fixed", "mining-map"] = Field(
        "fixed", description="where machines are: `fixed`, the Mining Map's mean of Sep 2019 - Aug 2020 all along (as "
        "the bundled parameter sets were fitted); `mining-map`, the installed capacity split as the map observed it "
        "on the first of each month from Sep 2019 to Feb 2021, or until the scenario's first policy that moves "
        "machines (docs/fleet-simulation.md); a file giving a region's `share` keeps its own shares instead")


class RegionOverride(StrictModel):
    """Changes to one region of the model (names as in ``hashjoule scenarios regions``)."""

    tariff_dry_usd_per_kwh: Uncertain | None = Field(None, description="median tariff, November-April [USD/kWh]; uncertain")
    tariff_wet_usd_per_kwh: Uncertain | None = Field(None, description="median tariff, May-October [USD/kWh]; uncertain")
    pue: Uncertain | None = Field(None, description="power usage effectiveness [1]; uncertain")
    emission_factor_t_per_mwh: Uncertain | None = Field(None, description="grid emission factor [t CO2/MWh]; uncertain")
    share: float | None = Field(None, ge=0, le=1, description="share of installed capacity and of new machines [1]")


class Uncertainty(StrictModel):
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


class Emissions(StrictModel):
    """Which grid emission factor a kWh is counted at."""

    basis: Literal["average", "marginal"] = Field(
        "average", description="`average`: every generator of the region's grid (MEE 2021 provinces, OWID 2020 "
        "countries); `marginal`: the generation an added load sets running (the operating margin of China's "
        "regional grids, NDRC; natural gas in the United States, EIA), the average where none is bundled "
        "(hashjoule/data/marginal_emission_factors.csv)")


class Market(StrictModel):
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



class ShutdownPolicy(StrictModel):
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


class TariffSurchargePolicy(StrictModel):
    """An adder on miners' electricity tariffs in regions."""

    type: Literal["tariff_surcharge"]
    regions: list[str] = _REGIONS
    start: dt.date = Field(description="first day it applies")
    adder: Uncertain = Field(description="surcharge per kWh, in `currency`; uncertain")
    currency: Literal["CNY", "USD"] = Field("USD", description="currency of `adder` (CNY at the year's average rate)")
    note: str = Field("", max_length=MAX_NOTE, description="source or comment")



class DeploymentBanPolicy(StrictModel):
    """No new machines in regions."""

    type: Literal["deployment_ban"]
    regions: list[str] = _REGIONS
    start: dt.date = Field(description="first day")
    end: dt.date | None = Field(None, description="last day, included (none: to the end of the run)")
    note: str = Field("", max_length=MAX_NOTE, description="source or comment")

    @model_validator(mode="after")
    def _ordered(self):
        return _in_order(self, "start", "end")


class RelocationPolicy(StrictModel):
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
            within("a destination weight", weight, 0.0, MAX_WEIGHT)
        if not sum(value.values()) > 0:
            raise ValueError("destination weights must be >= 0 and not all zero")
        return value


class HiddenMiningPolicy(StrictModel):
    """Miners who stay: a share of the capacity forced out by shutdowns resumes in its region, hidden."""

    type: Literal["hidden_mining"]
    share: Uncertain = Field(description="share of the forced-out capacity that resumes hidden [1]; uncertain")
    resume_days: Uncertain = Field(60.0, description="mean time before it runs again [d]; uncertain")
    note: str = Field("", max_length=MAX_NOTE, description="source or comment")


class DemandResponsePolicy(StrictModel):
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


class Scenario(StrictModel):
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
