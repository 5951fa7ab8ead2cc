"""Figures of a calibration: fit, residuals, posterior marginals, out-of-sample check.

Each function takes the Datasets of :class:`hashjoule.calibration.workflow.Calibration`
(``paths`` over time and draw, ``posterior`` over particle) and returns a
:class:`matplotlib.figure.Figure`; nothing is shown or saved here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter
from scipy import stats

from hashjoule.constants import BAND
from hashjoule.figures.style import OKABE_ITO, caption, styled

#: Ratios labelled on the residual axis. [1]
RATIO_TICKS = (0.25, 0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 4.0)


def _cutoff_line(ax, paths: xr.Dataset) -> None:
    ax.axvline(pd.Timestamp(paths.attrs["cutoff"]), color="0.3", linestyle="--", linewidth=1)
    ax.annotate(f"cut-off {paths.attrs['cutoff']}", (pd.Timestamp(paths.attrs["cutoff"]), 0), xycoords=("data", "axes fraction"),
                xytext=(4, 4), textcoords="offset points", ha="left", va="bottom", fontsize=8, color="0.3")


def _band(ax, paths: xr.Dataset, label: str) -> None:
    """The 5-95 % band of the draws and, where the paths carry it, the wider predictive band
    (the draws times the model's own error)."""
    if "predictive" in paths:
        low, high = paths.predictive.quantile(list(BAND), "draw").to_numpy()
        ax.fill_between(paths.time.values, low, high, color=OKABE_ITO["orange"], alpha=0.15, linewidth=0,
                        label=f"{label}, with the model's error")
    low, high = paths.draws.quantile(list(BAND), "draw").to_numpy()
    ax.fill_between(paths.time.values, low, high, color=OKABE_ITO["orange"], alpha=0.35, linewidth=0, label=label)


@styled
def hashrate_fit(paths: xr.Dataset) -> Figure:
    """Observed and simulated network hashrate, with the 5-95 % band of the posterior draws."""
    fig = Figure(figsize=(9, 4.8))
    ax = fig.add_subplot()
    name = paths.attrs["scenario"]
    _band(ax, paths, f"{name}, posterior draws, 5-95 %")
    ax.plot(paths.time.values, paths.draws.median("draw"), color=OKABE_ITO["orange"], linewidth=1.2,
            label=f"{name}, median of draws")
    ax.plot(paths.time.values, paths.fitted, color=OKABE_ITO["blue"], linewidth=1.2, label="least-squares fit (no policy)")
    ax.plot(paths.time.values, paths.observed, color="black", linewidth=1, label="observed (7-day mean)")
    ax.set_yscale("log")
    ax.set_ylabel("network hashrate [EH/s]")
    ax.set_xlabel("date [UTC day]")
    _cutoff_line(ax, paths)
    ax.set_title(f"Fit to {paths.attrs['cutoff']}: MdAPE {paths.attrs['mdape_in_sample']:.1%}; after it: "
                 f"MdAPE {paths.attrs['mdape_check']:.1%}, predictive 5-95 % band covers {paths.attrs['coverage_check']:.0%} of days",
                 fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    caption(fig, "Source: observed hashrate Coin Metrics (CC BY-NC 4.0); simulation hashjoule ensemble engine.")
    return fig


@styled
def residuals(paths: xr.Dataset) -> Figure:
    """Relative error of the least-squares fit in its window, and of the forecast median after it."""
    fig = Figure(figsize=(9, 4))
    ax = fig.add_subplot()
    after = paths.time > np.datetime64(pd.Timestamp(paths.attrs["cutoff"]))
    forecast = (paths.draws.median("draw") / paths.observed).where(after)
    ax.plot(paths.time.values, paths.fitted / paths.observed, color=OKABE_ITO["blue"], linewidth=1,
            label="least-squares fit, in sample")
    ax.plot(paths.time.values, forecast, color=OKABE_ITO["orange"], linewidth=1,
            label=f"{paths.attrs['scenario']} median of draws, out of sample")
    ax.axhline(1, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ticks = [t for t in RATIO_TICKS if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylabel("simulated / observed hashrate [1]")
    ax.set_xlabel("date [UTC day]")
    _cutoff_line(ax, paths)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    ax.set_title("Residuals of the daily hashrate (ratio, logarithmic axis)", fontsize=10)
    caption(fig, "Source: observed hashrate Coin Metrics (CC BY-NC 4.0); simulation hashjoule ensemble engine.")
    return fig


def _marginal(ax, posterior: xr.Dataset, name: str) -> None:
    """One parameter's particles, the distribution written to the set and the least-squares value."""
    values = posterior[name].to_numpy()
    low, high = posterior.attrs[f"range_{name}"]
    point = posterior.attrs[f"least_squares_{name}"]
    normal = f"normal_{name}" in posterior.attrs
    span = (min(low, point), max(high, point))
    pad = 0.1 * (span[1] - span[0]) if normal else 0.0
    bins = np.linspace(span[0] - pad, span[1] + pad, 25) if normal else np.geomspace(span[0] / 1.2, span[1] * 1.2, 25)
    ax.hist(values, bins=bins, weights=np.full(values.size, 1 / values.size), color=OKABE_ITO["orange"], alpha=0.6,
            label="particles")
    if normal:
        mean, sd = posterior.attrs[f"normal_{name}"]
        per_bin, label = np.diff(stats.norm(mean, sd).cdf(bins)), "normal in the set"
    else:
        median, sigma = posterior.attrs[f"lognormal_{name}"]
        per_bin, label = np.diff(stats.lognorm(sigma, scale=median).cdf(bins)), "log-normal in the set"
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.stairs(per_bin, bins, color=OKABE_ITO["vermillion"], label=label)
    ax.axvline(point, color=OKABE_ITO["blue"], linestyle="--", label="least squares")
    ax.set_xlim(bins[0], bins[-1])
    ax.set_xlabel(f"{posterior[name].attrs['long_name']} [{posterior[name].attrs['units']}]")
    ax.set_ylabel("share of particles per bin [1]")


@styled
def posterior_marginals(posterior: xr.Dataset) -> Figure:
    """Histograms of the posterior's particles, the distributions written to the set and the
    least-squares estimate."""
    fig = Figure(figsize=(11, 6.8))
    axes = fig.subplots(2, 3).ravel()
    names = [name for name in posterior.data_vars if name not in ("distance", "deployment_lag_days")]
    for ax, name in zip(axes, names):
        _marginal(ax, posterior, name)
    for ax in axes[len(names):-1]:
        ax.remove()
    lag = posterior.deployment_lag_days.to_numpy()
    values, counts = np.unique(lag, return_counts=True)
    axes[-1].bar(values, counts / lag.size, width=15, color=OKABE_ITO["orange"], alpha=0.6)
    axes[-1].axvline(posterior.attrs["least_squares_deployment_lag_days"], color=OKABE_ITO["blue"], linestyle="--")
    axes[-1].set_xlabel("deployment lag [d]")
    axes[-1].set_ylabel("share of particles [1]")
    axes[0].legend(fontsize=7)
    fig.suptitle(f"Posterior: {posterior.particle.size} particles from the least-squares estimate, standard errors "
                 f"widened {posterior.attrs['widening']:.1f}x for autocorrelated residuals", fontsize=10)
    caption(fig, "Source: hashjoule calibrate, fitted to Coin Metrics hashrate (CC BY-NC 4.0).")
    return fig


@styled
def holdout_check(paths: xr.Dataset) -> Figure:
    """The out-of-sample window: observed hashrate against the scenario's draws."""
    fig = Figure(figsize=(9, 4.5))
    ax = fig.add_subplot()
    start = pd.Timestamp(paths.attrs["check_start"]) - pd.Timedelta(days=60)
    window = paths.sel(time=slice(start, pd.Timestamp(paths.attrs["check_end"])))
    _band(ax, window, "posterior draws, 5-95 %")
    ax.plot(window.time.values, window.draws.median("draw"), color=OKABE_ITO["orange"], label="median of draws")
    ax.plot(window.time.values, window.point, color=OKABE_ITO["blue"], linewidth=1, label="least-squares parameters")
    ax.plot(window.time.values, window.observed, color="black", label="observed (7-day mean)")
    ax.set_ylabel("network hashrate [EH/s]")
    ax.set_xlabel("date [UTC day]")
    ax.set_ylim(bottom=0)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    _cutoff_line(ax, paths)
    ax.set_title(f"Out of sample, {paths.attrs['check_start']} to {paths.attrs['check_end']} ({paths.attrs['scenario']}): "
                 f"MdAPE {paths.attrs['mdape_check']:.1%}, RMSE(log) {paths.attrs['rmse_log_check']:.3f}, "
                 f"predictive band covers {paths.attrs['coverage_check']:.0%} of days", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    caption(fig, "Source: observed hashrate Coin Metrics (CC BY-NC 4.0); simulation hashjoule ensemble engine, "
                  "observed prices after the cut-off.")
    return fig
