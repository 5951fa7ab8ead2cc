"""What the fleet's supply, hosting and hidden-mining mechanisms cost, and how long the fit takes.

Run: python benchmarks/bench_fleet.py [--draws 1000] [--batch 500] [--fit]

Prints, from one run, the ensemble engine's draws per second on china-2021 (2016-2030, the
scenario's uncertain values sampled per draw) with the mechanisms switched off (no limit on
shipments, no wait for hosting, nobody staying: the baseline of the ratio) and on (the
bundled set's shipment capacity, the scenario's hosting rate and miners who stay), and their
ratio. With ``--fit``, the wall time of ``hashjoule calibrate`` (default cut-off and
particles) in a fresh process.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from dataclasses import replace


def world(mechanisms: bool):
    """china-2021's inputs and parameter space, with the mechanisms on or off."""
    from hashjoule.scenarios.load import load_scenario
    from hashjoule.scenarios.resolve import resolve
    from hashjoule.scenarios.uncertain import ParameterSpace

    scenario, _ = load_scenario("china-2021")
    if not mechanisms:
        kept = [p.model_copy(update={"hosting_mw_per_day": None}) if p.type == "relocation" else p
                for p in scenario.policy if p.type != "hidden_mining"]
        scenario = scenario.model_copy(update={"policy": kept})
    inputs = resolve(scenario, "china-2021")
    if not mechanisms:
        inputs = inputs.with_changes(fleet=replace(inputs.fleet, supply_ths_per_day=math.inf))
    return inputs, ParameterSpace(scenario, inputs)


def draws_per_second(mechanisms: bool, draws: int, batch: int) -> float:
    from hashjoule.simulation.runner import simulate

    inputs, space = world(mechanisms)
    began = time.perf_counter()
    simulate(inputs, "ensemble", draws, seed=1, batch_size=batch, keep_draws=False, space=space)
    return draws / (time.perf_counter() - began)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--fit", action="store_true", help="also time `hashjoule calibrate` (about 4 minutes)")
    args = parser.parse_args(argv)
    draws_per_second(True, min(args.batch, args.draws), args.batch)  # warm-up: imports, data tables
    off = draws_per_second(False, args.draws, args.batch)
    on = draws_per_second(True, args.draws, args.batch)
    print(f"china-2021, 2016-2030, {args.draws} draws (batches of {args.batch}), one process:")
    print(f"  mechanisms off (no shipment limit, no hosting wait, nobody staying): {off:8.1f} draws/s")
    print(f"  mechanisms on (shipment capacity, hosting, miners who stay):        {on:8.1f} draws/s")
    print(f"  cost of the mechanisms: {1 - on / off:+.1%} of the draws/s")
    if args.fit:
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "hashjoule", "calibrate"], check=True, stdout=subprocess.DEVNULL)
        print(f"hashjoule calibrate (cut-off 2021-04-30, 40 particles, crackdown check): "
              f"{time.perf_counter() - began:.0f} s wall")


if __name__ == "__main__":
    main()
