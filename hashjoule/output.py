"""Writing results: provenance attributes, and atomic NetCDF / CSV files.

A file is first written to a temporary name in the target folder and renamed into
place only when complete, so an interrupted or failed run never leaves a partial file
at the output path.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import xarray as xr

from hashjoule.errors import InputError

#: Output formats by file suffix.
FORMATS = {".nc": "NetCDF4 (h5netcdf)", ".csv": "CSV"}
_PACKAGES = ("hashjoule", "numpy", "pandas", "xarray", "scipy", "h5netcdf")


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
    return {
        "history": f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ} created by hashjoule",
        "command": command if command is not None else " ".join(sys.argv),
        "software_versions": f"python {platform.python_version()}; " + "; ".join(versions),
        "data_licence": "Coin Metrics and CCAF (Cambridge) data: CC BY-NC 4.0, non-commercial use only; "
                        "see hashjoule/data/PROVENANCE.md",
    }


def check_output_path(path) -> Path:
    """Refuse an output path with an unknown suffix or a missing folder, before any work."""
    path = Path(path)
    if path.suffix not in FORMATS:
        raise InputError.single("output", str(path), f"a file name ending in {' or '.join(FORMATS)}", repr(path.suffix or "no suffix"))
    if not path.parent.is_dir():
        raise InputError.single("output", str(path), "a path in an existing folder", f"no folder {str(path.parent)!r}")
    return path


@contextmanager
def atomic_path(path: Path):
    """Yield a temporary path beside ``path``; rename it to ``path`` on success only."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write(ds: xr.Dataset, path, command: str | None = None) -> Path:
    """Write a Dataset with provenance to NetCDF4 (``.nc``) or CSV (``.csv``), atomically.

    CSV files start with ``#`` comment lines holding the global attributes and the
    unit of every column.
    """
    path = check_output_path(path)
    ds = ds.assign_attrs(provenance(command))
    with atomic_path(path) as tmp:
        if path.suffix == ".nc":
            ds.to_netcdf(tmp, engine="h5netcdf", invalid_netcdf=False)
        else:
            frame = ds.to_dataframe()
            with open(tmp, "w", encoding="utf-8", newline="") as stream:
                for key, value in ds.attrs.items():
                    stream.write(f"# {key}: {value}\n")
                for name, var in ds.data_vars.items():
                    stream.write(f"# column {name}: {var.attrs.get('long_name', '')} [{var.attrs.get('units', '')}]\n")
                frame.to_csv(stream)
    return path
