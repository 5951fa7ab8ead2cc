"""The calibration workflow end to end (workflow.py): the set it records, the same set from the
same seed, and the ``hashjoule calibrate`` command that runs it."""

import numpy as np
import pytest
import xarray as xr

from hashjoule.calibration import set_writer, workflow
from hashjoule.cli import main
from hashjoule.reports.calibration import FIGURES
from hashjoule.scenarios import parameter_sets


def test_the_set_records_window_scores_and_posterior(small_calibration, tmp_path):
    t = small_calibration.tables
    assert t["fit"]["window_end"] == "2018-08-31"
    assert t["holdout"]["window_start"] == "2018-09-01"
    assert t["posterior"]["particles"] == 6 and len(t["posterior"]["particle"]["growth_per_day"]) == 6
    assert 0 <= t["holdout"]["coverage_5_95"] <= 1
    path = set_writer.write_set(t, tmp_path / "small.toml", workflow.UNITS)
    assert parameter_sets.read_set(path) == small_calibration.least_squares.parameters
    # the forecast starts from the fit's first day; the observed series runs to the check's end
    assert str(small_calibration.paths.time.values[0])[:10] == "2017-07-01"
    assert np.isfinite(small_calibration.paths.observed).all()
    assert np.isnan(small_calibration.paths.fitted.sel(time="2018-09-01"))


def test_same_seed_same_set(small_calibration):
    again = workflow.calibrate(until="2018-08-31", start="2017-07-01", draws=6, seed=5, lags=(30, 90), max_evaluations=8,
                               crackdown_draws=0)
    assert again.tables == small_calibration.tables
    assert again.sample == small_calibration.sample
    xr.testing.assert_identical(again.paths, small_calibration.paths)


@pytest.mark.parametrize("argv, message", [
    (["--until", "2030-01-01"], "--until: expected a day from"),
    (["--until", "2016-06-01"], "--until: expected a day at least 365 days after"),
    (["--until", "yesterday"], "--until: expected a date YYYY-MM-DD"),
    (["-o", "set.txt"], "--output: set.txt: expected a file name ending in .toml"),
    (["--report", "missing/deeper"], "--report: missing/deeper: expected a folder"),
])
def test_calibrate_refuses_bad_input(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["calibrate", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_calibrate_command_writes_the_set_and_the_report(small_calibration, capsys, tmp_path, monkeypatch):
    """The command's wiring (the fit itself is the small calibration, tested above)."""
    seen = {}

    def fake(until, draws, seed, start, progress):
        seen.update(until=until, draws=draws, seed=seed, start=start, progress=progress)
        return small_calibration

    monkeypatch.setattr(workflow, "calibrate", fake)
    monkeypatch.chdir(tmp_path)
    assert main(["calibrate", "--until", "2020-06-30", "--draws", "7", "--seed", "2", "-o", "mine.toml",
                 "--report", "rep"]) == 0
    # no progress bar: the captured standard error is not a terminal
    assert seen == {"until": "2020-06-30", "draws": 7, "seed": 2, "start": "2016-01-01", "progress": False}
    out = capsys.readouterr().out
    assert "# hashjoule calibration: mine" in out and "wrote parameter set mine.toml" in out
    assert parameter_sets.read_set(tmp_path / "mine.toml") == small_calibration.least_squares.parameters
    assert sorted(p.name for p in (tmp_path / "rep").iterdir()) == sorted([*FIGURES, "summary.md"])
