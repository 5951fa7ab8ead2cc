"""Mining machines retired per year, against the published estimate."""

import xarray as xr

from figureworld import assert_units
from hashjoule.figures.ewaste import ewaste_per_year


def test_ewaste_figure_has_grouped_bars_and_the_published_line():
    retired = xr.DataArray([[1e3, 2e3], [1.1e3, 1.9e3]], dims=("case", "year"),
                           coords={"case": ["cbeci", "cbeci2023"], "year": [2020, 2021]})
    fig = ewaste_per_year(retired, 30_700.0)
    assert_units(fig, "kt")
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    assert ax.get_lines()[0].get_ydata()[0] == 30.7
