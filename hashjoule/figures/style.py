"""The look shared by every figure: the style file, the palette, source captions, bands.

The palette is Okabe and Ito's (2008), distinguishable with the common forms of colour
blindness: https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import functools
import textwrap
from importlib import resources

import matplotlib.style
import xarray as xr
from matplotlib.figure import Figure

from hashjoule.constants import BAND
from hashjoule.estimates.accounting import household_years

#: Okabe-Ito colours by name.
OKABE_ITO = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000",
}
#: Neutral colour for references and "everything else".
GREY = "#999999"
#: Quantiles of the outer band of draws (the reported interval), and of the inner one. [1]
OUTER, INNER = BAND, (0.25, 0.75)


#: Metadata that would date a saved file, left out so that a rerun gives the same bytes.
_NO_DATES = {"png": {}, "svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}


def save_figure(fig: Figure, path, fmt: str = "png"):
    """Save atomically, under the hashjoule style (its size, dpi, fixed SVG ids) and without
    the save date; returns the path."""
    from hashjoule.output import atomic_path

    with atomic_path(path) as tmp, matplotlib.style.context(style_path()):
        fig.savefig(tmp, format=fmt, metadata=_NO_DATES[fmt])
    return path


def style_path() -> str:
    """Path of ``hashjoule.mplstyle`` (installed with the package)."""
    return str(resources.files("hashjoule.figures").joinpath("hashjoule.mplstyle"))


def styled(function):
    """Build the decorated figure under the hashjoule style, whatever the caller's settings."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs) -> Figure:
        with matplotlib.style.context(style_path(), after_reset=True):
            return function(*args, **kwargs)

    return wrapper


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """A Figure (not registered with pyplot, so it is freed with its last reference) and its axes."""
    fig = Figure(figsize=kwargs.pop("figsize", None))
    axes = fig.subplots(nrows, ncols, **kwargs)
    return fig, axes


#: Caption font size [pt] and characters per inch of figure width at that size.
CAPTION_PT, CAPTION_CHARS_PER_INCH = 7.0, 18


def caption(fig: Figure, text: str) -> None:
    """Write the source line at the foot of the figure, below the axes (the layout leaves room)."""
    lines = textwrap.wrap(text, width=int(fig.get_figwidth() * CAPTION_CHARS_PER_INCH))
    fig.text(0.005, 0.005, "\n".join(lines), ha="left", va="bottom", fontsize=CAPTION_PT, color="#555555")
    foot = (len(lines) * CAPTION_PT * 1.3 + 4) / 72 / fig.get_figheight()  # [fraction of the height]
    fig.get_layout_engine().set(rect=(0, foot, 1, 1 - foot))


def label(var: xr.DataArray, name: str | None = None) -> str:
    """Axis label ``name [units]`` from a variable's attributes."""
    return f"{name or var.attrs.get('long_name', var.name)} [{var.attrs.get('units', '1')}]"


def draw_quantiles(values: xr.DataArray, quantiles) -> xr.DataArray:
    """Quantiles over the ``draw`` dimension (the Monte Carlo draws)."""
    if "draw" not in values.dims:
        raise ValueError(f"{values.name}: a band needs per-draw values (a 'draw' dimension); run with keep_draws")
    return values.quantile(list(quantiles), "draw")


def household_axes(ax, households: dict[str, float]) -> None:
    """Secondary y axes in household-years per bitcoin beside an axis in MWh per bitcoin, one
    per reference household (label -> its electricity a year [kWh/yr])."""
    for position, (name, kwh) in zip((1.0, 1.13), households.items()):
        scale = household_years(1.0, kwh)  # MWh -> household-years
        twin = ax.secondary_yaxis(position, functions=(lambda x, s=scale: x * s, lambda y, s=scale: y / s))
        twin.set_ylabel(f"{name} [household-yr/BTC]")
