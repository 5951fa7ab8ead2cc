"""China's 2021 shutdowns: the policy timeline above the simulated and observed hashrate."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from hashjoule.figures.style import GREY, OKABE_ITO, OUTER, caption, draw_quantiles, new_figure, styled

#: Colour of each kind of policy in the Gantt chart.
KIND_COLOURS = {"shutdown": OKABE_ITO["vermillion"], "deployment_ban": OKABE_ITO["orange"],
                "tariff_surcharge": OKABE_ITO["purple"]}
#: Trailing window of the observed hashrate's mean (the daily series is noisy). [d]
OBSERVED_WINDOW_DAYS = 7


def _gantt(ax, policies: xr.Dataset, events: xr.Dataset | None, start, end) -> None:
    rows = [str(v) for v in policies.label.values]
    if events is not None:
        rows.append("reported notices")
        y = len(rows) - 1
        ax.plot(events.announced.values, np.full(events.event.size, y), linestyle="none", marker="|",
                markersize=9, color=GREY)
    for y, p in enumerate(policies.policy.values):
        row = policies.sel(policy=p)
        kind = str(row.kind.values)
        colour = KIND_COLOURS.get(kind, GREY)
        first = row.start.values
        last = row.end.values if not np.isnat(row.end.values) else end
        if not np.isnat(row.announced.values) and row.announced.values < first:
            ax.plot([row.announced.values, first], [y, y], color=colour, linewidth=1.0)
        ax.barh(y, last - first if last > first else np.timedelta64(1, "D"), left=first, height=0.55, color=colour,
                alpha=0.9 if kind == "shutdown" else 0.45, linewidth=0)
        marker_day = row.announced.values if not np.isnat(row.announced.values) else first
        ax.plot(marker_day, y, marker="D", markersize=4, color=colour)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    handles = [Patch(color=c, alpha=0.9 if k == "shutdown" else 0.45, label=k.replace("_", " "))
               for k, c in KIND_COLOURS.items() if k in set(map(str, policies.kind.values))]
    ax.legend(handles=handles, loc="center right", fontsize=7)


def observed_mean(observed: xr.DataArray) -> xr.DataArray:
    """The observed hashrate's trailing mean over :data:`OBSERVED_WINDOW_DAYS` (taken before any
    slicing, so the first days shown are whole means). [EH/s]"""
    return observed.rolling(time=OBSERVED_WINDOW_DAYS).mean()


def _china(ax, china: xr.DataArray, mapped: xr.DataArray | None) -> None:
    """China's simulated hashrate (median, 5-95 %) and, as points, the Mining Map's."""
    band = draw_quantiles(china, [OUTER[0], 0.5, OUTER[1]])
    time = china.time.values
    ax.fill_between(time, band.isel(quantile=0), band.isel(quantile=2), color=OKABE_ITO["vermillion"], alpha=0.2,
                    linewidth=0)
    ax.plot(time, band.isel(quantile=1), color=OKABE_ITO["vermillion"],
            label="China, simulated; after the bans: miners who stay")
    if mapped is not None:
        shown = mapped.sel(time=slice(time[0], time[-1]))
        ax.plot(shown.time.values, shown, linestyle="none", marker="o", markersize=4, markerfacecolor="white",
                color=OKABE_ITO["vermillion"], label="China, Cambridge Mining Map (month)")


@styled
def crackdown_timeline(simulated: xr.Dataset, observed: xr.DataArray, policies: xr.Dataset,
                       events: xr.Dataset | None = None, start="2021-01-01", end="2022-03-31",
                       china: xr.DataArray | None = None, mapped_china: xr.DataArray | None = None) -> Figure:
    """Gantt chart of the policies above the network hashrate, simulated (5-95 % of draws) and observed.

    Parameters
    ----------
    simulated : xarray.Dataset
        A scenario run with draws kept: ``hashrate`` over (draw, time, region). [EH/s]
    observed : xarray.DataArray
        Observed network hashrate over ``time``. [EH/s]
    policies : xarray.Dataset
        Over ``policy``: ``label`` (row name), ``kind`` (``shutdown``, ``deployment_ban``,
        ``tariff_surcharge``), ``announced``, ``start`` and ``end`` (days; ``end`` NaT: open).
        A shutdown's bar runs from its effective day to the end of its ramp.
    events : xarray.Dataset, optional
        Over ``event``: ``announced`` (days of reported notices), drawn as ticks.
    start, end : str
        Days shown.
    china : xarray.DataArray, optional
        The run's hashrate in China's regions over (draw, time); after the shutdowns, the
        miners who stay. [EH/s]
    mapped_china : xarray.DataArray, optional
        Mainland China's hashrate by month on the Cambridge Mining Map, over ``time``. [EH/s]

    Returns
    -------
    matplotlib.figure.Figure
    """
    start, end = np.datetime64(start, "ns"), np.datetime64(end, "ns")
    fig, (top, bottom) = new_figure(2, 1, sharex=True, figsize=(7.5, 6.2),
                                    gridspec_kw={"height_ratios": [1.15, 1.0]})
    _gantt(top, policies, events, start, end)
    scenario = simulated.attrs.get("scenario", "")
    fig.suptitle(f"Policies of '{scenario}' (diamond: announced; bar: in force) and the network hashrate", x=0.01,
                 ha="left", fontsize=10, fontweight="bold")

    total = simulated.hashrate.sel(time=slice(start, end)).sum("region")
    band = draw_quantiles(total, [OUTER[0], 0.5, OUTER[1]])
    time = total.time.values
    bottom.fill_between(time, band.isel(quantile=0), band.isel(quantile=2), color=OKABE_ITO["sky"], alpha=0.4,
                        linewidth=0, label=f"simulated, 5-95 % of {total.draw.size} draws")
    bottom.plot(time, band.isel(quantile=1), color=OKABE_ITO["blue"], label="simulated, median")
    seen = observed_mean(observed).sel(time=slice(start, end))
    bottom.plot(seen.time.values, seen, color=OKABE_ITO["black"], linewidth=1.0,
                label=f"observed (Coin Metrics), {OBSERVED_WINDOW_DAYS}-day mean")
    if china is not None:
        _china(bottom, china.sel(time=slice(start, end)), mapped_china)
    bottom.set_ylabel("network hashrate [EH/s]")
    bottom.set_xlabel("date [UTC day]")
    bottom.set_ylim(0, bottom.get_ylim()[1] * (1.4 if china is not None else 1.0))  # room for the legend
    bottom.set_xlim(start, end)
    bottom.legend(loc="upper left", fontsize=7 if china is not None else None, ncol=2 if china is not None else 1)
    notices = ", notices from china_2021_crackdown_timeline.csv" if events is not None else ""
    caption(fig, f"Source: hashjoule scenario '{scenario}' ({simulated.attrs.get('engine', '?')} engine, seed "
                 f"{simulated.attrs.get('seed', '?')}); policies from the scenario file{notices}; observed hashrate: "
                 "Coin Metrics community data (CC BY-NC 4.0)"
                 + ("; China's monthly hashrate: Cambridge Mining Map (CCAF)." if mapped_china is not None else "."))
    return fig
