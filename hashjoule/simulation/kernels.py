"""The fleet's two daily passes over its installed capacity, compiled (numba), each beside
its numpy reference.

The share of a class's capacity that runs is 1 / (1 + odds) with odds = (median tariff /
break-even tariff)**k (:func:`~hashjoule.simulation.economics.online_fraction`). The
odds factor into a part of the machine class and region, ``a`` = (median tariff x kWh per
TH/s-day)**k, and a part of the draw and region, ``b`` = (cost and tariff factors of the
draw / hashprice)**k = ``c`` x ``p``, with ``c`` the draw's factors**k (fixed for a season)
and ``p`` = hashprice**-k, one number per draw and distinct value of k (``group`` maps each
region to its k). A day needs exponentials only on the small arrays ``a`` and ``p``; what
is done per class, draw and region is three products, a sum and a division. Both passes run over
every element once, where numpy needs a temporary array and a pass per operation.

The compiled loops and the numpy references perform the same IEEE operations in the same
order (no fast-math, so no reassociation and no fused multiply-add): their results are
identical, which the tests check. The per-block engine, the reference of the ensemble
engine, uses the same passes.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def online_totals(capacity, a, c, p, group, watts_per_ths, by_region, watts):
    """Online capacity and its power, summed over the classes in service.

    Parameters
    ----------
    capacity : numpy.ndarray
        Installed capacity of the classes in service, (class, draw, region). [TH/s]
    a : numpy.ndarray
        Odds factor of the class and region, (class, region). [1]
    c : numpy.ndarray
        The draw's odds factor at a hashprice of 1, (draw, region). [1]
    p : numpy.ndarray
        Hashprice**-k, (draw, distinct k). [1]
    group : numpy.ndarray of int
        Index of each region's k among the distinct ones, (region,).
    watts_per_ths : numpy.ndarray
        Power per TH/s, PUE included, (class, region). [W/(TH/s)]
    by_region, watts : numpy.ndarray
        Written: online capacity [TH/s] and its power [W], (draw, region).
    """
    classes, draws, regions = capacity.shape
    for i in range(draws):
        for r in range(regions):
            by_region[i, r] = 0.0
            watts[i, r] = 0.0
        for h in range(classes):
            for r in range(regions):
                online = capacity[h, i, r] / (1.0 + a[h, r] * (c[i, r] * p[i, group[r]]))
                by_region[i, r] += online
                watts[i, r] += online * watts_per_ths[h, r]


def draw_factor(c, p, group):
    """The draw's odds factor b = c x p, (draw, region). [1]"""
    return c * p[:, group]


def online_totals_reference(capacity, a, c, p, group, watts_per_ths):
    """numpy form of :func:`online_totals`; returns (by_region, watts) and the online capacity."""
    online = capacity / (1.0 + a[:, None, :] * draw_factor(c, p, group)[None, :, :])
    by_region = np.zeros(online.shape[1:])
    watts = np.zeros(online.shape[1:])
    for h in range(online.shape[0]):  # classes in order: the compiled loop's order of addition
        by_region += online[h]
        watts += online[h] * watts_per_ths[h][None, :]
    return by_region, watts, online


@numba.njit(cache=True, nogil=True)
def retire(capacity, a, c, p, group, rate, skip):
    """Scrap, at ``rate`` per day, the capacity that runs unprofitably at the odds ``a`` x ``c`` x ``p``.

    Parameters
    ----------
    capacity : numpy.ndarray
        Updated in place, (class, draw, region). [TH/s]
    a, c, p, group : numpy.ndarray
        Odds factors, as in :func:`online_totals`, at the hashprice miners expect. [1]
    rate : numpy.ndarray
        Share of the switched-off capacity scrapped per day, (draw,). [1/d]
    skip : numpy.ndarray of bool
        Regions left alone (the caller treats them), (region,).
    """
    classes, draws, regions = capacity.shape
    for h in range(classes):
        for i in range(draws):
            for r in range(regions):
                if skip[r]:
                    continue
                odds = a[h, r] * (c[i, r] * p[i, group[r]])
                off = odds / (1.0 + odds) * rate[i]
                capacity[h, i, r] -= capacity[h, i, r] * off


def retire_reference(capacity, a, c, p, group, rate, skip):
    """numpy form of :func:`retire`."""
    odds = a[:, None, :] * draw_factor(c, p, group)[None, :, :]
    off = odds / (1.0 + odds) * rate[None, :, None]
    keep = np.flatnonzero(~skip)
    part = capacity[..., keep]
    part -= part * off[..., keep]
    capacity[..., keep] = part
