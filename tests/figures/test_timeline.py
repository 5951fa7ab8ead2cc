"""China's 2021 policies above the simulated and observed hashrate."""

from figureworld import assert_units
from hashjoule import figures
from hashjoule.reports.figuredata import gantt_rows, reported_notices
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
