"""Small hand-made worlds for the engine tests (no bundled data involved)."""

import numpy as np

from hashjoule.network import chain
from hashjoule.simulation.inputs import (
    ChainStart,
    FleetParameters,
    Hardware,
    Market,
    ModelInputs,
    Regions,
)
from hashjoule.simulation.policy_schedule import PolicySchedule


def bits_for_hashrate(hashrate_ths: float) -> int:
    """Compact target at which ``hashrate_ths`` finds a block every 600 s on average."""
    difficulty = hashrate_ths * 1e12 * chain.TARGET_SPACING_S / chain.HASHES_PER_DIFFICULTY
    return chain.target_to_bits(chain.target_from_difficulty(difficulty))


def toy_inputs(days=120, regions=2, capacity_ths=1e6, tariff=0.0, growth=0.0, price=30_000.0,
               volatility=0.0, height=630_000, bits=None, start="2021-01-01", removal=None,
               relocation_share=0.0, destinations=None, ban=None, adder=None, attrition=0.0,
               lifetime_days=10_000, retire_days=30.0, lag=0) -> ModelInputs:
    """A world of ``regions`` equal regions and one machine class (30 J/TH).

    With ``tariff=0`` every machine always runs, so the hashrate is the installed capacity.
    """
    time = np.arange(np.datetime64(start), np.datetime64(start) + np.timedelta64(days, "D"))
    share = np.full(regions, 1.0 / regions)
    zeros = np.zeros((days, regions))
    return ModelInputs(
        time=time,
        regions=Regions(tuple(f"r{i}" for i in range(regions)), np.full((days, regions), tariff),
                        np.full(regions, 4.0), np.full(regions, 1.1), np.full(regions, 0.5), share,
                        np.tile(share, (days, 1))),
        hardware=Hardware(("c",), np.array([30.0]), np.array([-10]), np.array([lifetime_days])),
        market=Market(np.array([price]), 0.0, volatility, np.full(days, 0.1)),
        policy=PolicySchedule.from_daily(zeros if removal is None else removal, zeros if adder is None else adder,
                                         np.zeros((days, regions), bool) if ban is None else ban,
                                         destinations=np.ones(regions) if destinations is None else destinations,
                                         relocation_share=np.full(regions, relocation_share), relocation_delay_days=30.0,
                                         relocation_attrition=attrition),
        fleet=FleetParameters(growth, lag, retire_days),
        # the current epoch began (height mod 2016) blocks ago, at 600 s a block
        chain_start=ChainStart(height, bits_for_hashrate(capacity_ths) if bits is None else bits,
                               -(height % chain.RETARGET_INTERVAL) * chain.TARGET_SPACING_S),
        initial_capacity_ths=np.full((regions, 1), capacity_ths / regions),
    )
