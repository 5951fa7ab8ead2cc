"""Per-block discrete-event engine (simpy): the reference the ensemble engine is tested against.

One draw at a time. Every block is mined: the work it needs is an Exp(D x 2**32) number of
hashes, spent at the network hashrate of the moment; when the fleet changes the
hashrate at the start of a day, the miner is interrupted and carries on with the work
still missing. The difficulty retargets with the exact rule of
:func:`hashjoule.network.chain.next_bits` on the integer timestamps of each epoch's
first and last block; the subsidy follows the block height.

Processes: ``market`` (the day's price), ``fleet`` (the day's online capacity and, at the
day's end, deployments, retirements and policy removals), ``policy`` (logs the days the
compiled policy series change) and ``miner`` (blocks).
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from hashjoule.constants import SECONDS_PER_DAY
from hashjoule.network import chain
from hashjoule.simulation.draws import DrawValues
from hashjoule.simulation.economics import hashprice_usd_per_ths_day
from hashjoule.simulation.fleet import Fleet
from hashjoule.simulation.inputs import ModelInputs
from hashjoule.simulation.kernels import network_total
from hashjoule.simulation.results import DailyArrays, build_dataset, draw_streams


class _Miner:
    """Finds blocks one after another at the current network hashrate."""

    def __init__(self, env: simpy.Environment, inputs: ModelInputs, rng: np.random.Generator | None, record):
        start = inputs.chain_start
        self.env, self.rng, self.record = env, rng, record
        self.height, self.bits = start.height, start.bits
        self.difficulty = chain.difficulty_from_bits(self.bits)
        self.first_time = float(start.epoch_first_time_s)
        self.first_epoch_complete = start.height % chain.RETARGET_INTERVAL == 0
        self.rate_hs = 0.0
        self._waiting = False
        self._exponentials = np.empty(0)
        self.process = env.process(self.run())

    def _standard_exponential(self) -> float:
        if self.rng is None:  # deterministic: every block takes its mean work
            return 1.0
        if self._exponentials.size == 0:
            self._exponentials = self.rng.standard_exponential(4096)
        value, self._exponentials = self._exponentials[0], self._exponentials[1:]
        return float(value)

    def set_rate(self, rate_hs: float) -> None:
        """Change the network hashrate [H/s]; the block in progress keeps its remaining work."""
        self.rate_hs = rate_hs
        if self._waiting:
            self.process.interrupt()

    def run(self):
        while True:
            work = self._standard_exponential() * self.difficulty * chain.HASHES_PER_DIFFICULTY
            while work > 0:
                rate, since = self.rate_hs, self.env.now
                self._waiting = True
                try:
                    yield self.env.timeout(work / rate) if rate > 0 else self.env.event()
                    work = 0.0
                except simpy.Interrupt:
                    work -= (self.env.now - since) * rate
                finally:
                    self._waiting = False
            self._found_block(self.env.now)

    def _found_block(self, now: float) -> None:
        position = self.height % chain.RETARGET_INTERVAL
        if position == 0:
            self.first_time = now
        self.record.block(now, chain.block_subsidy_sat(self.height) / chain.SAT_PER_BTC)
        if position == chain.RETARGET_INTERVAL - 1:
            self.record.epoch(now, self.difficulty)
            self.bits = chain.next_bits(self.bits, math.floor(self.first_time), math.floor(now))
            self.difficulty = chain.difficulty_from_bits(self.bits)
        self.height += 1


class _Record:
    """Blocks and epochs of one draw, tallied into the day's totals."""

    def __init__(self, arrays: DailyArrays):
        self.arrays = arrays
        self.epoch_end_s: list[float] = []
        self.epoch_difficulty: list[float] = []
        self.policy_log: list[str] = []

    def block(self, now: float, subsidy_btc: float) -> None:
        day = min(int(now // SECONDS_PER_DAY), self.arrays.blocks.shape[0] - 1)
        self.arrays.blocks[day, 0] += 1
        self.arrays.minted_btc[day, 0] += subsidy_btc

    def epoch(self, now: float, difficulty: float) -> None:
        self.epoch_end_s.append(now)
        self.epoch_difficulty.append(difficulty)


def _policy_change_days(inputs: ModelInputs) -> list[int]:
    """Days on which the central world's policy schedule, spread over the days, changes."""
    daily = inputs.policy.daily(inputs.days, draw=0)
    series = np.concatenate([daily["removal_rate"], daily["tariff_adder_usd_per_kwh"],
                             daily["deployment_ban"].astype(float), daily["curtailed_share"]], axis=1)
    changes = np.flatnonzero(np.any(np.diff(series, axis=0) != 0, axis=1)) + 1
    return ([0] if series[0].any() else []) + changes.tolist()


def run_draw(inputs: ModelInputs, draw: int, seed: int | None = 0, arrays: DailyArrays | None = None,
             values: DrawValues | None = None):
    """Simulate one draw block by block.

    Parameters
    ----------
    draw : int
        Draw index: its price path and blocks come from the draw's own streams, the same
        streams the ensemble engine uses for that draw.
    seed : int or None
        Root seed; ``None`` runs the deterministic variant (median prices, every block
        taking its mean work).
    arrays : DailyArrays, optional
        Buffers to write into; the result then shares them.
    values : DrawValues, optional
        The draw's uncertain parameters (one row; default: the central values).

    Returns
    -------
    xarray.Dataset
        The common layout with one draw, plus the ``policy_log`` attribute.
    """
    streams = None if seed is None else draw_streams(seed, [draw])
    fleet = Fleet(inputs, 1, values)
    prices = inputs.market.price_paths(inputs.days, None if streams is None else streams["price"],
                                       fleet.values.volatility_scale)
    env = simpy.Environment()
    out = (arrays or DailyArrays(inputs, 1)).for_draws(1, fleet.values.emission_factor_t_per_mwh)
    record = _Record(out)
    miner = _Miner(env, inputs, None if streams is None else streams["first_block"][0], record)
    market = {"price": prices[0, 0]}  # (time, draw)
    # created in this order, so on each day's first instant the price is set before the fleet reads it
    env.process(_market_process(env, prices, market))
    env.process(_policy_process(env, inputs, record))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # see Fleet.online_day
        env.run(until=env.process(_fleet_process(env, inputs, fleet, miner, market, out)))
    out.record_prices(0, prices)
    ends = np.array(record.epoch_end_s)[None, :]
    complete = np.ones_like(ends, dtype=bool)
    if ends.size:
        complete[0, 0] = miner.first_epoch_complete
    ds = build_dataset(inputs, [draw], out, epoch_end_s=ends, epoch_difficulty=np.array(record.epoch_difficulty)[None, :],
                       epoch_complete=complete, engine="des", seed=seed)
    ds.attrs["policy_log"] = "; ".join(record.policy_log)
    return ds


def _market_process(env: simpy.Environment, prices: np.ndarray, market: dict):
    """The day's price, set at the day's first instant."""
    for day in range(prices.shape[0]):
        market["price"] = prices[day, 0]
        yield env.timeout(SECONDS_PER_DAY)


def _policy_process(env: simpy.Environment, inputs: ModelInputs, record: _Record):
    """Logs the days the policy schedule changes."""
    for day in _policy_change_days(inputs):
        yield env.timeout(day * SECONDS_PER_DAY - env.now)
        record.policy_log.append(f"{inputs.time[day]}: policy series change")


def _fleet_process(env: simpy.Environment, inputs: ModelInputs, fleet: Fleet, miner: _Miner, market: dict,
                   out: DailyArrays):
    """Each day: the fleet switched on at the day's hashprice sets the miner's hashrate for the
    day; at its end the fleet retires, relocates and deploys."""
    for day in range(inputs.days):
        reward = chain.block_subsidy_sat(miner.height) / chain.SAT_PER_BTC + inputs.market.fees_btc_per_block[day]
        difficulty = np.array([miner.difficulty])  # the day's hashprice is set at this difficulty
        hashprice = hashprice_usd_per_ths_day(reward, np.array([market["price"]]), difficulty)
        by_region, power_gw = fleet.online_day(day, hashprice)
        out.record_fleet(day, by_region, power_gw)
        network = network_total(by_region)
        miner.set_rate(float(network[0]) * 1e12)
        yield env.timeout(SECONDS_PER_DAY)
        out.difficulty[day, 0] = miner.difficulty
        fleet.advance(day, hashprice, network, difficulty)


def run_batch(inputs: ModelInputs, draws, seed: int | None = 0, arrays: DailyArrays | None = None,
              values: DrawValues | None = None):
    """Run several draws one after another and stack them along ``draw``.

    ``arrays`` is ignored: each draw needs buffers of its own until they are stacked.
    ``values`` holds one row per draw.
    """
    import xarray as xr

    draws = np.atleast_1d(draws)
    rows = [None if values is None else values.row(i) for i in range(draws.size)]
    return xr.concat([run_draw(inputs, int(d), seed, values=row) for d, row in zip(draws, rows)], dim="draw",
                     join="outer", combine_attrs="drop_conflicts")
