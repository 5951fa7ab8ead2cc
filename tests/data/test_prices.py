"""Electricity price data: the bundled EIA and reported prices in USD/kWh, and a user's own
price file, checked line by line."""

import pytest

from hashjoule.data.prices import reported_prices_usd, us_industrial_price, user_price
from hashjoule.errors import InputError


def test_eia_prices_are_converted_from_cents():
    # EIA Electric Power Monthly, US industrial average: 6.67 cents/kWh in January 2015.
    assert float(us_industrial_price().sel(time="2015-01-01")) == pytest.approx(0.0667)


def test_cny_reports_are_converted_at_the_year_s_rate():
    # The report itself gives 0.26-0.28 CNY/kWh as "USD 0.037-0.040" (CoinDesk, Aug 2020):
    # the middle, 0.27 CNY at 6.8974 CNY/USD (2020), must fall in that range.
    reports = reported_prices_usd()
    inner_mongolia = reports[(reports.region == "Inner Mongolia")].price_usd_per_kwh.iloc[0]
    assert 0.037 <= inner_mongolia <= 0.040
    assert set(reports.country) >= {"China", "United States", "Kazakhstan", "Iran"}


def test_user_price_file_by_month(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("month,price_usd_per_kwh\n2021-01,0.04\n2021-02,0.06\n", encoding="utf-8")
    series = user_price(path)
    assert series.values.tolist() == [0.04, 0.06] and str(path) in series.attrs["source"]


@pytest.mark.parametrize("text, where", [
    ("date,price_usd_per_kwh\n2021-01-01,0.04\n2021-01-02,abc\n", "line 3, column 'price_usd_per_kwh'"),
    ("date,price_usd_per_kwh\n2021-01-01,0.04\n2021-01-01,0.05\n", "line 3, column 'date'"),
    ("date,price_usd_per_kwh\n2021-01-01,0\n", "line 2, column 'price_usd_per_kwh'"),
    ("date,price\n2021-01-01,0.04\n", "header"),
])
def test_bad_user_price_file_names_line_and_column(tmp_path, text, where):
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=where):
        user_price(path)
