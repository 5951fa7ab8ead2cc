"""The article-claims check: numbers come from the estimators, verdicts from the numbers."""

import pytest

from hashjoule.estimates.claims import check_annual_energy, check_claims, check_energy_per_bitcoin
from hashjoule.errors import InputError
from hashjoule.estimates.accounting import energy_consumed_twh


def test_annual_energy_findings_are_the_estimator_numbers(estimate_ds):
    verdict = check_annual_energy(2021, ds=estimate_ds)
    consumed = energy_consumed_twh(estimate_ds, "2021-01-01", "2021-12-31").sel(estimator="cbeci")
    assert f"{float(consumed.sel(bound='best')):.1f} TWh" in verdict.findings[0]
    assert verdict.verdict and verdict.sources


def test_annual_energy_verdict_follows_the_numbers(estimate_ds):
    scaled = estimate_ds.copy()
    scaled["energy"] = estimate_ds.energy * 10  # a world using ten times as much
    assert check_annual_energy(2021, ds=estimate_ds).verdict.startswith("Plausible")
    assert check_annual_energy(2021, ds=scaled).verdict.startswith("Not supported")


def test_energy_per_bitcoin_verdict(estimate_ds):
    verdict = check_energy_per_bitcoin(2021, ds=estimate_ds)
    assert "MWh/BTC" in verdict.findings[0]
    assert "household" in verdict.findings[1]
    # 2021: hundreds of MWh per bitcoin against ~2.5 MWh for a Chinese family of three
    assert verdict.verdict.startswith("Not supported")


def test_a_year_outside_the_data_is_refused():
    with pytest.raises(InputError):
        check_claims(2030)


def test_a_price_at_which_nothing_is_profitable_gives_no_verdict_not_a_number():
    for verdict in check_claims(2021, price_usd_per_kwh=1.0):
        assert verdict.verdict == "Cannot be tested at this electricity price."


def test_transaction_sentence_only_when_it_fits(estimate_ds):
    # 2017: per-transaction energy was far below a family-year; the text must not suggest it fits
    verdict = check_energy_per_bitcoin(2017, ds=estimate_ds)
    assert "may have meant" not in verdict.verdict and "outside the bounds too" in verdict.verdict
    # 2015: no transaction counts; the verdict speaks of bitcoins only
    verdict = check_energy_per_bitcoin(2015, ds=estimate_ds)
    assert "transaction" not in verdict.verdict and "nan" not in " ".join(verdict.findings)


def test_cambridge_comparison_uses_the_chosen_price():
    verdict = check_annual_energy(2021, price_usd_per_kwh=0.08)
    assert "at 0.08 USD/kWh" in verdict.findings[2]
    verdict = check_annual_energy(2021, price_usd_per_kwh=0.051)
    assert "no column for 0.051 USD/kWh" in verdict.findings[2]


def test_claims_report_the_original_and_the_revised_method():
    verdict = check_annual_energy(2021)
    revised = [f for f in verdict.findings if "revised in 2023 (hardware weighted by age" in f]
    original = [f for f in verdict.findings if "original Cambridge method" in f]
    assert len(revised) == 1 and len(original) == 1
    # The age-weighted mix is younger, so it uses less electricity than the original's equal weights.
    twh = [float(f.split(" TWh")[0].rsplit(" ", 1)[-1]) for f in (original[0], revised[0])]
    assert twh[1] < twh[0]
