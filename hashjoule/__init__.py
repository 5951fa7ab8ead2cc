"""hashjoule: electricity use and carbon emissions of Bitcoin mining.

Historical estimates with bounds, energy per bitcoin and household equivalents
(:mod:`hashjoule.simulation`), scenario files (:mod:`hashjoule.scenarios`),
calibration (:mod:`hashjoule.calibration`) and figures (:mod:`hashjoule.figures`).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hashjoule")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
