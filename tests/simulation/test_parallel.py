"""Batches on dask workers (parallel.py): a bad choice of cluster is the user's to fix, named
by the library's arguments and, on the command line, by its options."""

import pytest

from hashjoule.errors import InputError


def test_the_library_names_its_arguments_and_the_command_line_its_options():
    """parallel.client reports ``workers``/``scheduler``; the command line shows them as options."""
    import argparse

    from hashjoule.cli.entry import _name_options
    from hashjoule.simulation.parallel import client

    with pytest.raises(InputError) as both:
        with client(workers=2, scheduler="tcp://127.0.0.1:1"):
            pass
    assert both.value.problems[0].source == "workers/scheduler"
    with pytest.raises(InputError) as unreachable:
        with client(scheduler="tcp://127.0.0.1:1"):
            pass
    assert unreachable.value.problems[0].source == "scheduler"
    args = argparse.Namespace(workers=None, scheduler="tcp://127.0.0.1:1")
    assert _name_options(both.value, args).problems[0].source == "--workers/--scheduler"
    assert _name_options(unreachable.value, args).problems[0].source == "--scheduler"


TWO_CLUSTERS = """
from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.resolve import resolve
from hashjoule.scenarios.uncertain import ParameterSpace
from hashjoule.simulation.parallel import WORKER_CONFIG, client
from hashjoule.simulation.runner import simulate

if __name__ == "__main__":
    import dask

    with client(workers=1) as c:  # forked: workers without dask's profiler, their timers slowed
        print(list(c.run(lambda: all(dask.config.get(k) == v for k, v in WORKER_CONFIG.items())).values()))
    scenario, _ = load_scenario("china-2021")
    inputs = resolve(scenario, "china-2021")
    space = ParameterSpace(scenario, inputs)
    runs = [simulate(inputs, "ensemble", 8, seed=0, space=space, workers=1) for _ in range(2)]
    print(float(runs[0].annual_energy.sum()) == float(runs[1].annual_energy.sum()))
"""


def test_a_process_may_start_local_clusters_one_after_another(tmp_path):
    """A report or a comparison starts one local cluster a run: the later ones must finish too
    (the second cluster's forked workers hung on china-2021's 15 years), with the same
    numbers; local workers run with :data:`WORKER_CONFIG` (no profiler, timers slowed)."""
    import subprocess
    import sys

    script = tmp_path / "two.py"
    script.write_text(TWO_CLUSTERS)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "[True]" and lines[-1] == "True"
