"""Sobol sensitivity indices: which uncertain parameters drive each output."""

from __future__ import annotations

import textwrap

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from hashjoule.figures.style import OKABE_ITO, caption, new_figure, styled


#: Longest parameter label shown. [characters]
LABEL_CHARS = 44


def short_label(label: str, width: int = LABEL_CHARS) -> str:
    """A parameter's label cut to ``width`` characters at a word, its parenthesis closed."""
    if len(label) <= width:
        return label
    return textwrap.shorten(label, width, placeholder=" ...)" if "(" in label else " ...")


@styled
def sobol_indices(indices: xr.Dataset) -> Figure:
    """First-order (S1) and total (ST) Sobol indices with their confidence half-widths.

    Parameters
    ----------
    indices : xarray.Dataset
        Over (output, parameter): ``S1``, ``S1_conf``, ``ST``, ``ST_conf``. [1]

    Returns
    -------
    matplotlib.figure.Figure
        One panel per output; parameters sorted by their largest total index.
    """
    outputs = [str(o) for o in indices.output.values]
    order = indices.ST.max("output").fillna(0).argsort().values
    parameters = indices.parameter.values[order]
    y = np.arange(parameters.size)
    fig, axes = new_figure(1, len(outputs), sharey=True, squeeze=False,
                           figsize=(2.2 + 2.6 * len(outputs), 1.4 + 0.4 * parameters.size))
    for ax, output in zip(axes[0], outputs):
        one = indices.sel(output=output, parameter=parameters)
        for offset, name, colour in ((0.18, "S1", OKABE_ITO["blue"]), (-0.18, "ST", OKABE_ITO["orange"])):
            ax.barh(y + offset, one[name].values, height=0.34, color=colour,
                    xerr=one[f"{name}_conf"].values, error_kw={"elinewidth": 0.8, "capsize": 2}, label=name)
        unit = f" [{one.output_units.values}]" if "output_units" in one.coords else ""
        ax.set_title(f"{output.replace('_', ' ').replace('co2', 'CO2').replace('china', 'China')}{unit}", fontsize=9, fontweight="normal")
        ax.set_xlabel("Sobol index [1]")
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.grid(axis="y", visible=False)
    names = indices.parameter_label if "parameter_label" in indices.coords else indices.parameter
    axes[0, 0].set_yticks(y, [short_label(str(p)) for p in names.values[order]])
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside right upper")
    fig.suptitle("Sobol sensitivity indices of each output", x=0.0, ha="left",
                 fontsize=10, fontweight="bold")
    design = (f"scenario '{indices.attrs['scenario']}' against '{indices.attrs.get('baseline', '?')}', "
              f"{indices.attrs.get('samples', '?')} base samples, seed {indices.attrs.get('seed', '?')}. "
              if "scenario" in indices.attrs else "")
    caption(fig, f"Source: hashjoule sensitivity analysis, {design}S1: first-order, ST: total Sobol index; error bars: "
                 "95 % confidence half-widths. Saltelli et al. (2010), doi:10.1016/j.cpc.2009.09.018; SALib, "
                 "doi:10.21105/joss.00097.")
    return fig
