"""Running and comparing scenarios: runs that cannot be paired are refused before any work."""

from hashjoule.cli import main
from hashjoule.scenarios.load import load_scenario


def test_a_copy_gets_its_own_name_and_compare_refuses_twins(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["scenarios", "copy", "china-2021", "my plan.toml"]) == 0
    scenario, _ = load_scenario("my plan.toml")
    assert scenario.name == "my-plan"
    (tmp_path / "twin.toml").write_text((tmp_path / "my plan.toml").read_text())
    capsys.readouterr()
    assert main(["compare", "my plan.toml", "twin.toml", "--draws", "2", "--to-year", "2021", "--no-progress"]) == 2
    assert "a scenario name not used by another compared scenario" in capsys.readouterr().err


def test_compare_refuses_mismatched_runs_and_years(tmp_path, capsys):
    path = tmp_path / "late.toml"
    path.write_text('name = "late"\nextends = "inner-mongolia-only"\n[run]\nstart = 2021-01-01\n')
    assert main(["compare", str(path), "--draws", "2", "--no-progress"]) == 2
    assert "run.start: expected the baseline's value (2016-01-01)" in capsys.readouterr().err
    assert main(["compare", "inner-mongolia-only", "--from-year", "2025", "--to-year", "2021"]) == 2
    assert main(["compare", "inner-mongolia-only", "--to-year", "2099"]) == 2
    assert "whole years within the run" in capsys.readouterr().err


def test_run_summary_is_a_dataset_with_the_summary_table_numbers():
    import numpy as np

    from hashjoule.api import run_summary, simulate
    from hashjoule.simulation.runner import summary_table

    ds = simulate("2021-01-01", "2022-06-30", draws=4, seed=2)
    summary = run_summary(ds)
    table = summary_table(ds)
    assert summary.energy.dims == ("year", "quantile") and summary.energy.attrs["units"] == "TWh"
    assert summary.hashrate_year_end.attrs["units"] == "EH/s" and summary.scenario.ndim == 0
    np.testing.assert_array_equal(summary.energy.sel(quantile=0.05), table.energy_TWh_p5)
    np.testing.assert_array_equal(summary.co2.sel(quantile=0.95), table.co2_Mt_p95)
    np.testing.assert_array_equal(summary.btc_minted.sel(quantile=0.5), table.btc_minted_median)
    np.testing.assert_array_equal(summary.hashrate_year_end.sel(quantile=0.5), table.hashrate_EHs_year_end_median)
    np.testing.assert_array_equal(summary.stalled_share, table.stalled_share)
    np.testing.assert_array_equal(summary.days, table.days)
