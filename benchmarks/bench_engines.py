"""Throughput of the two engines on the same 8-year world (2016-01-01 to 2023-12-31, 17 regions).

Run: python benchmarks/bench_engines.py [--des-draws 2] [--draws 1000] [--large 10000 ...]

Prints, from one run: the compiled kernels' first-call time in a fresh process (from an
empty numba cache, and from the cache); the per-block engine's blocks per second and
draw-years per second (measured before and after the ensemble, and averaged, since the
machine's load drifts); the ensemble engine's draw-years and region-days per second, and
their ratio; then, for each ``--large`` count, a reduced ensemble run in a fresh process
with its wall time and peak memory (resident set size), to show that memory does not grow
with the draws, and its ratio to the per-block engine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from peak_memory import peak_memory_mb  # beside this script

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
    return {"draws": draws, "seconds": seconds, "peak_mb": peak_memory_mb()}


def compile_seconds(cache: str | None) -> float:
    """First call of the kernels in a fresh process, with numba's cache in ``cache`` (None: the usual one)."""
    environment = dict(os.environ, **({"NUMBA_CACHE_DIR": cache} if cache else {}))
    code = "from hashjoule.simulation.kernels import compile_kernels; print(compile_kernels())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment)
    return float(out.stdout.strip().splitlines()[-1])


def des_rate(x, draws: int) -> tuple[float, float]:
    """Per-block engine: (blocks/s, draw-years/s)."""
    from hashjoule.simulation import engine_des

    began = time.perf_counter()
    des = engine_des.run_batch(x, range(draws), seed=0)
    seconds = time.perf_counter() - began
    return float(des.blocks.sum()) / seconds, draws * x.days / 365.25 / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--des-draws", type=int, default=2)
    parser.add_argument("--draws", type=int, default=1000, help="ensemble draws for the throughput comparison")
    parser.add_argument("--batch", type=int, default=None, help="draws per batch (default: the runner's)")
    parser.add_argument("--large", type=int, nargs="*", default=[1000, 10000],
                        help="reduced runs measured in fresh processes")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(large_run(args.child, args.batch)))
        return

    with tempfile.TemporaryDirectory() as empty:
        cold = compile_seconds(empty)
    cached = compile_seconds(None)
    print(f"compiled kernels, first call in a fresh process: {cold:.1f} s from an empty cache, "
          f"{cached:.1f} s from numba's cache")

    from hashjoule.simulation import engine_ensemble

    x = inputs()
    years = x.days / 365.25
    regions = len(x.regions.names)
    engine_ensemble.run_batch(x, [0], seed=0)  # warm up imports and caches

    des_before = des_rate(x, args.des_draws)

    from hashjoule.simulation.runner import DEFAULT_BATCH, simulate

    began = time.perf_counter()
    kept_batch = args.batch or DEFAULT_BATCH
    for first in range(0, args.draws, kept_batch):  # every draw's daily series kept
        engine_ensemble.run_batch(x, range(first, min(first + kept_batch, args.draws)), seed=0)
    kept_s = time.perf_counter() - began
    began = time.perf_counter()  # the path of large runs: batches summarised as they run
    simulate(x, "ensemble", args.draws, seed=0, batch_size=args.batch, keep_draws=False)
    reduced_s = time.perf_counter() - began
    des_after = des_rate(x, args.des_draws)
    blocks_per_s = (des_before[0] + des_after[0]) / 2
    des_draw_years = (des_before[1] + des_after[1]) / 2

    print(f"world {START} .. {END}: {years:.2f} years, {regions} regions, {len(x.hardware.names)} hardware classes")
    print(f"per-block (des)   : {args.des_draws} draws, {blocks_per_s:12,.0f} blocks/s  {des_draw_years:10.2f} "
          f"draw-years/s (before the ensemble {des_before[1]:.2f}, after {des_after[1]:.2f})")
    for label, seconds in (("ensemble, kept", kept_s), ("ensemble, reduced", reduced_s)):
        rate = args.draws * years / seconds
        print(f"{label:<18}: {args.draws} draws in {seconds:7.2f} s  {rate:10.1f} draw-years/s  "
              f"{rate * 365.25 * regions:14,.0f} region-days/s  ratio to des {rate / des_draw_years:6.0f} x "
              f"(goal >= 1000)")
    for draws in args.large:
        child = subprocess.run([sys.executable, __file__, "--child", str(draws),
                                *(["--batch", str(args.batch)] if args.batch else [])],
                               capture_output=True, text=True, check=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        rate = result["draws"] * years / result["seconds"]
        print(f"reduced ensemble  : {result['draws']:>7,} draws in {result['seconds']:7.1f} s, "
              f"peak memory {result['peak_mb']:7.0f} MB, ratio to des {rate / des_draw_years:6.0f} x "
              f"(goal: 10,000 draws in <= 15 s, >= 1000 x)")


if __name__ == "__main__":
    main()
