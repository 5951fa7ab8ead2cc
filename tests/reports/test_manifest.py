"""The gallery's files beside its figures: data tables, input hashes, folder and manifest."""

import hashlib

import pandas as pd
import pytest
import xarray as xr

from hashjoule.errors import InputError
from hashjoule.reports.manifest import input_files, output_folder, read_manifest, write_table


def test_a_table_carries_its_header_units_and_days_and_is_the_same_when_written_again(tmp_path):
    time = pd.date_range("2021-01-01", periods=3, freq="D")
    data = xr.Dataset({"energy": ("time", [1.0, 2.5, 1 / 3], {"units": "TWh", "long_name": "electricity"})},
                      coords={"time": time})
    first = write_table(data, tmp_path / "a.csv", {"figure": "test", "seed": 0}).read_bytes()
    assert first.decode().splitlines() == ["# figure: test", "# seed: 0", "# energy: electricity [TWh]", "time,energy",
                                           "2021-01-01,1", "2021-01-02,2.5", "2021-01-03,0.333333"]
    assert write_table(data, tmp_path / "a.csv", {"figure": "test", "seed": 0}).read_bytes() == first


def test_inputs_are_hashed_data_files_scenarios_and_their_parameter_set():
    files = input_files(["china-2021"])
    assert "hashjoule/data/btc_daily_coinmetrics.csv" in files
    assert "hashjoule/scenarios/library/china-2021.toml" in files
    assert any(name.startswith("hashjoule/calibration/sets/") for name in files)
    assert all(len(digest) == len(hashlib.sha256().hexdigest()) for digest in files.values())
    assert not any(name.endswith(".toml") and "library" in name for name in input_files([]))


def test_the_folder_must_sit_in_an_existing_one_and_not_be_a_file(tmp_path):
    assert output_folder(tmp_path / "new").is_dir()
    with pytest.raises(InputError, match="no such parent folder"):
        output_folder(tmp_path / "missing" / "new")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="an existing file"):
        output_folder(tmp_path / "file")


def test_a_missing_or_broken_manifest_reads_as_empty(tmp_path):
    assert read_manifest(tmp_path / "manifest.json") == {}
    (tmp_path / "manifest.json").write_text("{not json")
    assert read_manifest(tmp_path / "manifest.json") == {}
    (tmp_path / "manifest.json").write_text('{"figures": {"fan": {}}}')
    assert read_manifest(tmp_path / "manifest.json") == {"figures": {"fan": {}}}
