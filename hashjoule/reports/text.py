"""Plain-text tables and verdicts for the terminal, every number with its unit."""

from __future__ import annotations

import textwrap

import numpy as np
import xarray as xr

from hashjoule.constants import BAND
from hashjoule.estimates.estimators import BOUNDS

_WIDTH = 12
_LABEL = 38


def _cell(value: float, digits: int) -> str:
    if not np.isfinite(value):
        return "-".rjust(_WIDTH)
    return f"{value:,.{digits}f}".rjust(_WIDTH)


def _rows(title: str, values: xr.DataArray, digits: int) -> list[str]:
    lines = []
    for estimator in values.estimator.values:
        cells = "".join(_cell(float(values.sel(estimator=estimator, bound=b)), digits) for b in BOUNDS)
        lines.append(f"  {title:<{_LABEL}}{estimator:<14}{cells}")
        title = ""
    return lines


def estimate_table(day_or_period: xr.Dataset, account: xr.Dataset) -> str:
    """The table printed by ``hashjoule estimate``.

    Parameters
    ----------
    day_or_period : xarray.Dataset
        The estimate over the requested days.
    account : xarray.Dataset
        :func:`hashjoule.estimates.accounting.period_account` of the same days.
    """
    one_day = day_or_period.time.size == 1
    when = account.attrs["start"] if one_day else f"{account.attrs['start']} to {account.attrs['end']} ({account.attrs['days']} days)"
    price = day_or_period.attrs["electricity_price_usd_per_kwh"]
    header = f"  {'quantity [unit]':<{_LABEL}}{'estimator':<14}" + "".join(b.rjust(_WIDTH) for b in BOUNDS)
    lines = [f"Bitcoin mining electricity, {when}; electricity price {price:.3f} USD/kWh", "", header,
             "  " + "-" * (len(header) - 2)]
    mean_power = day_or_period.power.mean("time", skipna=False)
    if one_day:
        lines += _rows("power [GW]", mean_power, 2)
        lines += _rows("annualised energy [TWh/yr]", day_or_period.annualised_energy.isel(time=0), 1)
    else:
        lines += _rows("energy consumed [TWh]", account.energy, 2)
        lines += _rows("mean power [GW]", mean_power, 2)
    lines += _rows("energy per BTC, subsidy [MWh/BTC]", account.energy_per_btc, 0)
    lines += _rows("energy per BTC, with fees [MWh/BTC]", account.energy_per_btc_with_fees, 0)
    lines += _rows("per BTC [household-yr/BTC]", account.household_years_per_btc, 1)
    lines += _rows("equivalent households [million]", account.households_for_a_year / 1e6, 2)
    if np.isfinite(float(account.transactions)):
        lines += _rows("energy per transaction [kWh]", account.energy_per_transaction * 1e3, 0)
    if "co2" in account:
        factor = account.co2.attrs["emission_factor_t_per_mwh"]
        lines += _rows(f"CO2 at {factor:g} t/MWh [Mt]", account.co2, 3)
    notes = [
        f"household: {account.attrs['household']}, {account.attrs['household_kwh_per_year']:,.0f} kWh/yr "
        f"({account.attrs['household_source']})",
        f"bitcoins minted: {float(account.btc_minted):,.2f} BTC subsidy, {float(account.btc_with_fees):,.2f} BTC with fees",
        "bounds a method does not define are shown as '-'; cbeci = original Cambridge index method",
    ]
    if "cbeci_models_counted" in day_or_period:
        idle = int((day_or_period.cbeci_models_counted == 0).sum())
        if idle:
            notes.append(f"cbeci: no model was profitable on {idle} of {day_or_period.time.size} days; by the "
                         "Cambridge rule the last value (possibly from long before) was kept there")
    if not bool(day_or_period.fees_observed.all()):
        notes.append("fees not observed on some days (before 2016 or after 2022-09-01): revenue counts the subsidy only there")
    if np.isfinite(float(account.transactions)):
        notes.append("transactions approximated as fees paid [USD] / mean fee per transaction [USD]")
    else:
        notes.append("energy per transaction not shown: no transaction count on some days of the period")
    lines += [""] + [textwrap.fill(n, 100, initial_indent="note: ", subsequent_indent="      ") for n in notes]
    return "\n".join(lines)


def claims_text(verdicts) -> str:
    """The text printed by ``hashjoule claims``."""
    blocks = []
    for number, v in enumerate(verdicts, 1):
        lines = [f"Claim {number}: {v.claim}"]
        lines += [textwrap.fill(f, 100, initial_indent="  - ", subsequent_indent="    ") for f in v.findings]
        lines.append(textwrap.fill(v.verdict, 100, initial_indent="  Verdict: ", subsequent_indent="    "))
        lines += [textwrap.fill(s, 100, initial_indent="  Source: ", subsequent_indent="    ") for s in v.sources]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _share(value: float) -> str:
    """A probability in percent, or '-' where it is not defined (NaN)."""
    return "-" if value != value else f"{value:.0%}"


def _band(var: xr.DataArray, digits: int = 1) -> str:
    """Median [5 %, 95 %] of a variable over ``quantile``: ``m [lo, hi]``."""
    lo, mid, hi = (float(var.sel(quantile=q)) for q in (BAND[0], 0.5, BAND[1]))
    return f"{mid:>10.{digits}f} [{lo:6.{digits}f}, {hi:6.{digits}f}]"


def simulation_report(ds: xr.Dataset, summary: xr.Dataset, title: str) -> str:
    """Per-year table of a simulation, with the notes it needs.

    Parameters
    ----------
    ds : xarray.Dataset
        The run (its attributes and period).
    summary : xarray.Dataset
        :func:`hashjoule.scenarios.runs.run_summary` of the run.
    """
    threshold = float(summary.threshold.values[0])
    uncertain = ds.attrs.get("uncertain_parameters", "") if not ds.attrs.get("deterministic") else ""
    lines = [title, f"engine {ds.attrs['engine']}, {ds.attrs['draws']} draws, seed {ds.attrs['seed']}, "
                    f"parameters {ds.attrs['parameter_set']}; median over draws [5 %, 95 %]",
             f"uncertain parameters sampled per draw: {uncertain or 'none'}", "",
             f"{'year':>6}{'days':>6}{'energy [TWh]':>28}{f'P[>{threshold:g} TWh]':>14}{'CO2 [Mt]':>28}"
             f"{'BTC minted':>13}{'hashrate at year end [EH/s]':>30}"]
    for year in summary.year.values:
        row = summary.sel(year=year)
        lines.append(f"{year:>6}{int(row.days):>6}{_band(row.energy)}"
                     f"{_share(float(row.p_energy_above.sel(threshold=threshold))):>14}{_band(row.co2)}"
                     f"{float(row.btc_minted.sel(quantile=0.5)):>13,.0f}"
                     f"{float(row.hashrate_year_end.sel(quantile=0.5)):>30.1f}")
    notes = []
    stalled = summary.stalled_share
    if float(stalled.max()) > 0:
        worst = int(stalled.idxmax())
        notes.append(f"in up to {float(stalled.max()):.1%} of the draws (in {worst}) mining nearly stopped "
                     "(under 10 % of the scheduled blocks): the price fell faster than the difficulty could follow; "
                     "they are included above")
    if bool((summary.days < 365).any()):
        notes.append("partial years are totals over the days simulated")
    if ds.time.values[-1] > np.datetime64("2023-02-25"):
        notes.append("after 2023-02-25 prices follow a random walk and hardware a roadmap: a projection")
    return "\n".join(lines + [""] + [f"note: {n}" for n in notes])


#: Rows of the comparison table: variable, label, scale to the unit shown.
COMPARISON_ROWS = (("saved_china", "energy saved in China [TWh]", 1.0),
                   ("net_global", "net global change [TWh]", 1.0),
                   ("co2_avoided_china", "CO2 avoided in China [Mt]", 1.0),
                   ("co2_net_global", "net global CO2 change [Mt]", 1.0),
                   ("household_years", "net change [million household-yr]", 1e-6))


def comparison_text(summary: xr.Dataset) -> str:
    """The table printed by ``hashjoule compare``, from :func:`hashjoule.api.compare`'s Dataset."""
    a = summary.attrs
    kind = "paired by draw (common random numbers)" if a.get("paired", 1) else "unpaired (independent draws)"
    lines = [f"Scenarios against {a['baseline']!r}, {a['first_year']}-{a['last_year']}; mean [5 %, 95 %] of the "
             f"differences, {kind}; {a['draws']} draws, seed {a['seed']}", ""]
    for name in summary.scenario.values:
        one = summary.sel(scenario=name)
        lines.append(str(name))
        for key, label, scale in COMPARISON_ROWS:
            lo, hi = (float(one[key].sel(quantile=q)) * scale for q in BAND)
            lines.append(f"  {label:<36}{float(one[key + '_mean']) * scale:>10.1f} [{lo:8.1f}, {hi:8.1f}]")
    lines += ["", "note: net change < 0 is a saving; household-years use a Chinese household of three (2021); "
                  "each draw samples the files' distributions, a parameter the scenario shares with the baseline "
                  "taking the same value in both",
              "note: the saving in China is net of the rest of China: where only some provinces shut down, new "
              "machines go to the others, which then use more than in the baseline (and their grids differ, so "
              "CO2 and energy need not move in proportion)"]
    return "\n".join(lines)


def sensitivity_text(ds) -> str:
    """The ranked tables printed by ``hashjoule sensitivity``."""
    from hashjoule.scenarios.sensitivity import ranked_table  # not at the top: estimate need not import the engines

    a = ds.attrs
    lines = [f"Sobol sensitivity of {a['scenario']!r} against {a['baseline']!r}, {a['first_year']}-{a['last_year']}: "
             f"{a['samples']} base samples, {a['model_runs']} paired draws, seed {a['seed']}",
             "ST: share of the result's variance the parameter explains, alone or with others (total index); "
             "S1: alone (first order); +- 95 % bootstrap half-widths", ""]
    labels = dict(zip(ds.parameter.values, ds.parameter_label.values))
    for output, units in zip(ds.output.values, ds.output_units.values):
        sel = ds.sel(output=output)
        lines.append(f"{output} [{units}]: mean {float(sel.output_mean):.1f}, sd {float(sel.output_std):.1f}")
        width = max(len(label) for label in labels.values()) + 2
        lines.append(f"  {'parameter':<{width}}{'ST':>14}{'S1':>16}")
        for name, st, st_conf, s1, s1_conf in ranked_table(ds, output):
            lines.append(f"  {labels[name]:<{width}}{st:>7.2f} +-{st_conf:4.2f}{s1:>9.2f} +-{s1_conf:4.2f}")
        lines.append("")
    lines.append("note: indices within their half-width of 0 are not distinguishable from 0; negative ones are "
                 "estimation noise; more --samples narrow the intervals")
    if a["samples"] < 64:
        lines.append(f"warning: with {a['samples']} base samples the indices, and even their ranking, are not "
                     "reliable (the bootstrap half-widths understate that); use --samples 64 or more")
    return "\n".join(lines)
