"""The ``hashjoule`` command line: one function per command adds its options.

Only the standard library and hashjoule's light modules are imported here, so that
``hashjoule --help`` answers at once; a command's handler imports what it needs.
"""

from __future__ import annotations

import argparse
import textwrap

from hashjoule import __version__
import hashjoule.cli.commands as commands
from hashjoule.cli.options import (EPILOG, Parser, add_baseline, add_batch, add_emissions, add_format, add_keep,
                                   add_parallel,
                                   add_price, add_progress, count, number, positive_count, year)
from hashjoule.reports.catalogue import FIGURES


#: Three ways in, one command each: printed by ``hashjoule`` alone and under ``--help``.
JOURNEYS = (
    ("energy planner", "a scenario's electricity and CO2 by year to 2030, with 5-95 % intervals, in one HTML "
                       "page (copy a scenario to edit it: hashjoule scenarios copy china-2021 my.toml)",
     "hashjoule report china-2021 -o china-2021-report"),
    ("academic", "remake every documented figure with its data, seeds and a manifest (about 3 minutes)",
     "hashjoule figures --all -o figures"),
    ("policy staff", "what each shutdown timeline saves in China and the net global change, paired by draw",
     "hashjoule compare china-2021 early-ban-2019 inner-mongolia-only"),
)


def menu() -> str:
    """The three journeys, one command each."""
    lines = ["hashjoule: electricity use and CO2 of Bitcoin mining, and what mining shutdowns save.", "",
             "Start with one of three journeys:", ""]
    for who, what, command in JOURNEYS:
        lines += [textwrap.fill(what, 79, initial_indent=f"  {who:<16}", subsequent_indent=" " * 18),
                  f"  {'':<16}$ {command}", ""]
    lines += ["Every command: hashjoule --help; one command: hashjoule COMMAND --help.",
              "Tables can be printed as CSV or JSON with --format csv|json."]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="hashjoule",
        description="Electricity use and carbon emissions of Bitcoin mining, from bundled data.",
        epilog=menu().split("\n", 2)[2] + "\n\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hashjoule {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="on an unexpected failure, print the Python traceback (accepted anywhere on the line)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (_estimate, _simulate, _validate, _scenarios, _run, _compare, _figures, _report, _sensitivity,
                _calibrate, _claims, _data):
        add(sub)
    return parser


def _estimate(sub) -> None:
    est = sub.add_parser(
        "estimate", help="electricity use on a day or over a period, with bounds",
        description="Historical electricity use of the Bitcoin network on a day (power, annualised "
                    "energy) or over a period (energy consumed), by the original Cambridge index method "
                    "(cbeci), the economic upper bound (stoll2019) and a top-down estimate "
                    "(digiconomist), with energy per bitcoin and household equivalents.",
        epilog=EPILOG)
    when = est.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help="one day")
    when.add_argument("--year", type=year, help="a calendar year (January 1 to December 31)")
    est.add_argument("--start", metavar="YYYY-MM-DD",
                     help="first day of a period (default with --end: the first day of the data, 2010-07-18)")
    est.add_argument("--end", metavar="YYYY-MM-DD",
                     help="last day of a period, included (default with --start: the last day of the data, 2023-02-25)")
    add_price(est)
    est.add_argument("--method", default="all", choices=["cbeci", "cbeci2023", "stoll2019", "digiconomist", "all"],
                     help="estimator; cbeci2023 = the Cambridge index as revised in 2023, hardware weighted by age "
                          "(default: all)")
    est.add_argument("--price-series", metavar="NAME|FILE.csv",
                     help="electricity price varying over time (and region) in the profitability test instead of "
                          "--price: us-industrial (EIA, monthly), reported (miners' reported prices weighted by the "
                          "Mining Map's country shares), or a CSV with date (or month) and price_usd_per_kwh; "
                          "the period's energy is also shown at the flat --price")
    est.add_argument("--ewaste", action="store_true",
                     help="also show the mining machines retired (e-waste) over the period, per year and per "
                          "transaction (de Vries and Stoll 2021 method, bundled data)")
    est.add_argument("--household", default="china3", choices=["china3", "us"],
                     help="reference household: china3 = Chinese household of three (NEA/NBS, 2021), "
                          "us = US residential customer (EIA, 2020) (default: china3)")
    est.add_argument("--household-kwh", type=number("kWh/yr", 1e6), metavar="KWH_PER_YEAR",
                     help="your own household's annual electricity use [kWh/yr]; overrides --household")
    est.add_argument("--emission-factor", type=number("t CO2/MWh", 2.0), metavar="T_PER_MWH",
                     help="grid emission factor for a CO2 figure [t CO2/MWh = kg/kWh]")
    est.add_argument("-o", "--output", metavar="FILE.nc|FILE.csv",
                     help="also write the daily estimate and the period totals (NetCDF4 or CSV)")
    add_format(est)
    est.set_defaults(run=commands.estimate)


def _simulate(sub) -> None:
    sim = sub.add_parser(
        "simulate", help="simulate mining fleets, block by block or as a Monte Carlo ensemble",
        description="Simulate the world's mining fleets without mining policy: hardware cohorts, "
                    "profitability against regional tariffs, deployments and retirements, difficulty "
                    "retargets and halvings. History is replayed where the bundled data reach "
                    "(to 2023-02-25); after that prices follow a random walk and hardware a roadmap.",
        epilog=EPILOG)
    sim.add_argument("--engine", choices=["ensemble", "des"], default="ensemble",
                     help="ensemble = vectorised Monte Carlo (fast); des = per-block discrete events "
                          "(the reference) (default: %(default)s)")
    sim.add_argument("--draws", type=positive_count, help="Monte Carlo draws (default: 100)")
    sim.add_argument("--start", default="2016-01-01", metavar="YYYY-MM-DD",
                     help="first day, 2010-07-26 to 2023-02-25 (default: %(default)s)")
    sim.add_argument("--end", default="2023-12-31", metavar="YYYY-MM-DD",
                     help="last day; after 2023-02-25 prices and hardware are projected (default: %(default)s)")
    sim.add_argument("--seed", type=count, help="root random seed (default: 0)")
    sim.add_argument("--deterministic", action="store_true",
                     help="one draw without randomness: median prices, every block its mean work")
    add_batch(sim)
    add_keep(sim)
    add_parallel(sim)
    add_progress(sim)
    sim.add_argument("-o", "--output", metavar="FILE.nc", help="write the results (NetCDF4)")
    add_format(sim)
    sim.set_defaults(run=commands.simulate)


def _validate(sub) -> None:
    val = sub.add_parser("validate", help="check scenario files without running them",
                              description="Check scenario files: TOML syntax, keys, types, units' bounds, dates "
                                          "in order, known regions. Every problem is listed; exit 0 if all are valid.",
                              epilog=EPILOG)
    val.add_argument("files", nargs="+", metavar="FILE", help="scenario files (or bundled names)")
    val.set_defaults(run=commands.validate)


def _scenarios(sub) -> None:
    lib = sub.add_parser("scenarios", help="the bundled scenario library: list, show, copy",
                              description="List the bundled scenarios, print one, or copy one to edit.", epilog=EPILOG)
    lib_sub = lib.add_subparsers(dest="action", metavar="ACTION", required=True)
    lib_sub.add_parser("list", help="names and descriptions")
    show = lib_sub.add_parser("show", help="print a scenario file")
    show.add_argument("name")
    copy = lib_sub.add_parser("copy", help="copy a scenario file to edit it")
    copy.add_argument("name")
    copy.add_argument("destination", nargs="?", help="file to write (default: NAME.toml here)")
    copy.add_argument("--force", action="store_true", help="overwrite an existing file")
    lib_sub.add_parser("regions", help="the model's region names")
    lib.set_defaults(run=commands.scenarios)


def _run(sub) -> None:
    run = sub.add_parser("run", help="run a scenario and write its results",
                              description="Run a bundled scenario or a scenario file, each draw sampling the file's "
                                          "distributions; write results.nc (NetCDF4: means, standard deviations and "
                                          "5/17/50/83/95 % quantiles over draws, annual totals per draw, exceedance "
                                          "probabilities, the draws' parameter values), summary.csv and report.txt to "
                                          "the output folder. Finished batches are kept in OUTPUT/checkpoint until the "
                                          "run is done: an interrupted run continues with --resume.", epilog=EPILOG)
    run.add_argument("scenario", help="bundled name or path to a TOML file")
    run.add_argument("-o", "--output", metavar="DIR", help="output folder (default: results-NAME)")
    run.add_argument("--draws", type=positive_count, help="override the file's draws")
    run.add_argument("--seed", type=count, help="override the file's seed")
    run.add_argument("--engine", choices=["ensemble", "des"], help="override the file's engine")
    add_emissions(run)
    add_batch(run)
    add_keep(run)
    add_parallel(run)
    run.add_argument("--resume", action="store_true",
                     help="finish an interrupted run of the same scenario, seed and draws in the output folder")
    run.add_argument("--force", action="store_true", help="overwrite results in an existing output folder")
    add_progress(run)
    add_format(run)
    run.set_defaults(run=commands.run)


def _compare(sub) -> None:
    cmp = sub.add_parser("compare", help="compare scenarios with a baseline, draw by draw",
                              description="Run scenarios and a baseline with the same random numbers (common "
                                          "random numbers) and report, per scenario, energy saved in China, the net "
                                          "global change, CO2 avoided in China and net, and household-years, with "
                                          "5-95 % intervals of the paired differences.", epilog=EPILOG)
    cmp.add_argument("scenarios", nargs="+", help="bundled names or scenario files")
    add_baseline(cmp)
    cmp.add_argument("--from-year", type=year, help="first year compared (default: 2021)")
    cmp.add_argument("--to-year", type=year, help="last year compared (default: the baseline's last)")
    cmp.add_argument("--draws", type=positive_count, help="override the files' draws")
    cmp.add_argument("--seed", type=count, help="override the files' seed")
    cmp.add_argument("--unpaired", action="store_true",
                     help="pair draw d with draw d-1 of the baseline, as if the runs were independent (to see what "
                          "common random numbers gain)")
    add_emissions(cmp)
    add_parallel(cmp)
    add_progress(cmp)
    add_format(cmp)
    cmp.set_defaults(run=commands.compare)


def _figures(sub) -> None:
    width = max(map(len, FIGURES)) + 2  # the names' column of the list of figures
    fig = sub.add_parser(
        "figures", help="remake the documented figures, with their data and a manifest",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Remake figures from the bundled scenarios and data with fixed seeds. Each figure is written as "
            "NAME.png (and/or .svg, .pdf) with its data as NAME.csv; manifest.json records the scenarios, seed, "
            "draws, software versions and the SHA-256 of every input and output. Rerunning gives byte-identical "
            "data files. --all takes about 3 minutes and up to 3 GB of memory.", 79),
        epilog="figures:\n" + "\n".join(textwrap.fill(recipe.description, 79, initial_indent=f"  {name:<{width}}",
                                                       subsequent_indent=" " * (width + 2), break_on_hyphens=False)
                                         for name, recipe in FIGURES.items()) + "\n\n" + EPILOG)
    fig.add_argument("names", nargs="*", metavar="NAME", help="figures to make (see below)")
    fig.add_argument("--all", action="store_true", help="make every figure")
    fig.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder (created if needed)")
    fig.add_argument("--format", default="png", metavar="png,svg,pdf",
                     help="comma-separated file formats (default: %(default)s)")
    fig.add_argument("--draws", type=positive_count, metavar="N",
                     help="draws of every simulation, for a quick look (default, as documented: 150 kept for the "
                          "bands, 100 for the comparison, 64 base samples of the Sobol design, which takes the power "
                          "of 2 at or below N)")
    add_progress(fig)
    fig.set_defaults(run=commands.figures)


def _report(sub) -> None:
    rep = sub.add_parser(
        "report", help="write a short HTML report of a scenario",
        description="Run a scenario and write DIR/report.html, one self-contained page: headline numbers with "
                    "5-95 %% intervals, figures, the paired comparison with the baseline, the assumptions with "
                    "their sources, and the check of the article's claims.", epilog=EPILOG)
    rep.add_argument("scenario", help="bundled name or path to a TOML file")
    rep.add_argument("--compare", nargs="+", default=[], metavar="SCENARIO",
                     help="other scenarios compared with the baseline in the same report")
    add_baseline(rep)
    rep.add_argument("-o", "--output", required=True, metavar="DIR", help="new or empty output folder")
    rep.add_argument("--draws", type=positive_count, help="override the files' draws")
    rep.add_argument("--seed", type=count, help="override the files' seed")
    add_progress(rep)
    rep.set_defaults(run=commands.report)


def _sensitivity(sub) -> None:
    sens = sub.add_parser(
        "sensitivity", help="rank the uncertain parameters that drive a scenario's results (Sobol indices)",
        description="Variance-based global sensitivity (Sobol indices, Saltelli design, SALib) of three results of a "
                    "scenario: its electricity use in the first year compared, CO2 avoided in China and the net global "
                    "change against the baseline, with respect to every distribution in the two files and the random "
                    "streams of prices and blocks. Prints one table per result, ranked by the total index ST: the "
                    "share of the result's variance the parameter explains, alone or with others; S1 is the share it "
                    "explains alone. Runs SAMPLES x (parameters + 2) paired draws.", epilog=EPILOG)
    sens.add_argument("scenario", help="bundled name or scenario file")
    add_baseline(sens)
    sens.add_argument("--samples", type=positive_count, default=256,
                      help="base samples of the design, a power of 2 (default: %(default)s)")
    sens.add_argument("--seed", type=count, help="override the file's seed")
    sens.add_argument("--from-year", type=year, help="first year compared (default: 2021)")
    sens.add_argument("--to-year", type=year, help="last year compared (default: the baseline's last)")
    add_parallel(sens)
    sens.add_argument("-o", "--output", metavar="FILE.nc", help="also write the indices (NetCDF4)")
    add_progress(sens)
    add_format(sens)
    sens.set_defaults(run=commands.sensitivity)


def _calibrate(sub) -> None:
    cal = sub.add_parser(
        "calibrate", help="fit the fleet parameters to the observed hashrate and check them out of sample",
        description="Fit the growth of orders [1/d], deployment lag [d], retirement time [d] and the "
                    "manufacturers' shipment capacity [TH/s per day] and its growth [1/yr] to the observed network "
                    "hashrate from 2016-01-01 to a cut-off (least squares on the deterministic run of china-2021's "
                    "world up to the cut-off), draw a posterior from the estimate widened for autocorrelated "
                    "residuals, then run china-2021 forward from the hashrate observed on the cut-off day and score "
                    "it after the cut-off (MdAPE, RMSE of the log, coverage of the 5-95 % band), and check the 2021 "
                    "crackdown (collapse, trough, recovery, China's share). Prints a summary; writes a parameter set "
                    "with -o and figures with --report. The default run takes about 4 minutes on one core.",
        epilog=EPILOG)
    cal.add_argument("--until", default="2021-04-30", metavar="YYYY-MM-DD",
                     help="cut-off: last day of data the fit sees, at least a year after 2016-01-01 and 30 days "
                          "before the data end (2023-02-25) (default: %(default)s)")
    cal.add_argument("--draws", type=positive_count, default=40, metavar="N",
                     help="particles of the posterior, one engine run each (default: %(default)s)")
    cal.add_argument("--seed", type=count, default=0, help="root random seed (default: %(default)s)")
    cal.add_argument("-o", "--output", metavar="FILE.toml",
                     help="write the parameter set; copy it into hashjoule/calibration/sets/ and name it in a "
                          "scenario with calibration = \"NAME\"")
    cal.add_argument("--report", metavar="DIR", help="write figures (PNG) and summary.md into this folder")
    add_progress(cal)
    add_format(cal)
    cal.set_defaults(run=commands.calibrate)


def _claims(sub) -> None:
    claims = sub.add_parser(
        "claims", help="check the article's two claims, with numbers and sources",
        description="Check two published claims: that mining uses 134 billion kWh a year, and that one "
                    "bitcoin costs a family of three a year of electricity.", epilog=EPILOG)
    claims.add_argument("--year", type=year, default=2021, help="calendar year to test (default: %(default)s)")
    add_price(claims)
    add_format(claims)
    claims.set_defaults(run=commands.claims)


def _data(sub) -> None:
    data = sub.add_parser(
        "data", help="your own newer data files: import, list, remove",
        description="Import a newer daily CSV in the Coin Metrics community format (columns time, BlkCnt, DiffMean, "
                    "HashRate, PriceUSD, FeeMeanUSD, CapMrktCurUSD; its days replace and extend the bundled record) "
                    "or a Cambridge Mining Map country export (date, country, monthly_hashrate_%, "
                    "monthly_absolute_hashrate_EH/S). The file is checked like the bundled data and stored in your "
                    "data folder ($HASHJOULE_DATA_DIR, else $XDG_DATA_HOME/hashjoule, else "
                    "~/.local/share/hashjoule); every command then reads it instead of the bundled copy and names "
                    "it in its outputs.", epilog=EPILOG)
    action = data.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = action.add_parser("import", help="check a file and store it in your data folder")
    imp.add_argument("kind", choices=["coinmetrics", "mining-map"], help="what the file holds")
    imp.add_argument("file", help="the CSV file")
    action.add_parser("list", help="the files in your data folder and where they came from")
    rem = action.add_parser("remove", help="remove an imported file: the bundled copy is used again")
    rem.add_argument("kind", choices=["coinmetrics", "mining-map", "all"], help="which file")
    data.set_defaults(run=commands.data)
