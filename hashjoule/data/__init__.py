"""Bundled reference data: chain history, prices, fees, hardware, the Cambridge index,
mining maps, emission factors and household references.

Every file is checked when read (see :mod:`hashjoule.data.catalogue`); sources and
licences are in ``PROVENANCE.md`` beside this module. Coin Metrics and Cambridge (CCAF)
data are CC BY-NC 4.0: non-commercial use only.
"""

from hashjoule.data.catalogue import SPECS, FileSpec
from hashjoule.data.loaders import (
    cambridge_series,
    cbeci_hardware,
    chain_daily,
    epoch_headers,
    fees_daily,
    read_table,
)

__all__ = [
    "SPECS",
    "FileSpec",
    "cambridge_series",
    "cbeci_hardware",
    "chain_daily",
    "epoch_headers",
    "fees_daily",
    "read_table",
]
