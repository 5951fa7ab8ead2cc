"""Datasets the figures need from scenario files and bundled data: policy rows for a Gantt
chart, the reported notices of 2021, the observed hashrate, China's hashrate on the Mining
Map, the composition's groups.

The figure functions take these Datasets and never read files themselves.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import xarray as xr

#: Regions stacked one by one in the composition figure; the rest of China is one group.
COMPOSITION_REGIONS = ("Sichuan", "Xinjiang", "Inner Mongolia", "Yunnan", "United States", "Kazakhstan")


def gantt_rows(scenario) -> xr.Dataset:
    """A scenario's regional policies as Gantt rows: label, kind, announced, start, end.

    ``end`` is the first day after the measure: for a shutdown, ``effective + ramp_days``
    (the ramp's last day is the reported deadline); for a deployment ban its ``end`` plus
    a day; NaT for measures open to the end of the run. Relocation and hidden mining, which
    follow every shutdown rather than name regions, have no row.
    """
    rows = []
    for p in scenario.policy:
        if p.type in ("relocation", "hidden_mining"):
            continue
        label = ", ".join(p.regions) if len(p.regions) <= 2 else f"{p.regions[0]} and {len(p.regions) - 1} more"
        if p.type == "shutdown":
            start, end = p.effective, p.effective + pd.Timedelta(days=p.ramp_days)
            rows.append((f"{label}: shutdown", p.type, p.announced, start, end))
        else:
            end = getattr(p, "end", None)
            end = None if end is None else end + pd.Timedelta(days=1)
            rows.append((f"{label}: {p.type.replace('_', ' ')}", p.type, None, p.start, end))

    def day(value):
        return np.datetime64("NaT", "ns") if value is None else np.datetime64(value, "ns")

    return xr.Dataset({
        "label": ("policy", [r[0] for r in rows]),
        "kind": ("policy", [r[1] for r in rows]),
        "announced": ("policy", [day(r[2]) for r in rows]),
        "start": ("policy", [day(r[3]) for r in rows]),
        "end": ("policy", [day(r[4]) for r in rows]),
    }, coords={"policy": np.arange(len(rows))})


def reported_notices() -> xr.Dataset:
    """Announcement days of the bundled 2021 timeline (the first date written in each row)."""
    from hashjoule.data import read_table

    table = read_table("china_2021_crackdown_timeline")
    found = [(row.jurisdiction, re.search(r"\d{4}-\d{2}-\d{2}", str(row.announced))) for row in table.itertuples()]
    found = [(j, np.datetime64(m.group(0), "ns")) for j, m in found if m]
    return xr.Dataset({"jurisdiction": ("event", [j for j, _ in found]), "announced": ("event", [d for _, d in found])})


def observed_hashrate_ehs() -> xr.DataArray:
    """The observed daily network hashrate (Coin Metrics). [EH/s]"""
    from hashjoule.network.history import daily_inputs

    return (daily_inputs().hashrate / 1e6).assign_attrs(units="EH/s", long_name="observed network hashrate")


def mining_map_china_ehs() -> xr.DataArray:
    """Mainland China's hashrate by month on the Cambridge Mining Map (a monthly mean), dated
    on each month's 15th. [EH/s]"""
    from hashjoule.data import read_table

    table = read_table("cbeci_mining_map_countries_monthly")
    china = table[table.country == "Mainland China"]
    days = (china.month + pd.Timedelta(days=14)).to_numpy(dtype="datetime64[ns]")
    return xr.DataArray(china.hashrate_ehs.to_numpy(dtype=float), coords={"time": days}, dims="time",
                        attrs={"units": "EH/s", "long_name": "Mainland China's hashrate, Cambridge Mining Map "
                               "(monthly mean, dated on the 15th)"})


def composition_groups() -> dict[str, list[str]]:
    """Groups of the composition figure: four provinces, the rest of China, two countries."""
    from hashjoule.scenarios.compare import china_regions

    china = [r for r in china_regions() if r not in COMPOSITION_REGIONS]
    return {**{r: [r] for r in COMPOSITION_REGIONS[:4]}, "rest of China": china,
            **{r: [r] for r in COMPOSITION_REGIONS[4:]}}
