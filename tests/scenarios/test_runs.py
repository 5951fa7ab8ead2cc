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
