"""The bundled figures: what each shows, the scenarios and runs it needs, its seed.

Nothing here plots or runs the model, so listing the figures (``hashjoule figures --help``)
imports no plotting library. :mod:`hashjoule.reports.gallery` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from hashjoule.constants import ARTICLE_TWH_PER_YEAR
from hashjoule.errors import InputError

#: Root seed of every figure's runs.
SEED = 0
#: File formats a figure may be saved in.
FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True)
class FigureEntry:
    """One bundled figure.

    Attributes
    ----------
    description : str
        What the figure shows, in one line.
    scenarios : tuple of str
        Bundled scenarios run for it.
    runs : {"", "kept", "compared", "sobol", "calibration"}
        Which runs it makes: none (historical data only), runs with kept draws, the
        paired comparison, a Sobol design or a calibration.
    seed : int
        Root seed of its runs.
    """

    description: str
    scenarios: tuple[str, ...]
    runs: str
    seed: int = SEED


LIBRARY = ("baseline", "china-2021", "early-ban-2019", "halving-2028", "hydro-provinces-spared", "inner-mongolia-only",
           "us-demand-response")

FIGURES: dict[str, FigureEntry] = {
    "consumption": FigureEntry("annualised electricity use 2016-2023 by three estimators, with bounds, the Cambridge "
                               f"index and the article's {ARTICLE_TWH_PER_YEAR:.0f} TWh", (), ""),
    "per-bitcoin": FigureEntry("electricity per bitcoin minted, with Chinese and US household-years", (), ""),
    "timeline": FigureEntry("China's 2021 shutdowns as a Gantt chart above the simulated (5-95 % of draws) and "
                            "observed hashrate", ("china-2021",), "kept"),
    "savings": FigureEntry("energy and CO2 saved in China and net global change of every bundled scenario, 5-95 %",
                           LIBRARY, "compared"),
    "fan": FigureEntry("Monte Carlo fan chart of the world's annual electricity, china-2021 against the baseline "
                       "median", ("china-2021", "baseline"), "kept"),
    "composition": FigureEntry("hashrate and CO2 by region over time, china-2021 (stacked)", ("china-2021",), "kept"),
    "calibration-fit": FigureEntry("the fleet fitted to the observed hashrate, 2016 to the cut-off 2021-04-30 "
                                   "(china-2021's world up to the cut-off)", (), "calibration"),
    "calibration-check": FigureEntry("out-of-sample check: china-2021 run forward from the cut-off with the "
                                     "posterior's draws (5-95 %) against the observed hashrate, May-December 2021",
                                     ("china-2021",), "calibration"),
    "prices": FigureEntry("annualised electricity use by the original Cambridge method at the flat 0.05 USD/kWh "
                          "against US industrial and miners' reported prices varying over time and region", (), ""),
    "ewaste": FigureEntry("mining machines retired (e-waste) per calendar year, original and 2023 Cambridge methods, "
                          "against de Vries and Stoll's 30.7 kt/yr (May 2021)", (), ""),
    "sensitivity": FigureEntry("Sobol indices of china-2021's results against the baseline for every uncertain "
                               "parameter (Saltelli design; its 'draws' are the design's base samples)",
                               ("china-2021", "baseline"), "sobol"),
    "emission-factors": FigureEntry("CO2 change of china-2021 against the baseline over 2021-2025 in China, outside "
                                    "China and net, at average and at marginal emission factors, 5-95 %",
                                    ("china-2021", "baseline"), "compared"),
    "halving": FigureEntry("electricity per bitcoin minted by month 2024-2030 under halving-2028 (5-95 % of draws), "
                           "with the days of the 2024 and 2028 halvings in the draws", ("halving-2028",), "kept"),
}


def check_request(names, formats) -> tuple[list[str], list[str]]:
    """Refuse unknown figure names or formats, before any work (all problems at once)."""
    names = list(FIGURES) if names is None else list(dict.fromkeys(names))
    formats = list(dict.fromkeys(formats))
    problems = []
    known = ", ".join(FIGURES)
    for name in names:
        if name not in FIGURES:
            problems += InputError.single("figure", "", f"one of {known}", repr(name)).problems
    for fmt in formats:
        if fmt not in FORMATS:
            problems += InputError.single("format", "", f"one of {', '.join(FORMATS)}", repr(fmt)).problems
    if not names:
        problems += InputError.single("figure", "", f"one or more of {known}, or --all", "none").problems
    if problems:
        raise InputError(problems)
    return names, formats or ["png"]
