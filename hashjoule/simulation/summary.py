"""A batch's summary, taken day by day as an engine runs: block moments, histogram bins and
each draw's annual totals (:class:`DaySummary`).

An engine hands each day's results to a :class:`DaySummary` (the same calls it makes on
:class:`~hashjoule.simulation.results.DailyArrays`), and the summary keeps only what the
reduction over draws (:class:`~hashjoule.simulation.reduce.Reduction`) needs: for each block
of :data:`~hashjoule.simulation.reduce.BLOCK` draws the mean and the sum of squared
deviations of every daily variable, merged into the whole subtrees of the reduction's fixed
tree that the batch's blocks make (the regional variables' as each day ends, the others'
at the end), the histograms of the daily network totals over the batch's draws, the
smallest and largest of them, and each draw's totals per calendar year. A run that does
not keep its draws never holds their daily series, so a batch needs memory for its
subtrees, not for its draws' days, and batches can be large.

A batch whose daily series are kept is summarised from them afterwards, day by day through
the same compiled passes (:func:`summarise_batch`), so its numbers are the same.
"""

from __future__ import annotations

import numba
import numpy as np
import xarray as xr

from hashjoule.simulation.inputs import ModelInputs
from hashjoule.simulation.histograms import (HISTOGRAMS, add_day_ranges, bin_count, bin_edges, count_type,
                                             day_ranges, histogram_quantiles)
from hashjoule.simulation.reduce import BLOCK, MOMENTS, fold, node_coords, subtrees
from hashjoule.simulation.results import REGIONAL, per_gw_day

#: The variables with moments per day and region, and those with one value per draw and day,
#: in the order of the summary's arrays.
_REGIONAL = tuple(name for name in MOMENTS if name in REGIONAL)
_PER_DRAW = tuple(name for name in MOMENTS if name not in REGIONAL)
#: Per-draw totals of a batch, besides the sampled parameter values.
ANNUAL = ("annual_energy", "annual_co2", "annual_blocks", "annual_btc_minted", "annual_hashrate_end", "days")


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _block_moments(x, blocks, mean, m2):
    """Mean and sum of squared deviations of ``x`` (draw, k) over each block of draws
    (``blocks``: the edges), into ``mean`` and ``m2`` (block, k), in one pass: with d the
    deviations from the block's first draw, mean = first + sum(d) / n and
    m2 = sum(d**2) - sum(d)**2 / n (at least 0), each sum over the block's draws in order,
    kept in a local array while it runs along k. Shifted by a value of the block, the sums
    stay of the order of the spread, so the difference loses few digits."""
    columns = x.shape[1]
    shift, first_sum, second_sum = np.empty(columns), np.empty(columns), np.empty(columns)
    for b in range(blocks.size - 1):
        first, stop = blocks[b], blocks[b + 1]
        for k in range(columns):
            shift[k] = x[first, k]
            first_sum[k] = 0.0
            second_sum[k] = 0.0
        for i in range(first + 1, stop):
            row = x[i]
            for k in range(columns):
                deviation = row[k] - shift[k]
                first_sum[k] += deviation
                second_sum[k] += deviation * deviation
        _finish_moments(shift, first_sum, second_sum, stop - first, mean[b], m2[b])


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _finish_moments(shift, first_sum, second_sum, count, mean, m2):
    """A block's mean and m2 (k,) from its shifted sums over ``count`` draws (:func:`_block_moments`)."""
    for k in range(shift.size):
        mean[k] = shift[k] + first_sum[k] / count
        spread = second_sum[k] - first_sum[k] * first_sum[k] / count
        m2[k] = 0.0 if spread < 0.0 else spread


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _histogram_day(totals, edges, counts, extremes):
    """Count each draw's value in its bin (``counts``, one per bin; a value's bin is the
    number of ``edges`` at or below it: 0 below the range, NaN included), and keep the day's
    smallest and largest value (NaN if one is NaN).

    The edges are 10**(low + j / per_decade): the value's binary exponent and mantissa give
    its logarithm to about a bin, and comparisons with the edges settle the bin exactly. The
    guesses are made first, in a loop of their own that the compiler vectorises."""
    per_decade = 1.0 / np.log10(edges[1] / edges[0])
    low = np.log10(edges[0])
    bits = totals.view(np.int64)
    top = float(edges.size)
    guess = np.empty(totals.size, dtype=np.int64)
    for i in range(totals.size):
        mantissa = (bits[i] & 0xFFFFFFFFFFFFF) * 2.0 ** -52
        log2 = ((bits[i] >> 52) - 1023) + mantissa + 0.3466 * mantissa * (1.0 - mantissa)
        bin_ = (log2 * 0.30102999566398120 - low) * per_decade + 1.0
        bin_ = 1.0 if bin_ < 1.0 else (top if bin_ > top else bin_)
        # below the range, NaN included, the bin is 0 (whatever int64(bin_) gave there)
        guess[i] = np.int64(bin_) if totals[i] >= edges[0] else 0
    smallest, largest = totals[0], totals[0]
    for i in range(totals.size):
        value, index = totals[i], guess[i]
        if index > 0:  # at or above the first edge: the bin is at least 1
            while index > 1 and edges[index - 1] > value:
                index -= 1
            while index < edges.size and edges[index] <= value:
                index += 1
        counts[index] += 1
        if np.isnan(value) or np.isnan(smallest):
            smallest, largest = np.nan, np.nan
        else:
            smallest, largest = min(smallest, value), max(largest, value)
    extremes[0], extremes[1] = smallest, largest


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fleet_day(day, year, year_end, hashrate, scale, power_gw, multiplier, co2, blocks, day_blocks, nodes, regional,
               edges, edge_count, counts, extremes, annual, hashrate_end, totals):
    """The day's regional variables, each (draw, region): ``hashrate`` x ``scale`` [EH/s],
    ``power_gw`` [GW] and ``multiplier`` x ``co2`` [t CO2] (an engine's day: TH/s x 1e-6,
    and the power x the t CO2 of 1 GW for a day; kept daily series: EH/s x 1, and 1 x t
    CO2, the same numbers: the series were derived with the same operations).

    Each draw's network totals go to ``totals`` (variable, draw) and its energy [GWh] and
    CO2 [t] to the annual sums ``annual`` (2, year, draw, region); then, block by block,
    the block moments go to ``day_blocks`` (variable, mean or m2, block, region) as
    :func:`_block_moments` takes them, merged into the moments of the batch's subtrees
    ``regional`` (variable, mean or m2, time, subtree, region) as :func:`_fold_day` merges
    them (``nodes``: each subtree's first block and level); and the totals' bin counts and
    extremes (variable, time, bin) and (variable, 2, time).

    The block's sums run in loops of their own over a draw's row, each over a few arrays
    and with no branch around it, which the compiler turns into vector instructions (one
    loop over all of them, or a branch between two loops, kept it from doing so: up to 3x
    slower); the totals, added region by region in order, stay scalar."""
    regions = hashrate.shape[1]
    shift_h, shift_p, shift_c = np.empty(regions), np.empty(regions), np.empty(regions)
    sum_h, sum_p, sum_c = np.empty(regions), np.empty(regions), np.empty(regions)
    squares_h, squares_p, squares_c = np.empty(regions), np.empty(regions), np.empty(regions)
    for b in range(blocks.size - 1):
        first, stop = blocks[b], blocks[b + 1]
        for i in range(first, stop):
            _draw_day(hashrate[i], scale, power_gw[i], multiplier[i], co2[i], annual[0, year, i], annual[1, year, i],
                      totals, i)
        h, p, m, c = hashrate[first], power_gw[first], multiplier[first], co2[first]
        for r in range(regions):
            shift_h[r], shift_p[r], shift_c[r] = h[r] * scale, p[r], m[r] * c[r]
            sum_h[r], sum_p[r], sum_c[r] = 0.0, 0.0, 0.0
            squares_h[r], squares_p[r], squares_c[r] = 0.0, 0.0, 0.0
        for i in range(first + 1, stop):
            _deviate(hashrate[i], scale, shift_h, sum_h, squares_h)
            _deviate(power_gw[i], 1.0, shift_p, sum_p, squares_p)
            _deviate_product(multiplier[i], co2[i], shift_c, sum_c, squares_c)
        count = stop - first
        _finish_moments(shift_h, sum_h, squares_h, count, day_blocks[0, 0, b], day_blocks[0, 1, b])
        _finish_moments(shift_p, sum_p, squares_p, count, day_blocks[1, 0, b], day_blocks[1, 1, b])
        _finish_moments(shift_c, sum_c, squares_c, count, day_blocks[2, 0, b], day_blocks[2, 1, b])
    _fold_day(day_blocks, blocks, nodes, regional[:, :, day])
    for v in range(3):
        _histogram_day(totals[v], edges[v, :edge_count[v]], counts[v, day], extremes[v, :, day])
    if year_end:
        for i in range(hashrate.shape[0]):
            hashrate_end[i, year] = totals[0, i]


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _draw_day(hashrate, scale, power_gw, multiplier, co2, energy, emitted, totals, i):
    """A draw's day (region,): its network totals of hashrate, power and CO2 into
    ``totals`` (variable, draw) at draw ``i``, added region by region in order, and its
    energy [GWh] and CO2 [t] added to the year's ``energy`` and ``emitted``."""
    total_h, total_p, total_c = 0.0, 0.0, 0.0
    for r in range(hashrate.size):
        c = multiplier[r] * co2[r]
        total_h += hashrate[r] * scale
        total_p += power_gw[r]
        total_c += c
        energy[r] += power_gw[r] * 24.0
        emitted[r] += c
    totals[0, i], totals[1, i], totals[2, i] = total_h, total_p, total_c


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _deviate(x, scale, shift, first_sum, second_sum):
    """Add a draw's values ``x`` x ``scale`` (region,) to the block's shifted sums."""
    for r in range(x.size):
        deviation = x[r] * scale - shift[r]
        first_sum[r] += deviation
        second_sum[r] += deviation * deviation


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _deviate_product(x, y, shift, first_sum, second_sum):
    """Add a draw's values ``x`` x ``y`` (region,) to the block's shifted sums."""
    for r in range(x.size):
        deviation = x[r] * y[r] - shift[r]
        first_sum[r] += deviation
        second_sum[r] += deviation * deviation


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fold_day(day_blocks, blocks, nodes, out):
    """Merge a day's block moments ``day_blocks`` (variable, mean or m2, block, k) into those
    of the batch's whole subtrees ``out`` (variable, mean or m2, subtree, k), each subtree
    (``nodes``: its first block in the batch and its level) pair by pair from the bottom up:
    the tree :func:`~hashjoule.simulation.reduce.fold` walks, with the operations of
    :func:`~hashjoule.simulation.reduce.merge_moments` in their order (no block is empty, so
    neither of its shortcuts for an empty group applies). ``blocks``: the blocks' edges
    (draws). Merged in place: ``day_blocks`` is left with partial merges."""
    for node in range(nodes.shape[0]):
        start, level = nodes[node, 0], nodes[node, 1]
        for step in range(level):
            width = 1 << step
            for left in range(start, start + (1 << level), 2 * width):
                right = left + width
                n_left, n_right = blocks[left + width] - blocks[left], blocks[right + width] - blocks[right]
                total = n_left + n_right
                share, weight = n_right / total, n_left * n_right / total
                for v in range(day_blocks.shape[0]):
                    for k in range(day_blocks.shape[3]):
                        mean, right_mean = day_blocks[v, 0, left, k], day_blocks[v, 0, right, k]
                        delta = right_mean - mean
                        day_blocks[v, 0, left, k] = mean + delta * share
                        day_blocks[v, 1, left, k] = day_blocks[v, 1, left, k] + day_blocks[v, 1, right, k] + \
                            delta * delta * weight
        for v in range(day_blocks.shape[0]):
            for k in range(day_blocks.shape[3]):
                out[v, 0, node, k] = day_blocks[v, 0, start, k]
                out[v, 1, node, k] = day_blocks[v, 1, start, k]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _chain_day(day, year, blocks_mined, minted_btc, fees_per_block, difficulty, values, blocks, per_draw, annual):
    """The day's blocks ``blocks_mined``, subsidy ``minted_btc`` [BTC], fees (blocks x
    ``fees_per_block``) [BTC] and ``difficulty``, each (draw,), gathered into ``values``
    (draw, 4), into the block moments ``per_draw`` (variable, mean or m2, time, block), and
    the blocks and subsidy into the annual sums ``annual`` (2, year, draw)."""
    for i in range(values.shape[0]):
        values[i, 0] = blocks_mined[i]
        values[i, 1] = minted_btc[i]
        values[i, 2] = blocks_mined[i] * fees_per_block
        values[i, 3] = difficulty[i]
    moments = values.shape[1]
    _block_moments(values, blocks, per_draw[:moments, 0, day].T, per_draw[:moments, 1, day].T)
    for i in range(values.shape[0]):
        annual[0, year, i] += values[i, 0]
        annual[1, year, i] += values[i, 1]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _prices(prices, first, blocks, per_draw, edges, counts, extremes):
    """The prices of the days from ``first`` on (``prices``: (days, draw) [USD/BTC], a day's
    contiguous) into the last variable of the block moments ``per_draw`` and of the bin
    counts and extremes."""
    last = per_draw.shape[0] - 1
    for i in range(prices.shape[0]):
        day = first + i
        _block_moments(prices[i:i + 1].T, blocks, per_draw[last, 0, day:day + 1].T,
                       per_draw[last, 1, day:day + 1].T)
        _histogram_day(prices[i], edges, counts[day], extremes[:, day])


class DaySummary:
    """The summary of a batch of ``n`` draws, built from the days an engine records.

    Parameters
    ----------
    inputs : ModelInputs
        The central world (days, regions, fees).
    n : int
        Draws in the batch.
    emission_factor_t_per_mwh : numpy.ndarray, optional
        The draws' own emission factors (n, R) [t CO2/MWh] (default: the central ones).
    first_draw : int
        The run's index of the batch's first draw, a multiple of
        :data:`~hashjoule.simulation.reduce.BLOCK`: it places the batch's blocks in the
        fixed tree over all blocks, and so sets the subtrees its moments are merged into.
    """

    def __init__(self, inputs: ModelInputs, n: int, emission_factor_t_per_mwh: np.ndarray | None = None, *,
                 first_draw: int):
        if first_draw % BLOCK:
            raise ValueError(f"a batch must start at a multiple of {BLOCK} draws, not {first_draw}")
        days, regions = inputs.days, len(inputs.regions.names)
        years = inputs.time.astype("datetime64[Y]").astype(np.int64) + 1970
        starts = np.flatnonzero(np.r_[True, years[1:] != years[:-1]])
        self.inputs = inputs
        self.year = np.cumsum(np.r_[False, years[1:] != years[:-1]]).astype(np.int64)  # (T,) index of the day's year
        self.year_end = np.r_[years[1:] != years[:-1], True]  # (T,) the year's last day in the run
        self.years, self.days_in_year = years[starts], np.diff(np.r_[starts, days])
        self.blocks = np.array(list(range(0, n, BLOCK)) + [n], dtype=np.int64)
        b = self.blocks.size - 1
        first_block = first_draw // BLOCK
        #: the whole subtrees of the fixed tree that the batch's blocks make, (level, index)
        self.keys = subtrees(first_block, first_block + b)
        #: each subtree's first block in the batch and its level (subtree, 2)
        self.nodes = np.array([((index << level) - first_block, level) for level, index in self.keys],
                              dtype=np.int64).reshape(-1, 2)
        #: CO2 of 1 GW for a day, (draw, region) [t]
        self.co2_per_gw_day = np.ascontiguousarray(np.broadcast_to(
            per_gw_day(inputs, emission_factor_t_per_mwh)["co2"], (n, regions)), dtype=float)
        self.fees_per_block = inputs.market.fees_btc_per_block
        #: moments of the regional variables per subtree, merged from a day's blocks
        #: (``_day_blocks``) as the day ends: (variable, mean or m2, time, subtree, region), a
        #: day's contiguous; and those of the per-draw variables per block (variable, mean or
        #: m2, time, block), merged at the end. Every day's blocks of regional moments took
        #: 180 MB for 2,000 draws of china-2021 (15 years, 17 regions); their two subtrees take 9 MB.
        self.regional = np.zeros((len(_REGIONAL), 2, days, len(self.keys), regions))
        self._day_blocks = np.empty((len(_REGIONAL), 2, b, regions))
        self.per_draw = np.zeros((len(_PER_DRAW), 2, days, b))
        #: histograms of the daily network totals (variable, time, bin): as many bins as the widest
        #: range has, counted in 2-byte integers (4 for batches of 65,536 draws or more); their
        #: extremes (variable, 2, time)
        self.counts = np.zeros((len(HISTOGRAMS), days, max(map(bin_count, HISTOGRAMS))), dtype=count_type(n))
        self.extremes = np.zeros((len(HISTOGRAMS), 2, days))
        #: each variable's bin edges (:func:`~hashjoule.simulation.histograms.bin_edges`), as many as it has
        edges = [bin_edges(name) for name in HISTOGRAMS]
        self.edges = np.full((len(edges), max(e.size for e in edges)), np.inf)
        self.edge_count = np.array([e.size for e in edges], dtype=np.int64)
        for v, e in enumerate(edges):
            self.edges[v, :e.size] = e
        #: per year and draw (a year's together: a day adds to one contiguous block): energy [GWh]
        #: and CO2 [t] by region, blocks and subsidy [BTC]; hashrate at the end per draw and year [EH/s]
        self.annual_fleet = np.zeros((2, self.years.size, n, regions))
        self.annual_chain = np.zeros((2, self.years.size, n))
        self.hashrate_end = np.zeros((n, self.years.size))
        self._chain = np.empty((n, len(_PER_DRAW) - 1))
        self._totals = np.empty((len(_REGIONAL), n))
        self._unit = None  # ones (draw, region), the CO2's factor in kept daily series

    def record_fleet(self, day: int, hashrate_ths: np.ndarray, power_gw: np.ndarray) -> None:
        """The day's online hashrate [TH/s] and power [GW], (draw, region)."""
        _fleet_day(day, self.year[day], self.year_end[day], hashrate_ths, 1e-6, power_gw, power_gw,
                   self.co2_per_gw_day, self.blocks, self._day_blocks, self.nodes, self.regional, self.edges,
                   self.edge_count, self.counts, self.extremes, self.annual_fleet, self.hashrate_end, self._totals)

    def record_regional(self, day: int, values: np.ndarray) -> None:
        """The day's hashrate [EH/s], power [GW] and CO2 [t], stacked (3, draw, region), as
        :meth:`record_fleet` derives them (or as kept daily series hold them)."""
        if self._unit is None:
            self._unit = np.ones(values.shape[1:])
        _fleet_day(day, self.year[day], self.year_end[day], values[0], 1.0, values[1], self._unit, values[2],
                   self.blocks, self._day_blocks, self.nodes, self.regional, self.edges, self.edge_count, self.counts,
                   self.extremes, self.annual_fleet, self.hashrate_end, self._totals)

    def record_chain(self, day: int, blocks: np.ndarray, minted_btc: np.ndarray, difficulty: np.ndarray) -> None:
        """The day's blocks [1], subsidy minted [BTC] and end-of-day difficulty [1], (draw,)."""
        _chain_day(day, self.year[day], blocks, minted_btc, self.fees_per_block[day], difficulty, self._chain,
                   self.blocks, self.per_draw, self.annual_chain)

    def record_prices(self, first: int, prices_usd: np.ndarray) -> None:
        """Prices from day ``first`` on, (days, draw) [USD/BTC]."""
        last = len(HISTOGRAMS) - 1
        _prices(np.ascontiguousarray(prices_usd), int(first), self.blocks, self.per_draw,
                self.edges[last, :self.edge_count[last]], self.counts[last], self.extremes[last])

    def dataset(self, draws: np.ndarray) -> xr.Dataset:
        """The summary as :class:`~hashjoule.simulation.reduce.Reduction` takes it, with the
        draws' annual totals."""
        out = {}
        blocks = [(int(self.blocks[b + 1] - self.blocks[b]),
                   {name: (self.per_draw[v, 0, :, b], self.per_draw[v, 1, :, b]) for v, name in enumerate(_PER_DRAW)})
                  for b in range(self.blocks.size - 1)]
        nodes = [fold(blocks[start:start + (1 << level)]) for start, level in self.nodes.tolist()]
        for v, name in enumerate(_REGIONAL):
            for m, part in enumerate(("mean", "m2")):
                out[f"{name}__{part}"] = (("node", "time", "region"),
                                          np.ascontiguousarray(self.regional[v, m].transpose(1, 0, 2)))
        for name in _PER_DRAW:
            out[f"{name}__mean"] = (("node", "time"), np.stack([moments[name][0] for _, moments in nodes]))
            out[f"{name}__m2"] = (("node", "time"), np.stack([moments[name][1] for _, moments in nodes]))
        for v, name in enumerate(HISTOGRAMS):
            # each day's range of bins only: 2,000 draws of china-2021's 15 years send 14.7 MB
            # of counts instead of 32 MB for the bins any day used, or 44.8 MB for all (4
            # variables x 5,479 days x 962, 962, 1,082 and 1,082 bins x 2 bytes); sending a
            # batch's result took 3-6 ms a MB from a local worker
            counts, first_bin, day_bins = day_ranges(self.counts[v, :, :bin_count(name)])
            if not counts.size:  # no day recorded
                raise ValueError(f"{name}: no value counted in the batch's histograms (were its days recorded?)")
            out[f"{name}__counts"] = (f"{name}__count", counts)
            out[f"{name}__first_bin"] = ("time", first_bin)
            out[f"{name}__bins"] = ("time", day_bins)
            out[f"{name}__min"] = ("time", self.extremes[v, 0])
            out[f"{name}__max"] = ("time", self.extremes[v, 1])
        out.update(self._annual())
        return xr.Dataset(out, coords={
            **node_coords(self.keys, [draws for draws, _ in nodes]),
            "time": ("time", self.inputs.time.astype("datetime64[ns]"), {"long_name": "UTC day"}),
            "region": ("region", list(self.inputs.regions.names)),
            "draw": ("draw", np.asarray(draws, dtype=np.int64), {"long_name": "Monte Carlo draw (seed stream index)"}),
            "year": self.years})

    def _annual(self) -> dict:
        """Per-draw totals per calendar year; years the run covers in part are totals over
        the days covered (``days``)."""
        return {
            "annual_energy": (("draw", "year", "region"), self.annual_fleet[0].transpose(1, 0, 2) * 1e-3,
                              {"units": "TWh", "long_name": "electricity consumed in the year"}),
            "annual_co2": (("draw", "year", "region"), self.annual_fleet[1].transpose(1, 0, 2) * 1e-6,
                           {"units": "Mt", "long_name": "CO2 emitted in the year"}),
            "annual_blocks": (("draw", "year"), self.annual_chain[0].T.copy(),
                              {"units": "1", "long_name": "blocks mined in the year"}),
            "annual_btc_minted": (("draw", "year"), self.annual_chain[1].T.copy(),
                                  {"units": "BTC", "long_name": "subsidy minted in the year"}),
            "annual_hashrate_end": (("draw", "year"), self.hashrate_end,
                                    {"units": "EH/s", "long_name": "hashrate on the year's last day"}),
            "days": ("year", self.days_in_year, {"units": "d", "long_name": "days of the year in the run"}),
        }


def compile_summary() -> None:
    """Compile (or load from numba's cache) the summary's passes for the types the engines
    pass, as :func:`~hashjoule.simulation.kernels.compile_kernels` does for the fleet's, and
    the packing of the counts, their addition and the search of the order statistics' bins
    in the reduction's types."""
    from types import SimpleNamespace

    time = np.arange(np.datetime64("2020-12-31"), np.datetime64("2021-01-02"))
    world = SimpleNamespace(days=2, time=time, regions=SimpleNamespace(names=["a"], emission_factor_t_per_mwh=np.ones(1)),
                            market=SimpleNamespace(fees_btc_per_block=np.zeros(2)))
    summary = DaySummary(world, 1, first_draw=0)
    for day in range(2):
        summary.record_fleet(day, np.ones((1, 1)), np.ones((1, 1)))
        summary.record_chain(day, np.ones(1), np.ones(1), np.ones(1))
    summary.record_prices(0, np.ones((2, 1)))
    packed, first_bin, day_bins = day_ranges(summary.counts[0, :, :bin_count("hashrate")])  # as a batch sends them
    for draws in (1, 2**16):  # as the reduction holds them, in 2 and in 4 bytes
        counts = np.zeros((2, bin_count("hashrate")), dtype=count_type(draws))
        add_day_ranges(counts, first_bin, day_bins, packed)
        histogram_quantiles(counts, "hashrate")  # and the reduction's bin search


def summarise_batch(inputs: ModelInputs, ds: xr.Dataset, first_draw: int) -> xr.Dataset:
    """The summary of a batch whose daily series are kept (``ds``, an engine's Dataset of the
    world ``inputs``), taken day by day as :class:`DaySummary` takes them while an engine
    runs: the same numbers."""
    day_major = {name: ds[name].transpose("time", "draw", ...).to_numpy() for name in ("hashrate", "power", "co2")}
    day_major.update({name: np.ascontiguousarray(ds[name].transpose("time", "draw").to_numpy())  # a day's row as
                      for name in ("blocks", "btc_minted", "difficulty")})  # an engine passes it
    summary = DaySummary(inputs, ds.draw.size, first_draw=first_draw)
    values = np.empty((len(_REGIONAL), ds.draw.size, ds.region.size))
    for day in range(ds.time.size):
        for v, name in enumerate(_REGIONAL):
            values[v] = day_major[name][day]
        summary.record_regional(day, values)
        summary.record_chain(day, day_major["blocks"][day], day_major["btc_minted"][day], day_major["difficulty"][day])
    summary.record_prices(0, ds.price.transpose("time", "draw").to_numpy())
    return summary.dataset(ds.draw.to_numpy())
