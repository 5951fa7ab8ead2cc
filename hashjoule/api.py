"""The Python entry points that the command line mirrors: a thin facade over the layers.

Runs of the world and of scenario files come from :mod:`hashjoule.scenarios.runs`, figures
and reports from :mod:`hashjoule.reports`, the calibration from :mod:`hashjoule.calibration`.
"""

from __future__ import annotations

from hashjoule.errors import InputError
from hashjoule.scenarios.runs import compare, load, run_scenario, run_summary, sensitivity, simulate

__all__ = ["calibrate", "compare", "figures", "load", "report", "run_scenario", "run_summary", "sensitivity",
           "simulate"]

# The reports and the calibration are imported by the functions that use them, so that a
# command that only runs the model does not import the plotting and fitting code.


def figures(names: list[str] | None = None, output=".", formats=("png",), progress: bool = False,
            command: str | None = None, draws: int | None = None) -> dict:
    """Remake bundled figures from the bundled scenarios and data (``hashjoule figures``).

    Parameters
    ----------
    names : list of str, optional
        Figure names (:data:`hashjoule.reports.gallery.RECIPES`); default all.
    output : path-like
        Folder for the figures, their data (CSV) and ``manifest.json``.
    formats : sequence of {"png", "svg", "pdf"}
    draws : int, optional
        Draws of every simulation (default: those of the documented figures).

    Returns
    -------
    dict
        The manifest (see :func:`hashjoule.reports.gallery.make_figures`).
    """
    from hashjoule.reports.gallery import make_figures

    return make_figures(names, output, formats, progress, command, draws)


def report(source: str, output, compare=(), baseline: str = "baseline", draws: int | None = None,
           seed: int | None = None, progress: bool = False, command: str | None = None):
    """Write a self-contained HTML report of a scenario (``hashjoule report``).

    Headline numbers with 5-95 % intervals, figures, the comparison with the baseline, the
    assumptions with their sources and the article-claims check; see
    :func:`hashjoule.reports.html.build_report`. The scenario, the baseline and each compared
    scenario run once, all with the same draws and seed. Returns the path of ``report.html``.
    """
    from hashjoule.reports.html import build_report

    return build_report(source, output, compare, baseline, draws, seed, progress, command)


def calibrate(until: str = "2021-04-30", draws: int = 40, seed: int = 0, output=None, report=None,
              start: str = "2016-01-01", progress: bool = False):
    """Fit the fleet parameters on data up to a cut-off, check them after it, and write a
    parameter set (``hashjoule calibrate``).

    Parameters
    ----------
    until : str
        Cut-off: the last day of observed data the fits see.
    draws : int
        Particles of the posterior (one engine run each).
    seed : int
        Root seed of the posterior and of the forecast's random epoch work.
    output : path-like, optional
        Parameter-set file to write (``.toml``); copy it into
        ``hashjoule/calibration/sets/`` to bundle it and name it in a scenario with
        ``calibration = "NAME"``.
    report : path-like, optional
        Folder for the figures (PNG) and ``summary.md``; created if missing.
    start : str
        First day of the fit.
    progress : bool
        Show a progress bar of the calibration's steps.

    Returns
    -------
    hashjoule.calibration.workflow.Calibration
        The set's tables, the hashrate paths and the posterior sample.

    Raises
    ------
    hashjoule.errors.InputError
        For a cut-off outside the data, or an output path that cannot be written; checked
        before anything runs, and nothing is written then.
    """
    from pathlib import Path

    from hashjoule.calibration import holdout, workflow
    from hashjoule.calibration.set_writer import write_set
    from hashjoule.reports.calibration import write_report

    if output is not None and (Path(output).suffix != ".toml" or not Path(output).parent.is_dir()
                               or Path(output).is_dir()):
        raise InputError.single("output", str(output), "a file name ending in .toml in an existing folder",
                                repr(str(output)))
    if report is not None and (Path(report).is_file() or not Path(report).absolute().parent.is_dir()):
        raise InputError.single("report", str(report), "a folder (new or existing) inside an existing folder",
                                repr(str(report)))
    holdout.check_window(until)
    result = workflow.calibrate(until, draws, seed, start=start, progress=progress)
    if output is not None:
        write_set(result.tables, output, workflow.UNITS)
    if report is not None:
        write_report(result, report, Path(output).stem if output is not None else "")
    return result
