"""Figures build from small synthetic Datasets, label their axes with units, and the
bundled figures are remade reproducibly with a complete manifest."""

import json
import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from matplotlib.figure import Figure

from figureworld import toy_run
from hashjoule import figures
from hashjoule.cli import main
from hashjoule.errors import InputError
from hashjoule.figures.style import style_path
from hashjoule.reports.figuredata import gantt_rows, reported_notices
from hashjoule.reports.gallery import RECIPES, Runs, check_request, make_figures
from hashjoule.scenarios.load import load_scenario

UNIT = re.compile(r"\[[^\]]+\]")


def labels(fig: Figure) -> list[str]:
    """Every non-empty axis label of a figure, secondary axes included."""
    found = []
    for ax in fig.axes:
        found += [text for text in (ax.get_xlabel(), ax.get_ylabel()) if text]
        found += [child.get_ylabel() for child in ax.child_axes if child.get_ylabel()]
    return found


def assert_units(fig: Figure, *expected: str) -> None:
    found = labels(fig)
    assert found and all(UNIT.search(text) for text in found), found
    for unit in expected:
        assert any(f"[{unit}]" in text for text in found), (unit, found)
    assert any("Source:" in t.get_text() for t in fig.texts)  # the caption line


@pytest.fixture(scope="module")
def estimate():
    time = pd.date_range("2021-01-01", periods=90, freq="D")
    rng = np.random.default_rng(1)
    power = xr.DataArray(10 + rng.random((90, 3, 3)), dims=("time", "estimator", "bound"),
                         coords={"time": time, "estimator": ["cbeci", "stoll2019", "digiconomist"],
                                 "bound": ["lower", "best", "upper"]})
    power = power * xr.DataArray([0.5, 1.0, 2.0], dims="bound")
    return xr.Dataset({"annualised_energy": (power * 8.766).assign_attrs(units="TWh/yr"),
                       "energy": (power * 24).assign_attrs(units="GWh"),
                       "subsidy": ("time", np.full(90, 900.0), {"units": "BTC/day"})},
                      attrs={"electricity_price_usd_per_kwh": 0.05})


@pytest.fixture(scope="module")
def run():
    return toy_run()


def test_style_file_is_installed():
    assert style_path().endswith("hashjoule.mplstyle")
    with open(style_path(), encoding="utf-8") as stream:
        assert "axes.prop_cycle" in stream.read()


def test_consumption(estimate):
    cambridge = estimate.annualised_energy.sel(estimator="cbeci", bound="best") * 0.9
    fig = figures.annualised_consumption(estimate, cambridge)
    assert_units(fig, "TWh/yr")
    assert any(line.get_ydata()[0] == 134.0 for line in fig.axes[0].lines if len(line.get_ydata()) == 2)


def test_per_bitcoin_has_household_axes(estimate):
    fig = figures.energy_per_bitcoin(estimate, {"Chinese household of three": 2500.0, "US household": 10715.0})
    assert_units(fig, "MWh/BTC", "household-yr/BTC")
    assert len([t for t in labels(fig) if "household-yr" in t]) == 2


def test_per_bitcoin_ratio():
    # 24 GWh a day over 900 BTC a day is 26.7 MWh/BTC whatever the window
    from hashjoule.figures.per_bitcoin import energy_per_btc_rolling

    ds = xr.Dataset({"energy": ("time", np.full(40, 24.0)), "subsidy": ("time", np.full(40, 900.0))})
    assert float(energy_per_btc_rolling(ds, 30).isel(time=-1)) == pytest.approx(24e3 / 900)


def test_timeline(run):
    policies = gantt_rows(load_scenario("china-2021")[0])
    observed = run.hashrate.isel(draw=0).sum("region")
    fig = figures.crackdown_timeline(run, observed, policies, reported_notices())
    assert_units(fig, "EH/s")
    gantt = fig.axes[0]
    assert [t.get_text() for t in gantt.get_yticklabels()][-1] == "reported notices"
    # the band comes from the draws: a filled area below the median line
    assert fig.axes[1].collections


def test_policy_rows_end_where_the_ramp_ends():
    rows = gantt_rows(load_scenario("china-2021")[0])
    mongolia = rows.isel(policy=0)
    assert str(mongolia.start.values)[:10] == "2021-03-31" and str(mongolia.end.values)[:10] == "2021-04-30"
    assert "relocation" not in set(rows.kind.values)


def test_band_needs_draws(run):
    with pytest.raises(ValueError, match="draw"):
        figures.annual_fan(run.mean("draw").assign(days=run.days))


def test_fan(run):
    fig = figures.annual_fan(run, reference=run)
    assert_units(fig, "TWh/yr")


def test_composition(run):
    fig = figures.regional_composition(run, {"Sichuan": ["Sichuan"], "China other": ["Xinjiang"]})
    assert_units(fig, "EH/s", "kt/d")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert set(legend) == {"Sichuan", "China other", "rest of world"}


def test_savings():
    names = ["a", "b", "c"]
    data = {f"{v}_{s}": ("scenario", np.array([1.0, 2.0, 3.0]) * k)
            for v in ("saved_china", "net_global", "co2_avoided_china", "co2_net_global")
            for s, k in (("mean", 1.0), ("p5", 0.5), ("p95", 1.5))}
    fig = figures.scenario_savings(xr.Dataset(data, coords={"scenario": names}), 2021, 2030)
    assert_units(fig, "TWh", "Mt")
    # a heavy-tailed mean can lie outside its 5-95 % interval: still drawn, the interval from its ends
    data["net_global_mean"] = ("scenario", np.array([40.0, 2.0, 3.0]))
    fig = figures.scenario_savings(xr.Dataset(data, coords={"scenario": names}), 2021, 2030)
    segments = [seg for c in fig.axes[0].collections for seg in c.get_segments()]
    assert any(np.allclose(sorted(seg[:, 0]), [0.5, 1.5]) for seg in segments)  # net_global of "a": 0.5 to 1.5


def test_sobol():
    rng = np.random.default_rng(3)
    shape = (2, 4)
    ds = xr.Dataset({name: (("output", "parameter"), rng.random(shape)) for name in ("S1", "S1_conf", "ST", "ST_conf")},
                    coords={"output": ["energy 2021-2030", "co2 2021-2030"],
                            "parameter": ["compliance", "share", "delay_days", "pue"]})
    ds = ds.assign_coords(output_units=("output", ["TWh", "Mt"]),
                          parameter_label=("parameter", ["policy[0].compliance (shutdown: Inner Mongolia, Xinjiang, "
                                                         "Sichuan)", "share", "delay_days", "pue"]))
    fig = figures.sobol_indices(ds)
    assert_units(fig, "1")
    assert fig.axes[0].get_title(loc="left") in ("energy 2021-2030 [TWh]", "CO2 2021-2030 [Mt]")
    assert all(len(t.get_text()) <= 44 for t in fig.axes[0].get_yticklabels())
    assert len([ax for ax in fig.axes if ax.get_title(loc="left") or ax.get_title()]) == 2


def test_unknown_names_are_refused_together():
    with pytest.raises(InputError) as caught:
        check_request(["consumption", "nope", "fans"], ["png", "gif"])
    text = str(caught.value)
    assert "'nope'" in text and "'fans'" in text and "'gif'" in text and all(n in text for n in RECIPES)


def test_cli_unknown_figure(tmp_path, capsys):
    assert main(["figures", "nope", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "consumption" in err and "'nope'" in err
    assert not (tmp_path / "out").exists()


def test_rerun_gives_identical_files_and_a_complete_manifest(tmp_path):
    first = make_figures(["per-bitcoin"], tmp_path / "a", ["png", "svg"])
    make_figures(["per-bitcoin"], tmp_path / "b", ["png", "svg"])
    for name in ("per-bitcoin.csv", "per-bitcoin.png", "per-bitcoin.svg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    stored = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert stored == first
    entry = stored["figures"]["per-bitcoin"]
    assert set(entry) == {"description", "scenarios", "seed", "draws", "files", "inputs", "made_by"}
    assert {"command", "software_versions", "created"} <= set(entry["made_by"])
    assert set(entry["files"]) == {"per-bitcoin.csv", "per-bitcoin.png", "per-bitcoin.svg"}
    assert "hashjoule/data/btc_daily_coinmetrics.csv" in entry["inputs"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in [*entry["files"].values(), *entry["inputs"].values()])
    assert "hashjoule" in stored["software_versions"] and stored["command"] and stored["created"]
    # a second figure in the same folder is added to the manifest, not put in place of it
    again = make_figures(["consumption"], tmp_path / "a", ["png"])
    assert set(again["figures"]) == {"consumption", "per-bitcoin"}
    header = (tmp_path / "a" / "consumption.csv").read_text().splitlines()
    assert header[0] == "# figure: consumption" and any("[TWh/yr]" in line for line in header)


def test_simulated_figure_is_reproducible(tmp_path):
    for folder in ("a", "b"):
        assert main(["figures", "composition", "-o", str(tmp_path / folder), "--draws", "3", "--no-progress"]) == 0
    assert (tmp_path / "a" / "composition.csv").read_bytes() == (tmp_path / "b" / "composition.csv").read_bytes()
    entry = json.loads((tmp_path / "a" / "manifest.json").read_text())["figures"]["composition"]
    assert entry["draws"] == 3 and entry["seed"] == 0 and entry["scenarios"] == ["china-2021"]
    assert "hashjoule/scenarios/library/china-2021.toml" in entry["inputs"]
    assert "hashjoule/calibration/sets/replay-2016-2021.toml" in entry["inputs"]


def test_sensitivity_is_registered_with_a_power_of_two_design():
    assert RECIPES["sensitivity"].runs == "sobol" and RECIPES["sensitivity"].seed == 0
    assert Runs().draws["sobol"] == 64
    assert [Runs(draws=n).draws["sobol"] for n in (1, 2, 3, 100)] == [2, 2, 2, 64]


def test_calibration_figures_are_registered_with_their_axes(tmp_path):
    """The calibration's fit and out-of-sample figures, from a calibration's paths."""
    import numpy as np
    import xarray as xr

    from hashjoule import figures

    assert {"calibration-fit", "calibration-check"} <= set(RECIPES)
    time = np.arange("2021-01-01", "2021-12-31", dtype="datetime64[D]").astype("datetime64[ns]")
    rng = np.random.default_rng(0)
    paths = xr.Dataset({"draws": (("draw", "time"), 100 + rng.normal(0, 5, (20, time.size))),
                        "point": ("time", np.full(time.size, 100.0)), "observed": ("time", np.full(time.size, 90.0)),
                        "fitted": ("time", np.where(time < np.datetime64("2021-05-01"), 95.0, np.nan))},
                       coords={"time": time})
    paths.attrs.update(cutoff="2021-04-30", check_start="2021-05-01", check_end="2021-12-31", scenario="china-2021",
                       mdape_in_sample=0.05, mdape_check=0.1, rmse_log_check=0.1, coverage_check=0.0)
    for fig in (figures.calibration.hashrate_fit(paths), figures.calibration.holdout_check(paths)):
        ax = fig.axes[0]
        assert ax.get_ylabel() == "network hashrate [EH/s]" and "[UTC day]" in ax.get_xlabel()
        assert any("Coin Metrics" in t.get_text() for t in fig.texts)  # the source line
