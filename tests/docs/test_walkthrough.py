"""docs/walkthrough.py runs (with fewer draws), does what its prose says, and
docs/walkthrough.md shows its current code and prose."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
#: Draws of every run here, instead of the script's: the code is under test, not the numbers.
DRAWS = 3


def _renderer():
    spec = importlib.util.spec_from_file_location("walkthrough_render", DOCS / "walkthrough_render.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


render = _renderer()


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """The script's steps after running them in a fresh folder, and the names they defined."""
    found = render.steps(render.SCRIPT.read_text(encoding="utf-8"))
    setting = [s for s in found if s.kind == "code" and re.search(r"^DRAWS = \d+$", s.text, re.M)]
    assert len(setting) == 1  # one line sets the draws of every run
    setting[0].text = re.sub(r"^DRAWS = \d+$", f"DRAWS = {DRAWS}", setting[0].text, flags=re.M)
    folder = tmp_path_factory.mktemp("walk")
    return found, render.execute(found, folder), folder


def test_the_page_shows_the_scripts_code_and_prose():
    """The committed page, without what the steps printed and drew, is the page the current
    script makes: remake it with ``python docs/walkthrough_render.py`` after an edit."""
    source = render.SCRIPT.read_text(encoding="utf-8")
    committed = render.PAGE.read_text(encoding="utf-8")
    without_output = re.sub(r"\n```text\n.*?\n```\n", "", committed, flags=re.S)
    without_output = re.sub(r"\n!\[[^\]]*\]\([^)]*\)\n", "", without_output)
    assert without_output == render.page(render.steps(source), render.docstring(source))
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", committed):
        assert (DOCS / image).is_file(), image


def test_it_saves_and_loads_the_run_with_units(walked):
    found, names, folder = walked
    ds, run = names["ds"], names["run"]
    assert run.attrs["scenario"] == "china-2021" and int(run.attrs["draws"]) == DRAWS
    np.testing.assert_array_equal(run.annual_energy.values, ds.annual_energy.values)
    units = {name: run[name].attrs["units"] for name in ("annual_energy", "annual_co2", "annual_hashrate_end")}
    assert units == {"annual_energy": "TWh", "annual_co2": "Mt", "annual_hashrate_end": "EH/s"}
    printed = "\n".join(step.output for step in found)
    assert "<xarray.Dataset>" in printed and "<xarray.DataArray 'annual_energy'" in printed
    assert "units:      TWh" in printed and "[EH/s]" in printed


def test_its_interval_is_the_runs(walked):
    _, names, _ = walked
    world = names["run"].annual_energy.sel(year=2021).sum("region")
    np.testing.assert_allclose([names["low"], names["median"], names["high"]],
                               np.quantile(world, [0.05, 0.5, 0.95]))
    assert names["low"] <= names["median"] <= names["high"]


def test_it_draws_the_figure(walked):
    found, _, folder = walked
    images = [image for step in found for image in step.images]
    assert [image.name for image in images] == ["fan.png"]
    height, width, _ = matplotlib.image.imread(images[0]).shape
    assert width > 300 and height > 200


def test_it_compares_with_the_baseline(walked):
    found, names, _ = walked
    cmp = names["cmp"]
    assert list(cmp.scenario.values) == ["china-2021"] and (cmp.first_year, cmp.last_year) == (2021, 2030)
    assert cmp.net_global.attrs["units"] == "TWh" and "quantile" in cmp.net_global.dims
    assert f"{float(cmp.net_global_mean.sel(scenario='china-2021')):.1f} TWh" in found[-1].output
