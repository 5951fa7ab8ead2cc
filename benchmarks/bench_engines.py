"""Throughput of the two engines on the same 8-year world (2016-01-01 to 2023-12-31, 17 regions).

Run: python benchmarks/bench_engines.py [--des-draws 2] [--draws 1000] [--large 10000 ...]

Prints, from one run: the per-block engine's blocks per second and draw-years per second,
the ensemble engine's draw-years and region-days per second, and their ratio; then, for
each ``--large`` count, a reduced ensemble run in a fresh process with its wall time and
peak memory (resident set size), to show that memory does not grow with the draws.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

START, END = "2016-01-01", "2023-12-31"


def inputs():
    from hashjoule.scenarios.parameter_sets import load_set
    from hashjoule.simulation.world import baseline_inputs

    return baseline_inputs(START, END, load_set())


def large_run(draws: int, batch: int) -> dict:
    """One reduced run; returns seconds and peak resident memory [MB] of this process."""
    from hashjoule.simulation.runner import simulate

    x = inputs()
    began = time.perf_counter()
    simulate(x, "ensemble", draws, seed=1, batch_size=batch, keep_draws=False)
    seconds = time.perf_counter() - began
    return {"draws": draws, "seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--des-draws", type=int, default=2)
    parser.add_argument("--draws", type=int, default=1000, help="ensemble draws for the throughput comparison")
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--large", type=int, nargs="*", default=[1000, 10000],
                        help="reduced runs measured in fresh processes")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(large_run(args.child, args.batch)))
        return

    from hashjoule.simulation import engine_des, engine_ensemble

    x = inputs()
    years = x.days / 365.25
    regions = len(x.regions.names)
    engine_ensemble.run_batch(x, [0], seed=0)  # warm up imports and caches

    began = time.perf_counter()
    des = engine_des.run_batch(x, range(args.des_draws), seed=0)
    des_s = time.perf_counter() - began
    blocks = float(des.blocks.sum())
    des_draw_years = args.des_draws * years / des_s

    from hashjoule.simulation.runner import simulate

    began = time.perf_counter()
    for first in range(0, args.draws, args.batch):  # every draw's daily series kept
        engine_ensemble.run_batch(x, range(first, min(first + args.batch, args.draws)), seed=0)
    kept_s = time.perf_counter() - began
    began = time.perf_counter()  # the path of large runs: batches reduced as they come, buffers reused
    simulate(x, "ensemble", args.draws, seed=0, batch_size=args.batch, keep_draws=False)
    reduced_s = time.perf_counter() - began

    print(f"world {START} .. {END}: {years:.2f} years, {regions} regions, {len(x.hardware.names)} hardware classes")
    print(f"per-block (des)   : {args.des_draws} draws in {des_s:7.2f} s  {blocks / des_s:12,.0f} blocks/s  "
          f"{des_draw_years:10.2f} draw-years/s")
    for label, seconds in (("ensemble, kept", kept_s), ("ensemble, reduced", reduced_s)):
        rate = args.draws * years / seconds
        print(f"{label:<18}: {args.draws} draws in {seconds:7.2f} s  {rate:10.1f} draw-years/s  "
              f"{rate * 365.25 * regions:14,.0f} region-days/s  ratio to des {rate / des_draw_years:6.0f} x "
              f"(target >= 300, goal 1000)")
    for draws in args.large:
        child = subprocess.run([sys.executable, __file__, "--child", str(draws), "--batch", str(args.batch)],
                               capture_output=True, text=True, check=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        rate = result["draws"] * years / result["seconds"]
        print(f"reduced ensemble  : {result['draws']:>7,} draws in {result['seconds']:7.1f} s, "
              f"peak memory {result['peak_mb']:7.0f} MB, ratio to des {rate / des_draw_years:6.0f} x")


if __name__ == "__main__":
    main()
