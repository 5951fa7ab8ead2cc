"""Importing a user's newer data: checked like the bundled files, stored atomically, used by
every command and named in its outputs; never the user's real data folder here."""

import json

import pytest
import xarray as xr

from hashjoule.cli import main
from hashjoule.data import read_table
from hashjoule.data.importing import import_file, remove
from hashjoule.data.userdata import ENV_VAR, in_use
from hashjoule.errors import InputError
from hashjoule.network.history import daily_inputs
from hashjoule.output import provenance

HEADER = "time,AdrActCnt,BlkCnt,DiffMean,HashRate,PriceUSD,FeeMeanUSD,CapMrktCurUSD\n"
NEWER = HEADER + "".join(f"2023-02-{d},1,{140 + d},39156400000000,{2.8e8 + d * 1e6},23500,1.5,4.5e11\n"
                         for d in range(25, 29))
MAP = ("date,country,monthly_hashrate_%,monthly_absolute_hashrate_EH/S\n"
       "2022-02-01,United States,37.8%,70.1\n2022-02-01,Kazakhstan,13.2%,24.5\n"
       "2022-03-01,United States,38.0%,72.0\n2022-03-01,Kazakhstan,13.0%,24.7\n")


@pytest.fixture(autouse=True)
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "userdata"))
    return tmp_path / "userdata"


def _write(tmp_path, text, name="in.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_newer_days_extend_the_record_everywhere(tmp_path, folder):
    record = import_file("coinmetrics", _write(tmp_path, NEWER))
    assert record["last"] == "2023-02-28" and record["first"] == "2009-01-09"
    inputs = daily_inputs()
    assert str(inputs.time.values[-1])[:10] == "2023-02-28"
    assert float(inputs.hashrate.sel(time="2023-02-27")) == pytest.approx(2.8e8 + 27e6)
    assert "(user data)" in read_table("btc_daily_coinmetrics").attrs["source"]
    assert "btc_daily_coinmetrics.csv <- " in provenance()["user_data"]
    assert json.loads((folder / "imports.json").read_text())["btc_daily_coinmetrics.csv"]["rows"] == record["rows"]


def test_removal_restores_the_bundled_record(tmp_path):
    import_file("coinmetrics", _write(tmp_path, NEWER))
    remove("coinmetrics")
    assert str(daily_inputs().time.values[-1])[:10] == "2023-02-25"
    assert in_use() == {} and "user_data" not in provenance()


def test_a_full_community_file_from_genesis_is_accepted(tmp_path):
    """The community file starts on 2009-01-03 (genesis) with blanks before block 1's day."""
    bundled = read_table("btc_daily_coinmetrics")
    rows = ["2009-01-03,0,,,,,,"] + [
        f"{d:%Y-%m-%d},1,{b:.0f},{m!r},{h!r},{'' if p != p else repr(p)},,"
        for d, b, m, h, p in zip(bundled.date, bundled.block_count, bundled.difficulty_mean, bundled.hashrate_ths,
                                 bundled.price_usd)]
    rows.append("2023-02-26,1,150,39156400000000,300000000.0,23500,1.6,4.5e11")
    record = import_file("coinmetrics", _write(tmp_path, HEADER + "\n".join(rows) + "\n"))
    assert (record["first"], record["last"]) == ("2009-01-09", "2023-02-26")
    imported = daily_inputs()
    remove("coinmetrics")
    bundled_inputs = daily_inputs()
    day = "2021-06-01"  # the same heights, so the same subsidy, as from the bundled record
    assert imported.height_end.sel(time=day).item() == bundled_inputs.height_end.sel(time=day).item()
    assert imported.hashrate.sel(time=day).item() == pytest.approx(bundled_inputs.hashrate.sel(time=day).item())


def test_mining_map_export_replaces_the_table(tmp_path):
    import_file("mining-map", _write(tmp_path, MAP))
    table = read_table("cbeci_mining_map_countries_monthly")
    assert table.hashrate_share_pct.tolist() == [37.8, 13.2, 38.0, 13.0]


@pytest.mark.parametrize("text, where", [
    (NEWER.replace("2023-02-27,1,167", "2023-02-27,1,abc"), "line 4, column 'BlkCnt'"),
    (NEWER.replace(",2.8e8", ",2.8e8").replace("2023-02-26,1,166,39156400000000,", "2023-02-26,1,166,-5,"),
     "line 3, column 'DiffMean'"),
    (HEADER + "2023-03-01,1,140,3.9e13,2.8e8,23500,1.5,4.5e11\n", "line 2, column 'time'"),
    (NEWER.replace("2023-02-27", "2023-03-07"), "column 'time'"),
    (NEWER.replace("HashRate", "Hash"), "header"),
])
def test_bad_file_is_refused_with_line_and_column_and_nothing_written(tmp_path, folder, text, where):
    with pytest.raises(InputError, match=where):
        import_file("coinmetrics", _write(tmp_path, text))
    assert not (folder / "btc_daily_coinmetrics.csv").exists()
    assert not list(folder.glob("*.part")) if folder.exists() else True


def test_bad_mining_map_share_names_its_line(tmp_path):
    with pytest.raises(InputError, match="line 3, column 'monthly_hashrate_%'"):
        import_file("mining-map", _write(tmp_path, MAP.replace("13.2%", "lots")))


def test_command_line_import_list_remove_and_provenance(tmp_path, capsys):
    path = _write(tmp_path, NEWER)
    assert main(["data", "import", "coinmetrics", str(path)]) == 0
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "2009-01-09 to 2023-02-28" in out and str(path) in out
    nc = tmp_path / "e.nc"
    assert main(["estimate", "--date", "2023-02-27", "--method", "cbeci", "-o", str(nc)]) == 0
    assert "User data read instead of the bundled files" in capsys.readouterr().out
    with xr.open_dataset(nc, engine="h5netcdf") as ds:
        assert str(path) in ds.attrs["user_data"]
    assert main(["data", "remove", "all"]) == 0
    assert main(["data", "import", "coinmetrics", str(tmp_path / "missing.csv")]) == 2
