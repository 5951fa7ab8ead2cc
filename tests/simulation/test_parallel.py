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
from hashjoule.simulation.parallel import client, run_batches
from hashjoule.simulation.runner import simulate


def timers_slowed(dask_worker):
    # the worker's tick (1 s), memory monitor (1 s) and system monitor (5 s) slowed, no profiler
    return (dask_worker._tick_interval == 1.0 and dask_worker.memory_manager.memory_monitor_interval == 1.0
            and dask_worker.periodic_callbacks["monitor"].callback_time == 5000
            and "profile" not in dask_worker.periodic_callbacks)


def error_comes_back(c):
    # a task that fails on its worker raises its own error here, with the results fetched as tasks end
    try:
        list(run_batches(int, ["1", "x", "3"], (), c, False, [1, 1, 1], "test"))
    except ValueError as error:
        return "invalid literal" in str(error)
    return False


if __name__ == "__main__":
    for _ in range(2):  # the first cluster's workers forked, the second's started afresh
        with client(workers=1) as c:
            print(list(c.run(timers_slowed).values()), error_comes_back(c))
    scenario, _ = load_scenario("china-2021")
    inputs = resolve(scenario, "china-2021")
    space = ParameterSpace(scenario, inputs)
    runs = [simulate(inputs, "ensemble", 8, seed=0, space=space, workers=1) for _ in range(2)]
    print(float(runs[0].annual_energy.sum()) == float(runs[1].annual_energy.sum()))
"""


def test_a_process_may_start_local_clusters_one_after_another(tmp_path):
    """A report or a comparison starts one local cluster a run: the later ones must finish too
    (the second cluster's forked workers hung on china-2021's 15 years), with the same
    numbers; local workers, forked or started afresh, run without dask's profiler and with
    its timers slowed (:data:`~hashjoule.simulation.parallel.WORKER_CONFIG`); a batch that
    fails on a worker raises its error in the caller."""
    import subprocess
    import sys

    script = tmp_path / "two.py"
    script.write_text(TWO_CLUSTERS)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert lines[:2] == ["[True] True", "[True] True"] and lines[-1] == "True"
