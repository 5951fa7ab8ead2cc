"""Read the bundled reference data, check it, and return labelled objects with units.

:func:`read_table` reads any bundled file and checks it against its
:class:`~hashjoule.data.catalogue.FileSpec`; the other functions return the series the
models use as ``xarray`` objects in canonical units, with ``units`` and ``long_name``
attributes. All accept ``directory=`` to read a file of the same name elsewhere (an
updated copy, or a damaged one in the tests); by default they read the package's copy.
"""

from __future__ import annotations

import copy
import io
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.data.catalogue import SPECS, FileSpec
from hashjoule.data.userdata import stamp, user_file
from hashjoule.errors import InputError, Problem

#: Time formats of :attr:`FileSpec.time_format`, as ``strftime`` patterns.
_TIME_FORMATS = {"date": "%Y-%m-%d", "month": "%Y-%m"}
#: Largest data file read (the largest bundled one is 0.8 MB). [bytes]
MAX_CSV_BYTES = 50_000_000
#: At most this many rows are named in one problem.
_ROWS_SHOWN = 3


def _describe_rows(lines: np.ndarray) -> str:
    shown = ", ".join(str(n) for n in lines[:_ROWS_SHOWN])
    more = f" (and {len(lines) - _ROWS_SHOWN} more)" if len(lines) > _ROWS_SHOWN else ""
    return f"line{'s' if len(lines) > 1 else ''} {shown}{more}"


def _locate(spec: FileSpec, directory: str | Path | None):
    if directory is None:
        user = user_file(spec.filename)
        if user is not None:  # imported with ``hashjoule data import``
            return user, f"{user} (user data)"
        return resources.files("hashjoule.data").joinpath(spec.filename), spec.filename
    path = Path(directory) / spec.filename
    return path, str(path)


def _numeric_problems(df: pd.DataFrame, spec: FileSpec, source: str) -> list[Problem]:
    problems = []
    lines = df.index.to_numpy() + 2  # header is line 1
    for col, unit in spec.units.items():
        if col not in df:
            continue
        text = df[col].str.strip()
        blank = (text == "").to_numpy()
        values = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(dtype=float)
        checks = [
            (~blank & np.isnan(values), "a number", lambda i: repr(text.iloc[i])),
            (blank & (col not in spec.optional), "a value", lambda i: "an empty cell"),
            (np.isinf(values), "a finite number", lambda i: text.iloc[i]),
        ]
        if col not in spec.signed:
            checks.append((values < 0, f"a non-negative value [{unit}]", lambda i: text.iloc[i]))
        for bad, expected, found in checks:
            if bad.any():
                first = int(np.flatnonzero(bad)[0])
                key = f"{_describe_rows(lines[bad])}, column {col!r}"
                problems.append(Problem(source, key, expected, found(first)))
        df[col] = values
    return problems


def _time_problems(df: pd.DataFrame, spec: FileSpec, source: str) -> list[Problem]:
    if spec.time is None or spec.time not in df:
        return []
    lines = df.index.to_numpy() + 2
    text = df[spec.time].astype(str).str.strip()
    if spec.time_format == "integer":
        parsed = pd.to_numeric(text, errors="coerce")
        bad = (parsed.isna() | (parsed != parsed.round())).to_numpy()
        expected = "an integer"
    else:
        parsed = pd.to_datetime(text, format=_TIME_FORMATS[spec.time_format], errors="coerce")
        bad = parsed.isna().to_numpy()
        expected = f"a {spec.time_format} written {'YYYY-MM-DD' if spec.time_format == 'date' else 'YYYY-MM'}"
    if bad.any():
        key = f"{_describe_rows(lines[bad])}, column {spec.time!r}"
        return [Problem(source, key, expected, repr(text.iloc[int(np.flatnonzero(bad)[0])]))]
    df[spec.time] = parsed if spec.time_format == "integer" else parsed.astype("datetime64[ns]")
    groups = [df[c] for c in spec.ordered_within] if spec.ordered_within else np.zeros(len(df))
    step = df[spec.time].groupby(groups).diff()
    zero = 0 if spec.time_format == "integer" else pd.Timedelta(0)
    out_of_order = (step <= zero) if spec.strictly else (step < zero)
    out_of_order = out_of_order.to_numpy()
    if out_of_order.any():
        within = f" within each {'/'.join(spec.ordered_within)}" if spec.ordered_within else ""
        order = "strictly increasing" if spec.strictly else "non-decreasing"
        i = int(np.flatnonzero(out_of_order)[0])
        key = f"{_describe_rows(lines[out_of_order])}, column {spec.time!r}"
        return [Problem(source, key, f"{order} values{within}", f"{df[spec.time].iloc[i]} after an equal or later value")]
    return []


def _read_bytes(path, source: str, spec: FileSpec) -> bytes:
    """The bytes of a data file without a UTF-8 byte order mark; folders, special files,
    files over :data:`MAX_CSV_BYTES`, UTF-16 text and NUL bytes are refused."""
    expected = f"a UTF-8 CSV table with columns {', '.join(spec.columns)}"
    try:
        if isinstance(path, Path):
            if path.is_dir():
                raise InputError.single(source, "", expected, "a folder")
            if path.exists() and not path.is_file():
                raise InputError.single(source, "", expected, "a special file (a device or a pipe)")
            if path.is_file() and path.stat().st_size > MAX_CSV_BYTES:
                raise InputError.single(source, "", f"a file of at most {MAX_CSV_BYTES:,} bytes",
                                        f"{path.stat().st_size:,} bytes")
        with path.open("rb") as stream:
            data = stream.read(MAX_CSV_BYTES + 1)
    except FileNotFoundError:
        raise InputError.single(source, "", "an existing file", "no such file") from None
    except OSError as exc:
        raise InputError.single(source, "", "a readable file", exc.strerror or str(exc)) from None
    if len(data) > MAX_CSV_BYTES:
        raise InputError.single(source, "", f"a file of at most {MAX_CSV_BYTES:,} bytes", "more")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError.single(source, "", f"{expected} (save it as UTF-8)", "UTF-16 text")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError.single(source, f"byte {nul}", expected, "a NUL byte (binary data)")
    return data.removeprefix(b"\xef\xbb\xbf")


def read_table(name: str, directory: str | Path | None = None) -> pd.DataFrame:
    """Read and check one bundled data file (the package's copies are read once and kept).

    Parameters
    ----------
    name : str
        File name without ``.csv`` (a key of :data:`hashjoule.data.catalogue.SPECS`).
    directory : path-like, optional
        Folder to read the file from instead of the package's data.

    Returns
    -------
    table : pandas.DataFrame
        Numeric columns as float, the time column as ``datetime64`` (dates and months)
        or float (years, heights), text columns as str. ``attrs`` holds ``units``
        (column -> unit), ``source`` and ``description``.

    Raises
    ------
    hashjoule.errors.InputError
        If the file is missing, unreadable, lacks a column, has a non-numeric,
        blank, infinite or negative value where none may be, or times out of order.
    """
    if name not in SPECS:
        raise KeyError(f"no bundled data file {name!r}; known: {', '.join(sorted(SPECS))}")
    if directory is None:  # the package's files do not change while it runs; a user's copy is keyed by its stamp
        df = _bundled(name, stamp(SPECS[name].filename))
        out = df.copy(deep=True)
        out.attrs = copy.deepcopy(df.attrs)
        return out
    return _read_checked(name, directory)


@lru_cache(maxsize=64)
def _bundled(name: str, user_stamp: tuple | None) -> pd.DataFrame:
    return _read_checked(name, None)


def _read_checked(name: str, directory: str | Path | None) -> pd.DataFrame:
    spec = SPECS[name]
    path, source = _locate(spec, directory)
    return read_checked(path, spec, source)


def read_checked(path, spec: FileSpec, source: str | None = None) -> pd.DataFrame:
    """Read any CSV file and check it against a :class:`FileSpec` (as :func:`read_table` does).

    Parameters
    ----------
    path : path-like or importlib Traversable
        The file.
    spec : FileSpec
        What it must contain (its ``filename`` is not used).
    source : str, optional
        How problems name the file; default the path.
    """
    source = str(path) if source is None else source
    path = Path(path) if isinstance(path, str) else path
    data = _read_bytes(path, source, spec)
    try:
        df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        found = f"unreadable content ({type(exc).__name__})"
        raise InputError.single(source, "", f"a UTF-8 CSV table with columns {', '.join(spec.columns)}", found) from None
    missing = [c for c in spec.columns if c not in df.columns]
    if missing:
        raise InputError.single(source, "header", f"columns {', '.join(missing)}", f"columns {', '.join(df.columns)}")
    if df.empty:
        raise InputError.single(source, "", "at least one data row", "a header only")
    problems = _numeric_problems(df, spec, source)
    problems += _time_problems(df, spec, source)
    if problems:
        raise InputError(problems)
    df.attrs.update(units=dict(spec.units), source=source, description=spec.description)
    return df


def labelled(dim: str, values, units: str, long_name: str, **attrs) -> tuple:
    """A float variable along one dimension, with its unit and name, for ``xarray.Dataset``."""
    return (dim, np.asarray(values, dtype=float), {"units": units, "long_name": long_name, **attrs})


def _variable(values, units: str, long_name: str, source: str) -> tuple:
    return labelled("time", values, units, long_name, source=source)


@lru_cache(maxsize=8)
def _chain_daily_cached(directory: str | None, user_stamp: tuple | None = None) -> xr.Dataset:
    df = read_table("btc_daily_coinmetrics", directory)
    src = f"Coin Metrics community data (CC BY-NC 4.0), {df.attrs['source']}"
    return xr.Dataset(
        {
            "block_count": _variable(df.block_count, "1", "blocks mined on the day", src),
            "difficulty": _variable(df.difficulty_mean, "1", "mean difficulty of the day's blocks", src),
            "hashrate": _variable(df.hashrate_ths, "TH/s", "network hashrate implied by blocks and difficulty", src),
            "price": _variable(df.price_usd, "USD/BTC", "bitcoin reference rate", src),
            "fee_mean": _variable(df.fee_mean_usd, "USD", "mean fee per transaction", src),
        },
        coords={"time": ("time", df.date.to_numpy(), {"long_name": "UTC day"})},
    )


def chain_daily(directory: str | Path | None = None) -> xr.Dataset:
    """Daily blocks, difficulty, hashrate, price and mean fee, 2009-01-09 to 2023-02-25.

    Returns
    -------
    chain : xarray.Dataset
        Over ``time`` (UTC days): ``block_count`` [1], ``difficulty`` [1],
        ``hashrate`` [TH/s], ``price`` [USD/BTC] (NaN before 2010-07-18),
        ``fee_mean`` [USD per transaction].
    """
    if directory is None:
        return _chain_daily_cached(None, stamp(SPECS["btc_daily_coinmetrics"].filename)).copy(deep=True)
    return _chain_daily_cached(str(directory)).copy(deep=True)


def fees_daily(directory: str | Path | None = None) -> xr.Dataset:
    """Daily total fees and subsidy issued, 2016-01-01 to 2022-09-01 (Glassnode).

    Returns
    -------
    fees : xarray.Dataset
        Over ``time``: ``fees`` [BTC/day], ``issuance`` [BTC/day] (NaN after 2022-03-26).
    """
    df = read_table("btc_daily_fees_glassnode", directory)
    src = "Glassnode via a public thesis repository, btc_daily_fees_glassnode.csv"
    return xr.Dataset(
        {
            "fees": _variable(df.total_fees_btc, "BTC/day", "transaction fees paid to miners", src),
            "issuance": _variable(df.new_issuance_btc, "BTC/day", "block subsidy issued", src),
        },
        coords={"time": ("time", df.date.to_numpy(), {"long_name": "UTC day"})},
    )


def epoch_headers(directory: str | Path | None = None) -> pd.DataFrame:
    """First block header of every difficulty epoch, genesis to 2025-01-12.

    Returns
    -------
    headers : pandas.DataFrame
        Indexed by ``epoch``; integer columns ``height``, ``time_unix`` [s] and
        ``bits`` (compact target), float ``difficulty`` [1], ``time`` (UTC).
    """
    df = read_table("btc_epoch_start_headers", directory)
    out = pd.DataFrame(
        {
            "height": df.height.astype(np.int64).to_numpy(),
            "time_unix": df.time_unix.astype(np.int64).to_numpy(),
            "bits": df.bits_int.astype(np.int64).to_numpy(),
            "difficulty": df.difficulty.to_numpy(),
        },
        index=pd.Index(df.epoch.astype(np.int64), name="epoch"),
    )
    epochs = out.index.to_numpy()
    problems = [
        Problem(df.attrs["source"], f"{_describe_rows(np.flatnonzero(bad) + 2)}, column {column!r}", expected)
        for bad, column, expected in (
            (np.diff(epochs, prepend=-1) != 1, "epoch", "consecutive epochs 0, 1, 2, ..."),
            (out.height.to_numpy() != 2016 * epochs, "height", "height = 2016 x epoch"),
        )
        if bad.any()
    ]
    if problems:
        raise InputError(problems)
    out["time"] = pd.to_datetime(out.time_unix, unit="s")
    out.attrs.update(df.attrs, units={"time_unix": "s", "difficulty": "1"})
    return out


def cambridge_series(directory: str | Path | None = None) -> xr.DataArray:
    """The Cambridge index (CBECI) annualised consumption as served in September 2023.

    Returns
    -------
    cbeci : xarray.DataArray
        Dims ``time`` x ``electricity_price`` [USD/kWh, 0.01 .. 0.19]. [TWh/yr]
    """
    df = read_table("cbeci_annualized_twh_daily_by_price", directory)
    columns = [c for c in df.columns if c.startswith("twh_per_year_at_")]
    prices = [float(c.removeprefix("twh_per_year_at_").removesuffix("_usd_per_kwh")) for c in columns]
    return xr.DataArray(
        df[columns].to_numpy(dtype=float),
        dims=("time", "electricity_price"),
        coords={"time": df.date.to_numpy(), "electricity_price": ("electricity_price", prices, {"units": "USD/kWh"})},
        name="cbeci_annualised_energy",
        attrs={"units": "TWh/yr", "long_name": "CBECI annualised electricity consumption",
               "source": "Cambridge Bitcoin Electricity Consumption Index (CC BY-NC 4.0), served 2023-09"},
    )


def cbeci_hardware(directory: str | Path | None = None) -> pd.DataFrame:
    """Hardware list of the original Cambridge index model (90 models, to May 2020).

    Returns
    -------
    hardware : pandas.DataFrame
        Columns ``name``, ``release_date`` (UTC), ``efficiency_j_per_th`` [J/TH],
        ``qty_weight`` [1].
    """
    df = read_table("cbeci_miners_2020", directory)
    return pd.DataFrame(
        {
            "name": df.miner_name,
            "release_date": pd.to_datetime(df.release_unix, unit="s").astype("datetime64[ns]"),
            "efficiency_j_per_th": df.efficiency_j_per_th,
            "qty_weight": df.qty_weight,
        }
    )
