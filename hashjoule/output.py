"""Writing results: provenance attributes, and atomic NetCDF / CSV files.

A file is first written to a temporary name in the target folder and renamed into
place only when complete, so an interrupted or failed run never leaves a partial file
at the output path.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd
import xarray as xr

from hashjoule.errors import InputError

#: Output formats by file suffix.
FORMATS = {".nc": "NetCDF4 (h5netcdf)", ".csv": "CSV"}
_PACKAGES = ("hashjoule", "numpy", "pandas", "xarray", "scipy", "h5netcdf", "matplotlib", "simpy", "dask",
             "distributed", "SALib")


#: Functions giving more provenance attributes (name -> text, '' for none); the data layer
#: registers one naming the user's data files (this module sits below it and cannot ask).
PROVENANCE_SOURCES: list = []


def register_provenance(source) -> None:
    """Add a function ``() -> dict[str, str]`` whose non-empty items every output carries."""
    if source not in PROVENANCE_SOURCES:
        PROVENANCE_SOURCES.append(source)


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(command: str | None = None) -> dict[str, str]:
    """Global attributes that say how an output was made.

    Parameters
    ----------
    command : str, optional
        Command line, default ``sys.argv`` joined.
    """
    versions = []
    for name in _PACKAGES:
        try:
            versions.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    extra = {key: value for source in PROVENANCE_SOURCES for key, value in source().items() if value}
    return {
        **extra,
        "history": f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ} created by hashjoule",
        "command": command if command is not None else " ".join(sys.argv),
        "software_versions": f"python {platform.python_version()}; " + "; ".join(versions),
        "data_licence": "Coin Metrics and CCAF (Cambridge) data: CC BY-NC 4.0, non-commercial use only; "
                        "see hashjoule/data/PROVENANCE.md",
    }


def check_output_path(path) -> Path:
    """Refuse an output path with an unknown suffix or a missing folder, before any work."""
    path = Path(path)
    if path.suffix not in FORMATS or not path.stem:
        raise InputError.single("output", str(path), f"a file name ending in {' or '.join(FORMATS)}",
                                repr(path.name or "an empty name"))
    if not path.parent.is_dir():
        raise InputError.single("output", str(path), "a path in an existing folder", f"no folder {str(path.parent)!r}")
    if path.is_dir():
        raise InputError.single("output", str(path), "a file name", "an existing folder")
    if not os.access(path.parent, os.W_OK):
        raise InputError.single("output", str(path), "a folder you may write to", "no write permission")
    return path


#: Bytes of results.nc per draw and day when the draws are kept (measured: 329 MB for the
#: baseline's 100 draws over 5,479 days). [bytes]
BYTES_PER_DRAW_DAY = 600
#: Least free space asked of an output folder, whatever the run. [bytes]
MIN_FREE_BYTES = 50_000_000


def check_output_folder(folder, needed_bytes: int = MIN_FREE_BYTES, option: str = "output") -> Path:
    """Refuse, before any work, an output folder that cannot be made or written, or a disk
    without room for the results (``needed_bytes``, at least :data:`MIN_FREE_BYTES`).

    The folder itself need not exist yet; its parent must. Nothing is created.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError.single(option, str(folder), "a folder", "an existing file")
    existing = folder if folder.is_dir() else folder.parent
    if not existing.is_dir():
        raise InputError.single(option, str(folder), "a folder inside an existing one", "no such parent folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError.single(option, str(folder), "a folder you may write to", f"no write permission in {existing}")
    try:
        free = shutil.disk_usage(existing).free
    except OSError:
        return folder  # not knowable here: a failed write is still reported cleanly
    needed = max(int(needed_bytes), MIN_FREE_BYTES)
    if free < needed:
        raise InputError.single(option, str(folder), f"at least {needed / 1e6:,.0f} MB free for the results "
                                "(fewer draws, --reduce or another disk need less)", f"{free / 1e6:,.0f} MB free")
    return folder


def results_bytes(days: int, draws: int, keep_draws: bool) -> int:
    """Rough size of a run's results and checkpoint: kept draws are written twice (the
    checkpoint's batches, then results.nc). [bytes]"""
    return 2 * BYTES_PER_DRAW_DAY * days * draws if keep_draws else MIN_FREE_BYTES


@contextmanager
def atomic_path(path: Path):
    """Yield a temporary path beside ``path``; rename it to ``path`` on success only."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def wide_table(ds: xr.Dataset) -> tuple[pd.DataFrame, list[str]]:
    """One row per time step; variables with more dimensions become one column per label.

    A variable ``power`` over (time, estimator, bound) gives columns such as
    ``power[cbeci,best] (GW)``; all-NaN columns are left out. Variables without a time
    dimension are returned as text lines instead (name, labels, value, unit).
    """
    columns, lines = {}, []
    for name, var in ds.data_vars.items():
        unit = var.attrs.get("units", "")
        if "time" not in var.dims:
            for labels, value in var.to_series().items() if var.dims else [((), float(var))]:
                if pd.isna(value):
                    continue
                labels = labels if isinstance(labels, tuple) else (labels,)
                lines.append(f"{name}{'[' + ','.join(map(str, labels)) + ']' if labels else ''} = {value:.6g} {unit}")
            continue
        others = [d for d in var.dims if d != "time"]
        frame = var.transpose("time", *others).to_series().unstack(others) if others else var.to_series().to_frame(name)
        for key in frame.columns:
            label = name if not others else f"{name}[{','.join(map(str, key if isinstance(key, tuple) else (key,)))}]"
            if frame[key].notna().any():
                columns[f"{label} ({unit})" if unit else label] = frame[key]
    return pd.DataFrame(columns), lines


def write(ds: xr.Dataset, path, command: str | None = None) -> Path:
    """Write a Dataset with provenance to NetCDF4 (``.nc``) or CSV (``.csv``), atomically.

    CSV files hold one row per day (see :func:`wide_table`) after ``#`` comment lines
    with the global attributes, the long name of every variable, and the values of
    variables that have no time dimension.

    Raises
    ------
    hashjoule.errors.InputError
        If the path is unusable or the file cannot be written (the message says why);
        nothing is left at ``path`` then.
    """
    path = check_output_path(path)
    ds = ds.assign_attrs(provenance(command))
    try:
        with atomic_path(path) as tmp:
            if path.suffix == ".nc":
                ds.to_netcdf(tmp, engine="h5netcdf", invalid_netcdf=False)
            else:
                table, totals = wide_table(ds)
                with open(tmp, "w", encoding="utf-8", newline="") as stream:
                    for key, value in ds.attrs.items():
                        stream.write(f"# {key}: {value}\n")
                    for name, var in ds.data_vars.items():
                        stream.write(f"# variable {name}: {var.attrs.get('long_name', '')} [{var.attrs.get('units', '')}]\n")
                    for line in totals:
                        stream.write(f"# {line}\n")
                    table.to_csv(stream, index_label="time")
    except OSError as error:
        raise InputError.single("output", str(path), "a file that can be written", error.strerror or str(error)) from None
    return path


def prepare_run_folder(folder, needed_bytes: int, resume: bool = False, force: bool = False) -> Path:
    """Make a scenario run's output folder ready, or refuse it before any work.

    A new or empty folder is created. A folder with files is refused unless ``force``
    (its earlier results are then replaced; any checkpoint is removed) or ``resume`` (it
    must hold a ``checkpoint`` folder of an interrupted run, which the run continues).
    Temporary files of a killed run's last writes are removed. Returns the folder.
    """
    folder = Path(folder)
    checkpoint = folder / "checkpoint"
    if folder.exists() and not folder.is_dir():
        raise InputError.single("output", str(folder), "a folder", "an existing file")
    if resume and not checkpoint.is_dir():
        raise InputError.single("output", str(folder), "a folder with an interrupted run to resume",
                                "no checkpoint folder in it")
    check_output_folder(folder, needed_bytes)
    if not resume and folder.is_dir() and any(folder.iterdir()):
        if not force:
            raise InputError.single("output", str(folder), "a new or empty folder (or force to overwrite, "
                                    "resume to finish an interrupted run)", "a folder with files")
        shutil.rmtree(checkpoint, ignore_errors=True)
    folder.mkdir(exist_ok=True)
    for stale in folder.glob(".*.part"):
        stale.unlink(missing_ok=True)
    return folder
