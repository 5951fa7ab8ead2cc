"""The miners' economics as pure relations: hashprice, break-even tariff, online share, margin,
orders and the manufacturers' shipment capacity.

Arrays in, arrays out; :class:`~hashjoule.simulation.fleet.Fleet` applies them day by day, the
world (:mod:`hashjoule.simulation.world`) and the draws' starting fleets
(:mod:`hashjoule.simulation.draws`) use them to match the first day's hashrate.
"""

from __future__ import annotations

import numpy as np

from hashjoule.constants import SECONDS_PER_DAY
from hashjoule.network.chain import HASHES_PER_DIFFICULTY

#: Day on which the manufacturers' shipment capacity is given (FleetParameters.supply_ths_per_day).
SUPPLY_REFERENCE_DAY = "2020-01-01"
#: Energy of 1 TH/s running for a day at 1 J/TH: 86,400 s / 3.6e6 J/kWh. [kWh]
KWH_PER_THS_DAY = SECONDS_PER_DAY / 3.6e6


def hashprice_usd_per_ths_day(reward_btc_per_block, price_usd, difficulty):
    """Expected revenue of 1 TH/s for a day.

    = reward x price x 86,400 s x 1e12 H/TH / (difficulty x 2**32 H per block).

    Parameters
    ----------
    reward_btc_per_block : numeric
        Subsidy + fees. [BTC]
    price_usd : numeric
        [USD/BTC]
    difficulty : numeric
        [1]

    Returns
    -------
    hashprice : numeric
        [USD/(TH/s)/d]
    """
    return reward_btc_per_block * price_usd * SECONDS_PER_DAY * 1e12 / (difficulty * HASHES_PER_DIFFICULTY)


def breakeven_tariff_usd_per_kwh(hashprice, efficiency_j_per_th, pue):
    """Highest tariff at which a machine still covers its electricity. [USD/kWh]"""
    return hashprice / (efficiency_j_per_th * pue * KWH_PER_THS_DAY)


def online_fraction(breakeven_usd_per_kwh, median_tariff_usd_per_kwh, shape, adder_usd_per_kwh=0.0):
    """Share of capacity whose tariff (plus any surcharge) is below the break-even tariff.

    Tariffs are log-logistic with the given median and shape k:
    P(tariff < x) = 1 / (1 + (median / x)**k).

    Returns
    -------
    fraction : numeric
        In [0, 1]. [1]
    """
    x = np.asarray(breakeven_usd_per_kwh - adder_usd_per_kwh, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        # a zero median (free power) gives log -inf: everything runs
        log_ratio = np.log(median_tariff_usd_per_kwh) - np.log(np.maximum(x, 1e-300))
        fraction = 1.0 / (1.0 + np.exp(shape * log_ratio))
    return np.where(x > 0, fraction, 0.0)


def profit_margin(hashprice, efficiency_j_per_th, pue, tariff_usd_per_kwh):
    """1 - electricity cost / revenue of a machine; negative when it loses money. [1]"""
    cost = efficiency_j_per_th * pue * KWH_PER_THS_DAY * tariff_usd_per_kwh
    with np.errstate(divide="ignore"):
        return np.where(hashprice > 0, 1.0 - cost / np.maximum(hashprice, 1e-300), -np.inf)


def orders_ths(network_ths, margin, growth_per_day):
    """New machines ordered in a day: g x network hashrate x max(margin, 0). [TH/s]"""
    return growth_per_day * np.maximum(margin, 0.0) * network_ths


def shipment_capacity_ths_per_day(years_from_reference, capacity_at_reference, growth_per_year):
    """What the manufacturers can ship in a day: capacity_at_reference x (1 + growth)**years.

    Parameters
    ----------
    years_from_reference : numeric
        Time since the reference day. [yr]
    capacity_at_reference : float
        Shipment capacity on the reference day; infinite for no limit. [TH/s per day]
    growth_per_year : float
        Yearly growth of the capacity (new fabs, wafer allocation). [1/yr]

    Returns
    -------
    capacity : numeric
        [TH/s per day]
    """
    years = np.asarray(years_from_reference, dtype=float)
    with np.errstate(invalid="ignore"):  # infinity times a positive growth factor stays infinite
        return np.asarray(capacity_at_reference, dtype=float) * (1.0 + np.asarray(growth_per_year, dtype=float)) ** years
