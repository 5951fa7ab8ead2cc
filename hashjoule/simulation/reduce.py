"""Streaming reductions over draws whose results do not depend on batches or workers.

A batch of draws is summarised where it runs (:mod:`~hashjoule.simulation.summary`), and the summaries
are folded together by :class:`Reduction`, in any order of arrival:

- **moments** (mean and variance per day and region) are taken over fixed blocks of
  :data:`BLOCK` consecutive draws and merged block after block in draw order (Chan et al.'s
  pairwise update), so the floating-point operations are the same whatever the batch size
  and whichever process ran a block; batches are whole blocks (the last one may be short);
- **quantiles** of the daily network totals come from histograms of fixed logarithmic bins
  (integer counts: exact to merge); each order statistic is placed within its bin, whose
  width, :data:`BIN_WIDTH`, bounds its error, and so the error of the quantile (numpy's
  linear definition), which never leaves the range between the smallest and largest value
  of the day (kept exactly);
- **annual totals** are kept per draw (a few numbers per draw and year), so their
  quantiles and exceedance probabilities are exact.

Memory grows with the days and regions, not with the draws, except the annual totals and
the sampled parameter values (a few numbers per draw); what a batch sends back holds its
blocks' moments and its histograms' counts (whatever its draws).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hashjoule.constants import ARTICLE_TWH_PER_YEAR, BAND
from hashjoule.simulation.results import REGIONAL, VARIABLES

#: Draws per reduction block; batches are multiples of it. [draws]
BLOCK = 50
#: Quantiles reported over draws. [1]
QUANTILES = (BAND[0], 0.17, 0.5, 0.83, BAND[1])
#: Variables reduced to means and standard deviations over draws.
MOMENTS = ("hashrate", "power", "co2", "blocks", "btc_minted", "fees", "difficulty", "price")
#: Daily network totals with quantiles: log10 of the lowest and highest binned value, in
#: the variable's unit. Values below the range (a stalled chain) count as zero.
HISTOGRAMS = {"hashrate": (-3.0, 5.0), "power": (-3.0, 5.0), "co2": (0.0, 9.0), "price": (0.0, 9.0)}
#: Bins per decade: 120, so neighbouring bin edges differ by 1.94 %.
BINS_PER_DECADE = 120
BIN_WIDTH = 10 ** (1 / BINS_PER_DECADE) - 1


def bin_count(name: str) -> int:
    """Bins of ``name``'s histograms: those of its range, one below it and one above."""
    low, high = HISTOGRAMS[name]
    return int(round((high - low) * BINS_PER_DECADE)) + 2  # with an underflow and an overflow bin


def bin_edges(name: str) -> np.ndarray:
    """The lower edges of the bins of ``name`` inside its range, 10**(low + j / 120). [the variable's unit]"""
    low, _ = HISTOGRAMS[name]
    return 10.0 ** (low + np.arange(bin_count(name) - 1) / BINS_PER_DECADE)


def bin_index(values: np.ndarray, name: str) -> np.ndarray:
    """Index of the fixed bin of ``name`` each value falls in: the number of :func:`bin_edges`
    at or below it (0: below the range, zero and NaN included; the last: above it). Same
    shape as ``values``, uint16. Comparisons only, so the compiled summary
    (:mod:`~hashjoule.simulation.summary`) finds the same bins."""
    index = np.searchsorted(bin_edges(name), np.where(np.isnan(values), -np.inf, values), side="right")
    return index.astype(np.uint16)


def histogram(index: np.ndarray, name: str) -> np.ndarray:
    """Counts per day of bin indices (time, draw). (time, bins) int64"""
    bins = bin_count(name)
    flat = index.astype(np.int64) + bins * np.arange(index.shape[0])[:, None]
    return np.bincount(flat.ravel(), minlength=index.shape[0] * bins).reshape(index.shape[0], bins)


def histogram_quantiles(counts: np.ndarray, name: str, quantiles=QUANTILES) -> np.ndarray:
    """Quantiles from the counts (time, bins), (quantile, time).

    The definition is numpy's default (linear between the order statistics ``floor(q (N-1))``
    and the next); each order statistic is placed inside its bin, the j-th of c values at
    ``(j + 1/2) / c`` of the bin's logarithmic width, so each is within a bin width of
    the exact value, and so is the quantile. Order statistics in the lowest bin (below the
    range) count as zero.
    """
    low, _ = HISTOGRAMS[name]
    cumulative = np.cumsum(counts, axis=1)
    total = cumulative[:, -1]
    rows = np.arange(counts.shape[0])

    def order_statistic(k: np.ndarray) -> np.ndarray:
        """The k-th smallest value (0-based) of each day, placed in its bin. (time,)"""
        b = (cumulative <= k[:, None]).sum(axis=1)
        before = np.where(b > 0, cumulative[rows, np.maximum(b - 1, 0)], 0)
        inside = counts[rows, b]
        log_value = low + (b - 1 + (k - before + 0.5) / inside) / BINS_PER_DECADE
        return np.where(b == 0, 0.0, 10.0 ** log_value)

    out = np.empty((len(quantiles), counts.shape[0]))
    for i, q in enumerate(quantiles):
        position = q * (total - 1)
        k = np.floor(position).astype(np.int64)
        lower, upper = order_statistic(k), order_statistic(np.minimum(k + 1, total - 1))
        out[i] = lower + (position - k) * (upper - lower)
    return out


class Reduction:
    """Batch summaries folded into the statistics over all draws.

    Blocks are merged in draw order as soon as all before them are in; a block that
    arrives early waits. :meth:`state` and :meth:`from_state` save and restore all of it,
    for checkpoints.
    """

    def __init__(self):
        self.coords = None
        self.pending: dict[int, tuple] = {}  # block -> (draws, {name: (mean, m2)})
        self.next_block, self.n = 0, 0
        self.mean: dict[str, np.ndarray] = {}
        self.m2: dict[str, np.ndarray] = {}
        self.counts: dict[str, np.ndarray] = {}
        self.low: dict[str, np.ndarray] = {}  # smallest and largest value of each day
        self.high: dict[str, np.ndarray] = {}
        self.per_draw: list[xr.Dataset] = []
        self.batches: list[int] = []  # first draws of the batches folded in

    def add(self, summary: xr.Dataset, first_draw: int) -> None:
        """Fold in the summary of the batch starting at ``first_draw``."""
        if self.coords is None:
            self.coords = {"time": summary.time, "region": summary.region}
        for i, block in enumerate(summary.block.values):
            self.pending[int(block)] = (int(summary.block_draws[i]),
                                        {name: (summary[f"{name}__mean"].data[i], summary[f"{name}__m2"].data[i])
                                         for name in MOMENTS})
        for name in HISTOGRAMS:
            counts = summary[f"{name}__counts"].data.astype(np.int64)
            low, high = summary[f"{name}__min"].data, summary[f"{name}__max"].data
            if name not in self.counts:
                self.counts[name], self.low[name], self.high[name] = counts, low.copy(), high.copy()
            else:
                self.counts[name] += counts
                np.minimum(self.low[name], low, out=self.low[name])
                np.maximum(self.high[name], high, out=self.high[name])
        self.per_draw.append(summary[[v for v in summary.data_vars if "__" not in v]])
        self.batches.append(int(first_draw))
        while self.next_block in self.pending:
            self._merge(*self.pending.pop(self.next_block))
            self.next_block += 1

    def _merge(self, n: int, blocks: dict) -> None:
        """Chan et al.'s update of the running mean and sum of squared deviations."""
        total = self.n + n
        for name, (mean, m2) in blocks.items():
            if self.n == 0:
                self.mean[name], self.m2[name] = np.array(mean), np.array(m2)
                continue
            delta = mean - self.mean[name]
            self.mean[name] = self.mean[name] + delta * (n / total)
            self.m2[name] = self.m2[name] + m2 + delta ** 2 * (self.n * n / total)
        self.n = total

    def _per_draw(self) -> xr.Dataset:
        return xr.concat(self.per_draw, dim="draw", data_vars="minimal", coords="minimal", compat="override",
                         join="outer").sortby("draw")

    def state(self) -> xr.Dataset:
        """Everything folded in so far but the per-draw totals (:meth:`per_draw_of`), as one
        Dataset whose size does not grow with the draws (for a checkpoint)."""
        out = {}
        for name in MOMENTS:
            if name in self.mean:
                out[f"{name}__mean"] = (self.dims(name), self.mean[name])
                out[f"{name}__m2"] = (self.dims(name), self.m2[name])
            pending = sorted(self.pending)
            if pending:
                out[f"{name}__pending_mean"] = (("pending", *self.dims(name)),
                                                np.stack([self.pending[b][1][name][0] for b in pending]))
                out[f"{name}__pending_m2"] = (("pending", *self.dims(name)),
                                              np.stack([self.pending[b][1][name][1] for b in pending]))
        for name in HISTOGRAMS:
            out[f"{name}__counts"] = (("time", f"{name}__bin"), self.counts[name])
            out[f"{name}__min"] = ("time", self.low[name])
            out[f"{name}__max"] = ("time", self.high[name])
        pending = sorted(self.pending)
        state = xr.Dataset(out, coords={**self.coords, "pending": pending,
                                        "pending_draws": ("pending", [self.pending[b][0] for b in pending]),
                                        "batch": self.batches})
        state.attrs.update(n=self.n, next_block=self.next_block)
        return state

    def per_draw_of(self, first_draw: int) -> xr.Dataset:
        """The per-draw totals of the batch that starts at ``first_draw``."""
        return self.per_draw[self.batches.index(int(first_draw))]

    @classmethod
    def from_state(cls, state: xr.Dataset, per_draw: list[xr.Dataset]) -> "Reduction":
        """The reduction saved by :meth:`state`, with its batches' per-draw totals in the
        order of ``state.batch``."""
        self = cls()
        self.coords = {"time": state.time, "region": state.region}
        self.n, self.next_block = int(state.attrs["n"]), int(state.attrs["next_block"])
        self.batches = [int(b) for b in state.batch.values]
        for name in MOMENTS:
            if f"{name}__mean" in state:
                self.mean[name], self.m2[name] = state[f"{name}__mean"].data, state[f"{name}__m2"].data
        for i, block in enumerate(state.pending.values):
            self.pending[int(block)] = (int(state.pending_draws[i]),
                                        {name: (state[f"{name}__pending_mean"].data[i],
                                                state[f"{name}__pending_m2"].data[i]) for name in MOMENTS})
        for name in HISTOGRAMS:
            self.counts[name] = state[f"{name}__counts"].data.astype(np.int64)
            self.low[name], self.high[name] = state[f"{name}__min"].data, state[f"{name}__max"].data
        self.per_draw = list(per_draw)
        return self

    def dims(self, name: str) -> tuple[str, ...]:
        return ("time", "region") if name in REGIONAL else ("time",)

    def result(self) -> xr.Dataset:
        """Means and standard deviations per day (and region), quantiles of the daily network
        totals, and the per-draw annual totals in draw order."""
        if self.pending:
            raise RuntimeError(f"blocks {sorted(self.pending)} arrived without the ones before them")
        out = xr.Dataset(coords={**self.coords, "quantile": ("quantile", list(QUANTILES), {"units": "1"})})
        variance = {name: self.m2[name] / max(self.n - 1, 1) for name in MOMENTS}
        # energy is power times 24 h: its statistics follow from power's
        means = {**self.mean, "energy": self.mean["power"] * 24.0}
        variance["energy"] = variance["power"] * 24.0 ** 2
        for name in (*MOMENTS, "energy"):
            units, long_name = VARIABLES[name]
            out[f"{name}_mean"] = (self.dims(name), means[name], {"units": units, "long_name": f"{long_name}, mean over draws"})
            out[f"{name}_std"] = (self.dims(name), np.sqrt(variance[name]),
                                  {"units": units, "long_name": f"{long_name}, standard deviation over draws"})
        for name in HISTOGRAMS:
            units, long_name = VARIABLES[name]
            out[f"{name}_network_quantiles"] = (
                ("quantile", "time"),
                np.clip(histogram_quantiles(self.counts[name], name), self.low[name], self.high[name]),
                {"units": units, "long_name": f"{long_name}, network total, quantiles over draws",
                 "comment": f"from histograms of {BINS_PER_DECADE} logarithmic bins a decade (values within "
                            f"{BIN_WIDTH:.2%}), within the day's smallest and largest value; below "
                            f"10^{HISTOGRAMS[name][0]:g} {units} counts as 0"})
        return out.merge(self._per_draw())


def annual_summaries(ds: xr.Dataset, thresholds_twh=(ARTICLE_TWH_PER_YEAR,)) -> xr.Dataset:
    """Quantiles over draws of the annual totals (by region and for the network), totals over
    the whole run per draw and their quantiles, and the probability that the network's annual
    energy exceeds each threshold."""
    q = list(QUANTILES)
    out = xr.Dataset(coords={"quantile": ("quantile", q, {"units": "1"})})
    for name in ("annual_energy", "annual_co2"):
        var = ds[name]
        attrs = var.attrs
        out[f"{name}_quantiles"] = var.quantile(q, dim="draw").assign_attrs(
            {**attrs, "long_name": f"{attrs['long_name']}, quantiles over draws"})
        out[f"{name}_network_quantiles"] = var.sum("region").quantile(q, dim="draw").assign_attrs(
            {**attrs, "long_name": f"{attrs['long_name']}, network total, quantiles over draws"})
    for name in ("annual_energy", "annual_co2"):
        period = name.replace("annual_", "period_")
        var = ds[name].sum("year").assign_attrs(units=ds[name].attrs["units"],
                                                long_name=ds[name].attrs["long_name"].replace("in the year", "over the run"))
        out[period] = var
        out[f"{period}_network_quantiles"] = var.sum("region").quantile(q, dim="draw").assign_attrs(
            {**var.attrs, "long_name": f"{var.attrs['long_name']}, network total, quantiles over draws"})
    total = ds.annual_energy.sum("region")
    threshold = xr.DataArray(list(map(float, thresholds_twh)), dims="threshold", attrs={"units": "TWh"})
    whole = ds.days >= 365  # a part of a year is not compared with an annual threshold
    out["annual_energy_exceedance"] = ((total > threshold).mean("draw").where(whole)
                                       .assign_attrs(units="1", long_name="probability that the network's annual "
                                                     "electricity use exceeds the threshold (NaN for a part of a year)"))
    return out.assign_coords(threshold=threshold)
