"""A short self-contained HTML report of one scenario: headline numbers with intervals,
figures (embedded PNG), the assumptions with their sources, and the article-claims check.

The report is made from a run's Dataset and the scenario file; the figures come from
:mod:`hashjoule.figures`, the claims from :mod:`hashjoule.estimates.claims`.
"""

from __future__ import annotations

import base64
import html
import io
import re
from importlib import resources
from pathlib import Path

import matplotlib.style
import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from hashjoule import figures
from hashjoule.constants import BAND
from hashjoule.errors import InputError
from hashjoule.estimates.claims import check_claims
from hashjoule.figures.style import style_path
from hashjoule.output import atomic_path, provenance
from hashjoule.reports.figuredata import composition_groups, gantt_rows, observed_hashrate_ehs
from hashjoule.scenarios.compare import china_regions
from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.resolve import resolve
from hashjoule.scenarios.runs import comparable, compare_runs, run_each, years_compared

#: Bundled data files a scenario run reads (history, hardware, regions, mining maps, emission
#: factors, exchange rates), and those of the claims check and household references.
MODEL_DATA = ("btc_daily_coinmetrics.csv", "btc_daily_fees_glassnode.csv", "btc_epoch_start_headers.csv",
              "cbeci_miners_2020.csv", "model_regions.csv", "cbeci_mining_map_countries_monthly.csv",
              "ccaf_mining_map_china_provinces_monthly.csv", "china_provincial_grid_emission_factors_2021_2022.csv",
              "owid_electricity_2022vintage.csv", "cny_usd_exchange_rate_annual.csv",
              "china_residential_electricity_annual.csv", "china_population_household.csv",
              "household_electricity_reference.csv", "cbeci_annualized_twh_daily_by_price.csv")
_CSS = """body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222;line-height:1.4}
table{border-collapse:collapse;margin:1em 0;font-size:90%}td,th{border:1px solid #ccc;padding:.25em .5em;
vertical-align:top}th{background:#f2f2f2}td.n{text-align:right;white-space:nowrap}img{max-width:100%}
.note{color:#555;font-size:90%}pre{background:#f7f7f7;padding:.5em;font-size:85%;white-space:pre-wrap}"""


def png_base64(fig: Figure) -> str:
    """A figure as a ``data:`` URI of a PNG (100 dpi)."""
    buffer = io.BytesIO()
    with matplotlib.style.context(style_path()):
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def interval(values, digits: int = 1) -> str:
    """Median and 5-95 % interval of per-draw values: ``m [lo, hi]``."""
    values = np.asarray(values, dtype=float)
    lo, mid, hi = np.quantile(values, [BAND[0], 0.5, BAND[1]])
    return f"{mid:,.{digits}f} [{lo:,.{digits}f}, {hi:,.{digits}f}]"


def headline(ds: xr.Dataset, first_year: int, last_year: int, china: list[str]) -> list[tuple[str, str]]:
    """Per-draw totals over whole years, median [5 %, 95 %]: energy [TWh] and CO2 [Mt] of the
    world and of the regions in ``china``, and the hashrate at the end [EH/s]."""
    years = slice(first_year, last_year)
    span = f"{first_year}-{last_year}"
    rows = []
    for where, regions in (("world", list(ds.region.values)), ("China", [r for r in china if r in ds.region])):
        energy = ds.annual_energy.sel(year=years, region=regions).sum(["year", "region"])
        co2 = ds.annual_co2.sel(year=years, region=regions).sum(["year", "region"])
        rows += [(f"electricity consumed, {where}, {span} [TWh]", interval(energy)),
                 (f"CO2 emitted, {where}, {span} [Mt]", interval(co2))]
    return rows + [(f"hashrate at the end of {last_year} [EH/s]", interval(ds.annual_hashrate_end.sel(year=last_year)))]


def provenance_sources() -> dict[str, str]:
    """The first point of every file's entry in ``data/PROVENANCE.md`` (its source, as a rule).

    Headings that follow one another share the point under the last of them.
    """
    text = resources.files("hashjoule.data").joinpath("PROVENANCE.md").read_text(encoding="utf-8")
    sources, pending, current = {}, [], None
    for line in text.splitlines():
        heading = re.match(r"## (?:\d+\. )?([\w.-]+\.csv)", line)
        if heading:
            pending.append(heading.group(1))
            current = None
        elif line.startswith("- ") and pending:
            current, pending = pending, []
            for name in current:
                sources[name] = line[2:].strip()
        elif line.startswith("  ") and current:  # a continuation of the point
            for name in current:
                sources[name] += " " + line.strip()
        else:
            current = None
    return sources


def _value(value) -> str:
    """A scenario value as written for a reader: distributions as ``uniform(low=0.8, high=1)``."""
    if isinstance(value, dict) and "dist" in value:
        return f"{value['dist']}(" + ", ".join(f"{k}={v:g}" for k, v in value.items() if k != "dist") + ")"
    return "open" if value is None else str(value)


def _settings(values: dict) -> str:
    return "; ".join(f"{k} = {_value(v)}" for k, v in values.items())


def policy_rows(scenario) -> list[tuple[str, str, str, str]]:
    """(kind, regions, values, note) for every policy of a scenario file."""
    rows = []
    for p in scenario.policy:
        values = p.model_dump(exclude={"type", "regions", "note", "destinations"})
        if hasattr(p, "destinations"):
            values["destinations"] = ", ".join(f"{k} {v:g}" for k, v in p.destinations.items())
        where = ", ".join(getattr(p, "regions", [])) or "-"
        rows.append((p.type.replace("_", " "), where, _settings(values), p.note))
    return rows


def _table(header: list[str], rows, numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{html.escape(str(c))}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def comparison_rows(summary: xr.Dataset) -> list[tuple]:
    """Mean [5 %, 95 %] of each paired difference, one row per scenario."""
    keys = ("saved_china", "net_global", "co2_avoided_china", "co2_net_global")
    rows = []
    for name in summary.scenario.values:
        one = summary.sel(scenario=name)
        rows.append((str(name), *(f"{float(one[f'{k}_mean']):,.1f} [{float(one[k].sel(quantile=BAND[0])):,.1f}, "
                                  f"{float(one[k].sel(quantile=BAND[1])):,.1f}]" for k in keys)))
    return rows


def _head(ds: xr.Dataset, scenario, provenance: dict[str, str]) -> list[str]:
    """The page's head, title and the run it reports."""
    esc = html.escape
    run = scenario.run
    return [f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>hashjoule: {esc(scenario.name)}</title>"
            f"<style>{_CSS}</style></head><body>",
            f"<h1>Scenario {esc(scenario.name)}</h1><p>{esc(scenario.description)}</p>",
            f"<p class=note>{ds.attrs.get('draws')} Monte Carlo draws, seed {ds.attrs.get('seed')}, "
            f"{esc(str(ds.attrs.get('engine')))} engine, {run.start} to {run.end}, fleet parameters "
            f"{esc(scenario.fleet.parameter_set)}. Intervals are 5-95 % over the draws. "
            f"Made by: <code>{esc(provenance.get('command', ''))}</code>; {esc(provenance.get('software_versions', ''))}."
            "</p>"]


def _headline_section(ds: xr.Dataset, comparison: xr.Dataset | None) -> list[str]:
    """Headline numbers of whole years from 2021, and the comparison with the baseline."""
    esc = html.escape
    first = max(2021, int(ds.year.values[0]))
    last = int(ds.year.values[ds.days.values >= 365].max())
    parts = ["<h2>Headline numbers</h2>",
             _table(["quantity", "median [5 %, 95 %]"], headline(ds, first, last, china_regions()), {1}),
             "<p class=note>Read with care: the fleet model overshoots the observed hashrate of 2020-21 (by about "
             "70 % in May 2021) and recovers from the 2021 shutdowns months too early; see docs/calibration.md. "
             "Differences between scenarios are more robust than levels.</p>"]
    if comparison is not None:
        a = comparison.attrs
        parts += [f"<p>Against <b>{esc(str(a['baseline']))}</b>, {a['first_year']}-{a['last_year']}, paired by draw "
                  f"(common random numbers, {a['draws']} draws, seed {a['seed']}); mean [5 %, 95 %] of the "
                  "differences. Net change below 0 is a saving.</p>",
                  _table(["scenario", "saved in China [TWh]", "net global change [TWh]", "CO2 avoided in China [Mt]",
                          "net global CO2 change [Mt]"], comparison_rows(comparison), {1, 2, 3, 4})]
    return parts


def _assumptions(scenario, text: str) -> list[str]:
    """Policies, regions, fleet and uncertain factors, the file's notes and the data's sources."""
    overrides = [(name, _settings(o.model_dump(exclude_none=True))) for name, o in scenario.regions.items()]
    settings = [(f"{section}.{k}", _value(v)) for section in ("fleet", "uncertainty")
                for k, v in getattr(scenario, section).model_dump(exclude_none=True).items()]
    parts = ["<h2>Assumptions</h2>", "<h3>Policies</h3>",
             _table(["policy", "regions", "values", "note or source"], policy_rows(scenario))
             if scenario.policy else "<p>No mining policy.</p>",
             "<h3>Regions, fleet and uncertain factors</h3>",
             _table(["region or setting", "value (distributions are sampled per draw)"], overrides + settings)]
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    if comments:
        parts += ["<h3>Notes in the scenario file</h3>", f"<pre>{html.escape(comments)}</pre>"]
    return parts + ["<h3>Data</h3>",
                    _table(["bundled file", "source"], [(name, provenance_sources().get(name, "see PROVENANCE.md"))
                                                        for name in MODEL_DATA]),
                    "<p class=note>Coin Metrics and Cambridge (CCAF) data are CC BY-NC 4.0: non-commercial use only. "
                    "Full provenance: hashjoule/data/PROVENANCE.md.</p>"]


def _claims(verdicts) -> list[str]:
    esc = html.escape
    parts = ["<h2>The article's claims</h2>"]
    for v in verdicts:
        items = "".join(f"<li>{esc(f)}</li>" for f in v.findings)
        parts.append(f"<h3>{esc(v.claim)}</h3><ul>{items}</ul><p><b>Verdict:</b> {esc(v.verdict)}</p>"
                     f"<p class=note>Sources: {esc('; '.join(v.sources))}</p>")
    return parts


def render(ds: xr.Dataset, scenario, text: str, figures: dict[str, Figure], verdicts, provenance: dict[str, str],
           comparison: xr.Dataset | None = None) -> str:
    """The report as one HTML page.

    Parameters
    ----------
    ds : xarray.Dataset
        The scenario's run (per-draw annual totals).
    scenario, text
        The validated scenario and its file's text.
    figures : dict of str to Figure
        Caption -> figure, embedded in this order.
    verdicts : list of hashjoule.estimates.claims.Verdict
    provenance : dict of str to str
        ``software_versions`` and ``command`` (see :func:`hashjoule.output.provenance`).
    comparison : xarray.Dataset, optional
        From :func:`hashjoule.scenarios.runs.compare_runs`.
    """
    parts = _head(ds, scenario, provenance) + _headline_section(ds, comparison) + ["<h2>Figures</h2>"]
    for title, fig in figures.items():
        parts.append(f"<figure><img alt='{html.escape(title)}' src='{png_base64(fig)}'><figcaption>"
                     f"{html.escape(title)}</figcaption></figure>")
    parts += _assumptions(scenario, text) + _claims(verdicts) + ["</body></html>\n"]
    return "\n".join(parts)


#: Largest run whose daily series are kept for the hashrate band. [draws]
KEEP_UP_TO = 200


def _window(policies: xr.Dataset, ds: xr.Dataset) -> tuple[str, str]:
    """Days shown by the timeline: from two months before the first policy to nine after the last."""
    days = np.concatenate([policies.announced.values, policies.start.values, policies.end.values])
    days = days[~np.isnat(days)]
    first = max(days.min() - np.timedelta64(60, "D"), ds.time.values[0])
    last = min(days.max() + np.timedelta64(270, "D"), ds.time.values[-1])
    return str(first)[:10], str(last)[:10]


def report_figures(ds: xr.Dataset, scenario, reference: xr.Dataset | None,
                   comparison: xr.Dataset | None) -> dict[str, Figure]:
    """The report's figures by caption, from finished runs: the fan (with the baseline's
    median), the regional composition, the policies' timeline (when the draws are kept)
    and the comparison's savings."""
    shown = {}
    fan = "Electricity per year over the draws"
    if reference is not None:
        fan += f" ({reference.attrs.get('scenario')}'s median dashed)"
    shown[fan] = figures.annual_fan(ds, reference=reference)
    shown["Hashrate and CO2 by region"] = figures.regional_composition(ds, composition_groups())
    policies = gantt_rows(scenario)
    if policies.policy.size and "draw" in ds.hashrate.dims:
        start, end = _window(policies, ds)
        shown["Policies and the network hashrate"] = figures.crackdown_timeline(
            ds, observed_hashrate_ehs(), policies, None, start, end)
    if comparison is not None:
        shown["Changes against the baseline"] = figures.scenario_savings(
            comparison, comparison.attrs["first_year"], comparison.attrs["last_year"])
    return shown


def write_report(ds: xr.Dataset, scenario, text: str, directory, reference: xr.Dataset | None = None,
                 comparison: xr.Dataset | None = None, command: str | None = None) -> Path:
    """Write ``report.html`` of a finished run into a new or empty folder.

    Parameters
    ----------
    ds : xarray.Dataset
        The scenario's run.
    scenario, text
        The validated scenario and its file's text.
    reference : xarray.Dataset, optional
        The baseline's run (its median is drawn beside the fan).
    comparison : xarray.Dataset, optional
        :func:`hashjoule.scenarios.runs.compare_runs` of the same draws and seed.
    """
    folder = Path(directory)
    page = render(ds, scenario, text, report_figures(ds, scenario, reference, comparison), check_claims(2021),
                  provenance(command), comparison)
    folder.mkdir(exist_ok=True)
    path = folder / "report.html"
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


def check_request(source: str, directory, compare=(), baseline: str = "baseline") -> dict:
    """Refuse, before any work, a bad file, runs that cannot be paired, a run without a
    whole year from 2021 or an output folder with files. Returns the loaded files by source."""
    loaded = {name: load_scenario(name) for name in dict.fromkeys([source, *compare, baseline])}
    for name, (checked, _) in loaded.items():  # refuse a bad file before any work
        resolve(checked, name)
    others = [name for name in dict.fromkeys([source, *compare]) if loaded[name][0].name != loaded[baseline][0].name]
    if others:
        comparable(others, baseline)  # the same period and parameter set as the baseline
    run = loaded[source][0].run
    if run.end.year < 2021 or (run.end.year == 2021 and (run.end.month, run.end.day) != (12, 31)) \
            or (run.start.year == run.end.year and (run.start.month, run.start.day) != (1, 1)):
        raise InputError.single(source, "run", "a run that covers at least one whole calendar year from 2021 on "
                                "(the report's headline years)", f"{run.start} to {run.end}")
    folder = Path(directory)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError.single("output", str(folder), "a new or empty folder", "an existing file or a folder with files")
    if not folder.parent.is_dir():
        raise InputError.single("output", str(folder), "a folder inside an existing one", "no such parent folder")
    return loaded


def build_report(source: str, directory, compare=(), baseline: str = "baseline", draws: int | None = None,
                 seed: int | None = None, progress: bool = False, command: str | None = None) -> Path:
    """Run a scenario, the baseline and the compared scenarios, each once, and write
    ``report.html`` into a folder (:func:`write_report`).

    Parameters
    ----------
    source : str
        Bundled scenario name or TOML file.
    directory : path-like
        Output folder: new or empty (it is created; its parent must exist).
    compare : sequence of str
        Other scenarios compared with the baseline beside ``source``.
    baseline : str
        Scenario the differences are taken against.
    draws, seed : int, optional
        Override the scenario's values; every run, the baseline's included, uses the same
        draws and seed, so the headline and the comparison come from the same draws.

    Returns
    -------
    pathlib.Path
        The report's path.
    """
    loaded = check_request(source, directory, compare, baseline)
    scenario, text = loaded[source]
    base_name = loaded[baseline][0].name
    others = [s for s in dict.fromkeys([source, *compare]) if loaded[s][0].name != base_name]
    n = draws if draws is not None else scenario.run.draws
    seed = seed if seed is not None else scenario.run.seed
    keep = {source} if n <= KEEP_UP_TO else set()
    runs = run_each(dict.fromkeys([source, *others, baseline]), n, seed, keep_draws=keep, progress=progress)
    ds = runs[source]
    reference = runs[baseline] if scenario.name != base_name else None
    comparison = None
    if others:
        years = years_compared(loaded[baseline][0], None, None)
        comparison = compare_runs({s: runs[s] for s in others}, runs[baseline], years)
    return write_report(ds, scenario, text, directory, reference, comparison, command)
