"""Monte Carlo at scale: draws per second on 1 process and on N local dask workers, and peak
memory of reduced runs as the draws grow.

Run: python benchmarks/bench_montecarlo.py [--scenario china-2021] [--draws 4000] [--workers 2]
                                           [--memory 10000 100000] [--memory-period 2021-05-01 2021-10-31]

Prints, from one run:
- throughput: the scenario (every draw sampling its distributions, summaries reduced as they
  come) with 1 process and with ``--workers`` local workers, draws per second and their
  ratio: cold (``--workers``: starting the cluster, the workers' imports and first buffers
  included), the same two from fresh processes (as ``hashjoule run`` starts: local workers
  are forked from a process that has run nothing yet; ``--repeat`` turns, the fastest of
  each), and warm (an already running local
  cluster, reached by its address as with ``--scheduler``, after a first run);
- memory: for each ``--memory`` count, a reduced run of the scenario over ``--memory-period``
  (the months of the 2021 crackdown by default: short, so that 100,000 draws take minutes)
  in a fresh process, one process, with its wall time, peak resident memory and the size of
  the result's per-draw values (which grow with the draws by design), and the ratio of the
  largest to the smallest, with and without those values.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from peak_memory import peak_memory_mb  # beside this script


def scenario_inputs(name: str, period: tuple[str, str] | None):
    """The scenario's central world and parameter space, over ``period`` (first and last day) if given."""
    import datetime as dt

    from hashjoule.scenarios.load import load_scenario
    from hashjoule.scenarios.resolve import resolve
    from hashjoule.scenarios.uncertain import ParameterSpace

    scenario, _ = load_scenario(name)
    if period is not None:
        run = scenario.run.model_copy(update={"start": dt.date.fromisoformat(period[0]),
                                              "end": dt.date.fromisoformat(period[1])})
        scenario = scenario.model_copy(update={"run": run})
    inputs = resolve(scenario, name)
    return inputs, ParameterSpace(scenario, inputs)


def timed(inputs, space, draws: int, workers: int | None, out: list | None = None) -> float:
    """Seconds of one reduced run; its result appended to ``out`` if given."""
    from hashjoule.simulation.runner import simulate

    began = time.perf_counter()
    result = simulate(inputs, "ensemble", draws, seed=1, keep_draws=False, space=space, workers=workers)
    seconds = time.perf_counter() - began
    if out is not None:
        out.append(result)
    return seconds


def child(name: str, period, draws: int) -> dict:
    """One run's seconds, peak memory and the size of what its result holds per draw (the
    annual and whole-run totals and the sampled values: they grow with the draws by design)."""
    inputs, space = scenario_inputs(name, period)
    results = []
    seconds = timed(inputs, space, draws, None, results)
    per_draw = sum(v.nbytes for v in results[0].variables.values() if "draw" in v.dims)
    return {"draws": draws, "seconds": seconds, "peak_mb": peak_memory_mb(), "per_draw_mb": per_draw / 2**20}


def fresh_processes(args) -> None:
    """One process against ``--workers`` local workers, each run in a fresh process (as
    `hashjoule run` starts), ``--repeat`` turns taken in turn so that a drift of the
    machine's speed hits both; prints the fastest of each and every turn's ratio."""
    fresh = {0: [], args.workers: []}
    for _ in range(args.repeat):
        for workers in fresh:
            out = subprocess.run([sys.executable, __file__, "--scenario", args.scenario, "--draws", str(args.draws),
                                  "--child-workers", str(workers)], capture_output=True, text=True, check=True)
            fresh[workers].append(float(out.stdout.strip().splitlines()[-1]))
    one, many = min(fresh[0]), min(fresh[args.workers])
    turns = ", ".join(f"{a / b:.2f}x" for a, b in zip(fresh[0], fresh[args.workers]))
    print(f"fresh processes (the run alone, after the imports; fastest of {args.repeat} in turns): "
          f"1 process {args.draws / one:6.1f} draws/s, {args.workers} workers {args.draws / many:6.1f} draws/s: "
          f"{one / many:.2f}x (each turn: {turns})")


def memory_runs(args) -> None:
    """Peak memory of reduced runs over ``--memory-period``, one fresh process each, with and
    without the result's per-draw values."""
    first, last = args.memory_period
    print(f"\npeak memory of reduced runs, one process, {args.scenario} from {first} to {last}:")
    results = []
    for draws in args.memory:
        out = subprocess.run([sys.executable, __file__, "--scenario", args.scenario, "--memory-period", first, last,
                              "--child", str(draws)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"  {r['draws']:>8} draws: {r['seconds']:7.1f} s, {r['draws'] / r['seconds']:7.1f} draws/s, "
              f"peak {r['peak_mb']:7.0f} MB, of which the result's per-draw values "
              f"{r['per_draw_mb']:5.1f} MB")
    if len(results) > 1:
        small, large = results[0], results[-1]
        rest = (large["peak_mb"] - large["per_draw_mb"]) / (small["peak_mb"] - small["per_draw_mb"])
        print(f"  {large['draws'] / small['draws']:.0f}x the draws: {large['peak_mb'] / small['peak_mb']:.2f}x the peak "
              f"memory; apart from the per-draw values, {rest:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="china-2021")
    parser.add_argument("--draws", type=int, default=4000, help="draws of the throughput comparison")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory", type=int, nargs="*", default=[10_000, 100_000],
                        help="draws of the reduced runs measured in fresh processes")
    parser.add_argument("--memory-period", nargs=2, default=["2021-05-01", "2021-10-31"], metavar=("FIRST", "LAST"))
    parser.add_argument("--repeat", type=int, choices=range(1, 11), default=3, metavar="N",
                        help="turns of the fresh-process comparison (1-10)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-workers", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.scenario, tuple(args.memory_period), args.child)))
        return
    if args.child_workers is not None:
        inputs, space = scenario_inputs(args.scenario, None)
        print(timed(inputs, space, args.draws, args.child_workers or None))
        return

    inputs, space = scenario_inputs(args.scenario, None)
    years = inputs.days / 365.25
    print(f"scenario {args.scenario}: {str(inputs.time[0])} to {str(inputs.time[-1])} ({years:.1f} years), "
          f"{len(inputs.regions.names)} regions, {len(space)} uncertain parameters")
    timed(inputs, space, 250, None)  # warm up imports, caches and a batch's buffers
    one = timed(inputs, space, args.draws, None)
    print(f"1 process, warm:            {args.draws} draws in {one:6.1f} s = {args.draws / one:6.1f} draws/s")
    cold = timed(inputs, space, args.draws, args.workers)
    print(f"{args.workers} workers, cold (--workers): {args.draws} draws in {cold:6.1f} s = {args.draws / cold:6.1f} "
          f"draws/s, {one / cold:.2f}x (cluster start, imports and first buffers included)")
    fresh_processes(args)
    import dask
    from dask.distributed import LocalCluster

    from hashjoule.simulation.parallel import WORKER_CONFIG, worker_environment

    with dask.config.set({**WORKER_CONFIG, "distributed.nanny.pre-spawn-environ": worker_environment()}), \
            LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=":0") as cluster:
        from hashjoule.simulation.runner import simulate

        simulate(inputs, "ensemble", 250 * args.workers, seed=2, batch_size=250, keep_draws=False, space=space,
                 scheduler=cluster.scheduler_address)  # warm up the workers
        began = time.perf_counter()
        simulate(inputs, "ensemble", args.draws, seed=1, keep_draws=False, space=space,
                 scheduler=cluster.scheduler_address)
        warm = time.perf_counter() - began
    print(f"{args.workers} workers, warm (--scheduler): {args.draws} draws in {warm:6.1f} s = "
          f"{args.draws / warm:6.1f} draws/s, {one / warm:.2f}x")

    memory_runs(args)


if __name__ == "__main__":
    main()
