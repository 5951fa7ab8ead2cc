"""The fleet's daily passes over its installed capacity, compiled (numba), each beside its
numpy reference.

The share of a class's capacity that runs is 1 / (1 + odds) with odds = (median tariff /
break-even tariff)**k (:func:`~hashjoule.simulation.economics.online_fraction`). The
odds factor into a part of the machine class and region, ``a`` = (median tariff x kWh per
TH/s-day)**k, and a part of the draw and region, ``b`` = (cost and tariff factors of the
draw / hashprice)**k = ``c`` x ``p``, with ``c`` the draw's factors**k (fixed for a season)
and ``p`` = hashprice**-k, one number per draw and distinct value of k (``group`` maps each
region to its k). A day needs exponentials only on the small arrays ``a`` and ``p``; what
is done per class, draw and region is a product, a sum and a division. Each pass runs over
every element once, where numpy needs a temporary array and a pass per operation.

The compiled loops and their numpy references perform the same IEEE operations in the same
order (no fast-math, so no reassociation and no fused multiply-add), sums over classes and
regions included, which the references make in a loop in that order: their results are
identical, which the tests check, except :func:`surcharged_share`, whose ``exp`` and ``log``
are LLVM's (tested to 1e-13). The per-block engine, the reference of the ensemble engine,
uses the same passes.
"""

from __future__ import annotations

import time

import numba
import numpy as np

from hashjoule.network.chain import HASHES_PER_DIFFICULTY
from hashjoule.simulation.economics import KWH_PER_THS_DAY, orders_ths, profit_margin


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _draw_factor(c, p, group):
    """:func:`draw_factor` compiled: b = c x p, element by element, (draw, region). [1]"""
    b = np.empty(c.shape)
    for i in range(c.shape[0]):
        for r in range(c.shape[1]):
            b[i, r] = c[i, r] * p[i, group[r]]
    return b


@numba.njit(cache=True, nogil=True, error_model="numpy")
def online_totals(capacity, a, c, p, group, watts_per_ths, keep, cost_scale, by_region, watts):
    """Online capacity and its power, summed over the classes in service.

    Parameters
    ----------
    capacity : numpy.ndarray
        Installed capacity of the classes in service, (class, draw, region). [TH/s]
    a : numpy.ndarray
        Odds factor of the class and region, (class, region). [1]
    c, p, group : numpy.ndarray
        The draw's odds factor b = c x p as :func:`draw_factor` takes it (formed here, element
        by element, with the same products). [1]
    watts_per_ths : numpy.ndarray
        Central power per TH/s, PUE included, (class, region). [W/(TH/s)]
    keep, cost_scale : numpy.ndarray
        The share of the hours not curtailed, and the draw's energy per hash over the
        central value, (draw, region): the sums are multiplied by ``keep``, then the power by
        ``cost_scale`` and divided by 1e9. [1]
    by_region, watts : numpy.ndarray
        Written: online capacity [TH/s] and its power [GW], (draw, region).
    """
    classes, draws, regions = capacity.shape
    b = _draw_factor(c, p, group)  # apart: the loops below then vectorise
    for i in range(draws):
        for r in range(regions):
            by_region[i, r] = 0.0
            watts[i, r] = 0.0
        for h in range(classes):
            for r in range(regions):
                online = capacity[h, i, r] / (1.0 + a[h, r] * b[i, r])
                by_region[i, r] += online
                watts[i, r] += online * watts_per_ths[h, r]
        for r in range(regions):
            by_region[i, r] *= keep[i, r]
            watts[i, r] = watts[i, r] * keep[i, r] * cost_scale[i, r] / 1e9


def draw_factor(c, p, group):
    """The draw's odds factor b = c x p, (draw, region), from ``c`` (draw, region), the draw's
    factor at a hashprice of 1, ``p`` (draw, distinct k), hashprice**-k, and ``group``
    (region,), the index of each region's k among the distinct ones. [1]"""
    return c * (p if p.shape[1] == 1 else p[:, group])  # one k everywhere: the same products, broadcast


def online_totals_reference(capacity, a, b, watts_per_ths):
    """numpy form of :func:`online_totals` before its last step: returns the sums over classes
    of the online capacity [TH/s] and of its central power [W], (draw, region), not yet
    multiplied by ``keep`` and ``cost_scale`` nor in GW, and the online capacity
    (class, draw, region) [TH/s]."""
    online = capacity / (1.0 + a[:, None, :] * b[None, :, :])
    by_region = np.zeros(online.shape[1:])
    watts = np.zeros(online.shape[1:])
    for h in range(online.shape[0]):  # classes in order: the compiled loop's order of addition
        by_region += online[h]
        watts += online[h] * watts_per_ths[h][None, :]
    return by_region, watts, online


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _row_sums(x, out):
    for i in range(x.shape[0]):
        total = 0.0
        for r in range(x.shape[1]):
            total += x[i, r]
        out[i] = total


def network_total(by_region):
    """Each draw's network hashrate: its online hashrate (draw, region) summed over the
    regions in their order, compiled (a numpy sum over a short row costs more than the
    additions, and adds in another order). (draw,) [TH/s]"""
    out = np.empty(by_region.shape[0])
    _row_sums(by_region, out)
    return out


def network_total_reference(by_region):
    """numpy form of :func:`network_total`, the regions added in their order."""
    out = np.zeros(by_region.shape[0])
    for r in range(by_region.shape[1]):
        out += by_region[:, r]
    return out


@numba.njit(cache=True, nogil=True, error_model="numpy")
def anticipated_hashprice(hashprice, network_ths, difficulty, out):
    """The hashprice miners expect after the next retarget (``out``, (draw,) [USD/(TH/s)/d]):
    ``hashprice`` scaled by the hashrate ``difficulty`` implies over the running
    ``network_ths`` [TH/s], a ratio held within [1/4, 4] (infinite, so 4, with nothing running)."""
    for i in range(hashprice.size):
        implied = difficulty[i] * HASHES_PER_DIFFICULTY / 600.0 / 1e12
        ratio = implied / network_ths[i] if network_ths[i] > 0 else np.inf
        if ratio < 0.25:
            ratio = 0.25
        elif ratio > 4.0:
            ratio = 4.0
        out[i] = hashprice[i] * ratio


def anticipated_hashprice_reference(hashprice, network_ths, difficulty, out):
    """numpy form of :func:`anticipated_hashprice`."""
    implied_ths = difficulty * HASHES_PER_DIFFICULTY / 600.0 / 1e12
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(network_ths > 0, implied_ths / network_ths, np.inf)
    out[:] = hashprice * np.clip(ratio, 0.25, 4.0)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def retire(capacity, a, c, p, group, rate, skip):
    """Scrap, at ``rate`` per day, the capacity that runs unprofitably at the odds ``a`` x ``b``.

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
    b = _draw_factor(c, p, group)  # apart: the loops below then vectorise
    for h in range(classes):
        for i in range(draws):
            for r in range(regions):
                odds = a[h, r] * b[i, r]
                off = odds / (1.0 + odds) * rate[i]
                # a select rather than a branch, so that the loop vectorises; the capacity is
                # finite, so a skipped region's keeps its value exactly
                capacity[h, i, r] -= capacity[h, i, r] * (0.0 if skip[r] else off)


def retire_reference(capacity, a, b, rate, skip):
    """numpy form of :func:`retire`."""
    odds = a[:, None, :] * b[None, :, :]
    off = odds / (1.0 + odds) * rate[None, :, None]
    keep = np.flatnonzero(~skip)
    part = capacity[..., keep]
    part -= part * off[..., keep]
    capacity[..., keep] = part


@numba.njit(cache=True, nogil=True, error_model="numpy")
def surcharged_share(hashprice, kwh_per_ths_day, cost_scale, median_tariff, tariff_scale, shape, adder, regions,
                     capacity, out):
    """:func:`~hashjoule.simulation.economics.online_fraction` in the regions under a
    surcharge, with its operations in its order; ``exp`` and ``log`` are LLVM's, which may
    differ from numpy's in the last bit. Where ``capacity`` holds none the share is not
    computed and 0 is written: the share, in [0, 1], of no capacity runs and retires none.

    Parameters
    ----------
    hashprice : numpy.ndarray
        (draw,) [USD/(TH/s)/d]
    kwh_per_ths_day : numpy.ndarray
        Central energy of the classes in service, (class, region). [kWh per TH/s-day]
    cost_scale, tariff_scale, adder : numpy.ndarray
        The draw's energy per hash over the central value [1], tariff factor this season [1],
        and surcharge [USD/kWh], (draw, region).
    median_tariff, shape : numpy.ndarray
        Today's central median tariff [USD/kWh] and the tariffs' shape [1], (region,).
    regions : numpy.ndarray of int
        The regions under a surcharge.
    capacity : numpy.ndarray
        Installed capacity of the classes in service, (class, draw, region). [TH/s]
    out : numpy.ndarray
        Written: the share that runs, (class, draw, surcharged region). [1]
    """
    for i in range(out.shape[1]):
        for j in range(regions.size):
            r = regions[j]
            log_median = np.log(median_tariff[r] * tariff_scale[i, r])
            for h in range(out.shape[0]):
                if capacity[h, i, r] == 0.0:  # (a region emptied by a shutdown: most of a long run)
                    out[h, i, j] = 0.0
                    continue
                x = hashprice[i] / (kwh_per_ths_day[h, r] * cost_scale[i, r]) - adder[i, r]
                share = 1.0 / (1.0 + np.exp(shape[r] * (log_median - np.log(max(x, 1e-300)))))
                out[h, i, j] = share if x > 0.0 else 0.0


@numba.njit(cache=True, nogil=True, error_model="numpy")
def surcharged_totals(capacity, share, watts_per_ths, keep, cost_scale, regions, by_region, watts):
    """:func:`online_totals` of the ``regions`` under a surcharge, from their ``share`` that
    runs (class, draw, surcharged region) (:func:`surcharged_share`); the other arguments as
    there. Writes only those regions' columns of ``by_region`` and ``watts``."""
    classes, draws = share.shape[0], share.shape[1]
    for i in range(draws):
        for j in range(regions.size):
            r = regions[j]
            total, power = 0.0, 0.0
            for h in range(classes):
                online = capacity[h, i, r] * share[h, i, j]
                total += online
                power += online * watts_per_ths[h, r]
            by_region[i, r] = total * keep[i, r]
            watts[i, r] = power * keep[i, r] * cost_scale[i, r] / 1e9


def surcharged_totals_reference(capacity, share, watts_per_ths, keep, cost_scale, regions, by_region, watts):
    """numpy form of :func:`surcharged_totals`, the classes added in their order."""
    online = capacity[..., regions] * share
    total, power = np.zeros(online.shape[1:]), np.zeros(online.shape[1:])
    for h in range(online.shape[0]):
        total += online[h]
        power += online[h] * watts_per_ths[h, regions][None, :]
    by_region[:, regions] = total * keep[:, regions]
    watts[:, regions] = power * keep[:, regions] * cost_scale[:, regions] / 1e9


@numba.njit(cache=True, nogil=True, error_model="numpy")
def retire_surcharged(capacity, share, rate, regions):
    """:func:`retire` in the ``regions`` under a surcharge, where ``share`` (class, draw,
    surcharged region) runs at the hashprice miners expect (:func:`surcharged_share`)."""
    for h in range(share.shape[0]):
        for i in range(share.shape[1]):
            for j in range(regions.size):
                off = (1.0 - share[h, i, j]) * rate[i]
                capacity[h, i, regions[j]] -= capacity[h, i, regions[j]] * off


def retire_surcharged_reference(capacity, share, rate, regions):
    """numpy form of :func:`retire_surcharged`."""
    off = (1.0 - share) * rate[None, :, None]
    part = capacity[..., regions]
    part -= part * off
    capacity[..., regions] = part


@numba.njit(cache=True, nogil=True, error_model="numpy")
def relocate(transit, queue, delay, efficiency, efficiency_scale, pue, hosting_mw, weights, alive, capacity):
    """Relocated capacity arrives and is hosted (in place): a share 1 / ``delay`` of what is
    in ``transit`` arrives in the ``queue`` (class, draw) [TH/s]; of the queue, the share that
    the hosting built today, ``hosting_mw`` (draw,) [MW/d], can power at the destinations'
    ``pue`` (draw,) is installed in ``capacity`` (class in service, draw, region), split by
    ``weights`` (region,), for the classes in ``alive`` (start, stop) (others are scrapped
    machines: their share is dropped).

    ``efficiency`` (class,) [J/TH] and ``efficiency_scale`` (draw,) [1] give the machines' power.

    Class by class, the draws inner (the arrays' order); each draw's demand adds its classes
    in their order."""
    classes, draws = transit.shape
    first, stop = alive
    demand = np.zeros(draws)
    for h in range(classes):
        for i in range(draws):
            arriving = transit[h, i] / delay[i]
            transit[h, i] -= arriving
            queue[h, i] += arriving
            demand[i] += queue[h, i] * (efficiency[h] * efficiency_scale[i] * pue[i])
    hosted = np.empty(draws)
    for i in range(draws):
        mw = demand[i] / 1e6
        hosted[i] = min(1.0, hosting_mw[i] / mw) if mw > 0 else 0.0
    for h in range(classes):
        for i in range(draws):
            installed = queue[h, i] * hosted[i]
            queue[h, i] -= installed
            if first <= h < stop:
                for r in range(weights.size):
                    if weights[r] != 0.0:
                        capacity[h - first, i, r] += installed * weights[r]


def relocate_reference(transit, queue, delay, efficiency, efficiency_scale, pue, hosting_mw, weights, alive, capacity):
    """numpy form of :func:`relocate`."""
    arriving = transit / delay[None, :]
    transit -= arriving
    queue += arriving
    watts = efficiency[:, None] * efficiency_scale[None, :] * pue[None, :]
    demand_mw = np.zeros(queue.shape[1])
    for h in range(queue.shape[0]):  # the classes added in their order
        demand_mw += queue[h] * watts[h]
    demand_mw /= 1e6
    with np.errstate(divide="ignore", invalid="ignore"):
        hosted = np.where(demand_mw > 0, np.minimum(1.0, hosting_mw / demand_mw), 0.0)
    installed = queue * hosted[None, :]
    queue -= installed
    cls = slice(*alive)
    for r in np.flatnonzero(weights):
        capacity[:, :, r] += installed[cls] * weights[r]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def resume_hidden(hidden, capacity, days, classes, regions):
    """Hidden capacity resumes in its region at the rate 1 / ``days`` (draw,) per day:
    ``hidden`` and ``capacity`` (class, draw, region) updated in place for the classes and
    regions in the ranges ``classes`` and ``regions`` (start, stop). [TH/s]

    The whole arrays are passed, not views of their ranges: contiguous rows vectorise."""
    for h in range(classes[0], classes[1]):
        for i in range(hidden.shape[1]):
            for r in range(regions[0], regions[1]):
                resuming = hidden[h, i, r] / days[i]
                hidden[h, i, r] -= resuming
                capacity[h, i, r] += resuming


def resume_hidden_reference(hidden, capacity, days, classes, regions):
    """numpy form of :func:`resume_hidden`."""
    part = (slice(*classes), slice(None), slice(*regions))
    resuming = hidden[part] / days[None, :, None]
    hidden[part] -= resuming
    capacity[part] += resuming


@numba.njit(cache=True, nogil=True, error_model="numpy")
def order_and_ship(hashprice, network_ths, deploying, efficiency, efficiency_scale, pue, tariff, growth, slot, orders,
                   backlog, shipping, supply, weights, capacity):
    """A day's orders of the newest class and its shipments, per draw (in place).

    The margin of the newest machine at ``hashprice`` (:func:`~hashjoule.simulation.economics.profit_margin`,
    -inf where nothing runs or nothing deploys) gives the orders
    (:func:`~hashjoule.simulation.economics.orders_ths`); they wait in the ring ``orders``
    (lag, draw) at ``slot`` (-1: no lag), and those placed a lag ago join the ``backlog``;
    when ``shipping``, up to ``supply`` of it is delivered and split among the regions by
    ``weights``, into ``capacity`` (draw, region) of the newest class.

    Parameters
    ----------
    hashprice, network_ths : numpy.ndarray
        The hashprice miners expect [USD/(TH/s)/d] and the network hashrate [TH/s]. (draw,)
    deploying : numpy.ndarray of bool
        Whether new machines can go anywhere. (draw,)
    efficiency : float
        The newest class's central efficiency. [J/TH]
    efficiency_scale, pue, tariff, growth : numpy.ndarray
        The draws' efficiency factor [1], the deploying regions' weighted PUE [1] and tariff
        [USD/kWh], and the growth rate of orders [1/d]. (draw,)
    supply : numpy.ndarray
        Shipment capacity today. (draw,) [TH/s]
    """
    shipped = np.zeros(network_ths.size)
    for i in range(network_ths.size):
        margin = -np.inf
        if network_ths[i] > 0.0 and deploying[i]:
            cost = efficiency * efficiency_scale[i] * pue[i] * KWH_PER_THS_DAY * tariff[i]
            margin = 1.0 - cost / max(hashprice[i], 1e-300) if hashprice[i] > 0.0 else -np.inf
        ordered = growth[i] * (margin if margin > 0.0 or np.isnan(margin) else 0.0) * network_ths[i]
        if slot >= 0:
            backlog[i] += orders[slot, i]
            orders[slot, i] = ordered
        else:
            backlog[i] += ordered
        if shipping:
            shipped[i] = min(backlog[i], supply[i]) if deploying[i] else 0.0
            backlog[i] -= shipped[i]
    if shipping:  # apart, a loop over a draw's regions that vectorises
        for i in range(network_ths.size):
            row, share = capacity[i], weights[i]
            for r in range(row.size):
                row[r] += shipped[i] * share[r]


def order_and_ship_reference(hashprice, network_ths, deploying, efficiency, efficiency_scale, pue, tariff, growth, slot,
                             orders, backlog, shipping, supply, weights, capacity):
    """numpy form of :func:`order_and_ship`, with the relations of :mod:`~hashjoule.simulation.economics`."""
    margin = np.full(network_ths.size, -np.inf)
    running = (network_ths > 0) & deploying
    margin[running] = profit_margin(hashprice[running], efficiency * efficiency_scale[running], pue[running],
                                    tariff[running])
    ordered = orders_ths(network_ths, margin, growth)
    if slot >= 0:
        backlog += orders[slot]
        orders[slot] = ordered
    else:
        backlog += ordered
    if shipping:
        shipped = np.where(deploying, np.minimum(backlog, supply), 0.0)
        backlog -= shipped
        capacity += shipped[:, None] * weights


def compile_kernels() -> float:
    """Compile (or load from numba's cache) every kernel for the types the engines pass;
    returns the seconds it took. Worker processes forked afterwards inherit the machine code."""
    began = time.perf_counter()
    capacity, pair = np.ones((1, 1, 1)), np.ones((1, 1))
    group = np.zeros(1, dtype=np.int64)
    anticipated_hashprice(np.ones(1), np.ones(1), np.ones(1), np.empty(1))
    network_total(pair)
    online_totals(capacity, pair, pair, pair, group, pair, pair, pair, np.empty((1, 1)), np.empty((1, 1)))
    retire(capacity, pair, pair, pair, group, np.zeros(1), np.zeros(1, dtype=bool))
    surcharged_share(np.ones(1), pair, pair, np.ones(1), pair, np.ones(1), pair, group, np.ones((1, 1, 1)),
                     np.empty((1, 1, 1)))
    share = np.ones((1, 1, 1))
    surcharged_totals(capacity, share, pair, pair, pair, group, np.empty((1, 1)), np.empty((1, 1)))
    retire_surcharged(capacity, share, np.zeros(1), group)
    relocate(pair, np.zeros((1, 1)), np.ones(1), np.ones(1), np.ones(1), np.ones(1), np.ones(1), np.ones(1), (0, 1),
             capacity)
    resume_hidden(np.zeros((1, 1, 1)), capacity, np.ones(1), (0, 1), (0, 1))
    one = np.ones(1)
    order_and_ship(one, one, np.ones(1, dtype=bool), 1.0, one, one, one, one, 0, np.zeros((1, 1)),
                   np.zeros(1), True, one, np.ones((1, 1)), np.zeros((1, 1)))
    from hashjoule.simulation.chain_kernels import compile_chain_kernels
    from hashjoule.simulation.summary import compile_summary  # the batch summary's passes

    compile_chain_kernels()
    compile_summary()
    return time.perf_counter() - began
