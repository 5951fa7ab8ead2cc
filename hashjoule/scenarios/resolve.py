"""From a validated scenario to the engines' inputs: the world, its overrides, the policies.

Checks that need the model (region names, shares that must sum to one) are made here and
reported like schema errors. Uncertain parameters are taken at their median here: the
central world. Each draw's own values come from :mod:`hashjoule.scenarios.uncertain`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from hashjoule.scenarios.parameter_sets import load_set
from hashjoule.data import read_table
from hashjoule.errors import InputError, Problem
from hashjoule.scenarios.market import with_market
from hashjoule.scenarios.schema import (
    DemandResponsePolicy,
    DeploymentBanPolicy,
    HiddenMiningPolicy,
    RelocationPolicy,
    Scenario,
    ShutdownPolicy,
    TariffSurchargePolicy,
    central,
)
from hashjoule.simulation import policy as pol
from hashjoule.simulation.inputs import ModelInputs
from hashjoule.simulation.world import (baseline_inputs, follow_observed_split_until, initial_capacity, is_wet,
                                        marginal_emission_factors)


#: Fleet parameters a scenario may set or make uncertain (the rest of the set's stay).
FLEET_UNCERTAIN = ("growth_per_day", "unprofitable_retirement_days", "supply_ths_per_day", "supply_growth_per_year")


#: Quantities a region may set for itself, each with the ``[uncertainty]`` key that applies
#: where it does not (a factor on the world's value, or, for PUE, a value).
REGION_QUANTITIES = {"tariff_dry_usd_per_kwh": "tariff_scale", "tariff_wet_usd_per_kwh": "tariff_scale",
                     "pue": "pue", "emission_factor_t_per_mwh": "emission_factor_scale"}


def region_keys(scenario: Scenario, names) -> dict[str, list[str | None]]:
    """Which key of the file sets each region's quantities (:data:`REGION_QUANTITIES`): per
    quantity, per region of ``names``, ``regions.NAME.QUANTITY`` where the region gives its
    own value, else ``uncertainty.KEY``, or None where neither is given (the world's value
    holds). The one statement of which value wins, for the central world and every draw."""
    keys = {}
    for quantity, section in REGION_QUANTITIES.items():
        keys[quantity] = []
        for name in names:
            own = scenario.regions.get(name)
            if own is not None and getattr(own, quantity) is not None:
                keys[quantity].append(f"regions.{name}.{quantity}")
            else:
                keys[quantity].append(f"uncertainty.{section}" if getattr(scenario.uncertainty, section) is not None
                                      else None)
    return keys


def key_value(scenario: Scenario, key: str):
    """The number or distribution a key of :func:`region_keys` names in the file."""
    path, quantity = key.rsplit(".", 1)
    if path.startswith("regions."):
        return getattr(scenario.regions[path[len("regions."):]], quantity)
    return getattr(scenario.uncertainty, quantity)


def model_regions() -> tuple[str, ...]:
    """Names of the model's regions."""
    return tuple(read_table("model_regions").region)


def check_regions(scenario: Scenario, label: str) -> list[Problem]:
    """Region names the model does not know, and shares that cannot be filled."""
    known = model_regions()
    expected = f"a region of the model ({', '.join(known)})"
    problems = [Problem(label, f"regions.{name}", expected, repr(name)) for name in scenario.regions if name not in known]
    for i, p in enumerate(scenario.policy):
        if isinstance(p, HiddenMiningPolicy):
            continue
        names = list(p.destinations) if isinstance(p, RelocationPolicy) else p.regions
        key = "destinations" if isinstance(p, RelocationPolicy) else "regions"
        problems += [Problem(label, f"policy[{i}].{key}", expected, repr(n)) for n in names if n not in known]
    shares = {n: r.share for n, r in scenario.regions.items() if r.share is not None}
    if len(shares) == len(known) and abs(sum(shares.values()) - 1) > 1e-6:
        problems.append(Problem(label, "regions.*.share", "shares of all regions summing to 1",
                                f"a sum of {sum(shares.values()):.6g}"))
    return problems


def policies(scenario: Scenario, sampled: dict | None = None) -> list:
    """The scenario's policies as simulation objects: the one translation from the schema.

    Parameters
    ----------
    sampled : dict, optional
        Values of the uncertain numbers by key path (``policy[2].compliance``), arrays with
        one value per draw; numbers not in it take their distribution's median.
    """
    sampled = sampled or {}
    out = []
    for i, p in enumerate(scenario.policy):
        def value(name, p=p, i=i):
            key = f"policy[{i}].{name}"
            given = getattr(p, name)
            return sampled[key] if key in sampled else (np.inf if given is None else central(given))

        if isinstance(p, ShutdownPolicy):
            out.append(pol.Shutdown(tuple(p.regions), str(p.announced), str(p.effective), p.ramp_days, value("compliance")))
        elif isinstance(p, TariffSurchargePolicy):
            adder = pol.cny_to_usd(value("adder"), p.start.year) if p.currency == "CNY" else value("adder")
            out.append(pol.TariffSurcharge(tuple(p.regions), str(p.start), adder))
        elif isinstance(p, DeploymentBanPolicy):
            out.append(pol.DeploymentBan(tuple(p.regions), str(p.start), None if p.end is None else str(p.end)))
        elif isinstance(p, HiddenMiningPolicy):
            out.append(pol.HiddenMining(value("share"), value("resume_days")))
        elif isinstance(p, DemandResponsePolicy):
            out.append(pol.DemandResponse(tuple(p.regions), str(p.start), None if p.end is None else str(p.end),
                                          value("share_dry"), value("share_wet")))
        else:
            out.append(pol.Relocation(value("share"), value("delay_days"), dict(p.destinations), value("attrition"),
                                      value("hosting_mw_per_day")))
    return out


def resolve(scenario: Scenario, label: str = "scenario", known_until=None) -> ModelInputs:
    """The engines' inputs for a scenario.

    ``known_until`` builds the world from what was known by that day only (see
    :func:`hashjoule.simulation.world.baseline_inputs`; a calibration's cut-off).

    Raises
    ------
    hashjoule.errors.InputError
        For unknown regions, shares that do not fill, or a period outside what the model covers.
    """
    problems = check_regions(scenario, label)
    if problems:
        raise InputError(problems)
    try:
        fleet = load_set(scenario.fleet.parameter_set)
    except InputError as error:
        key = "calibration" if scenario.calibration is not None else "fleet.parameter_set"
        raise InputError([Problem(label, key, p.expected, p.found) for p in error.problems]) from None
    changes = {}
    for name in FLEET_UNCERTAIN:
        value = getattr(scenario.fleet, name)
        if value is not None:
            changes[name] = central(value)
    if scenario.fleet.deployment_lag_days is not None:
        changes["deployment_lag_days"] = scenario.fleet.deployment_lag_days
    fleet = fleet.__class__(**{**fleet.__dict__, **changes})
    try:
        inputs = baseline_inputs(scenario.run.start, scenario.run.end, fleet, known_until,
                                 follow_map=scenario.fleet.regional_split == "mining-map")
    except InputError as error:
        raise InputError([Problem(label, f"run.{p.source}", p.expected, p.found) for p in error.problems]) from None
    inputs = with_market(inputs, scenario.market, label)
    if scenario.emissions.basis == "marginal":
        regions = inputs.regions
        inputs = inputs.with_changes(regions=replace(regions, emission_factor_t_per_mwh=marginal_emission_factors(
            regions.names, regions.emission_factor_t_per_mwh)))
    inputs = _override_regions(inputs, scenario)
    schedule = pol.compile_policies(policies(scenario), inputs.time, inputs.regions.names)
    # the observed regional split is followed only until the scenario's first policy moves machines
    regions = follow_observed_split_until(inputs.regions, inputs.time, schedule.first_move_day(), known_until)
    return inputs.with_changes(policy=schedule, regions=regions)


def _override_regions(inputs: ModelInputs, scenario: Scenario) -> ModelInputs:
    """Region overrides and the uncertainty section's factors, at their medians."""
    u = scenario.uncertainty
    factors = (u.tariff_scale, u.emission_factor_scale, u.efficiency_scale, u.price_volatility_scale)
    if not scenario.regions and u.pue is None and all(central(f) == 1.0 for f in factors):
        return inputs
    r = inputs.regions
    names = list(r.names)
    wet = is_wet(inputs.time)
    keys = region_keys(scenario, names)
    tariff, pue, ef = r.tariff_usd_per_kwh.copy(), r.pue.copy(), r.emission_factor_t_per_mwh.copy()
    for quantity, days in (("tariff_dry_usd_per_kwh", ~wet), ("tariff_wet_usd_per_kwh", wet)):
        for i, key in enumerate(keys[quantity]):
            value = central(key_value(scenario, key))
            tariff[days, i] = value if key.startswith("regions.") else tariff[days, i] * value
    for i, (pue_key, ef_key) in enumerate(zip(keys["pue"], keys["emission_factor_t_per_mwh"])):
        if pue_key is not None:
            pue[i] = central(key_value(scenario, pue_key))
        if ef_key is not None:
            value = central(key_value(scenario, ef_key))
            ef[i] = value if ef_key.startswith("regions.") else ef[i] * value
    share = r.initial_share.copy()
    given = np.zeros(len(names), dtype=bool)
    for name, o in scenario.regions.items():
        if o.share is not None:
            i = names.index(name)
            share[i], given[i] = o.share, True
    split = {}
    if given.any():  # shares of the file's own: kept all along, instead of the Mining Map's
        rest = share[~given].sum()
        share[~given] *= (1.0 - share[given].sum()) / rest if rest > 0 else 0.0
        split = {"initial_share": share, "deployment_share": np.tile(share, (inputs.days, 1)),
                 "share_target_days": None, "share_targets": None}
    regions = replace(r, tariff_usd_per_kwh=tariff, pue=pue, emission_factor_t_per_mwh=ef, **split)
    hardware = replace(inputs.hardware, efficiency_j_per_th=inputs.hardware.efficiency_j_per_th * central(u.efficiency_scale))
    market = replace(inputs.market, volatility_per_sqrt_day=inputs.market.volatility_per_sqrt_day
                     * central(u.price_volatility_scale))
    # installed capacity matched again, so that the first day's online hashrate is still the observed one
    capacity = initial_capacity(regions, hardware, market, inputs.chain_start, pd.Timestamp(inputs.time[0]))
    return inputs.with_changes(regions=regions, hardware=hardware, market=market, initial_capacity_ths=capacity)
