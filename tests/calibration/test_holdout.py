"""Out-of-sample check, the calibration workflow end to end, its report and its command line."""

import tomllib

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hashjoule.calibration import holdout, workflow
from hashjoule.calibration import set_writer
from hashjoule.scenarios import parameter_sets
from hashjoule.reports.calibration import FIGURES, write_report
from hashjoule.cli import main
from hashjoule.errors import InputError

#: The bundled set fitted to 2021-12-31, for the second hold-out.
SECOND_SET = "holdout-2016-2021-12"


@pytest.fixture(scope="module")
def small():
    """A calibration small enough for tests: one year of fit, 6 particles, two lags."""
    return workflow.calibrate(until="2018-08-31", start="2017-07-01", draws=6, seed=5, lags=(30, 90), max_evaluations=8,
                              crackdown_draws=0)


def test_check_window():
    assert holdout.check_window("2021-04-30") == (pd.Timestamp("2021-05-01"), pd.Timestamp("2021-12-31"))
    # after 2021, to the end of the data: the second hold-out
    assert holdout.check_window("2021-12-31") == (pd.Timestamp("2022-01-01"), pd.Timestamp("2023-02-25"))
    with pytest.raises(InputError, match="until: expected a day at least 30 days before the end of the data"):
        holdout.check_window("2023-02-10")


def test_scores_of_a_known_forecast():
    time = pd.date_range("2021-01-01", periods=10)
    seen = xr.DataArray(np.full(10, 100.0), dims="time", coords={"time": time})
    # draws spread around 110 on the first five days (observed inside the band) and 150 after (outside)
    centre = np.r_[np.full(5, 110.0), np.full(5, 150.0)]
    draws = centre[None, :] * np.linspace(0.8, 1.2, 21)[:, None]
    paths = xr.Dataset({"draws": (("draw", "time"), draws), "point": ("time", np.full(10, 120.0))},
                       coords={"time": time})
    s = holdout.score_forecast(paths, seen, "2021-01-02", "2021-01-10")
    assert s.mdape == pytest.approx(0.5)  # 0.1 on four days, 0.5 on five
    assert s.coverage == pytest.approx(4 / 9)
    assert s.mdape_point == pytest.approx(0.2)
    assert s.rmse_log == pytest.approx(np.sqrt((4 * np.log(1.1) ** 2 + 5 * np.log(1.5) ** 2) / 9))
    # relative to the cut-off day (110 simulated, 100 observed): exact for four days, 150/110 - 1 after
    assert s.mdape_relative == pytest.approx(150 / 110 - 1)
    assert s.coverage_parameters == pytest.approx(4 / 9)
    # a predictive band (draws times the model's error) twice as wide covers the last five days too
    wider = paths.assign(predictive=(("draw", "time"), centre[None, :] * np.linspace(0.6, 1.4, 21)[:, None]))
    w = holdout.score_forecast(wider, seen, "2021-01-02", "2021-01-10")
    assert w.coverage == pytest.approx(1.0) and w.coverage_parameters == pytest.approx(4 / 9)
    assert w.mdape == s.mdape  # the median path is the draws'


def _bundled(name):
    return tomllib.loads(parameter_sets._sets_folder().joinpath(f"{name}.toml").read_text())


@pytest.fixture(scope="module")
def first_holdout():
    """The default set's out-of-sample check (cut-off 2021-04-30, china-2021 scored May-December
    2021), run again from the particles the set records."""
    table = _bundled(parameter_sets.SET_NAME)
    return table, holdout.replay(table)


def test_bundled_out_of_sample_check_is_reproducible(first_holdout):
    """The set (and docs/calibration.md) state what its particles give; they must give it again."""
    table, again = first_holdout
    record = table["holdout"]
    assert (again.start, again.end) == ("2021-05-01", "2021-12-31")
    assert again.mdape == pytest.approx(record["median_absolute_percentage_error"], abs=1e-9)
    assert again.coverage == pytest.approx(record["coverage_5_95"], abs=1e-9)
    assert again.mdape_point == pytest.approx(record["point_fit_mdape"], abs=1e-9)


def test_first_holdout_tracks_the_2021_collapse(first_holdout):
    """MdAPE of the draws' median path after the cut-off at most 20 % (it was 135 % before the
    shipment capacity), and the predictive 5-95 % band (parameters, scenario values, block
    luck and the model's own error estimated in sample) holds the observed hashrate on at
    least 60 % of the days."""
    _, score = first_holdout
    assert score.mdape <= 0.20
    assert score.coverage >= 0.60
    assert score.coverage_parameters < score.coverage  # the model's error widens the band


def test_second_holdout_2022_to_2023():
    """Fitted to 2021-12-31 (the whole crackdown in sample) and scored over 2022-01-01 to
    2023-02-25, the end of the data: MdAPE of the draws' median path at most 20 %."""
    table = _bundled(SECOND_SET)
    assert table["fit"]["window_end"] == "2021-12-31"
    score = holdout.replay(table)
    assert (score.start, score.end) == ("2022-01-01", "2023-02-25")
    assert score.mdape == pytest.approx(table["holdout"]["median_absolute_percentage_error"], abs=1e-9)
    assert score.mdape <= 0.20


def test_the_set_records_window_scores_and_posterior(small, tmp_path):
    t = small.tables
    assert t["fit"]["window_end"] == "2018-08-31"
    assert t["holdout"]["window_start"] == "2018-09-01"
    assert t["posterior"]["particles"] == 6 and len(t["posterior"]["particle"]["growth_per_day"]) == 6
    assert 0 <= t["holdout"]["coverage_5_95"] <= 1
    path = set_writer.write_set(t, tmp_path / "small.toml", workflow.UNITS)
    assert parameter_sets.read_set(path) == small.least_squares.parameters
    # the forecast starts from the fit's first day; the observed series runs to the check's end
    assert str(small.paths.time.values[0])[:10] == "2017-07-01"
    assert np.isfinite(small.paths.observed).all()
    assert np.isnan(small.paths.fitted.sel(time="2018-09-01"))


def test_same_seed_same_set(small):
    again = workflow.calibrate(until="2018-08-31", start="2017-07-01", draws=6, seed=5, lags=(30, 90), max_evaluations=8,
                               crackdown_draws=0)
    assert again.tables == small.tables
    assert again.sample == small.sample
    xr.testing.assert_identical(again.paths, small.paths)


def test_report_writes_every_figure(small, tmp_path):
    written = write_report(small, tmp_path / "report", "small")
    assert sorted(p.name for p in written) == sorted([*FIGURES, "summary.md"])
    for name in FIGURES:
        assert (tmp_path / "report" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = (tmp_path / "report" / "summary.md").read_text()
    assert "MdAPE" in summary and "2018-08-31" in summary


def test_every_axis_has_units(small):
    from hashjoule.figures import calibration as figures

    for fig in (figures.hashrate_fit(small.paths), figures.residuals(small.paths),
                figures.posterior_marginals(small.posterior), figures.holdout_check(small.paths)):
        for ax in fig.axes:
            assert "[" in ax.get_xlabel() and "[" in ax.get_ylabel()
        assert any(text.get_text().startswith("Source:") for text in fig.texts)


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


def test_calibrate_command_writes_the_set_and_the_report(small, capsys, tmp_path, monkeypatch):
    """The command's wiring (the fit itself is the small one, tested above)."""
    seen = {}

    def fake(until, draws, seed, start, progress):
        seen.update(until=until, draws=draws, seed=seed, start=start, progress=progress)
        return small

    monkeypatch.setattr(workflow, "calibrate", fake)
    monkeypatch.chdir(tmp_path)
    assert main(["calibrate", "--until", "2020-06-30", "--draws", "7", "--seed", "2", "-o", "mine.toml",
                 "--report", "rep"]) == 0
    # no progress bar: the captured standard error is not a terminal
    assert seen == {"until": "2020-06-30", "draws": 7, "seed": 2, "start": "2016-01-01", "progress": False}
    out = capsys.readouterr().out
    assert "# hashjoule calibration: mine" in out and "wrote parameter set mine.toml" in out
    assert parameter_sets.read_set(tmp_path / "mine.toml") == small.least_squares.parameters
    assert sorted(p.name for p in (tmp_path / "rep").iterdir()) == sorted([*FIGURES, "summary.md"])
