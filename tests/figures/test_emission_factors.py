"""The CO2 change of a scenario at average and at marginal emission factors."""

import numpy as np
import pytest
import xarray as xr

from figureworld import assert_units
from hashjoule import figures
from hashjoule.figures.emission_factors import co2_change_parts


def test_abroad_is_the_net_change_plus_what_china_avoided():
    # 80 Mt avoided in China and a net change of -5 Mt: 75 Mt were added outside China
    differences = xr.Dataset({"co2_avoided_china": ("draw", [80.0, 100.0]), "co2_net_global": ("draw", [-5.0, 10.0])})
    parts = co2_change_parts(differences)
    assert parts.attrs["units"] == "Mt"
    np.testing.assert_allclose(parts.sel(part="china"), [-80.0, -100.0])
    np.testing.assert_allclose(parts.sel(part="abroad"), [75.0, 110.0])
    np.testing.assert_allclose(parts.sel(part="world"), [-5.0, 10.0])
    np.testing.assert_allclose(parts.sel(part="china") + parts.sel(part="abroad"), parts.sel(part="world"))


def _table():
    rng = np.random.default_rng(3)
    bases = []
    for scale in (1.0, 2.0):  # the marginal factors double China's saving in this toy
        differences = xr.Dataset({"co2_avoided_china": ("draw", scale * (80 + rng.normal(0, 5, 50))),
                                  "co2_net_global": ("draw", scale * rng.normal(-5, 5, 50) - 50 * (scale - 1))})
        bases.append(co2_change_parts(differences))
    change = xr.concat(bases, dim="basis").assign_coords(basis=["average", "marginal"])
    return xr.Dataset({"co2_change": change.quantile([0.05, 0.5, 0.95], "draw"),
                       "co2_change_mean": change.mean("draw")},
                      attrs={"scenario": "toy", "baseline": "baseline", "seed": 0, "draws": 50})


def test_emission_factor_bases():
    table = _table()
    fig = figures.emission_factor_bases(table, 2021, 2025)
    assert_units(fig, "Mt")
    ax = fig.axes[0]
    assert "2021-2025" in ax.get_title(loc="left") and "[Mt]" in ax.get_ylabel()
    heights = sorted(round(p.get_height(), 6) for p in ax.patches)
    assert heights == sorted(round(float(v), 6) for v in table.co2_change_mean.values.ravel())
    # each bar's interval runs from its 5 % to its 95 % quantile
    segments = [seg for c in ax.collections for seg in c.get_segments()]
    low, high = table.co2_change.sel(basis="marginal", part="china", quantile=[0.05, 0.95]).values
    assert any(np.allclose(sorted(seg[:, 1]), [low, high]) for seg in segments)
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"average factors", "marginal factors"}


def test_bases_need_the_interval():
    with pytest.raises(KeyError):
        figures.emission_factor_bases(_table().sel(quantile=[0.5]))
