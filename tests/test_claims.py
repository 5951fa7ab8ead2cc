"""The article-claims check: numbers come from the estimators, verdicts from the numbers."""

import pytest

from hashjoule.claims import check_annual_energy, check_claims, check_energy_per_bitcoin
from hashjoule.errors import InputError
from hashjoule.simulation.estimators import energy_consumed_twh


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
