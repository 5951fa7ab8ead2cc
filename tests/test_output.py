"""Outputs carry provenance and are written atomically."""

import pytest
import xarray as xr

from hashjoule import output
from hashjoule.errors import InputError


@pytest.fixture
def small(estimate_ds):
    return estimate_ds.sel(time=slice("2021-05-01", "2021-05-03"))


def test_netcdf_round_trip_with_provenance(small, tmp_path):
    path = output.write(small, tmp_path / "x.nc", command="hashjoule estimate --date 2021-05-01")
    with xr.open_dataset(path, engine="h5netcdf") as back:
        assert back.attrs["command"] == "hashjoule estimate --date 2021-05-01"
        assert "xarray" in back.attrs["software_versions"]
        assert back.power.attrs["units"] == "GW"
        xr.testing.assert_allclose(back.power, small.power)


def test_csv_has_provenance_units_and_one_row_per_day(small, tmp_path):
    path = output.write(small, tmp_path / "x.csv")
    text = path.read_text()
    assert "# command:" in text and "# variable power: electrical power of the mining network [GW]" in text
    import pandas as pd

    table = pd.read_csv(path, comment="#", index_col="time")
    assert len(table) == 3
    assert "power[cbeci,best] (GW)" in table.columns
    assert "power[stoll2019,lower] (GW)" not in table.columns  # undefined bounds are left out
    assert (path.stat().st_mode & 0o777) != 0o600  # the usual mode, not mkstemp's private one


def test_unwritable_output_is_a_clean_error(small, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", broken)
    with pytest.raises(InputError, match="Permission denied"):
        output.write(small, tmp_path / "x.nc")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_no_file(small, tmp_path, monkeypatch):
    target = tmp_path / "x.nc"
    target.write_text("previous result")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", broken)
    with pytest.raises(InputError, match="disk full"):
        output.write(small, target)
    assert target.read_text() == "previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["x.nc"]


@pytest.mark.parametrize("name", ["x.txt", "x", "missing/x.nc"])
def test_bad_output_paths_are_refused(tmp_path, name):
    with pytest.raises(InputError, match="output"):
        output.check_output_path(tmp_path / name)
