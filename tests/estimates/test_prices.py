"""Electricity prices varying over time and region in the profitability test (the bundled
and user price files themselves: tests/data/test_prices.py)."""

import numpy as np
import pytest
import xarray as xr

from hashjoule.cli import main
from hashjoule.data.prices import reported_prices_usd, us_industrial_price
from hashjoule.errors import InputError
from hashjoule.estimates import estimators as est
from hashjoule.estimates.prices import daily, price_series, reported_regional_price


def _flat(inputs, value):
    return xr.DataArray(np.full(inputs.time.size, value), dims="time", coords={"time": inputs.time}, name="flat")


def test_regional_price_is_a_weighted_mean_of_the_countries():
    price = reported_regional_price()
    by_country = reported_prices_usd().groupby("country").price_usd_per_kwh.mean()
    lo, hi = by_country.drop("Russia", errors="ignore").min(), by_country.drop("Russia", errors="ignore").max()
    assert ((price >= lo) & (price <= hi)).all()
    # China's share falls to 0 in July 2021: the price is then the other countries' mix.
    assert float(price.sel(time="2021-07-01")) != pytest.approx(float(price.sel(time="2021-04-01")))


def test_a_flat_series_gives_the_flat_estimate(inputs):
    flat = est.estimate(0.05, ["cbeci", "cbeci2023", "stoll2019"], inputs=inputs)
    series = est.estimate(0.05, ["cbeci", "cbeci2023", "stoll2019"], inputs=inputs, price_series=_flat(inputs, 0.05))
    xr.testing.assert_allclose(flat.power, series.power)
    assert series.attrs["electricity_price_series"] == "flat"


def test_a_dearer_series_never_raises_the_estimate(inputs):
    cheap = est.estimate(0.05, "cbeci", inputs=inputs, price_series=_flat(inputs, 0.04)).power
    dear = est.estimate(0.05, "cbeci", inputs=inputs, price_series=_flat(inputs, 0.08)).power
    assert (dear.sel(bound="best") <= cheap.sel(bound="best") + 1e-9).all()


def test_us_industrial_prices_lower_2022_against_the_flat_price(inputs):
    """EIA's 2022 industrial price (8.4 c/kWh on average) is well above 5 c: fewer machines
    pass the test, so the 2022 estimate must fall (measured: 127 -> 97 TWh)."""
    flat = est.estimate(0.05, "cbeci", inputs=inputs)
    varying = est.estimate(0.05, "cbeci", inputs=inputs,
                           price_series=daily(price_series("us-industrial"), inputs.time.values))
    year = {"time": slice("2022-01-01", "2022-12-31"), "estimator": "cbeci", "bound": "best"}
    assert float(varying.energy.sel(year).sum()) < 0.9 * float(flat.energy.sel(year).sum())


def test_daily_keeps_first_and_last_values():
    monthly = us_industrial_price()
    days = np.array(["2014-06-15", "2015-01-20", "2023-01-05"], dtype="datetime64[ns]")
    out = daily(monthly, days)
    assert out.values.tolist() == pytest.approx([0.0667, 0.0667, float(monthly[-1])])
    assert out.attrs["covered_from"] == "2015-01-01" and out.attrs["covered_to"] == "2022-10-01"


def test_unknown_series_name_is_refused():
    with pytest.raises(InputError, match="us-industrial, reported or an existing CSV file"):
        price_series("nowhere-prices")


def test_a_series_with_a_gap_is_refused(inputs):
    gappy = _flat(inputs, 0.05)
    gappy[100] = np.nan
    with pytest.raises(InputError, match="positive electricity price"):
        est.estimate(0.05, "cbeci", inputs=inputs, price_series=gappy)


def test_command_line_price_series_and_ewaste(capsys, tmp_path):
    assert main(["estimate", "--year", "2022", "--method", "cbeci", "--price-series", "us-industrial",
                 "--ewaste"]) == 0
    out = capsys.readouterr().out
    assert "Electricity price series us-industrial" in out and "flat" in out and "change -2" in out
    assert "Mining machines retired (e-waste)" in out and "de Vries and Stoll 2021: 30.7 kt/yr" in out
    bad = tmp_path / "p.csv"
    bad.write_text("date,price_usd_per_kwh\n2021-01-01,x\n", encoding="utf-8")
    assert main(["estimate", "--year", "2021", "--price-series", str(bad)]) == 2
    assert "line 2, column 'price_usd_per_kwh'" in capsys.readouterr().err
