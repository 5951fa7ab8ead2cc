"""Streaming reductions over draws whose results do not depend on batches or workers.

A batch of draws is summarised where it runs (:mod:`~hashjoule.simulation.summary`), and the summaries
are folded together by :class:`Reduction`, in any order of arrival:

- **moments** (mean and variance per day and region) are taken over fixed blocks of
  :data:`BLOCK` consecutive draws and merged along a fixed binary tree over the blocks
  (Chan et al.'s pairwise update: a node merges its left and its right half), so the
  floating-point operations are the same whatever the batch size and whichever process ran
  a block; batches are whole blocks (the last one may be short), and a batch merges the
  whole subtrees it holds itself (:func:`subtrees`), so it sends one node's moments where
  its draws make a subtree, and a few otherwise;
- **quantiles** of the daily network totals come from histograms of fixed logarithmic bins
  (:mod:`~hashjoule.simulation.histograms`; integer counts: exact to merge); each order
  statistic is placed within its bin, whose width,
  :data:`~hashjoule.simulation.histograms.BIN_WIDTH`, bounds its error, and so the error of
  the quantile (numpy's linear definition), which never leaves the range between the
  smallest and largest value of the day (kept exactly);
- **annual totals** are kept per draw (a few numbers per draw and year), so their
  quantiles and exceedance probabilities are exact.

Memory grows with the days and regions, not with the draws, except the annual totals and
the sampled parameter values (a few numbers per draw); what a batch sends back holds its
blocks' moments (folded into the subtrees its whole blocks make) and its histograms' counts
over each day's range of bins from the first to the last its draws used
(:func:`~hashjoule.simulation.histograms.pack_day_ranges`).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hashjoule.simulation.histograms import (BIN_WIDTH, BINS_PER_DECADE, HISTOGRAMS, QUANTILES, add_day_ranges,
                                             bin_count, count_type, histogram_quantiles)
from hashjoule.simulation.results import REGIONAL, VARIABLES

#: Draws per reduction block; batches are multiples of it. [draws]
BLOCK = 50
#: Variables reduced to means and standard deviations over draws.
MOMENTS = ("hashrate", "power", "co2", "blocks", "btc_minted", "fees", "difficulty", "price")


def node_coords(keys: list[tuple[int, int]], draws: list[int]) -> dict:
    """Coordinates of subtrees ``keys`` (level, index) holding ``draws`` draws each."""
    return {"node_level": ("node", [level for level, _ in keys]), "node_index": ("node", [index for _, index in keys]),
            "node_draws": ("node", list(draws))}


def merge_moments(left: tuple, right: tuple) -> tuple:
    """Chan et al.'s update of two groups' (draws, {name: (mean, m2)}), the left one's draws
    first; an empty group leaves the other as it is."""
    (n_left, left_moments), (n_right, right_moments) = left, right
    if n_right == 0:
        return left
    if n_left == 0:
        return right
    total = n_left + n_right
    out = {}
    for name, (mean, m2) in left_moments.items():
        right_mean, right_m2 = right_moments[name]
        delta = right_mean - mean
        out[name] = (mean + delta * (n_right / total), m2 + right_m2 + delta ** 2 * (n_left * n_right / total))
    return total, out


def subtrees(first_block: int, stop_block: int) -> list[tuple[int, int]]:
    """The whole subtrees of the fixed tree over blocks that cover blocks ``first_block`` to
    ``stop_block - 1``, the largest first from the left, as (level, index): the subtree
    (l, j) holds blocks j 2**l to (j + 1) 2**l - 1."""
    out, block = [], first_block
    while block < stop_block:
        level = 0
        while block % 2 ** (level + 1) == 0 and block + 2 ** (level + 1) <= stop_block:
            level += 1
        out.append((level, block >> level))
        block += 2 ** level
    return out


def fold(blocks: list[tuple]) -> tuple:
    """The moments of a whole subtree from its blocks' (draws, {name: (mean, m2)}) in order:
    the left half's and the right half's, merged."""
    if len(blocks) == 1:
        return blocks[0]
    half = len(blocks) // 2
    return merge_moments(fold(blocks[:half]), fold(blocks[half:]))


class Reduction:
    """Batch summaries folded into the statistics over all draws.

    Subtrees of blocks are merged with their sibling as soon as it is in (the tree is fixed,
    so the order of arrival does not matter); what has no sibling when all are in is carried
    up alone (:meth:`_root`). :meth:`state` and :meth:`from_state` save and restore all of
    it, for checkpoints.
    """

    def __init__(self, draws: int):
        #: draws of the whole run, numbered from 0
        self.draws = int(draws)
        self.coords = None
        #: (level, index) of the subtrees in, not yet merged -> (draws, {name: (mean, m2)})
        self.nodes: dict[tuple[int, int], tuple] = {}
        self.counts: dict[str, np.ndarray] = {}
        self.low: dict[str, np.ndarray] = {}  # smallest and largest value of each day
        self.high: dict[str, np.ndarray] = {}
        #: every draw's totals, allocated with the first batch and filled in as the batches come
        #: in: held once, not once per batch and again when joined
        self.per_draw: xr.Dataset | None = None
        #: the draws whose totals are in (draw,)
        self.filled = np.zeros(self.draws, dtype=bool)
        self.batches: list[int] = []  # first draws of the batches folded in
        self.sizes: dict[int, int] = {}  # first draw -> draws of the batch

    def add(self, summary: xr.Dataset, first_draw: int) -> None:
        """Fold in the summary of the batch starting at ``first_draw``; checked whole first
        (:meth:`_check`), so that a batch refused leaves the reduction as it was."""
        first = int(first_draw)
        part = summary[[v for v in summary.data_vars if "__" not in v]]
        stop = self._check(summary, part, first)
        if self.coords is None:
            self.coords = {"time": summary.time, "region": summary.region}
        for i, (level, index) in enumerate(zip(summary.node_level.values, summary.node_index.values)):
            self._insert(int(level), int(index), (int(summary.node_draws[i]), {
                name: (summary[f"{name}__mean"].data[i], summary[f"{name}__m2"].data[i]) for name in MOMENTS}))
        for name in HISTOGRAMS:
            low, high = summary[f"{name}__min"].data, summary[f"{name}__max"].data
            if name not in self.counts:
                self.counts[name] = np.zeros((summary.sizes["time"], bin_count(name)), dtype=count_type(self.draws))
                self.low[name], self.high[name] = low.copy(), high.copy()
            else:
                np.minimum(self.low[name], low, out=self.low[name])
                np.maximum(self.high[name], high, out=self.high[name])
            add_day_ranges(self.counts[name], summary[f"{name}__first_bin"].values, summary[f"{name}__bins"].values,
                           summary[f"{name}__counts"].values)
        self._write(part, first, stop)
        self.batches.append(first)

    def _check(self, summary: xr.Dataset, part: xr.Dataset, first: int) -> int:
        """Refuse a batch's summary unless it fits the run and what is in already: its draws
        (:meth:`_check_draws`), its days and regions, its moments (those of whole blocks of its
        draws, only the last batch of the run short) and its counts (each day's range of bins
        inside the variable's, the ranges' lengths adding up to the counts sent).
        Returns the draw after the batch's last."""
        stop = self._check_draws(part, first)
        if self.coords is not None:
            for dim in ("time", "region"):
                if not np.array_equal(summary[dim].values, self.coords[dim].values):
                    raise ValueError(f"the batch's {dim} coordinate is not the run's")
        keys = [(int(level), int(index)) for level, index in zip(summary.node_level.values, summary.node_index.values)]
        if (first % BLOCK or (stop % BLOCK and stop != self.draws) or int(summary.node_draws.sum()) != stop - first
                or keys != subtrees(first // BLOCK, -(-stop // BLOCK))):
            raise ValueError(f"the batch's moments are not those of whole blocks of {BLOCK} of its draws, "
                             f"{first} to {stop - 1} (only the run's last may be short)")
        self._check_counts(summary)
        return stop

    def _check_counts(self, summary: xr.Dataset) -> None:
        """Refuse a batch's counts unless they are unsigned whole numbers that the run's counts
        hold, in one array, and each day's range (first bin and length, one per day, as the
        extremes are) lies inside the variable's bins, the lengths adding up to the counts
        sent: the compiled addition checks none of it."""
        for name in HISTOGRAMS:
            first_bin, length, counts = (summary[f"{name}__{part}"] for part in ("first_bin", "bins", "counts"))
            if not all(summary[f"{name}__{part}"].dims == ("time",) for part in ("first_bin", "bins", "min", "max")):
                raise ValueError(f"{name}: the batch's bin ranges and extremes are not one per day")
            if not (first_bin.dtype.kind == length.dtype.kind == "i" and counts.ndim == 1
                    and counts.dtype.kind == "u" and np.can_cast(counts.dtype, count_type(self.draws))):
                raise ValueError(f"{name}: the batch's counts are not unsigned whole numbers in one array")
            first, size = first_bin.values.astype(np.int64), length.values.astype(np.int64)  # no overflow below
            if not ((first >= 0).all() and (size >= 0).all() and (first <= bin_count(name) - size).all()
                    and size.sum() == counts.size):
                raise ValueError(f"{name}: the batch's counts are not ranges of days within the "
                                 f"{bin_count(name)} bins")

    def _check_draws(self, part: xr.Dataset, first: int) -> int:
        """Refuse a batch's per-draw totals unless its draws are ``first`` onwards, one after
        the other, inside the run and none of them in already, with the variables of the
        batches in. Returns the draw after the batch's last."""
        draws = part["draw"].values
        stop = first + draws.size
        if not draws.size:
            raise ValueError(f"the batch that starts at draw {first} holds no draws")
        if not 0 <= first < stop <= self.draws:
            raise ValueError(f"draws {first} to {stop - 1} lie outside the run's {self.draws}")
        if not np.array_equal(draws, np.arange(first, stop)):
            raise ValueError(f"the batch's draws are not {first} to {stop - 1}, one after the other: "
                             f"{_listed(draws)}")
        if self.filled[first:stop].any():
            raise ValueError(f"draws {_listed(first + np.flatnonzero(self.filled[first:stop]))} are in already")
        if self.per_draw is not None:
            ours, theirs = _per_draw_shapes(self.per_draw), _per_draw_shapes(part)
            if ours != theirs:
                raise ValueError(f"the batch's per-draw totals {theirs} are not those of the batches in, {ours}")
        return stop

    def _keep(self, part: xr.Dataset, first: int) -> None:
        """Write a batch's per-draw totals into their rows of :attr:`per_draw`, once checked
        (:meth:`_check_draws`)."""
        self._write(part, first, self._check_draws(part, first))

    def _write(self, part: xr.Dataset, first: int, stop: int) -> None:
        """Write the checked per-draw totals of draws ``first`` to ``stop - 1`` into their rows."""
        if self.per_draw is None:
            coords = {name: var for name, var in part.coords.items() if "draw" not in var.dims}
            self.per_draw = xr.Dataset(coords={**coords, "draw": ("draw", np.arange(self.draws), part.draw.attrs)})
            for name, var in part.data_vars.items():
                shape = tuple(self.draws if dim == "draw" else size for dim, size in zip(var.dims, var.shape))
                self.per_draw[name] = var if "draw" not in var.dims else xr.Variable(
                    var.dims, np.zeros(shape, dtype=var.dtype), var.attrs)
        for name, var in part.data_vars.items():
            if "draw" in var.dims:
                rows = tuple(slice(first, stop) if dim == "draw" else slice(None) for dim in var.dims)
                self.per_draw[name].data[rows] = var.data
        self.filled[first:stop] = True
        self.sizes[first] = stop - first

    def _insert(self, level: int, index: int, value: tuple) -> None:
        """Merge a subtree with its sibling, and the result with its own, while they are in."""
        while (level, index ^ 1) in self.nodes:
            sibling = self.nodes.pop((level, index ^ 1))
            value = merge_moments(sibling, value) if index & 1 else merge_moments(value, sibling)
            level, index = level + 1, index >> 1
        self.nodes[(level, index)] = value

    def _root(self) -> tuple:
        """All blocks merged: from the lowest level up, each subtree with its sibling, or
        alone when the draws ended before its sibling's (the tree's right edge)."""
        nodes, covered = dict(self.nodes), 0
        for level, index in sorted(self.nodes, key=lambda key: key[1] << key[0]):
            if index << level != covered:
                raise RuntimeError(f"blocks {covered} to {(index << level) - 1} are missing")
            covered = (index + 1) << level
        while len(nodes) > 1:
            level = min(level for level, _ in nodes)
            for _, index in sorted(key for key in nodes if key[0] == level):
                if (level, index) not in nodes:
                    continue
                value, sibling = nodes.pop((level, index)), nodes.pop((level, index ^ 1), None)
                if sibling is not None:
                    value = merge_moments(value, sibling)  # in sorted order, the left one comes first
                nodes[(level + 1, index >> 1)] = value
        return next(iter(nodes.values()))

    def _per_draw(self) -> xr.Dataset:
        """Every draw's totals, in draw order; refused while some are missing."""
        missing = np.flatnonzero(~self.filled)
        if missing.size:
            raise RuntimeError(f"{missing.size} of {self.draws} draws are missing ({_listed(missing)})")
        return self.per_draw

    def state(self) -> xr.Dataset:
        """Everything folded in so far but the per-draw totals (:meth:`per_draw_of`), as one
        Dataset whose size does not grow with the draws (for a checkpoint)."""
        out = {}
        keys = sorted(self.nodes)
        for name in MOMENTS:
            for k, part in enumerate(("mean", "m2")):
                out[f"{name}__{part}"] = (("node", *self.dims(name)), np.stack([self.nodes[key][1][name][k] for key in keys]))
        for name in HISTOGRAMS:
            out[f"{name}__counts"] = (("time", f"{name}__bin"), self.counts[name])
            out[f"{name}__min"] = ("time", self.low[name])
            out[f"{name}__max"] = ("time", self.high[name])
        state = xr.Dataset(out, coords={**self.coords, **node_coords(keys, [self.nodes[key][0] for key in keys]),
                                        "batch": self.batches})
        return state

    def per_draw_of(self, first_draw: int) -> xr.Dataset:
        """The per-draw totals of the batch that starts at ``first_draw``."""
        first = int(first_draw)
        return self.per_draw.isel(draw=slice(first, first + self.sizes[first]))

    @classmethod
    def from_state(cls, state: xr.Dataset, per_draw: list[xr.Dataset], draws: int) -> "Reduction":
        """The reduction of a run of ``draws`` draws saved by :meth:`state`, with its batches'
        per-draw totals in the order of ``state.batch``."""
        self = cls(draws)
        self.coords = {"time": state.time, "region": state.region}
        self.batches = [int(b) for b in state.batch.values]
        for i, (level, index) in enumerate(zip(state.node_level.values, state.node_index.values)):
            self.nodes[(int(level), int(index))] = (int(state.node_draws[i]), {
                name: (state[f"{name}__mean"].data[i], state[f"{name}__m2"].data[i]) for name in MOMENTS})
        for name in HISTOGRAMS:
            self.counts[name] = state[f"{name}__counts"].data.astype(count_type(self.draws))
            self.low[name], self.high[name] = state[f"{name}__min"].data, state[f"{name}__max"].data
        for first, part in zip(self.batches, per_draw, strict=True):
            self._keep(part, first)
        return self

    def dims(self, name: str) -> tuple[str, ...]:
        return ("time", "region") if name in REGIONAL else ("time",)

    def result(self) -> xr.Dataset:
        """Means and standard deviations per day (and region), quantiles of the daily network
        totals, and the per-draw annual totals in draw order."""
        out = {}  # built whole, then made a Dataset once: each assignment to one aligns it again
        n, moments = self._root()
        variance = {name: moments[name][1] / max(n - 1, 1) for name in MOMENTS}
        # energy is power times 24 h: its statistics follow from power's
        means = {**{name: moments[name][0] for name in MOMENTS}, "energy": moments["power"][0] * 24.0}
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
        out = xr.Dataset(out, coords={**self.coords, "quantile": ("quantile", list(QUANTILES), {"units": "1"})})
        return out.merge(self._per_draw())


def _listed(draws: np.ndarray, most: int = 5) -> str:
    """The first ``most`` of ``draws``, and how many more there are."""
    shown = ", ".join(str(int(d)) for d in draws[:most])
    return shown if draws.size <= most else f"{shown} and {draws.size - most} more"


def _per_draw_shapes(part: xr.Dataset) -> dict[str, tuple]:
    """The dimensions and sizes, but the draws', of each per-draw variable of ``part``."""
    return {name: tuple((dim, size) for dim, size in zip(var.dims, var.shape) if dim != "draw")
            for name, var in part.data_vars.items() if "draw" in var.dims}
