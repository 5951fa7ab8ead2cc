"""Import a user's newer data files into the user data folder, checked like the bundled ones.

Two kinds of file are understood:

``coinmetrics``
    A daily CSV in the Coin Metrics community format (``time``, ``BlkCnt``, ``DiffMean``,
    ``HashRate`` [TH/s], ``PriceUSD``, ``FeeMeanUSD``, ``CapMrktCurUSD``; other columns
    are ignored). Its days replace the bundled record's on the days it covers and extend
    it after; it must follow on from the bundled record without a missing day.
``mining-map``
    A Cambridge Mining Map country export (``date``, ``country``, ``monthly_hashrate_%``,
    ``monthly_absolute_hashrate_EH/S``); it replaces the bundled table.

The file is checked against a :class:`~hashjoule.data.catalogue.FileSpec` of its own
format (problems name the line and the column of the user's file), converted to the
bundled file's columns, checked again against the bundled file's spec, and only then
moved into place (:func:`hashjoule.output.atomic_path`): a refused or interrupted
import leaves the folder as it was.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from hashjoule.data.catalogue import SPECS, FileSpec
from hashjoule.data.loaders import read_checked
from hashjoule.data.userdata import MANIFEST, read_manifest, user_data_dir
from hashjoule.errors import InputError
from hashjoule.output import atomic_path, sha256

#: Kind of import -> bundled file it replaces.
KINDS = {"coinmetrics": "btc_daily_coinmetrics", "mining-map": "cbeci_mining_map_countries_monthly"}

#: The Coin Metrics community columns read, and the bundled columns they become.
COINMETRICS_COLUMNS = {"BlkCnt": "block_count", "DiffMean": "difficulty_mean", "HashRate": "hashrate_ths",
                       "PriceUSD": "price_usd", "FeeMeanUSD": "fee_mean_usd", "CapMrktCurUSD": "market_cap_usd"}
COINMETRICS_SPEC = FileSpec(
    "(Coin Metrics community CSV)", "Daily chain and market data, Coin Metrics community format.",
    {"BlkCnt": "1", "DiffMean": "1", "HashRate": "TH/s", "PriceUSD": "USD/BTC", "FeeMeanUSD": "USD",
     "CapMrktCurUSD": "USD"},
    # Blank chain values are refused only from block 1's day on (the community file starts at genesis).
    time="time", optional=("BlkCnt", "DiffMean", "HashRate", "PriceUSD", "FeeMeanUSD", "CapMrktCurUSD"))
#: Columns that may not be blank on the days kept.
COINMETRICS_REQUIRED = ("BlkCnt", "DiffMean", "HashRate")
#: The Mining Map export: shares are written with a percent sign, so they are read as text first.
MINING_MAP_SHARE = "monthly_hashrate_%"
MINING_MAP_SPEC = FileSpec(
    "(Cambridge Mining Map export)", "Share of global hashrate by country and month, CCAF export.",
    {"monthly_absolute_hashrate_EH/S": "EH/s"}, text=("date", "country", MINING_MAP_SHARE))


def _coinmetrics_table(path: Path) -> pd.DataFrame:
    """The user's Coin Metrics file, checked, merged onto the bundled record."""
    source = str(path)
    user = read_checked(path, COINMETRICS_SPEC, source)
    bundled = read_checked(_package_file("btc_daily_coinmetrics"), SPECS["btc_daily_coinmetrics"])
    user = user[user.time >= bundled.date.iloc[0]]  # days before block 1's are not used
    if user.empty:
        raise InputError.single(source, "column 'time'", f"days from {bundled.date.iloc[0]:%Y-%m-%d} on", "none")
    for column in COINMETRICS_REQUIRED:
        blank = np.flatnonzero(user[column].isna().to_numpy())
        if blank.size:
            raise InputError.single(source, f"line {int(user.index[blank[0]]) + 2}, column {column!r}",
                                    "a value on every day from block 1's on", "an empty cell")
    days = user.time.to_numpy()
    step = np.diff(days) / np.timedelta64(1, "D")
    gap = np.flatnonzero(step != 1)
    if gap.size:
        raise InputError.single(source, f"line {int(user.index[gap[0] + 1]) + 2}, column 'time'",
                                "consecutive days, one row each",
                                f"{str(days[gap[0] + 1])[:10]} after {str(days[gap[0]])[:10]}")
    last = bundled.date.to_numpy()[-1]
    if days[0] > last + np.timedelta64(1, "D"):
        raise InputError.single(source, f"line {int(user.index[0]) + 2}, column 'time'",
                                f"a first day on or before {str(last + np.timedelta64(1, 'D'))[:10]} "
                                "(the day after the bundled record), so that no day is missing",
                                str(days[0])[:10])
    converted = user.rename(columns={**COINMETRICS_COLUMNS, "time": "date"})[["date", *COINMETRICS_COLUMNS.values()]]
    converted["hashrate_ehs"] = converted.hashrate_ths / 1e6
    kept = bundled[bundled.date < days[0]]
    merged = pd.concat([kept, converted], ignore_index=True)[list(SPECS["btc_daily_coinmetrics"].columns)]
    merged["date"] = merged.date.dt.strftime("%Y-%m-%d")
    return merged


def _mining_map_table(path: Path) -> pd.DataFrame:
    """The user's Mining Map export, checked and in the bundled file's columns."""
    source = str(path)
    user = read_checked(path, MINING_MAP_SPEC, source)
    text = user[MINING_MAP_SHARE].str.strip().str.removesuffix("%")
    share = pd.to_numeric(text, errors="coerce")
    bad = np.flatnonzero(share.isna().to_numpy() | (share < 0).to_numpy())
    if bad.size:
        raise InputError.single(source, f"line {int(bad[0]) + 2}, column {MINING_MAP_SHARE!r}",
                                "a share of global hashrate in % (e.g. 35.4 or 35.4%)",
                                repr(user[MINING_MAP_SHARE].iloc[bad[0]]))
    month = pd.to_datetime(user.date.str.strip().str.slice(0, 7), format="%Y-%m", errors="coerce")
    bad = np.flatnonzero(month.isna().to_numpy())
    if bad.size:
        raise InputError.single(source, f"line {int(bad[0]) + 2}, column 'date'", "a month YYYY-MM or a day YYYY-MM-DD",
                                repr(user.date.iloc[bad[0]]))
    table = pd.DataFrame({"month": month.dt.strftime("%Y-%m"), "country": user.country.str.strip(),
                          "hashrate_share_pct": share, "hashrate_ehs": user["monthly_absolute_hashrate_EH/S"]})
    return table.sort_values("month", kind="stable").reset_index(drop=True)


def _package_file(name: str):
    return resources.files("hashjoule.data").joinpath(SPECS[name].filename)


def import_file(kind: str, path) -> dict:
    """Check a user's file and store it in the user data folder.

    Parameters
    ----------
    kind : {"coinmetrics", "mining-map"}
        What the file holds (see the module's documentation).
    path : path-like
        The user's CSV file.

    Returns
    -------
    record : dict
        What was stored: ``file`` (the bundled name replaced), ``imported_from``,
        ``imported_at``, ``sha256`` of the file read, ``rows``, ``first`` and ``last``.

    Raises
    ------
    hashjoule.errors.InputError
        If the kind is unknown or the file fails a check; nothing is written then.
    """
    if kind not in KINDS:
        raise InputError.single("kind", "", f"one of {', '.join(KINDS)}", repr(kind))
    path = Path(path)
    table = _coinmetrics_table(path) if kind == "coinmetrics" else _mining_map_table(path)
    name = KINDS[kind]
    spec = SPECS[name]
    folder = user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / spec.filename
    with atomic_path(target) as tmp:
        table.to_csv(tmp, index=False)
        checked = read_checked(tmp, spec, f"{path} (converted to {spec.filename})")  # the bundled file's rules
    times = checked[spec.time]
    record = {"file": spec.filename, "kind": kind, "imported_from": str(path.resolve()),
              "imported_at": f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ}", "source_sha256": sha256(path),
              "rows": int(len(checked)), "first": f"{times.iloc[0]:%Y-%m-%d}", "last": f"{times.iloc[-1]:%Y-%m-%d}"}
    _write_manifest(folder, {**read_manifest(folder), spec.filename: record})
    return record


def remove(kind: str) -> list[str]:
    """Remove imported files (``kind`` or ``"all"``); returns the paths removed."""
    names = list(KINDS) if kind == "all" else [kind]
    if any(k not in KINDS for k in names):
        raise InputError.single("kind", "", f"one of {', '.join(KINDS)} or all", repr(kind))
    folder = user_data_dir()
    record = read_manifest(folder)
    removed = []
    for k in names:
        filename = SPECS[KINDS[k]].filename
        target = folder / filename
        if target.is_file():
            target.unlink()
            removed.append(str(target))
        record.pop(filename, None)
    if folder.is_dir():
        _write_manifest(folder, record)
    return removed


def _write_manifest(folder: Path, record: dict) -> None:
    with atomic_path(folder / MANIFEST) as tmp:
        tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
