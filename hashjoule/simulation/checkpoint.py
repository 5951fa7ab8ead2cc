"""A folder of finished batches, so that an interrupted ensemble can be resumed.

Layout: ``manifest.json`` (what is being run: the scenario text, a fingerprint of the
inputs and parameter distributions, the seed, the draws, the batch plan, the package
version), ``reduction.nc``, the state of the streaming reduction with the list of batches
folded into it (its size does not grow with the draws), one ``totals-<first draw>.nc`` per
batch (its per-draw annual totals and parameter values, written once) and, when draws
are kept, one ``draws-<first draw>.nc`` per batch. Each file is written to a temporary name and renamed,
so a killed run leaves a consistent folder. A resumed run refuses a folder made for
another run, restores the reduction and runs the batches missing from it; since each batch
depends only on its draws, and the reduction only on the blocks' order, the result equals
that of an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import fields, is_dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from hashjoule import __version__
from hashjoule.errors import InputError
from hashjoule.output import atomic_path
from hashjoule.simulation.reduce import Reduction

MANIFEST = "manifest.json"
STATE = "reduction.nc"
#: Least time between two saves of the reduction's state (its size does not grow with the
#: draws, but it is MB to tens of MB for long runs); the environment variable
#: ``HASHJOULE_CHECKPOINT_SECONDS`` may set another. [s]
EVERY_SECONDS = 10.0


def every_seconds() -> float:
    """Least time between two saves of the state: ``HASHJOULE_CHECKPOINT_SECONDS`` if set,
    else :data:`EVERY_SECONDS`. [s]"""
    text = os.environ.get("HASHJOULE_CHECKPOINT_SECONDS")
    if text is None:
        return EVERY_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= 86_400):
        raise InputError.single("HASHJOULE_CHECKPOINT_SECONDS", "", "a number of seconds from 0 to 86400",
                                repr(text[:40]))
    return value


def _kept_files(folder: Path) -> list[Path]:
    """Files of a checkpoint folder, without the temporary ones a killed write left (``.*.part``)."""
    return [path for path in folder.iterdir() if not (path.name.startswith(".") and path.name.endswith(".part"))]


def fingerprint(inputs, space=None) -> str:
    """SHA-256 of everything a run computes from: the inputs' arrays and numbers and the
    parameter distributions, so that a resumed run refuses a checkpoint made from other
    data or another parameter set, even under the same scenario text."""
    digest = hashlib.sha256()

    def feed(value) -> None:
        if is_dataclass(value):
            for f in fields(value):
                digest.update(f.name.encode())
                feed(getattr(value, f.name))
        elif isinstance(value, np.ndarray):
            digest.update(str(value.dtype).encode() + str(value.shape).encode())
            digest.update(np.ascontiguousarray(value).tobytes())
        else:
            digest.update(repr(value).encode())

    feed(inputs)
    if space is not None:
        feed([(p.name, p.distribution, p.bounds) for p in space.parameters] + [space.concentration])
    return digest.hexdigest()


#: Largest manifest read. [bytes]
MAX_MANIFEST_BYTES = 10_000_000


def _damaged(folder: Path, name: str, exc: Exception) -> InputError:
    reason = " ".join(str(exc).split())[:120] or type(exc).__name__
    return InputError.single(str(folder), name, "a checkpoint written by hashjoule (remove the folder, or run "
                             "with --force instead of --resume to start again)", f"a damaged file ({reason})")


def _read_manifest(manifest: Path, folder: Path) -> dict:
    """The identity recorded in a checkpoint folder, or an InputError saying why it cannot be used."""
    try:
        if manifest.stat().st_size > MAX_MANIFEST_BYTES:
            raise ValueError(f"{manifest.stat().st_size:,} bytes")
        found = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:  # JSON and UTF-8 errors are ValueErrors
        raise _damaged(folder, MANIFEST, exc) from None
    if not isinstance(found, dict):
        raise _damaged(folder, MANIFEST, ValueError(f"a JSON {type(found).__name__}, not an object"))
    return found


class Checkpoint:
    """Finished batches of one run.

    Parameters
    ----------
    folder : path
    identity : dict
        What defines the run (JSON-serialisable); a resumed run must match it.
    resume : bool
        Continue from the batches in ``folder``; otherwise the folder must not exist yet.
    """

    def __init__(self, folder, identity: dict, resume: bool = False):
        self.folder = Path(folder)
        self.identity = {**identity, "hashjoule_version": __version__}
        self.saved = -float("inf")  # when the state was last saved [monotonic s]
        self.every = every_seconds()
        manifest = self.folder / MANIFEST
        if resume and manifest.is_file():
            found = _read_manifest(manifest, self.folder)
            if found != self.identity:
                differ = sorted(k for k in set(found) | set(self.identity) if found.get(k) != self.identity.get(k))
                raise InputError.single(str(self.folder), "manifest.json",
                                        "a checkpoint of the same run (scenario, seed, draws, batch size, version)",
                                        f"one that differs in {', '.join(differ[:5])}"
                                        + (f" and {len(differ) - 5} more keys" if len(differ) > 5 else ""))
        elif resume and self.folder.is_dir() and _kept_files(self.folder):
            raise _damaged(self.folder, MANIFEST, FileNotFoundError("no manifest.json beside the batches"))
        elif self.folder.exists() and (not resume or _kept_files(self.folder)):
            raise InputError.single(str(self.folder), "", "no checkpoint folder yet (or --resume to continue one)",
                                    "an existing folder")
        else:
            if not self.folder.parent.is_dir():
                raise InputError.single(str(self.folder), "", "a folder inside an existing one", "no such parent folder")
            self.folder.mkdir(exist_ok=True)
            with atomic_path(manifest) as tmp:
                tmp.write_text(json.dumps(self.identity, indent=1, sort_keys=True), encoding="utf-8")

    def _draws_path(self, first: int) -> Path:
        return self.folder / f"draws-{first:09d}.nc"

    def _totals_path(self, first: int) -> Path:
        return self.folder / f"totals-{first:09d}.nc"

    def reduction(self) -> Reduction | None:
        """The reduction saved last, or None."""
        path = self.folder / STATE
        if not path.is_file():
            return None
        try:
            state = xr.load_dataset(path, engine="h5netcdf")
            totals = [xr.load_dataset(self._totals_path(int(first)), engine="h5netcdf") for first in state.batch.values]
            return Reduction.from_state(state, totals, self.identity["draws"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise _damaged(self.folder, path.name, exc) from None

    def load_draws(self, first: int) -> xr.Dataset:
        """The kept draws of the batch starting at ``first``."""
        try:
            return xr.load_dataset(self._draws_path(first), engine="h5netcdf")
        except (OSError, ValueError, KeyError) as exc:
            raise _damaged(self.folder, self._draws_path(first).name, exc) from None

    def save(self, reduction: Reduction, first: int, draws: xr.Dataset | None) -> None:
        """Keep the batch just folded in: its per-draw totals and draws (if kept), then the
        reduction's state, which is what marks the batch as done. The state is saved at most
        every :data:`EVERY_SECONDS`, and always when draws are kept."""
        with atomic_path(self._totals_path(first)) as tmp:  # written once: a few numbers per draw
            reduction.per_draw_of(first).to_netcdf(tmp, engine="h5netcdf")
        if draws is not None:
            with atomic_path(self._draws_path(first)) as tmp:
                draws.to_netcdf(tmp, engine="h5netcdf")
        elif time.monotonic() - self.saved < self.every:
            return
        state = reduction.state()
        # the histograms are mostly empty bins: compressed, they shrink a hundredfold
        encoding = {name: {"zlib": True, "complevel": 1} for name in state.data_vars if name.endswith("__counts")}
        with atomic_path(self.folder / STATE) as tmp:
            state.to_netcdf(tmp, engine="h5netcdf", encoding=encoding)
        self.saved = time.monotonic()
