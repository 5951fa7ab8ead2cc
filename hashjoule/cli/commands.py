"""What each ``hashjoule`` command does with its parsed options.

Each handler imports the part of hashjoule it needs when it runs, so that parsing the
command line (and ``--help``) stays fast.
"""

from __future__ import annotations

import sys

from hashjoule.cli.show import emit, note, wrote, wrote_in
from hashjoule.errors import InputError


def _progress(args) -> bool:
    """A progress bar on standard error, unless asked not to or not a terminal."""
    return not args.no_progress and sys.stderr.isatty()


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


def estimate(args) -> None:
    from hashjoule.output import check_output_path, write
    from hashjoule.estimates.accounting import household, period_account
    from hashjoule.estimates.estimators import estimate
    from hashjoule.estimates.ewaste import period_text
    from hashjoule.estimates.prices import period_effect_text
    from hashjoule.reports.export import estimate_result
    from hashjoule.reports.text import estimate_table

    start, end = _period(args)
    if args.output is not None:
        check_output_path(args.output)
    home = household(args.household, args.household_kwh)
    series = _price_series(args.price_series)
    ds = estimate(args.price, args.method, start, end, price_series=series)
    account = period_account(ds, home=home, emission_factor_t_per_mwh=args.emission_factor)
    emit(args, lambda: estimate_table(ds, account), estimate_result(ds, account), ("estimator", "bound"))
    if series is not None:
        note(args, period_effect_text(args.price, args.method, ds, account))
    if args.ewaste:
        note(args, period_text(estimate(args.price, "cbeci", price_series=series), start, end))
    _user_data_line(args)
    if args.output is not None:
        merged = ds.merge(account.rename({name: f"period_{name}" for name in account.data_vars}),
                          combine_attrs="drop_conflicts")
        wrote(args, write(merged, args.output, command=args.command_line))


def _price_series(name_or_path):
    """The daily price series asked for with --price-series, or None."""
    if name_or_path is None:
        return None
    from hashjoule.estimates.prices import daily, price_series
    from hashjoule.network.history import daily_inputs

    return daily(price_series(name_or_path), daily_inputs().time.values)


def _user_data_line(args) -> None:
    """Name the user's data files when a command read them instead of the bundled ones."""
    from hashjoule.data.userdata import provenance_note

    files = provenance_note()
    if files:
        note(args, f"User data read instead of the bundled files: {files}")


def data(args) -> None:
    from hashjoule.data.importing import import_file, remove
    from hashjoule.data.userdata import in_use, user_data_dir

    if args.action == "import":
        record = import_file(args.kind, args.file)
        print(f"imported {record['imported_from']} as {user_data_dir() / record['file']}: {record['rows']:,} rows, "
              f"{record['first']} to {record['last']}; every command now reads it")
    elif args.action == "remove":
        removed = remove(args.kind)
        print("\n".join(f"removed {path}" for path in removed) or f"nothing to remove in {user_data_dir()}")
    else:
        files = in_use()
        print(f"user data folder: {user_data_dir()}")
        for name, entry in files.items():
            print(f"  {name}: from {entry.get('imported_from', 'unknown')} at {entry.get('imported_at', 'unknown')}, "
                  f"{entry.get('rows', '?')} rows, {entry.get('first', '?')} to {entry.get('last', '?')}, "
                  f"sha256 {entry['sha256'][:16]}")
        if not files:
            print("  no files: the bundled data are used")


def simulate(args) -> None:
    from hashjoule.api import simulate
    from hashjoule.output import check_output_path, write
    from hashjoule.reports.text import simulation_report
    from hashjoule.scenarios.runs import run_summary

    if args.output is not None and check_output_path(args.output).suffix != ".nc":
        raise InputError.single("output", args.output, "a NetCDF file name ending in .nc", repr(args.output))
    if args.deterministic and args.draws not in (None, 1):
        raise InputError.single("--draws", "", "1 or nothing with --deterministic (one draw)", str(args.draws))
    if args.deterministic and args.seed is not None:
        raise InputError.single("--seed", "", "no seed with --deterministic (nothing is random)", str(args.seed))
    draws, seed = (1, None) if args.deterministic else (args.draws or 100, args.seed or 0)
    ds = simulate(args.start, args.end, args.engine, draws, seed, args.batch_size, args.keep_draws,
                  progress=_progress(args), workers=args.workers, scheduler=args.scheduler)
    summary = run_summary(ds)
    title = (f"hashjoule simulate: {args.engine} engine, {draws} draw{'s' * (draws > 1)}, "
             f"{'deterministic' if seed is None else f'seed {seed}'}, {args.start} to {args.end}, no mining policy")
    emit(args, lambda: simulation_report(ds, summary, title), summary, ("year",))
    if args.output is not None:
        wrote(args, write(ds, args.output, command=args.command_line))


def validate(args) -> None:
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


def scenarios(args) -> None:
    from hashjoule.scenarios.load import copy_scenario, library_names, library_text, load_scenario
    from hashjoule.scenarios.resolve import model_regions

    if args.action == "list":
        for name in library_names():
            print(f"{name:<24}{load_scenario(name)[0].description}")
    elif args.action == "regions":
        print("\n".join(model_regions()))
    elif args.action == "show":
        print(library_text(args.name), end="")
    else:
        target, name = copy_scenario(args.name, args.destination, args.force)
        print(f"wrote {target} (scenario name {name!r}): edit it, check it with 'hashjoule validate {target}', "
              f"run it with 'hashjoule run {target}'")


def run(args) -> None:
    import shutil
    from pathlib import Path

    from hashjoule.api import run_scenario
    from hashjoule.output import atomic_path, prepare_run_folder, results_bytes, write
    from hashjoule.reports.text import simulation_report
    from hashjoule.scenarios.load import load_scenario
    from hashjoule.scenarios.resolve import resolve
    from hashjoule.scenarios.runs import run_summary
    from hashjoule.simulation.runner import KEEP_DRAWS_UP_TO, summary_table

    scenario = load_scenario(args.scenario)[0]
    resolve(scenario, args.scenario)  # refuse a bad file before creating anything
    draws = args.draws or scenario.run.draws
    keep = draws <= KEEP_DRAWS_UP_TO if args.keep_draws is None else args.keep_draws
    days = (scenario.run.end - scenario.run.start).days + 1
    folder = prepare_run_folder(args.output or f"results-{Path(args.scenario).stem}",
                                results_bytes(days, draws, keep), args.resume, args.force)
    ds, scenario = run_scenario(args.scenario, args.draws, args.seed, args.engine, args.batch_size, args.keep_draws,
                                progress=_progress(args), workers=args.workers, scheduler=args.scheduler,
                                checkpoint=folder / "checkpoint", resume=args.resume, emissions=args.emissions)
    if args.resume:
        print(f"resumed: {ds.attrs['resumed_draws']} of {ds.attrs['draws']} draws came from the checkpoint",
              file=sys.stderr)
    summary = run_summary(ds)
    report = simulation_report(ds, summary, f"scenario {scenario.name}: {scenario.description}")
    emit(args, report, summary, ("year",))
    write(ds, folder / "results.nc", command=args.command_line)
    with atomic_path(folder / "summary.csv") as tmp:
        summary_table(ds).to_csv(tmp)
    with atomic_path(folder / "report.txt") as tmp:
        tmp.write_text(report + "\n", encoding="utf-8")
    shutil.rmtree(folder / "checkpoint", ignore_errors=True)
    wrote(args, *(folder / name for name in ("results.nc", "summary.csv", "report.txt")))


def compare(args) -> None:
    from hashjoule.api import compare
    from hashjoule.reports.text import comparison_text

    summary = compare(args.scenarios, args.baseline, args.from_year, args.to_year, args.draws, args.seed,
                      progress=_progress(args), paired=not args.unpaired, workers=args.workers, scheduler=args.scheduler,
                      emissions=args.emissions)
    emit(args, lambda: comparison_text(summary), summary, ("scenario",))


def figures(args) -> None:
    from hashjoule.api import figures
    from hashjoule.reports.catalogue import check_request

    if args.all and args.names:
        raise InputError.single("--all", "", "either figure names or --all, not both", "both")
    names = None if args.all else args.names
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    check_request(names, formats)  # refuse unknown names before any work
    manifest = figures(names, args.output, formats, progress=_progress(args),
                       command=args.command_line, draws=args.draws)
    made = [file for name in (names or manifest["figures"]) for file in manifest["figures"][name]["files"]]
    for name in (names or manifest["figures"]):
        print(f"{name}: " + ", ".join(manifest["figures"][name]["files"]))
    wrote_in(args, args.output, [*made, "manifest.json"], what="; manifest.json lists them")


def report(args) -> None:
    from hashjoule.api import report
    from hashjoule.output import check_output_folder

    check_output_folder(args.output)  # a folder that can be written, on a disk with room, before any work
    path = report(args.scenario, args.output, args.compare, args.baseline, args.draws, args.seed,
                  progress=_progress(args), command=args.command_line)
    wrote(args, path)


def sensitivity(args) -> None:
    from hashjoule.api import sensitivity
    from hashjoule.output import check_output_path, write
    from hashjoule.reports.text import sensitivity_text

    if args.output is not None and check_output_path(args.output).suffix != ".nc":
        raise InputError.single("output", args.output, "a NetCDF file name ending in .nc", repr(args.output))
    ds = sensitivity(args.scenario, args.baseline, args.samples, args.seed, args.from_year, args.to_year,
                     args.workers, args.scheduler, progress=_progress(args))
    emit(args, lambda: sensitivity_text(ds), ds, ("output", "parameter"))
    if args.output is not None:
        wrote(args, write(ds, args.output, command=args.command_line))


def calibrate(args) -> None:
    from pathlib import Path

    from hashjoule.api import calibrate
    from hashjoule.calibration.workflow import UNITS
    from hashjoule.reports.calibration import summary_text
    from hashjoule.reports.export import nested_table

    result = calibrate(args.until, args.draws, args.seed, args.output, args.report, progress=_progress(args))
    emit(args, lambda: summary_text(result, Path(args.output).stem if args.output else ""),
         nested_table(result.tables, UNITS))
    for what, where in (("parameter set", args.output), ("report", args.report)):
        if where is not None:
            wrote(args, where, what=what)


def claims(args) -> None:
    from hashjoule.estimates.claims import check_claims
    from hashjoule.reports.export import verdict_table
    from hashjoule.reports.text import claims_text

    verdicts = check_claims(args.year, args.price)
    emit(args, lambda: claims_text(verdicts), verdict_table(verdicts))
    _user_data_line(args)
