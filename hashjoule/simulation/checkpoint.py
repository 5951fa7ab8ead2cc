"""A folder of finished batches, so that an interrupted ensemble can be resumed.

Layout: ``manifest.json`` (what is being run: the scenario text, the seed, the draws, the
batch plan, the package version), ``reduction.nc``, the state of the streaming reduction
with the list of batches folded into it, and, when draws are kept, one
``draws-<first draw>.nc`` per batch. Each file is written to a temporary name and renamed,
so a killed run leaves a consistent folder. A resumed run refuses a folder made for
another run, restores the reduction and runs the batches missing from it; since each batch
depends only on its draws, and the reduction only on the blocks' order, the result equals
that of an uninterrupted run.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import xarray as xr

from hashjoule import __version__
from hashjoule.errors import InputError
from hashjoule.output import atomic_path
from hashjoule.simulation.reduce import Reduction

MANIFEST = "manifest.json"
STATE = "reduction.nc"
#: Least time between two saves of the reduction's state (its size does not depend on the
#: draws, but it is tens of MB for long runs). [s]
EVERY_SECONDS = 20.0


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
        manifest = self.folder / MANIFEST
        if resume and manifest.is_file():
            found = json.loads(manifest.read_text(encoding="utf-8"))
            if found != self.identity:
                differ = sorted(k for k in set(found) | set(self.identity) if found.get(k) != self.identity.get(k))
                raise InputError.single(str(self.folder), "manifest.json",
                                        "a checkpoint of the same run (scenario, seed, draws, batch size, version)",
                                        f"one that differs in {', '.join(differ)}")
        elif self.folder.exists() and (not resume or any(self.folder.iterdir())):
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

    def reduction(self) -> Reduction | None:
        """The reduction saved last, or None."""
        path = self.folder / STATE
        return Reduction.from_state(xr.load_dataset(path, engine="h5netcdf")) if path.is_file() else None

    def load_draws(self, first: int) -> xr.Dataset:
        """The kept draws of the batch starting at ``first``."""
        return xr.load_dataset(self._draws_path(first), engine="h5netcdf")

    def save(self, reduction: Reduction, first: int, draws: xr.Dataset | None) -> None:
        """Keep the batch just folded in: its draws (if kept), then the reduction's state, which
        is what marks the batch as done. Saved at most every :data:`EVERY_SECONDS`, and always
        when draws are kept."""
        if draws is not None:
            with atomic_path(self._draws_path(first)) as tmp:
                draws.to_netcdf(tmp, engine="h5netcdf")
        elif time.monotonic() - self.saved < EVERY_SECONDS:
            return
        state = reduction.state()
        # the histograms are mostly empty bins: compressed, they shrink a hundredfold
        encoding = {name: {"zlib": True, "complevel": 1} for name in state.data_vars if name.endswith("__counts")}
        with atomic_path(self.folder / STATE) as tmp:
            state.to_netcdf(tmp, engine="h5netcdf", encoding=encoding)
        self.saved = time.monotonic()

    def remove(self) -> None:
        """Delete the folder once the run's output is safely written."""
        shutil.rmtree(self.folder, ignore_errors=True)
