"""The ``hashjoule`` command: a thin layer over the Python API.

Exit status: 0 on success, 2 for a user mistake (bad option, date outside the data,
unreadable file), reported in one line per problem without a traceback.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import re
import shlex
import sys
import textwrap
import traceback
from dataclasses import replace

from hashjoule import __version__
from hashjoule.errors import InputError

EPILOG = "Data: Coin Metrics and Cambridge (CCAF) series are CC BY-NC 4.0 (non-commercial use)."


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like hashjoule's own."""

    def error(self, message: str):
        self.exit(2, f"hashjoule: error: {message} (see '{self.prog} --help')\n")


def _number(unit: str, upper: float):
    """Parse a number in (0, upper]: physical inputs such as prices must be positive and sane."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0 < value <= upper):
            raise argparse.ArgumentTypeError(f"expected a number above 0 and at most {upper:g} [{unit}], found {text!r}")
        return value

    return parse


#: Largest seed (stored as a 64-bit integer) and largest count (draws, samples, batch size,
#: workers) accepted on the command line.
MAX_SEED = 2**63 - 1
MAX_COUNT = 1_000_000_000
#: Most draws of a scenario's run, as in a scenario file (``run.draws``).
MAX_SCENARIO_DRAWS = 1_000_000


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) <= MAX_SEED):
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 2**63 - 1, found {text[:40]!r}")
    return int(text)


def _positive_count(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_COUNT):
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_COUNT:,}, found {text[:40]!r}")
    return int(text)


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4 and int(text) >= 2009):
        raise argparse.ArgumentTypeError(f"expected a year such as 2021, found {text!r}")
    return int(text)


def _add_price(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--price", type=_number("USD/kWh", 1.0), default=0.05, metavar="USD_PER_KWH",
                        help="electricity price of the profitability test and the economic limit "
                             "[USD/kWh] (default: %(default)s, the Cambridge index's headline)")


def _add_progress(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _add_baseline(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--baseline", default="baseline", help="scenario to compare against (default: %(default)s)")


def _add_batch(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch-size", type=_positive_count, metavar="N",
                        help="draws per batch, rounded up to a multiple of 50; results do not depend on it "
                             "(default: 250)")


def _add_parallel(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_positive_count, metavar="N",
                       help="run batches of draws on N local worker processes (a dask LocalCluster); "
                            "the numbers do not depend on it")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run batches on an existing dask cluster, e.g. tcp://10.0.0.5:8786 (see the README)")


def _add_keep(parser: argparse.ArgumentParser) -> None:
    keep = parser.add_mutually_exclusive_group()
    keep.add_argument("--keep-draws", dest="keep_draws", action="store_true", default=None,
                      help="keep every draw's daily series beside the summaries (default up to 100 draws)")
    keep.add_argument("--reduce", dest="keep_draws", action="store_false",
                      help="keep only the summaries over draws and the annual totals per draw")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hashjoule",
        description="Electricity use and carbon emissions of Bitcoin mining, from bundled data.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"hashjoule {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="on an unexpected failure, print the Python traceback (accepted anywhere on the line)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    est = commands.add_parser(
        "estimate", help="electricity use on a day or over a period, with bounds",
        description="Historical electricity use of the Bitcoin network on a day (power, annualised "
                    "energy) or over a period (energy consumed), by the original Cambridge index method "
                    "(cbeci), the economic upper bound (stoll2019) and a top-down estimate "
                    "(digiconomist), with energy per bitcoin and household equivalents.",
        epilog=EPILOG)
    when = est.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help="one day")
    when.add_argument("--year", type=_year, help="a calendar year (January 1 to December 31)")
    est.add_argument("--start", metavar="YYYY-MM-DD",
                     help="first day of a period (default with --end: the first day of the data, 2010-07-18)")
    est.add_argument("--end", metavar="YYYY-MM-DD",
                     help="last day of a period, included (default with --start: the last day of the data, 2023-02-25)")
    _add_price(est)
    est.add_argument("--method", default="all", choices=["cbeci", "stoll2019", "digiconomist", "all"],
                     help="estimator (default: all)")
    est.add_argument("--household", default="china3", choices=["china3", "us"],
                     help="reference household: china3 = Chinese household of three (NEA/NBS, 2021), "
                          "us = US residential customer (EIA, 2020) (default: china3)")
    est.add_argument("--household-kwh", type=_number("kWh/yr", 1e6), metavar="KWH_PER_YEAR",
                     help="your own household's annual electricity use [kWh/yr]; overrides --household")
    est.add_argument("--emission-factor", type=_number("t CO2/MWh", 2.0), metavar="T_PER_MWH",
                     help="grid emission factor for a CO2 figure [t CO2/MWh = kg/kWh]")
    est.add_argument("-o", "--output", metavar="FILE.nc|FILE.csv",
                     help="also write the daily estimate and the period totals (NetCDF4 or CSV)")
    est.set_defaults(run=_run_estimate)

    sim = commands.add_parser(
        "simulate", help="simulate mining fleets, block by block or as a Monte Carlo ensemble",
        description="Simulate the world's mining fleets without mining policy: hardware cohorts, "
                    "profitability against regional tariffs, deployments and retirements, difficulty "
                    "retargets and halvings. History is replayed where the bundled data reach "
                    "(to 2023-02-25); after that prices follow a random walk and hardware a roadmap.",
        epilog=EPILOG)
    sim.add_argument("--engine", choices=["ensemble", "des"], default="ensemble",
                     help="ensemble = vectorised Monte Carlo (fast); des = per-block discrete events "
                          "(the reference) (default: %(default)s)")
    sim.add_argument("--draws", type=_positive_count, help="Monte Carlo draws (default: 100)")
    sim.add_argument("--start", default="2016-01-01", metavar="YYYY-MM-DD",
                     help="first day, 2010-07-26 to 2023-02-25 (default: %(default)s)")
    sim.add_argument("--end", default="2023-12-31", metavar="YYYY-MM-DD",
                     help="last day; after 2023-02-25 prices and hardware are projected (default: %(default)s)")
    sim.add_argument("--seed", type=_count, help="root random seed (default: 0)")
    sim.add_argument("--deterministic", action="store_true",
                     help="one draw without randomness: median prices, every block its mean work")
    _add_batch(sim)
    _add_keep(sim)
    _add_parallel(sim)
    _add_progress(sim)
    sim.add_argument("-o", "--output", metavar="FILE.nc", help="write the results (NetCDF4)")
    sim.set_defaults(run=_run_simulate)

    val = commands.add_parser("validate", help="check scenario files without running them",
                              description="Check scenario files: TOML syntax, keys, types, units' bounds, dates "
                                          "in order, known regions. Every problem is listed; exit 0 if all are valid.",
                              epilog=EPILOG)
    val.add_argument("files", nargs="+", metavar="FILE", help="scenario files (or bundled names)")
    val.set_defaults(run=_run_validate)

    lib = commands.add_parser("scenarios", help="the bundled scenario library: list, show, copy",
                              description="List the bundled scenarios, print one, or copy one to edit.", epilog=EPILOG)
    lib_commands = lib.add_subparsers(dest="action", metavar="ACTION", required=True)
    lib_commands.add_parser("list", help="names and descriptions")
    show = lib_commands.add_parser("show", help="print a scenario file")
    show.add_argument("name")
    copy = lib_commands.add_parser("copy", help="copy a scenario file to edit it")
    copy.add_argument("name")
    copy.add_argument("destination", nargs="?", help="file to write (default: NAME.toml here)")
    copy.add_argument("--force", action="store_true", help="overwrite an existing file")
    lib_commands.add_parser("regions", help="the model's region names")
    lib.set_defaults(run=_run_scenarios)

    run = commands.add_parser("run", help="run a scenario and write its results",
                              description="Run a bundled scenario or a scenario file, each draw sampling the file's "
                                          "distributions; write results.nc (NetCDF4: means, standard deviations and "
                                          "5/17/50/83/95 % quantiles over draws, annual totals per draw, exceedance "
                                          "probabilities, the draws' parameter values), summary.csv and report.txt to "
                                          "the output folder. Finished batches are kept in OUTPUT/checkpoint until the "
                                          "run is done: an interrupted run continues with --resume.", epilog=EPILOG)
    run.add_argument("scenario", help="bundled name or path to a TOML file")
    run.add_argument("-o", "--output", metavar="DIR", help="output folder (default: results-NAME)")
    run.add_argument("--draws", type=_positive_count, help="override the file's draws")
    run.add_argument("--seed", type=_count, help="override the file's seed")
    run.add_argument("--engine", choices=["ensemble", "des"], help="override the file's engine")
    _add_batch(run)
    _add_keep(run)
    _add_parallel(run)
    run.add_argument("--resume", action="store_true",
                     help="finish an interrupted run of the same scenario, seed and draws in the output folder")
    run.add_argument("--force", action="store_true", help="overwrite results in an existing output folder")
    _add_progress(run)
    run.set_defaults(run=_run_run)

    cmp = commands.add_parser("compare", help="compare scenarios with a baseline, draw by draw",
                              description="Run scenarios and a baseline with the same random numbers (common "
                                          "random numbers) and report, per scenario, energy saved in China, the net "
                                          "global change, CO2 avoided in China and net, and household-years, with "
                                          "5-95 % intervals of the paired differences.", epilog=EPILOG)
    cmp.add_argument("scenarios", nargs="+", help="bundled names or scenario files")
    _add_baseline(cmp)
    cmp.add_argument("--from-year", type=_year, help="first year compared (default: 2021)")
    cmp.add_argument("--to-year", type=_year, help="last year compared (default: the baseline's last)")
    cmp.add_argument("--draws", type=_positive_count, help="override the files' draws")
    cmp.add_argument("--seed", type=_count, help="override the files' seed")
    cmp.add_argument("--unpaired", action="store_true",
                     help="pair draw d with draw d-1 of the baseline, as if the runs were independent (to see what "
                          "common random numbers gain)")
    _add_parallel(cmp)
    _add_progress(cmp)
    cmp.set_defaults(run=_run_compare)

    fig = commands.add_parser(
        "figures", help="remake the documented figures, with their data and a manifest",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Remake figures from the bundled scenarios and data with fixed seeds. Each figure is written as "
            "NAME.png (and/or .svg, .pdf) with its data as NAME.csv; manifest.json records the scenarios, seed, "
            "draws, software versions and the SHA-256 of every input and output. Rerunning gives byte-identical "
            "data files. --all takes about 3 minutes and up to 3 GB of memory.", 79),
        epilog="figures:\n" + "\n".join(textwrap.fill(recipe.description, 79, initial_indent=f"  {name:<13}",
                                                       subsequent_indent=" " * 15, break_on_hyphens=False)
                                         for name, recipe in _recipes().items()) + "\n\n" + EPILOG)
    fig.add_argument("names", nargs="*", metavar="NAME", help="figures to make (see below)")
    fig.add_argument("--all", action="store_true", help="make every figure")
    fig.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder (created if needed)")
    fig.add_argument("--format", default="png", metavar="png,svg,pdf",
                     help="comma-separated file formats (default: %(default)s)")
    fig.add_argument("--draws", type=_positive_count, metavar="N",
                     help="draws of every simulation, for a quick look (default, as documented: 150 kept for the "
                          "bands, 100 for the comparison, 64 base samples of the Sobol design, which takes the power "
                          "of 2 at or below N)")
    _add_progress(fig)
    fig.set_defaults(run=_run_figures)

    rep = commands.add_parser(
        "report", help="write a short HTML report of a scenario",
        description="Run a scenario and write DIR/report.html, one self-contained page: headline numbers with "
                    "5-95 %% intervals, figures, the paired comparison with the baseline, the assumptions with "
                    "their sources, and the check of the article's claims.", epilog=EPILOG)
    rep.add_argument("scenario", help="bundled name or path to a TOML file")
    rep.add_argument("--compare", nargs="+", default=[], metavar="SCENARIO",
                     help="other scenarios compared with the baseline in the same report")
    _add_baseline(rep)
    rep.add_argument("-o", "--output", required=True, metavar="DIR", help="new or empty output folder")
    rep.add_argument("--draws", type=_positive_count, help="override the files' draws")
    rep.add_argument("--seed", type=_count, help="override the files' seed")
    _add_progress(rep)
    rep.set_defaults(run=_run_report)

    sens = commands.add_parser(
        "sensitivity", help="rank the uncertain parameters that drive a scenario's results (Sobol indices)",
        description="Variance-based global sensitivity (Sobol indices, Saltelli design, SALib) of three results of a "
                    "scenario: its electricity use in the first year compared, CO2 avoided in China and the net global "
                    "change against the baseline, with respect to every distribution in the two files and the random "
                    "streams of prices and blocks. Prints one table per result, ranked by the total index ST: the "
                    "share of the result's variance the parameter explains, alone or with others; S1 is the share it "
                    "explains alone. Runs SAMPLES x (parameters + 2) paired draws.", epilog=EPILOG)
    sens.add_argument("scenario", help="bundled name or scenario file")
    _add_baseline(sens)
    sens.add_argument("--samples", type=_positive_count, default=256,
                      help="base samples of the design, a power of 2 (default: %(default)s)")
    sens.add_argument("--seed", type=_count, help="override the file's seed")
    sens.add_argument("--from-year", type=_year, help="first year compared (default: 2021)")
    sens.add_argument("--to-year", type=_year, help="last year compared (default: the baseline's last)")
    _add_parallel(sens)
    sens.add_argument("-o", "--output", metavar="FILE.nc", help="also write the indices (NetCDF4)")
    _add_progress(sens)
    sens.set_defaults(run=_run_sensitivity)

    cal = commands.add_parser(
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
    cal.add_argument("--draws", type=_positive_count, default=40, metavar="N",
                     help="particles of the posterior, one engine run each (default: %(default)s)")
    cal.add_argument("--seed", type=_count, default=0, help="root random seed (default: %(default)s)")
    cal.add_argument("-o", "--output", metavar="FILE.toml",
                     help="write the parameter set; copy it into hashjoule/calibration/sets/ and name it in a "
                          "scenario with calibration = \"NAME\"")
    cal.add_argument("--report", metavar="DIR", help="write figures (PNG) and summary.md into this folder")
    cal.set_defaults(run=_run_calibrate)

    claims = commands.add_parser(
        "claims", help="check the article's two claims, with numbers and sources",
        description="Check two published claims: that mining uses 134 billion kWh a year, and that one "
                    "bitcoin costs a family of three a year of electricity.", epilog=EPILOG)
    claims.add_argument("--year", type=_year, default=2021, help="calendar year to test (default: %(default)s)")
    _add_price(claims)
    claims.set_defaults(run=_run_claims)
    return parser


def _period(args) -> tuple[str | None, str | None]:
    """First and last day asked for by --date, --year or --start/--end."""
    if args.date is not None and (args.start is not None or args.end is not None):
        raise InputError.single("--date", "", "either --date or --start/--end, not both", "both")
    if args.year is not None and (args.start is not None or args.end is not None):
        raise InputError.single("--year", "", "either --year or --start/--end, not both", "both")
    if args.date is not None:
        return args.date, args.date
    if args.year is not None:
        return f"{args.year}-01-01", f"{args.year}-12-31"
    if args.start is None and args.end is None:
        raise InputError.single("estimate", "", "--date, --year or --start and --end", "none of them")
    return args.start, args.end


def _name_options(error: InputError, args) -> InputError:
    """Name the option the user typed (--date, --year, --start, --end), not the API's argument."""
    option = ("--date" if getattr(args, "date", None) is not None
              else "--year" if getattr(args, "year", None) is not None else None)
    return InputError([replace(p, source=option or f"--{p.source}") if p.source in ("start", "end") else p
                       for p in error.problems])


def _run_estimate(args) -> None:
    from hashjoule.output import check_output_path, write
    from hashjoule.estimates.accounting import household, period_account
    from hashjoule.estimates.estimators import estimate
    from hashjoule.reports.text import estimate_table

    start, end = _period(args)
    if args.output is not None:
        check_output_path(args.output)
    home = household(args.household, args.household_kwh)
    ds = estimate(args.price, args.method, start, end)
    account = period_account(ds, home=home, emission_factor_t_per_mwh=args.emission_factor)
    print(estimate_table(ds, account))
    if args.output is not None:
        merged = ds.merge(account.rename({name: f"period_{name}" for name in account.data_vars}),
                          combine_attrs="drop_conflicts")
        path = write(merged, args.output, command=args.command_line)
        print(f"wrote {path}")


def _run_simulate(args) -> None:
    from hashjoule.api import simulate
    from hashjoule.reports.text import simulation_report
    from hashjoule.output import check_output_path, write
    from hashjoule.simulation.runner import summary_table

    if args.output is not None and check_output_path(args.output).suffix != ".nc":
        raise InputError.single("output", args.output, "a NetCDF file name ending in .nc", repr(args.output))
    if args.deterministic and args.draws not in (None, 1):
        raise InputError.single("--draws", "", "1 or nothing with --deterministic (one draw)", str(args.draws))
    if args.deterministic and args.seed is not None:
        raise InputError.single("--seed", "", "no seed with --deterministic (nothing is random)", str(args.seed))
    draws, seed = (1, None) if args.deterministic else (args.draws or 100, args.seed or 0)
    ds = simulate(args.start, args.end, args.engine, draws, seed, args.batch_size, args.keep_draws,
                  progress=not args.no_progress and sys.stderr.isatty(), workers=args.workers, scheduler=args.scheduler)
    table = summary_table(ds)
    title = (f"hashjoule simulate: {args.engine} engine, {draws} draw{'s' * (draws > 1)}, "
             f"{'deterministic' if seed is None else f'seed {seed}'}, {args.start} to {args.end}, no mining policy")
    print(simulation_report(ds, table, title))
    if args.output is not None:
        path = write(ds, args.output, command=args.command_line)
        print(f"wrote {path}")


def _run_validate(args) -> None:
    from hashjoule.scenarios.load import load_scenario
    from hashjoule.scenarios.resolve import resolve

    problems = []
    for source in args.files:
        try:
            resolve(load_scenario(source)[0], source)  # everything a run would check before starting
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    for source in args.files:
        print(f"{source}: valid")


def _run_scenarios(args) -> None:
    from pathlib import Path

    from hashjoule.output import atomic_path
    from hashjoule.scenarios.load import library_names, library_text, load_scenario
    from hashjoule.scenarios.resolve import model_regions

    if args.action == "list":
        for name in library_names():
            print(f"{name:<24}{load_scenario(name)[0].description}")
    elif args.action == "regions":
        print("\n".join(model_regions()))
    elif args.action == "show":
        print(library_text(args.name), end="")
    else:
        text = library_text(args.name)
        target = Path(args.destination or f"{args.name}.toml")
        if target.is_dir():
            target = target / f"{args.name}.toml"
        if target.exists() and not args.force:
            raise InputError.single(str(target), "", "a new file name (or --force to overwrite)", "an existing file")
        if not target.parent.is_dir():
            raise InputError.single(str(target), "", "a path in an existing folder", "no such folder")
        # the copy is a new scenario: it takes the file's name, so results and comparisons tell them apart
        name = re.sub(r"[^A-Za-z0-9_.-]", "-", target.stem).lstrip("-_.") or "my-scenario"
        text = re.sub(r'(?m)^name = "[^"]*"', f'name = "{name}"', text, count=1)
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
        print(f"wrote {target} (scenario name {name!r}): edit it, check it with 'hashjoule validate {target}', "
              f"run it with 'hashjoule run {target}'")


def _run_run(args) -> None:
    import shutil
    from pathlib import Path

    from hashjoule.api import run_scenario
    from hashjoule.output import atomic_path, check_output_folder, results_bytes, write
    from hashjoule.scenarios.load import load_scenario
    from hashjoule.scenarios.resolve import resolve
    from hashjoule.reports.text import simulation_report
    from hashjoule.simulation.runner import KEEP_DRAWS_UP_TO, summary_table

    scenario = load_scenario(args.scenario)[0]
    resolve(scenario, args.scenario)  # refuse a bad file before creating anything
    folder = Path(args.output or f"results-{Path(args.scenario).stem}")
    checkpoint = folder / "checkpoint"
    if folder.exists() and not folder.is_dir():
        raise InputError.single("--output", str(folder), "a folder", "an existing file")
    if args.resume and not checkpoint.is_dir():
        raise InputError.single("--output", str(folder), "a folder with an interrupted run to resume",
                                "no checkpoint folder in it")
    draws = args.draws or scenario.run.draws
    keep = draws <= KEEP_DRAWS_UP_TO if args.keep_draws is None else args.keep_draws
    check_output_folder(folder, results_bytes((scenario.run.end - scenario.run.start).days + 1, draws, keep))
    if not args.resume and folder.is_dir() and any(folder.iterdir()):
        if not args.force:
            raise InputError.single("--output", str(folder), "a new or empty folder (or --force to overwrite, "
                                    "--resume to finish an interrupted run)", "a folder with files")
        shutil.rmtree(checkpoint, ignore_errors=True)
    if not folder.parent.exists():
        raise InputError.single("--output", str(folder), "a folder inside an existing one", "no such parent folder")
    folder.mkdir(exist_ok=True)
    for stale in folder.glob(".*.part"):  # temporary files of a killed run's last writes
        stale.unlink(missing_ok=True)
    ds, scenario = run_scenario(args.scenario, args.draws, args.seed, args.engine, args.batch_size, args.keep_draws,
                                progress=not args.no_progress and sys.stderr.isatty(), workers=args.workers,
                                scheduler=args.scheduler, checkpoint=checkpoint, resume=args.resume)
    if args.resume:
        print(f"resumed: {ds.attrs['resumed_draws']} of {ds.attrs['draws']} draws came from the checkpoint",
              file=sys.stderr)
    table = summary_table(ds)
    report = simulation_report(ds, table, f"scenario {scenario.name}: {scenario.description}")
    print(report)
    write(ds, folder / "results.nc", command=args.command_line)
    with atomic_path(folder / "summary.csv") as tmp:
        table.to_csv(tmp)
    with atomic_path(folder / "report.txt") as tmp:
        tmp.write_text(report + "\n", encoding="utf-8")
    shutil.rmtree(checkpoint, ignore_errors=True)
    print(f"wrote {folder}/results.nc, summary.csv, report.txt")


def _run_compare(args) -> None:
    from hashjoule.api import compare
    from hashjoule.reports.text import comparison_text

    table, (first, last) = compare(args.scenarios, args.baseline, args.from_year, args.to_year, args.draws, args.seed,
                                   progress=not args.no_progress and sys.stderr.isatty(), paired=not args.unpaired,
                                   workers=args.workers, scheduler=args.scheduler)
    print(comparison_text(table, args.baseline, first, last, paired=not args.unpaired))


def _recipes() -> dict:
    from hashjoule.reports.gallery import RECIPES

    return RECIPES


def _run_figures(args) -> None:
    from hashjoule.api import figures
    from hashjoule.reports.gallery import check_request

    if args.all and args.names:
        raise InputError.single("--all", "", "either figure names or --all, not both", "both")
    names = None if args.all else args.names
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    check_request(names, formats)  # refuse unknown names before any work
    manifest = figures(names, args.output, formats, progress=not args.no_progress and sys.stderr.isatty(),
                       command=args.command_line, draws=args.draws)
    for name in (names or manifest["figures"]):
        print(f"{name}: " + ", ".join(manifest["figures"][name]["files"]))
    print(f"wrote {args.output}/manifest.json")


def _run_report(args) -> None:
    from hashjoule.api import report
    from hashjoule.output import check_output_folder

    check_output_folder(args.output)  # a folder that can be written, on a disk with room, before any work
    path = report(args.scenario, args.output, args.compare, args.baseline, args.draws, args.seed,
                  progress=not args.no_progress and sys.stderr.isatty(), command=args.command_line)
    print(f"wrote {path}")


def _run_sensitivity(args) -> None:
    from hashjoule.api import sensitivity
    from hashjoule.output import check_output_path, write
    from hashjoule.reports.text import sensitivity_text

    if args.output is not None and check_output_path(args.output).suffix != ".nc":
        raise InputError.single("output", args.output, "a NetCDF file name ending in .nc", repr(args.output))
    ds = sensitivity(args.scenario, args.baseline, args.samples, args.seed, args.from_year, args.to_year,
                     args.workers, args.scheduler, progress=not args.no_progress and sys.stderr.isatty())
    print(sensitivity_text(ds))
    if args.output is not None:
        path = write(ds, args.output, command=args.command_line)
        print(f"wrote {path}")


def _run_calibrate(args) -> None:
    from pathlib import Path

    from hashjoule.api import calibrate
    from hashjoule.reports.calibration import summary_text

    result = calibrate(args.until, args.draws, args.seed, args.output, args.report)
    print(summary_text(result, Path(args.output).stem if args.output else ""))
    for what, where in (("parameter set", args.output), ("report", args.report)):
        if where is not None:
            print(f"wrote {what} {where}")


def _run_claims(args) -> None:
    from hashjoule.estimates.claims import check_claims
    from hashjoule.reports.text import claims_text

    print(claims_text(check_claims(args.year, args.price)))


#: Where an unexpected failure is to be reported.
REPORT_TO = "the hashjoule developers (the project's issue tracker)"
#: Errors of the system, not of the program: a full disk, a folder that may not be written.
_SYSTEM_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EMFILE, errno.ENFILE,
                  errno.ENAMETOOLONG}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hashjoule`` console script; returns the exit status.

    0 on success; 2 for a user mistake or a system limit (a bad file or option, a full
    disk, no permission), one line per problem; 1 for an unexpected failure, one line
    naming the command, with the traceback only under ``--debug``; 130 on Ctrl-C.
    """
    # dask's own log lines (tasks cancelled and workers stopped on Ctrl-C) are not the user's
    # business; read when dask is first imported, here and in the worker processes it starts
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv  # accepted anywhere on the line
    argv = [a for a in argv if a != "--debug"]
    command = next((a for a in argv if not a.startswith("-")), "")
    try:
        return _main(argv)
    except KeyboardInterrupt:
        resumable = (" (batches finished so far are kept: run the same command with --resume)"
                     if command == "run" else "")
        print(f"hashjoule: interrupted; no output was written{resumable}", file=sys.stderr)
        return 130
    except MemoryError:
        print("hashjoule: error: not enough memory for this run; try a smaller --batch-size, fewer draws "
              "or a shorter period (nothing was written)", file=sys.stderr)
        return 2
    except OSError as error:
        if debug:
            traceback.print_exc()
        if error.errno in _SYSTEM_ERRNOS:
            where = f"{error.filename}: " if error.filename else ""
            print(f"hashjoule: error: {where}expected a file system with space and permission to write, found "
                  f"{error.strerror or error} (no results were written)", file=sys.stderr)
            return 2
        return _unexpected(command, error, debug)
    except Exception as error:  # noqa: BLE001 - the last guard: one line, never a stack by default
        return _unexpected(command, error, debug)


def _unexpected(command: str, error: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    text = " ".join(str(error).split())
    text = f": {text[:200]}" if text else ""
    print(f"hashjoule: internal error in 'hashjoule {command}' ({type(error).__name__}{text}); nothing was written. "
          f"Please report it to {REPORT_TO} with the command line"
          + ("." if debug else " and what 'hashjoule --debug ...' prints."), file=sys.stderr)
    return 1


def _main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.command_line = shlex.join(["hashjoule", *argv])
    try:
        try:
            draws = getattr(args, "draws", None)
            if args.command in ("run", "compare", "report") and draws is not None and draws > MAX_SCENARIO_DRAWS:
                raise InputError.single("--draws", "", f"at most {MAX_SCENARIO_DRAWS:,} draws of a scenario "
                                        "(as run.draws in a file)", f"{draws:,}")
            args.run(args)
        except InputError as error:
            raise _name_options(error, args) from None
    except InputError as error:
        for problem in error.problems:
            print(f"hashjoule: error: {problem}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
