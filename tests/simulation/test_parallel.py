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
