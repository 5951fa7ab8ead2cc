"""Start-up time of the command line: ``hashjoule --help`` and a command's help, in fresh
processes, against the interpreter alone.

Run: python benchmarks/bench_startup.py [--repeat 9]

Prints the median and the fastest of ``--repeat`` runs of each, in seconds, and their ratio
to ``python -c pass`` measured in the same run (the interpreter's own start). Help imports
no numerical library (tested in tests/cli/test_entry.py), so it should stay well under 0.3 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = (["-c", "pass"], ["-m", "hashjoule", "--help"], ["-m", "hashjoule", "run", "--help"],
            ["-m", "hashjoule", "simulate", "--help"])


def seconds(argv: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run([sys.executable, *argv], capture_output=True, check=True)
        out.append(time.perf_counter() - began)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    baseline = None
    for argv in COMMANDS:
        times = seconds(argv, args.repeat)
        median = statistics.median(times)
        baseline = baseline or median
        label = "python " + " ".join(argv)
        print(f"{label:<40} median {median:.3f} s, fastest {min(times):.3f} s, {median / baseline:4.1f}x the interpreter")


if __name__ == "__main__":
    main()
