"""The gallery's files beside its figures: data tables with their units, the SHA-256 of every
input a figure read, the output folder and the manifest an earlier call left in it."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pandas as pd
import xarray as xr

from hashjoule.errors import InputError
from hashjoule.output import atomic_path, sha256


def write_table(data: xr.Dataset, path: Path, header: dict[str, str]) -> Path:
    """Write a Dataset as CSV (one row per coordinate value) after ``#`` lines: the header
    items, then each variable's long name and unit. No dates, so reruns are byte-identical."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as stream:
            for key, value in header.items():
                stream.write(f"# {key}: {value}\n")
            for name, var in data.data_vars.items():
                stream.write(f"# {name}: {var.attrs.get('long_name', name)} [{var.attrs.get('units', '')}]\n")
            frame = data.to_dataframe()
            if isinstance(frame.index, pd.DatetimeIndex):
                frame.index = frame.index.strftime("%Y-%m-%d")
            frame.to_csv(stream, float_format="%.6g", lineterminator="\n")
    return path


def input_files(scenarios) -> dict[str, str]:
    """SHA-256 of the inputs: every bundled data file, the scenario files and their parameter sets."""
    from hashjoule.scenarios.load import library_text, load_scenario

    files = {}
    data = resources.files("hashjoule.data")
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".csv"):
            files[f"hashjoule/data/{entry.name}"] = sha256(entry)
    for name in sorted(scenarios):
        files[f"hashjoule/scenarios/library/{name}.toml"] = hashlib.sha256(library_text(name).encode()).hexdigest()
    for parameter_set in sorted({load_scenario(name)[0].fleet.parameter_set for name in scenarios}):
        path = resources.files("hashjoule.calibration").joinpath("sets", f"{parameter_set}.toml")
        files[f"hashjoule/calibration/sets/{parameter_set}.toml"] = sha256(path)
    return files


def output_folder(directory) -> Path:
    """The gallery's folder, created if its parent exists."""
    directory = Path(directory)
    if not directory.parent.is_dir() or (directory.exists() and not directory.is_dir()):
        raise InputError.single("output", str(directory), "a folder, new or existing, inside an existing one",
                                "no such parent folder" if not directory.parent.is_dir() else "an existing file")
    directory.mkdir(exist_ok=True)
    return directory


def read_manifest(path: Path) -> dict:
    """An earlier call's manifest in the folder, or an empty one."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
