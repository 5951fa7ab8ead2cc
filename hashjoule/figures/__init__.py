"""Figures: one function per figure, each taking Datasets and returning a matplotlib Figure.

The functions never read files or run models; :mod:`hashjoule.reports.gallery` makes the data
of each bundled figure and calls them. The look is ``hashjoule.mplstyle``.
"""

from hashjoule.figures import calibration
from hashjoule.figures.composition import regional_composition
from hashjoule.figures.consumption import annualised_consumption
from hashjoule.figures.emission_factors import emission_factor_bases
from hashjoule.figures.fan import annual_fan
from hashjoule.figures.halving import halving_per_bitcoin
from hashjoule.figures.per_bitcoin import energy_per_bitcoin
from hashjoule.figures.savings import scenario_savings
from hashjoule.figures.sensitivity import sobol_indices
from hashjoule.figures.timeline import crackdown_timeline

__all__ = ["calibration", "annual_fan", "annualised_consumption", "crackdown_timeline", "emission_factor_bases",
           "energy_per_bitcoin", "halving_per_bitcoin", "regional_composition", "scenario_savings", "sobol_indices"]
