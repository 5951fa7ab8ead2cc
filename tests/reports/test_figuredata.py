"""Datasets the figures need from scenario files and bundled data."""

from hashjoule.reports.figuredata import gantt_rows
from hashjoule.scenarios.load import load_scenario


def test_policy_rows_end_where_the_ramp_ends():
    rows = gantt_rows(load_scenario("china-2021")[0])
    mongolia = rows.isel(policy=0)
    assert str(mongolia.start.values)[:10] == "2021-03-31" and str(mongolia.end.values)[:10] == "2021-04-30"
    assert "relocation" not in set(rows.kind.values)
