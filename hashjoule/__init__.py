"""hashjoule: electricity use and carbon emissions of Bitcoin mining.

The network's rules and history (:mod:`hashjoule.network`), historical estimates with
bounds, energy per bitcoin and household equivalents (:mod:`hashjoule.estimates`), the
fleet simulation (:mod:`hashjoule.simulation`), scenario files (:mod:`hashjoule.scenarios`),
calibration (:mod:`hashjoule.calibration`), figures (:mod:`hashjoule.figures`) and reports
(:mod:`hashjoule.reports`). docs/architecture.md maps where each piece lives.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hashjoule")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
