"""The HTML report: headline intervals, embedded figures, assumptions with sources, claims."""

import re

import numpy as np
import pytest
import xarray as xr
from figureworld import toy_run

from hashjoule.estimates.claims import Verdict
from hashjoule.cli import main
from hashjoule.reports.html import MODEL_DATA, build_report, comparison_rows, headline, interval, policy_rows, provenance_sources, render
from hashjoule.figures import annual_fan
from hashjoule.scenarios.load import load_scenario


def test_interval_is_median_and_5_95():
    assert interval(range(101), 0) == "50 [5, 95]"


def test_headline_sums_whole_years_of_the_world():
    run = toy_run()
    rows = dict(headline(run, 2021, 2022, ["Sichuan", "Xinjiang", "Gansu"]))
    energy = run.annual_energy.sel(year=[2021, 2022]).sum(["year", "region"])
    assert rows["electricity consumed, world, 2021-2022 [TWh]"] == interval(energy)
    china = run.annual_energy.sel(year=[2021, 2022], region=["Sichuan", "Xinjiang"]).sum(["year", "region"])
    assert rows["electricity consumed, China, 2021-2022 [TWh]"] == interval(china)
    assert all(re.search(r"\[[^\]]+\]$", key) for key in rows)  # every quantity has its unit


def test_every_model_data_file_has_a_source():
    sources = provenance_sources()
    for name in MODEL_DATA:
        assert len(sources[name]) > 30, name


def test_policy_rows_carry_notes():
    rows = policy_rows(load_scenario("china-2021")[0])
    assert rows[0][:2] == ("shutdown", "Inner Mongolia")
    assert "compliance = uniform(low=0.8, high=1)" in rows[0][2] and "IM DRC" in rows[0][3]
    assert any(r[0] == "deployment ban" and "end = open" in r[2] for r in rows)


def test_render_is_one_self_contained_page():
    scenario, text = load_scenario("china-2021")
    verdict = Verdict("a claim", ["finding <1>"], "Not supported: x", ["a source"])
    page = render(toy_run(), scenario, text, {"fan": annual_fan(toy_run())}, [verdict],
                  {"command": "hashjoule report", "software_versions": "hashjoule 0"})
    assert page.count("data:image/png;base64,") == 1
    assert "finding &lt;1&gt;" in page and "Not supported" in page  # escaped, and the verdict shown
    assert "Hainan differential tariff" in page and "CC BY-NC 4.0" in page
    assert "src='http" not in page and "<script" not in page


def test_report_runs_each_scenario_once_with_one_seed(tmp_path, monkeypatch):
    """The scenario, the compared scenario and the baseline each run once, with the same
    draws and seed, so the headline and the comparison come from the same draws."""
    import hashjoule.scenarios.runs as runs

    calls = []
    engine = runs.run_engine

    def counted(inputs, engine_name, draws, seed, *args, **kwargs):
        calls.append((kwargs["identity"]["scenario"], draws, seed))
        return engine(inputs, engine_name, draws, seed, *args, **kwargs)

    monkeypatch.setattr(runs, "run_engine", counted)
    path = build_report("china-2021", tmp_path / "r", compare=["inner-mongolia-only"], draws=3, seed=7)
    assert sorted(calls) == [("baseline", 3, 7), ("china-2021", 3, 7), ("inner-mongolia-only", 3, 7)]
    page = path.read_text()
    assert page.count("data:image/png;base64,") == 4  # fan, composition, timeline, savings
    for text in ("Headline numbers", "inner-mongolia-only", "saved in China [TWh]", "Verdict", "NikolaMilosa/SIAP",
                 "3 Monte Carlo draws, seed 7", "common random numbers, 3 draws, seed 7"):
        assert text in page, text


def test_comparison_rows_read_the_dataset():
    from hashjoule.scenarios.compare import summarise

    differences = xr.Dataset({name: ("draw", np.arange(101.0) * sign, {"units": unit}) for name, sign, unit in (
        ("saved_china", 1, "TWh"), ("net_global", -1, "TWh"), ("co2_avoided_china", 2, "Mt"),
        ("co2_net_global", -2, "Mt"))}, coords={"draw": np.arange(101)})
    rows = comparison_rows(summarise({"s": differences}, 1000.0))
    assert rows == [("s", "50.0 [5.0, 95.0]", "-50.0 [-95.0, -5.0]", "100.0 [10.0, 190.0]", "-100.0 [-190.0, -10.0]")]


def test_report_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "old.txt").write_text("x")
    assert main(["report", "china-2021", "-o", str(tmp_path)]) == 2
    assert "a new or empty folder" in capsys.readouterr().err


def test_report_refuses_an_unknown_scenario_before_writing(tmp_path, capsys):
    assert main(["report", "china-2021", "--compare", "nope", "-o", str(tmp_path / "r")]) == 2
    assert "nope" in capsys.readouterr().err and not (tmp_path / "r").exists()


@pytest.mark.parametrize("command", ["figures", "report"])
def test_help(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "-o" in capsys.readouterr().out


@pytest.mark.parametrize("start, end", [("2016-01-01", "2018-12-31"), ("2021-01-01", "2021-06-30")])
def test_report_refuses_a_run_without_a_whole_year_from_2021(tmp_path, capsys, start, end):
    path = tmp_path / "short.toml"
    path.write_text(f'name = "short"\nextends = "baseline"\n[run]\nstart = {start}\nend = {end}\n', encoding="utf-8")
    assert main(["report", str(path), "--baseline", str(path), "-o", str(tmp_path / "out")]) == 2
    assert "whole calendar year from 2021" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_report_refuses_a_scenario_on_another_period_than_the_baseline(tmp_path, capsys):
    path = tmp_path / "other.toml"
    path.write_text('name = "other"\nextends = "baseline"\n[run]\nend = 2025-12-31\n', encoding="utf-8")
    assert main(["report", str(path), "-o", str(tmp_path / "out")]) == 2
    assert "run.end" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
