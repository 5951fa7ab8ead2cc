"""Time the historical estimators over the full bundled history (2010-07-18 .. 2023-02-25).

Run: python benchmarks/bench_estimators.py [--repeat N]

Prints the time to assemble the daily inputs from the bundled files, to run each
estimator, and the full ``estimate`` call, as the median of N runs, with days per
second. The CBECI step is the reference the others are compared with.
"""

from __future__ import annotations

import argparse
import statistics
import time

from hashjoule.data.loaders import _chain_daily_cached
from hashjoule.estimates import estimators as est
from hashjoule.network.hardware import cbeci_catalogue
from hashjoule.network.history import daily_inputs


def timed(function, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat

    def cold_inputs():
        _chain_daily_cached.cache_clear()
        return daily_inputs()

    inputs = daily_inputs()
    catalogue = cbeci_catalogue()
    days = inputs.time.size
    steps = {
        "daily inputs from files (cold)": cold_inputs,
        "cbeci": lambda: est.cbeci(inputs, 0.05, catalogue),
        "stoll2019": lambda: est.stoll2019(inputs, 0.05),
        "digiconomist": lambda: est.digiconomist(inputs),
        "estimate, all methods": lambda: est.estimate(0.05, inputs=inputs),
    }
    seconds = {name: timed(function, repeat) for name, function in steps.items()}
    print(f"historical estimators over {days} days, median of {repeat} runs")
    for name, value in seconds.items():
        print(f"  {name:<32}{value * 1e3:9.1f} ms  {days / value:12,.0f} days/s  "
              f"{value / seconds['cbeci']:6.2f} x cbeci")

if __name__ == "__main__":
    main()
