"""The out-of-sample check (holdout.py): its window, its scores, and the bundled sets' checks replayed."""

import tomllib

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hashjoule.calibration import holdout
from hashjoule.scenarios import parameter_sets
from hashjoule.errors import InputError

#: The bundled set fitted to 2021-12-31, for the second hold-out.
SECOND_SET = "holdout-2016-2021-12"


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
