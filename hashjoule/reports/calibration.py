"""A calibration's report: its figures as PNG files and a short Markdown summary."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hashjoule.calibration import crackdown
from hashjoule.calibration.workflow import Calibration
from hashjoule.figures import calibration as figures
from hashjoule.figures.style import save_figure
from hashjoule.output import atomic_path

#: File name of each figure, and the function that draws it from the calibration.
FIGURES = {
    "hashrate-fit.png": lambda c: figures.hashrate_fit(c.paths),
    "residuals.png": lambda c: figures.residuals(c.paths),
    "posterior.png": lambda c: figures.posterior_marginals(c.posterior),
    "holdout.png": lambda c: figures.holdout_check(c.paths),
}


def summary_text(calibration: Calibration, set_label: str = "") -> str:
    """Markdown summary: window, parameters, posterior marginals, out-of-sample scores."""
    t = calibration.tables
    fit, p, post, hold = t["fit"], t["parameters"], t["posterior"], t["holdout"]
    lines = [
        "# hashjoule calibration" + (f": {set_label}" if set_label else ""),
        "",
        f"Fit window {fit['window_start']} to {fit['window_end']} (nothing later was seen by the fits); "
        f"target: {fit['target']}.",
        "",
        "## Least squares (deterministic run)",
        "",
        "| parameter | value | unit |",
        "|---|---|---|",
        f"| growth_per_day | {p['growth_per_day']:.5f} | 1/d |",
        f"| deployment_lag_days | {p['deployment_lag_days']} | d |",
        f"| unprofitable_retirement_days | {p['unprofitable_retirement_days']:.1f} | d |",
        f"| supply_ths_per_day (2020-01-01) | {p['supply_ths_per_day']:.4g} | TH/s per day |",
        f"| supply_growth_per_year | {p['supply_growth_per_year']:+.3f} | 1/yr |",
        "",
        f"In-sample MdAPE of the daily hashrate {fit['median_absolute_percentage_error']:.1%}, RMSE of the log "
        f"{fit['rmse_log']:.3f}, error on the cut-off day {fit['error_on_cutoff_day']:+.1%}, {fit['engine_runs']} "
        "engine runs.",
        "",
        "Correlations of the log-parameter estimates at the optimum (near +-1: not identifiable from the "
        "hashrate; the tariff factors are probed, not fitted):",
        "",
        *(f"- {pair.replace('~', ' / ')}: {value:+.2f}" for pair, value in fit["correlations"].items()),
        "",
        "## Posterior",
        "",
        f"{post['particles']} particles (seed {post['seed']}) from the least-squares estimate: the residuals' lag-1 "
        f"autocorrelation leaves {post['effective_sample_size']:.0f} independent days, so the standard errors are "
        f"widened {post['widening']:.1f}x; largest RMSE of the log among the particles {post['largest_rmse_log']:.3f}."
        + (f" The model's own error, from the same residuals: AR(1) with lag-1 autocorrelation "
           f"{post['discrepancy_rho']:.3f} and standard deviation {post['discrepancy_sigma']:.3f} on the log scale."
           if "discrepancy_sigma" in post else ""),
        "",
    ]
    for name, d in t["distributions"].items():
        lines.append(f"- {name}: log-normal, median {d['median']:.4g}, sigma {d['sigma']:.3f}" if d["dist"] == "lognormal"
                     else f"- {name}: normal, mean {d['mean']:.4g}, sd {d['sd']:.3f}")
    lags = ", ".join(f"{lag} d: {share:.0%}" for lag, share in post["lag_frequencies"].items())
    lines += [f"- deployment lag: {lags}", "",
              f"## Out of sample: {hold['scenario']}, {hold['window_start']} to {hold['window_end']}", "",
              f"The fleet starts {hold['start']}; each particle also samples the scenario's own uncertain values. "
              f"Median of {hold['draws']} posterior draws ({hold['compared']}): MdAPE "
              f"{hold['median_absolute_percentage_error']:.1%}, RMSE of the log {hold['rmse_log']:.3f}; the predictive "
              f"5-95 % band (the draws times the model's own error) holds the observed hashrate on "
              f"{hold['coverage_5_95']:.0%} of the days"
              + (f", the band of the draws alone on {hold['coverage_5_95_parameters']:.0%}"
                 if "coverage_5_95_parameters" in hold else "") + ". Least-squares "
              f"parameters alone: MdAPE {hold['point_fit_mdape']:.1%}. Both paths divided by their value on the "
              f"cut-off day: MdAPE {hold['relative_path_mdape']:.1%}. Prices and fees after the cut-off are the "
              "observed ones.", "",
              "Figures: " + ", ".join(FIGURES), ""]
    if "crackdown" in t:
        lines[-2:-2] = _crackdown_lines(t["crackdown"])
    return "\n".join(lines)


def _crackdown_lines(table: dict) -> list[str]:
    """The crackdown check of the set's least-squares parameters against the record."""
    model = {name: None if value == "none" else pd.Timestamp(value) if isinstance(value, str) else value
             for name, value in table.items() if name not in ("scenario", "draws")}
    rows = crackdown.compare(model)
    return [f"## The 2021 crackdown: {table['scenario']}, {table['draws']} draws, least-squares parameters", "",
            *crackdown.summary_lines(rows), ""]


def write_report(calibration: Calibration, folder, set_label: str = "") -> list[Path]:
    """Write the figures and ``summary.md`` into ``folder`` (created if missing; its parent must exist)."""
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    written = []
    for name, draw in FIGURES.items():
        written.append(save_figure(draw(calibration), folder / name))
    with atomic_path(folder / "summary.md") as tmp:
        tmp.write_text(summary_text(calibration, set_label), encoding="utf-8")
    return [*written, folder / "summary.md"]
