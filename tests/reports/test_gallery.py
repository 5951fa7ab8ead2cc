"""The bundled figures are remade reproducibly, each with its data and a complete manifest
(the figure functions themselves are tested in tests/figures/)."""

import json
import re

import pytest

from hashjoule.cli import main
from hashjoule.reports.catalogue import FIGURES
from hashjoule.reports.gallery import Runs, make_figures


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


def test_simulated_figure_is_reproducible(tmp_path, capsys):
    for folder in ("a", "b"):
        assert main(["figures", "composition", "-o", str(tmp_path / folder), "--draws", "3", "--no-progress"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]  # composition.png, .csv and the manifest
    assert last.startswith(f"wrote 3 files in {tmp_path / 'b'}/ (") and "manifest.json lists them" in last
    assert (tmp_path / "a" / "composition.csv").read_bytes() == (tmp_path / "b" / "composition.csv").read_bytes()
    entry = json.loads((tmp_path / "a" / "manifest.json").read_text())["figures"]["composition"]
    assert entry["draws"] == 3 and entry["seed"] == 0 and entry["scenarios"] == ["china-2021"]
    assert "hashjoule/scenarios/library/china-2021.toml" in entry["inputs"]
    assert "hashjoule/calibration/sets/replay-2016-2021.toml" in entry["inputs"]


def test_sensitivity_is_registered_with_a_power_of_two_design():
    assert FIGURES["sensitivity"].runs == "sobol" and FIGURES["sensitivity"].seed == 0
    assert Runs().draws["sobol"] == 64
    assert [Runs(draws=n).draws["sobol"] for n in (1, 2, 3, 100)] == [2, 2, 2, 64]


def test_emission_factor_figure_is_the_comparison_of_the_cli():
    """China's and the net rows are what ``hashjoule compare --emissions marginal`` reports."""
    from hashjoule.reports.gallery import EMISSIONS_YEARS, MAKERS
    from hashjoule.scenarios.runs import compare

    fig, data = MAKERS["emission-factors"](Runs(draws=3))
    assert "[Mt]" in fig.axes[0].get_ylabel() and all(data[v].attrs["units"] == "Mt" for v in data.data_vars)
    assert data.basis.values.tolist() == ["average", "marginal"]
    summary = compare(["china-2021"], first_year=EMISSIONS_YEARS[0], last_year=EMISSIONS_YEARS[1], draws=3, seed=0,
                      emissions="marginal").sel(scenario="china-2021")
    marginal = data.sel(basis="marginal")
    assert float(marginal["mean"].sel(part="world")) == pytest.approx(float(summary.co2_net_global_mean), rel=1e-12)
    assert float(marginal["mean"].sel(part="china")) == pytest.approx(-float(summary.co2_avoided_china_mean), rel=1e-12)
    assert float(marginal["p95"].sel(part="world")) == pytest.approx(float(summary.co2_net_global.sel(quantile=0.95)),
                                                                     rel=1e-12)
    # the margin (coal in China's grids) counts more CO2 avoided in China than the grid average does
    china = data["mean"].sel(part="china")
    assert float(china.sel(basis="marginal")) < float(china.sel(basis="average"))


def test_halving_figure_dates_its_halvings_from_the_run(tmp_path):
    manifest = make_figures(["halving"], tmp_path, ["png"], draws=3)
    entry = manifest["figures"]["halving"]
    assert entry["scenarios"] == ["halving-2028"] and entry["draws"] == 3 and entry["seed"] == 0
    assert set(entry["files"]) == {"halving.png", "halving.csv", "halving.height.csv"}
    assert "hashjoule/scenarios/library/halving-2028.toml" in entry["inputs"]
    lines = (tmp_path / "halving.height.csv").read_text().splitlines()
    assert any("[UTC day]" in line for line in lines if line.startswith("#"))
    rows = {int(line.split(",")[0]): line.split(",")[1:] for line in lines if line[:1].isdigit()}
    assert rows[840_000][1].startswith("2024-") and rows[1_050_000][1].startswith("2028-")  # the medians
    monthly = (tmp_path / "halving.csv").read_text().splitlines()
    assert any("[MWh/BTC]" in line for line in monthly) and any("[household-yr/BTC]" in line for line in monthly)
    data_rows = [line for line in monthly if line[:1].isdigit()]
    assert data_rows[0].startswith("2024-01-01") and data_rows[-1].startswith("2030-12-01")


def test_the_savings_figure_lists_every_bundled_scenario_as_its_input():
    """The savings figure compares every bundled scenario; its manifest names them all."""
    from hashjoule.reports.catalogue import LIBRARY
    from hashjoule.scenarios.load import library_names

    assert sorted(LIBRARY) == library_names()
