"""China's 2021 policies above the simulated and observed hashrate."""

import numpy as np

from figureworld import assert_units
from hashjoule import figures
from hashjoule.reports.figuredata import gantt_rows, mining_map_china_ehs, reported_notices
from hashjoule.scenarios.load import load_scenario


def test_timeline(run):
    policies = gantt_rows(load_scenario("china-2021")[0])
    observed = run.hashrate.isel(draw=0).sum("region")
    fig = figures.crackdown_timeline(run, observed, policies, reported_notices())
    assert_units(fig, "EH/s")
    gantt = fig.axes[0]
    assert [t.get_text() for t in gantt.get_yticklabels()][-1] == "reported notices"
    # the band comes from the draws: a filled area below the median line
    assert fig.axes[1].collections


def test_timeline_shows_china_and_the_mining_map(run):
    """China's simulated hashrate (miners who stay after the bans) beside the Mining Map's points."""
    mapped = mining_map_china_ehs()
    china = run.hashrate.isel(region=[0, 1]).sum("region")  # the toy world's "China"
    fig = figures.crackdown_timeline(run, run.hashrate.isel(draw=0).sum("region"), gantt_rows(load_scenario("china-2021")[0]),
                                     china=china, mapped_china=mapped)
    labels = [line.get_label() for line in fig.axes[1].get_lines()]
    assert any(label.startswith("China, simulated") for label in labels)
    points = next(line for line in fig.axes[1].get_lines() if "Mining Map" in line.get_label())
    shown = mapped.sel(time=slice("2021-01-01", "2022-03-31"))
    np.testing.assert_array_equal(points.get_ydata(), shown.values)
    # Sept 2021 on the Mining Map: 30.45 EH/s in Mainland China (the bundled file)
    assert float(mapped.sel(time="2021-09-15")) == 30.45
