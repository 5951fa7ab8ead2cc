"""Catalogues of mining machines: efficiency, release date and which are in service when."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hashjoule.data import cbeci_hardware
from hashjoule.data.loaders import read_table


@dataclass(frozen=True)
class Catalogue:
    """Machine models, one entry each.

    Attributes
    ----------
    name : numpy.ndarray of str
        Model names.
    release : numpy.ndarray of datetime64[ns]
        Release dates (UTC).
    efficiency_j_per_th : numpy.ndarray of float
        Energy per unit of work at the wall. [J/TH]
    source : str
        Where the list comes from.
    """

    name: np.ndarray
    release: np.ndarray
    efficiency_j_per_th: np.ndarray
    source: str

    def __post_init__(self):
        if not len(self.name) == len(self.release) == len(self.efficiency_j_per_th):
            raise ValueError("catalogue columns must have equal lengths")
        if not np.all(self.efficiency_j_per_th > 0):
            raise ValueError("efficiencies must be positive [J/TH]")

    def __len__(self) -> int:
        return len(self.name)


def cbeci_catalogue(directory=None) -> Catalogue:
    """The 90-model list of the original Cambridge index (CBECI), to May 2020.

    Reference: CambridgeAltFin/ccaf_cbeci_api, ``server_config/miners.csv``
    (see the data's PROVENANCE.md).
    """
    table = cbeci_hardware(directory)
    return Catalogue(
        name=table.name.to_numpy(dtype=str),
        release=table.release_date.to_numpy(dtype="datetime64[ns]"),
        efficiency_j_per_th=table.efficiency_j_per_th.to_numpy(dtype=float),
        source="Cambridge Bitcoin Electricity Consumption Index hardware list (2020)",
    )


def cbeci2023_catalogue(directory=None) -> Catalogue:
    """Hardware list of the ``cbeci2023`` method: the original list plus the dated supplement.

    The 90 models of the original Cambridge list (to May 2020) and every machine of
    ``asic_release_dates_2020plus.csv`` (released from May 2020 on, each with a cited
    release month: the first shipments where known, else the announcement; release on
    the first of the month, as in the original list). Each model counts once, as in
    the original list; none is weighted by sales, which the sources do not give.

    Parameters
    ----------
    directory : path-like, optional
        Folder to read both files from instead of the package's data.

    Returns
    -------
    catalogue : Catalogue
        97 models.
    """
    original = cbeci_catalogue(directory)
    dated = read_table("asic_release_dates_2020plus", directory)
    return Catalogue(
        name=np.concatenate([original.name, (dated.manufacturer + " " + dated.model).to_numpy(dtype=str)]),
        release=np.concatenate([original.release, dated.release_month.to_numpy(dtype="datetime64[ns]")]),
        efficiency_j_per_th=np.concatenate([original.efficiency_j_per_th,
                                            dated.efficiency_j_per_th.to_numpy(dtype=float)]),
        source=f"{original.source}; machines from May 2020 on with cited release months "
               "(asic_release_dates_2020plus.csv)",
    )


def in_service(dates, release, lifetime_years: float) -> np.ndarray:
    """Which models are on the market and not yet retired on each date.

    A model counts on a day if it was released before that day and is less than
    ``lifetime_years`` old (calendar years).

    Parameters
    ----------
    dates : array_like of datetime64
        Days. (n,)
    release : array_like of datetime64
        Release dates of the models. (m,)
    lifetime_years : float
        Service life. [yr]

    Returns
    -------
    mask : numpy.ndarray of bool
        (n, m): True where the model is in service on the day.
    """
    if not lifetime_years > 0:
        raise ValueError(f"lifetime must be positive [yr], got {lifetime_years}")
    dates = np.asarray(dates, dtype="datetime64[ns]")[:, None]
    start = np.asarray(release, dtype="datetime64[ns]")
    whole, part = divmod(lifetime_years, 1)
    end = (pd.DatetimeIndex(start) + pd.DateOffset(years=int(whole)) + pd.Timedelta(days=365.25 * part)).to_numpy()
    return (start[None, :] < dates) & (dates < end[None, :])
