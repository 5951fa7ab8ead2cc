"""Results printed in the terminal as CSV or JSON, for spreadsheets and scripts.

The same results the text tables show, with the provenance every output file carries
(:func:`hashjoule.output.provenance`): in JSON under the key ``provenance``, in CSV as
leading ``# key: value`` comment lines, followed by the result's own attributes and each
column's unit.

A Dataset becomes one CSV row per label of its row dimensions; its other dimensions
become columns named ``variable[label]`` (``energy[0.05]``), each with its unit in the
header (``energy[0.05] (TWh)``), as in the CSV files of :func:`hashjoule.output.write`.
"""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import xarray as xr

#: Formats of the printed results.
FORMATS = ("text", "csv", "json")


def _plain(value):
    """A JSON value: numbers and text as they are, NaN as null, days as ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def wide_frame(ds: xr.Dataset, rows: tuple[str, ...]) -> pd.DataFrame:
    """One row per label of ``rows``; every other dimension of a variable unstacked into
    columns ``name[label,...] (unit)``; coordinates along the rows kept as columns."""
    along = [name for name, c in ds.coords.items() if name not in ds.dims and c.dims and set(c.dims) <= set(rows)]
    ds = ds.reset_coords(along)
    index = pd.MultiIndex.from_product([ds[d].values for d in rows], names=list(rows))
    columns = {}
    for name, var in ds.data_vars.items():
        unit = var.attrs.get("units", "")
        others = [d for d in var.dims if d not in rows]
        var = var.expand_dims({d: ds[d].values for d in rows if d not in var.dims}).transpose(*rows, *others)
        labels = pd.MultiIndex.from_product([var[d].values for d in others]).tolist() if others else [()]
        for label in labels:
            one = var.sel(dict(zip(others, label)))
            key = name + (f"[{','.join(f'{v:g}' if isinstance(v, float) else str(v) for v in label)}]"
                          if others else "")
            columns[f"{key} ({unit})" if unit else key] = one.values.ravel()
    frame = pd.DataFrame(columns, index=index)
    return frame


def _comment(key: str, value) -> str:
    text = " ".join(str(value).split()) if "\n" in str(value) else str(value)
    return f"# {key}: {text}\n"


def to_csv(table: pd.DataFrame, provenance: dict[str, str], attrs: dict | None = None) -> str:
    """A table as CSV text after ``# key: value`` lines: the provenance, then ``attrs``."""
    stream = io.StringIO()
    for key, value in {**provenance, **(attrs or {})}.items():
        stream.write(_comment(key, value))
    table.to_csv(stream, float_format="%.6g", lineterminator="\n")
    return stream.getvalue()


def to_json(result, provenance: dict[str, str]) -> str:
    """A Dataset (xarray's dictionary form: dims, coords, data_vars with their attributes and
    units) or a table (a list of row records) as JSON text, with ``provenance`` as a key."""
    if isinstance(result, xr.Dataset):
        body = result.to_dict(data="list")
    else:
        body = {"rows": result.reset_index().to_dict(orient="records")}
    return json.dumps({"provenance": provenance, **_plain(body)}, indent=1, allow_nan=False) + "\n"


def export(result, fmt: str, provenance: dict[str, str], rows: tuple[str, ...] | None = None) -> str:
    """A result as CSV or JSON text.

    Parameters
    ----------
    result : xarray.Dataset or pandas.DataFrame
    fmt : {"csv", "json"}
    provenance : dict
        :func:`hashjoule.output.provenance` of the command.
    rows : tuple of str, optional
        Row dimensions of a Dataset's CSV (default: its first dimension).
    """
    if fmt == "json":
        return to_json(result, provenance)
    if fmt != "csv":
        raise ValueError(f"format: expected csv or json, got {fmt!r}")
    if isinstance(result, xr.Dataset):
        table = wide_frame(result, rows or (next(iter(result.dims)),))
        scalars = {name: c.item() for name, c in result.coords.items() if not c.dims}
        return to_csv(table, provenance, {**scalars, **result.attrs})
    return to_csv(result, provenance)


def verdict_table(verdicts) -> pd.DataFrame:
    """The claims check as one row per claim: the claim, its verdict, the findings and the
    sources (each list joined by `` | ``)."""
    rows = [{"claim": v.claim, "verdict": v.verdict, "findings": " | ".join(v.findings),
             "sources": " | ".join(v.sources)} for v in verdicts]
    return pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1, name="number"))


def estimate_result(day_or_period: xr.Dataset, account: xr.Dataset) -> xr.Dataset:
    """What ``hashjoule estimate`` prints, over (estimator, bound): the period's account
    (:func:`hashjoule.estimates.accounting.period_account`) with the mean power [GW] and,
    for one day, the annualised energy [TWh/yr]."""
    result = account.assign(mean_power=day_or_period.power.mean("time", skipna=False).assign_attrs(
        units="GW", long_name="mean power over the days"))
    if day_or_period.time.size == 1:
        result["annualised_energy"] = day_or_period.annualised_energy.isel(time=0, drop=True)
    result.attrs.update(electricity_price_usd_per_kwh=day_or_period.attrs["electricity_price_usd_per_kwh"])
    return result


def nested_table(tables: dict, units: dict | None = None) -> pd.DataFrame:
    """Nested sections (a parameter set's tables) as rows ``section.key``, their value (a
    list as numbers separated by spaces) and unit, where ``units[(section, key)]`` gives one."""
    rows = []

    def walk(prefix: tuple, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk((*prefix, str(key)), inner)
            return
        if isinstance(value, (list, tuple, np.ndarray)):
            value = " ".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in value)
        rows.append({"key": ".".join(prefix), "value": value, "unit": (units or {}).get(prefix[:2], "")})

    walk((), tables)
    return pd.DataFrame(rows).set_index("key")
