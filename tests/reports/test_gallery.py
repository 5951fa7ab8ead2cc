"""The bundled figures are remade reproducibly, each with its data and a complete manifest
(the figure functions themselves are tested in tests/figures/)."""

import json
import re

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
