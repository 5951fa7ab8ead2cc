"""Vectorised engine: many draws at once, one numpy step per day.

Mining is a Poisson process in hash space, so an epoch's work does not depend on how the
hashrate moves in time: the work from the previous epoch's last block to this epoch's
first block is Exp(D x 2**32) hashes, and to its last block a further
Gamma(2015, D x 2**32). The engine draws both, integrates the (daily constant) network
hashrate, and finds the instants the work is reached; the retarget then uses the exact
rule on the integer timestamps of the epoch's first and last blocks.

The first and last block of an epoch are placed exactly; the 2014 blocks between them lie
uniformly in work between the two, and a day's share of them is counted as its
expectation (2014 x the day's share of that stretch of work). Epoch ends, durations and
difficulties are exact in distribution; daily block counts are smoothed within epochs,
their sum over each epoch is exact. The per-block engine
(:mod:`~hashjoule.simulation.engine_des`) has no such shortcut and is the reference.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hashjoule.constants import SECONDS_PER_DAY
from hashjoule.network import chain
from hashjoule.simulation.fleet import Fleet
from hashjoule.simulation.draws import DrawValues
from hashjoule.simulation.inputs import ModelInputs
from hashjoule.simulation import chain_kernels
from hashjoule.simulation.chain_kernels import mine_stretch
from hashjoule.simulation.kernels import network_total
from hashjoule.simulation.results import DailyArrays, build_dataset, draw_streams
from hashjoule.simulation.summary import DaySummary


class _EpochRandoms:
    """Per-draw standard Exp(1) and Gamma(2015) variates, drawn ahead in chunks.

    Each draw's numbers come from its own generators, one per variate, in order; chunked
    generation gives the same sequence, so the values do not depend on the batch.
    ``None`` generators (a deterministic run) give the means, 1 and 2015.
    """

    def __init__(self, first_block, epoch_work, chunk: int):
        self.first_block, self.epoch_work, self.chunk = first_block, epoch_work, chunk
        n = len(first_block) if first_block is not None else 1
        self.x1 = np.empty((n, 0))
        self.rest = np.empty((n, 0))

    def take(self, rows: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The variates of epoch ``k`` of each draw in ``rows``."""
        x1, rest = self.ensure(int(k.max()))
        row = rows if x1.shape[0] > 1 else 0  # a deterministic run: one row, the means
        return x1[row, k], rest[row, k]

    def ensure(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The variates of every draw (draw, epoch) up to epoch ``k`` at least, drawn ahead as
        needed; one row, the means, for a deterministic run."""
        while k >= self.x1.shape[1]:
            drawn = self.x1.shape[1]
            if self.first_block is None:
                self.x1 = np.ones((1, drawn + self.chunk))
                self.rest = np.full(self.x1.shape, chain.RETARGET_INTERVAL - 1.0)
                continue
            x1, rest = (np.empty((a.shape[0], drawn + self.chunk)) for a in (self.x1, self.rest))
            x1[:, :drawn], rest[:, :drawn] = self.x1, self.rest
            for g, row in zip(self.first_block, x1[:, drawn:]):  # each draw's variates into its row
                g.standard_exponential(out=row)
            for g, row in zip(self.epoch_work, rest[:, drawn:]):
                g.standard_gamma(chain.RETARGET_INTERVAL - 1, out=row)
            self.x1, self.rest = x1, rest
        return self.x1, self.rest


class EnsembleChain:
    """Chain state of ``n`` draws: height, target, and the current epoch's work."""

    #: one stretch of the day's work (:func:`~hashjoule.simulation.chain_kernels.mine_stretch`);
    #: the tests swap in its numpy reference
    stretch = staticmethod(mine_stretch)
    #: the day's hashprice (:func:`~hashjoule.simulation.chain_kernels.hashprice_day`); the tests
    #: swap in its numpy reference too
    price_day = staticmethod(chain_kernels.hashprice_day)

    def __init__(self, inputs: ModelInputs, n: int, streams: dict | None, max_epochs: int, record_epochs: bool = True):
        start = inputs.chain_start
        self.n = n
        self.height = np.full(n, float(start.height))
        self.bits = np.full(n, start.bits, dtype=np.int64)
        self.difficulty = chain.difficulty_from_bits_array(self.bits)
        self.randoms = _EpochRandoms(None if streams is None else streams["first_block"],
                                     None if streams is None else streams["epoch_work"], chunk=max(max_epochs, 8))
        self.epochs_done = np.zeros(n, dtype=np.int64)
        #: each epoch's end [s] and difficulty (draw, epoch), NaN-padded; empty unless
        #: ``record_epochs`` (a summarised batch has no use for them: 18 MB for 2,000 draws over
        #: 15 years, pages written for the first time)
        self.record_epochs = bool(record_epochs)
        self.epoch_end_s = np.full((n, max_epochs if record_epochs else 0), np.nan)
        self.epoch_difficulty = np.full(self.epoch_end_s.shape, np.nan)
        mined = start.height % chain.RETARGET_INTERVAL
        self.first_epoch_complete = mined == 0
        self.epoch_end_height = np.full(n, float(start.height - mined + chain.RETARGET_INTERVAL))
        #: work done in the current epoch since the previous epoch's last block [H]
        self.done = np.zeros(n)
        #: work at which the epoch's first and last block are found [H]
        self.first_at, self.end_at = np.zeros(n), np.zeros(n)
        self.first_found = np.zeros(n, dtype=bool)
        self.first_time = np.zeros(n)  # [s since the start]
        #: blocks strictly between the first and the last block still to come: they lie
        #: uniformly in work between first_at and end_at
        self.between = np.zeros(n)
        #: a day's buffers (:meth:`mine_day`): rate, work left, seconds elapsed, blocks, subsidy;
        #: and a stretch's new heights and epoch ends
        self._day = tuple(np.empty(n) for _ in range(5))
        self._stretch_out = np.empty(n), np.empty(n, dtype=bool)
        if mined == 0:
            self._new_epoch(np.arange(n))
        else:  # the epoch's first block was mined before the start; the rest is Gamma(2016 - mined)
            self.first_found[:] = True
            self.first_time[:] = start.epoch_first_time_s
            remaining = chain.RETARGET_INTERVAL - mined
            work = (np.full(n, float(remaining)) if streams is None
                    else np.array([g.standard_gamma(remaining) for g in streams["epoch_work"]]))
            self.end_at = work * self.difficulty * chain.HASHES_PER_DIFFICULTY
            self.between[:] = remaining - 1

    def _new_epoch(self, rows: np.ndarray) -> None:
        x1, rest = self.randoms.take(rows, self.epochs_done[rows])
        scale = self.difficulty[rows] * chain.HASHES_PER_DIFFICULTY
        self.done[rows] = 0.0
        self.first_found[rows] = False
        self.first_at[rows] = x1 * scale
        self.end_at[rows] = (x1 + rest) * scale
        self.between[rows] = chain.RETARGET_INTERVAL - 2

    def hashprice(self, fees_btc: float, prices: np.ndarray) -> np.ndarray:
        """Each draw's hashprice at the start of the day: the next block's subsidy plus
        ``fees_btc`` per block, at the day's ``prices`` (draw,) [USD/BTC] and the current
        difficulty. [USD/(TH/s)/d]"""
        out = np.empty(self.n)
        self.price_day(self.height, fees_btc, prices, self.difficulty, out)
        return out

    def mine_day(self, day: int, hashrate_ths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Advance one day at a constant hashrate; returns blocks [1] and subsidy minted [BTC],
        (n,), arrays of the chain's that the next day overwrites."""
        if hashrate_ths.shape != (self.n,):  # the compiled start reads one a draw, unchecked
            raise ValueError(f"hashrate: expected one per draw, shape ({self.n},), got {hashrate_ths.shape}")
        day_start = float(day * SECONDS_PER_DAY)
        # network hashrate [H/s], work left today [H], seconds of the day used by earlier
        # epochs, and the day's blocks and subsidy so far
        rate, work_left, elapsed, blocks, minted = self._day
        chain_kernels.start_day(hashrate_ths, rate, work_left, elapsed, blocks, minted)
        new_height, ends = self._stretch_out
        while True:
            # (the caller has set numpy.errstate: a zero hashrate divides by zero harmlessly)
            some_end = self.stretch(day_start, rate, work_left, elapsed, self.done, self.first_at, self.end_at,
                                    self.first_found, self.first_time, self.between, self.height,
                                    self.epoch_end_height, new_height, ends, blocks, minted)
            self.height, new_height = new_height, self.height
            if not some_end:
                self._stretch_out = new_height, ends
                return blocks, minted
            self._close_epochs(*chain_kernels.epoch_ends(ends, day_start, rate, self.done, self.end_at, elapsed))

    def _close_epochs(self, rows: np.ndarray, end_time: np.ndarray) -> None:
        """Close the epochs of draws ``rows``, ended at ``end_time`` [s], retarget, and start
        their next epochs, in two compiled passes (the reference retarget between them for
        the rare target the compiled rule does not take)."""
        k = int(self.epochs_done[rows].max())
        self._grow(k)
        x1, rest = self.randoms.ensure(k + 1)
        timespan, new_bits = np.empty(rows.size, dtype=np.int64), np.empty(rows.size, dtype=np.int64)
        if not chain_kernels.close_epochs(rows, end_time, self.epochs_done, self.first_time, self.bits,
                                          self.difficulty, self.record_epochs, self.epoch_end_s, self.epoch_difficulty,
                                          chain.TARGET_TIMESPAN_S, chain.POW_LIMIT_BITS, timespan, new_bits):
            other = new_bits < 0
            new_bits[other] = chain.next_bits_many(self.bits[rows[other]], timespan[other])
        chain_kernels.open_epochs(rows, new_bits, x1, rest, self.epochs_done, self.bits, self.difficulty,
                                  self.epoch_end_height, self.done, self.first_found, self.first_at, self.end_at,
                                  self.between)

    def _grow(self, k: int) -> None:
        """Room for epoch ``k`` in the record of epoch ends and difficulties."""
        if self.record_epochs and k >= self.epoch_end_s.shape[1]:
            grow = self.epoch_end_s.shape[1]
            self.epoch_end_s = np.hstack([self.epoch_end_s, np.full((self.n, grow), np.nan)])
            self.epoch_difficulty = np.hstack([self.epoch_difficulty, np.full((self.n, grow), np.nan)])

    def _close_epochs_reference(self, rows: np.ndarray, end_time: np.ndarray) -> None:
        """numpy form of :meth:`_close_epochs`."""
        k = self.epochs_done[rows]
        self._grow(int(k.max()))
        if self.record_epochs:
            self.epoch_end_s[rows, k] = end_time
            self.epoch_difficulty[rows, k] = self.difficulty[rows]
        timespan = np.floor(end_time).astype(np.int64) - np.floor(self.first_time[rows]).astype(np.int64)
        self.bits[rows] = chain.next_bits_many(self.bits[rows], timespan)
        self.difficulty[rows] = chain.difficulty_from_bits_array(self.bits[rows])
        self.epochs_done[rows] += 1
        self.epoch_end_height[rows] += chain.RETARGET_INTERVAL
        self._new_epoch(rows)


def run_batch(inputs: ModelInputs, draws, seed: int | None = 0, arrays: DailyArrays | None = None,
              values: DrawValues | None = None):
    """Simulate the draws ``draws`` (indices into the seed's streams) over all days.

    Parameters
    ----------
    inputs : ModelInputs
    draws : sequence of int
        Draw indices; each draw's randomness depends only on ``seed`` and its index.
    seed : int or None
        Root seed; ``None`` runs deterministic draws (median price path, mean epoch work),
        which differ only in their ``values`` (calibration runs one parameter vector a draw).
    arrays : DailyArrays, optional
        Buffers to write into (for at least as many draws); the result then shares them.
    values : DrawValues, optional
        The draws' uncertain parameters, one row per draw (default: the central values).

    Returns
    -------
    xarray.Dataset
        See :func:`hashjoule.simulation.results.build_dataset`.
    """
    draws = np.atleast_1d(np.asarray(draws, dtype=np.int64))
    out, state = _simulate(inputs, draws, seed, values,
                           lambda n, factors: (arrays or DailyArrays(inputs, n)).for_draws(n, factors))
    complete = np.isfinite(state.epoch_end_s)
    complete[:, 0] &= state.first_epoch_complete
    return build_dataset(inputs, draws, out, epoch_end_s=state.epoch_end_s, epoch_difficulty=state.epoch_difficulty,
                         epoch_complete=complete, engine="ensemble", seed=seed)


def summarise(inputs: ModelInputs, draws, seed: int | None = 0, values: DrawValues | None = None,
              first_draw: int = 0) -> xr.Dataset:
    """Simulate the draws ``draws`` as :func:`run_batch` does, keeping only their summary
    (:meth:`~hashjoule.simulation.summary.DaySummary.dataset`, blocks numbered from
    ``first_draw``, a multiple of :data:`~hashjoule.simulation.reduce.BLOCK`): the memory
    of a few days, not of every day of every draw."""
    draws = np.atleast_1d(np.asarray(draws, dtype=np.int64))
    out, _ = _simulate(inputs, draws, seed, values,
                       lambda n, factors: DaySummary(inputs, n, factors, first_draw=first_draw), record_epochs=False)
    return out.dataset(draws)


def _simulate(inputs: ModelInputs, draws: np.ndarray, seed: int | None, values: DrawValues | None, record,
              record_epochs: bool = True):
    """Run the draws; ``record(n, emission factors)`` gives what the days are written to, and
    the chain records each epoch's end and difficulty if ``record_epochs``. Returns the
    record, written, and the chain's state."""
    days, n = inputs.days, draws.size
    if n == 0:
        raise ValueError("a batch needs at least one draw, got none")
    streams = None if seed is None else draw_streams(seed, draws)
    fleet = Fleet(inputs, n, values)
    prices = inputs.market.price_chunks(days, None if streams is None else streams["price"],
                                        fleet.values.volatility_scale)
    state = EnsembleChain(inputs, n, streams, max_epochs=days // 10 + 8, record_epochs=record_epochs)
    out = record(n, fleet.values.emission_factor_t_per_mwh)
    _run_days(inputs, prices, fleet, state, out)
    return out, state


def _run_days(inputs: ModelInputs, price_chunks, fleet: Fleet, state: EnsembleChain,
              out: DailyArrays | DaySummary) -> None:
    """The day loop: price and difficulty give the hashprice, the fleet the hashrate, the chain
    the blocks. The prices come in chunks of days ((first day, (days, draw) prices),
    :meth:`~hashjoule.simulation.inputs.Market.price_chunks`)."""
    fees = inputs.market.fees_btc_per_block
    for first, prices in price_chunks:  # drawn under the caller's error settings
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # see Fleet.online_day
            out.record_prices(first, prices)
            for day in range(first, first + len(prices)):
                difficulty = state.difficulty.copy()  # the day's hashprice is set at this difficulty
                hashprice = state.hashprice(fees[day], prices[day - first])
                by_region, power_gw = fleet.online_day(day, hashprice)
                network = network_total(by_region)
                out.record_fleet(day, by_region, power_gw)
                blocks, minted = state.mine_day(day, network)
                out.record_chain(day, blocks, minted, state.difficulty)
                fleet.advance(day, hashprice, network, difficulty)
