"""The miners' economics: hashprice, break-even, online share, margin, orders, shipment capacity."""

import numpy as np
import pytest

from hashjoule.simulation import economics as fl


def test_hashprice_units():
    # difficulty 1 means 2**32 hashes per block: 1 TH/s finds 86,400e12 / 2**32 blocks a day
    blocks = 86_400e12 / 2**32
    assert fl.hashprice_usd_per_ths_day(6.25, 10_000.0, 1.0) == pytest.approx(blocks * 62_500)


def test_breakeven_and_margin_agree():
    hashprice = 0.25  # USD per TH/s per day
    breakeven = fl.breakeven_tariff_usd_per_kwh(hashprice, 30.0, 1.1)
    # at the break-even tariff the margin is zero
    assert fl.profit_margin(hashprice, 30.0, 1.1, breakeven) == pytest.approx(0.0, abs=1e-12)
    assert breakeven == pytest.approx(0.25 / (30 * 1.1 * 0.024))


def test_online_fraction_shape():
    median, k = 0.05, 4.0
    assert fl.online_fraction(median, median, k) == pytest.approx(0.5)
    x = np.array([0.0, 0.01, 0.05, 0.1, 1.0, 100.0])
    f = fl.online_fraction(x, median, k)
    assert f[0] == 0 and np.all(np.diff(f) > 0) and f[-1] == pytest.approx(1.0, abs=1e-6)
    # a surcharge is a shift of the tariff distribution
    assert fl.online_fraction(0.08, median, k, 0.03) == pytest.approx(fl.online_fraction(0.05, median, k))
    # free electricity: everything runs whenever the hashprice is positive
    assert fl.online_fraction(1e-9, 0.0, k) == 1.0


def test_orders_are_zero_without_margin_and_proportional_to_it():
    assert fl.orders_ths(1e8, -0.2, 0.01) == 0.0
    assert fl.orders_ths(1e8, 0.5, 0.01) == pytest.approx(5e5)


def test_shipment_capacity_grows_from_its_reference_day():
    assert fl.shipment_capacity_ths_per_day(0.0, 2e5, 0.5) == pytest.approx(2e5)
    assert fl.shipment_capacity_ths_per_day([-1.0, 2.0], 2e5, 0.5) == pytest.approx([2e5 / 1.5, 2e5 * 2.25])
    assert np.isinf(fl.shipment_capacity_ths_per_day([0.0, 3.0], np.inf, 0.5)).all()
