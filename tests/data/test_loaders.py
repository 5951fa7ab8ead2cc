"""Bundled data: every file loads with units, and damaged files are refused clearly."""

import numpy as np
import pandas as pd
import pytest

from hashjoule.data import (
    SPECS,
    cambridge_series,
    cbeci_hardware,
    chain_daily,
    epoch_headers,
    fees_daily,
    read_table,
)
from hashjoule.errors import InputError


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_bundled_file_loads_with_units(name):
    table = read_table(name)
    spec = SPECS[name]
    assert len(table) > 0
    assert set(spec.columns) <= set(table.columns)
    assert table.attrs["units"] == spec.units
    for column in spec.units:
        assert table[column].dtype == float


def test_provenance_ships_with_the_data():
    from importlib import resources

    text = resources.files("hashjoule.data").joinpath("PROVENANCE.md").read_text(encoding="utf-8")
    for spec in SPECS.values():
        assert spec.filename.removesuffix(".csv") in text, f"{spec.filename} has no provenance entry"
    assert "CC BY-NC 4.0" in text


def test_chain_daily_is_labelled():
    chain = chain_daily()
    assert chain.time.size == 5161
    assert chain.hashrate.attrs["units"] == "TH/s"
    assert chain.price.attrs["units"] == "USD/BTC"
    # PROVENANCE check values: 2021-01-01 hashrate 137.8 EH/s, 2021-05-10 price 55,903 USD
    assert float(chain.hashrate.sel(time="2021-01-01")) / 1e6 == pytest.approx(137.8, rel=1e-3)
    assert float(chain.price.sel(time="2021-05-10")) == pytest.approx(55_903, rel=1e-4)
    assert (np.diff(chain.time.values) == np.timedelta64(1, "D")).all()


def test_chain_daily_returns_an_independent_copy():
    first = chain_daily()
    first["price"][:] = -1.0
    assert float(chain_daily().price.max()) > 0


def test_other_loaders():
    headers = epoch_headers()
    assert len(headers) == 437 and headers.height.iloc[-1] == 878_976
    assert headers.bits.iloc[0] == 0x1D00FFFF
    cbeci = cambridge_series()
    assert cbeci.dims == ("time", "electricity_price") and cbeci.shape == (4795, 19)
    assert float(cbeci.sel(time="2021-05-12", electricity_price=0.05)) == pytest.approx(114.4, abs=0.05)
    hardware = cbeci_hardware()
    assert len(hardware) == 90
    assert hardware.set_index("name").efficiency_j_per_th["Bitmain Antminer S9 (13.5Th)"] == 98
    fees = fees_daily()
    assert fees.fees.attrs["units"] == "BTC/day"


# --- refusals ---------------------------------------------------------------

COINMETRICS = "btc_daily_coinmetrics"


def _edit(folder, name, edit):
    path = folder / f"{name}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")


def _set_cell(lines, line_number, column, value):
    header = lines[0].split(",")
    cells = lines[line_number - 1].split(",")
    cells[header.index(column)] = value
    lines[line_number - 1] = ",".join(cells)
    return lines


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda ls: _set_cell(ls, 1000, "hashrate_ths", "-5"), "line 1000, column 'hashrate_ths': expected a non-negative value"),
        (lambda ls: _set_cell(ls, 1000, "hashrate_ths", "nan"), "line 1000, column 'hashrate_ths': expected a number"),
        (lambda ls: _set_cell(ls, 1000, "price_usd", "abc"), "line 1000, column 'price_usd': expected a number, found 'abc'"),
        (lambda ls: _set_cell(ls, 1000, "difficulty_mean", "inf"), "column 'difficulty_mean': expected a finite number"),
        (lambda ls: _set_cell(ls, 1000, "block_count", ""), "line 1000, column 'block_count': expected a value"),
        (lambda ls: _set_cell(ls, 1000, "date", "2011/01/01"), "line 1000, column 'date': expected a date written YYYY-MM-DD"),
        (lambda ls: [ls[0], *ls[1:10], ls[11], ls[10], *ls[12:]], "line 12, column 'date': expected strictly increasing"),
        (lambda ls: [ls[0], *ls[1:10], ls[10], ls[10], *ls[11:]], "line 12, column 'date': expected strictly increasing"),
        (lambda ls: [ls[0].replace("price_usd", "price")] + ls[1:], "header: expected columns price_usd"),
        (lambda ls: ls[:1], "expected at least one data row"),
        (lambda ls: [], "expected a UTF-8 CSV table"),
    ],
    ids=["negative", "nan", "text", "inf", "blank", "bad-date", "out-of-order", "duplicate-date",
         "missing-column", "header-only", "empty"],
)
def test_damaged_file_is_refused_with_line_and_column(data_copy, edit, expected):
    folder = data_copy(COINMETRICS)
    _edit(folder, COINMETRICS, edit)
    with pytest.raises(InputError) as caught:
        read_table(COINMETRICS, folder)
    message = str(caught.value)
    assert message.startswith(str(folder / f"{COINMETRICS}.csv"))
    assert expected in message


def test_binary_junk_is_refused(data_copy):
    folder = data_copy(COINMETRICS)
    (folder / f"{COINMETRICS}.csv").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00junk")
    with pytest.raises(InputError, match="expected a UTF-8 CSV table"):
        read_table(COINMETRICS, folder)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(InputError, match="expected an existing file"):
        read_table(COINMETRICS, tmp_path)


def test_all_problems_are_reported_at_once(data_copy):
    folder = data_copy(COINMETRICS)
    _edit(folder, COINMETRICS, lambda ls: _set_cell(_set_cell(ls, 20, "hashrate_ths", "-1"), 30, "price_usd", "x"))
    with pytest.raises(InputError) as caught:
        read_table(COINMETRICS, folder)
    assert len(caught.value.problems) == 2


def test_long_lists_of_bad_rows_are_abbreviated(data_copy):
    folder = data_copy(COINMETRICS)

    def negate(lines):
        for n in range(100, 200):
            lines = _set_cell(lines, n, "hashrate_ths", "-1")
        return lines

    _edit(folder, COINMETRICS, negate)
    with pytest.raises(InputError, match=r"lines 100, 101, 102 \(and 97 more\)"):
        read_table(COINMETRICS, folder)


def test_order_is_checked_within_groups(data_copy):
    name = "owid_population_2022vintage"
    folder = data_copy(name)
    _edit(folder, name, lambda ls: [ls[0], ls[2], ls[1], *ls[3:]])
    with pytest.raises(InputError, match="strictly increasing values within each country"):
        read_table(name, folder)


def test_signed_columns_may_be_negative():
    table = read_table("owid_electricity_2022vintage")
    assert (table.net_imports_twh < 0).any()


def test_typed_loaders_check_too(data_copy):
    folder = data_copy("btc_epoch_start_headers")
    _edit(folder, "btc_epoch_start_headers", lambda ls: _set_cell(ls, 5, "difficulty", "-1"))
    with pytest.raises(InputError, match="column 'difficulty'"):
        epoch_headers(folder)


def test_unknown_table_name():
    with pytest.raises(KeyError, match="no bundled data file"):
        read_table("nope")


def test_times_are_datetimes():
    table = read_table("cbeci_mining_map_countries_monthly")
    assert pd.api.types.is_datetime64_any_dtype(table.month)


@pytest.mark.parametrize("edit, message", [
    (lambda ls: [ls[0], *ls[1:5], *ls[6:]], "consecutive epochs"),
    (lambda ls: _set_cell(ls, 5, "height", "6049"), "height = 2016 x epoch"),
])
def test_epoch_headers_must_be_consecutive_epochs(data_copy, edit, message):
    folder = data_copy("btc_epoch_start_headers")
    _edit(folder, "btc_epoch_start_headers", edit)
    with pytest.raises(InputError, match=message):
        epoch_headers(folder)
