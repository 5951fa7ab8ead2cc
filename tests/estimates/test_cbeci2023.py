"""The Cambridge index's 2023 revision (hardware weighted by age) against its served series.

The served series (cbeci_annualized_twh_daily_by_price.csv, Sept 2023) was made by the
revised method with CCAF's own, longer hardware list. hashjoule's ``cbeci2023`` uses the
original list (cbeci_miners_2020.csv, to May 2020) plus the seven machines from May 2020
on whose release month a public page gives (asic_release_dates_2020plus.csv). The check
the revision asks for is 5 % on a calendar year's electricity consumed at 0.05 USD/kWh
(89.0 TWh in 2021, 95.5 TWh in 2022). It holds for 2019 and 2020; the dated machines
bring 2021 from +16 % to +11 % and 2022 from +24 % to +16 %, still outside it: seven
new models against some seventy older ones that still weigh 0.2-0.6 each, where CCAF's
list had many more young machines. That gap is kept in view by strict expected failures
rather than tuned away (docs/historical-estimates.md).
"""

import numpy as np
import pytest

from hashjoule.estimates import estimators as est
from hashjoule.data.loaders import read_table
from hashjoule.estimates.cambridge import cambridge_at
from hashjoule.network.hardware import cbeci2023_catalogue, cbeci_catalogue

#: Tolerance of the published check: 5 % on a year's electricity consumed.
TOLERANCE = 0.05
#: The served series at 0.05 USD/kWh, TWh consumed in the calendar year (sum of daily
#: annualised values / 365.25), as in PROVENANCE.md.
SERVED_TWH = {2021: 89.0, 2022: 95.5}


@pytest.fixture(scope="module")
def both(inputs):
    return est.estimate(0.05, ["cbeci", "cbeci2023"], inputs=inputs)


def _year_twh(ds, estimator, year):
    return float(ds.energy.sel(estimator=estimator, bound="best", time=str(year)).sum()) / 1e3


def _served_twh(year):
    return float(cambridge_at(0.05).sel(time=str(year)).sum()) / 365.25


def test_age_weights_follow_the_published_steps():
    release = np.array(["2020-01-01"], dtype="datetime64[ns]")
    days = np.array(["2019-12-31", "2020-06-01", "2021-06-01", "2022-06-01", "2023-06-01", "2024-06-01",
                     "2025-06-01"], dtype="datetime64[ns]")
    assert est.age_weights(days, release)[:, 0].tolist() == [0.0, 1.0, 0.8, 0.6, 0.4, 0.2, 0.0]


def test_bundled_served_figures_are_the_ones_cited():
    for year, twh in SERVED_TWH.items():
        assert _served_twh(year) == pytest.approx(twh, abs=0.05)


@pytest.mark.parametrize("year", [2019, 2020])
def test_revised_method_reproduces_the_served_series_where_the_hardware_list_is_complete(both, year):
    assert _year_twh(both, "cbeci2023", year) == pytest.approx(_served_twh(year), rel=TOLERANCE)


@pytest.mark.xfail(strict=True, reason="seven dated machines after May 2020 against CCAF's longer list: 2021 +11 %, "
                                       "2022 +16 % against the served series (docs/historical-estimates.md)")
@pytest.mark.parametrize("year", [2021, 2022])
def test_revised_method_within_five_percent_of_the_served_series(both, year):
    assert _year_twh(both, "cbeci2023", year) == pytest.approx(SERVED_TWH[year], rel=TOLERANCE)


@pytest.mark.parametrize("year", [2021, 2022])
def test_age_weighting_moves_the_estimate_towards_the_served_series(both, year):
    original, revised = _year_twh(both, "cbeci", year), _year_twh(both, "cbeci2023", year)
    assert abs(revised - SERVED_TWH[year]) < abs(original - SERVED_TWH[year])


def test_revised_bounds_bracket_the_best_guess(both):
    power = both.power.sel(estimator="cbeci2023").dropna("time")
    assert (power.sel(bound="lower") <= power.sel(bound="best")).all()
    assert (power.sel(bound="best") <= power.sel(bound="upper")).all()


def test_revised_catalogue_is_the_original_list_plus_the_dated_machines():
    original, revised = cbeci_catalogue(), cbeci2023_catalogue()
    dated = read_table("asic_release_dates_2020plus")
    assert len(revised) == len(original) + len(dated)
    assert (revised.efficiency_j_per_th[:len(original)] == original.efficiency_j_per_th).all()
    assert (revised.release[len(original):] >= np.datetime64("2020-05-01")).all()


def test_every_dated_machine_cites_its_date_and_its_specification():
    dated = read_table("asic_release_dates_2020plus")
    assert (dated.date_source.str.len() > 20).all() and (dated.spec_source.str.len() > 10).all()
    assert dated.date_basis.str.contains("first deliveries|first shipments|announcement").all()
    # the efficiency column agrees with rated power / hashrate to the rounding of the sources
    np.testing.assert_allclose(dated.power_w / dated.hashrate_th_s, dated.efficiency_j_per_th, rtol=0.005)


def test_original_method_keeps_its_own_hardware_list(both):
    # Numbers of the original method before the dated machines were added (docs table):
    # 114.3 and 126.9 TWh in 2021 and 2022.
    assert _year_twh(both, "cbeci", 2021) == pytest.approx(114.3, abs=0.05)
    assert _year_twh(both, "cbeci", 2022) == pytest.approx(126.9, abs=0.05)


@pytest.mark.parametrize("year", [2021, 2022])
def test_dated_machines_move_the_revised_method_towards_the_served_series(inputs, both, year):
    without = est.cbeci(inputs, 0.05, catalogue=cbeci_catalogue(), weighting="age")
    without_twh = float((without.power.sel(bound="best") * 24).sel(time=str(year)).sum()) / 1e3
    with_twh = _year_twh(both, "cbeci2023", year)
    assert abs(with_twh - SERVED_TWH[year]) < abs(without_twh - SERVED_TWH[year])
