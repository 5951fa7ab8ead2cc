"""Where batches run: in this process, on a local dask cluster, or on an existing one.

A batch is a plain function call on picklable arguments (the inputs are arrays, the
scenario's parameter space a pydantic model and arrays); no simpy object ever leaves the
process that made it. The inputs are sent to each worker once. Results come back as
they finish and are put in order by the caller, so the numbers do not depend on the
number of workers.

From a laptop to a cluster: start a scheduler and workers there, for example with
dask-jobqueue (SLURM, PBS) or dask-kubernetes, and pass the scheduler's address as
``scheduler`` (for example ``"tcp://host:8786"``); workers need hashjoule installed at the
same version.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import dask
from tqdm.auto import tqdm

from hashjoule.errors import InputError
from hashjoule.simulation.kernels import compile_kernels

#: Tasks queued per worker thread on a cluster. [1]
IN_FLIGHT = 2
#: dask settings of a local cluster: no statistical profiler, and its processes' timers woken
#: seldom. The profiler's thread takes the worker's stack every 10 ms, and the engines'
#: batches took 25-40 % more CPU time on a worker with it than in one process. dask's
#: other timers, the event loop's tick (every 20 ms), the memory monitor (100 ms) and the
#: system monitor (500 ms), woke each worker's event loop about 80 times a second: each
#: wake takes the GIL from the batch's thread, and with two workers on two cores one of
#: them is preempted. A 1,000-draw batch of ``china-2021`` was switched out 550-983 times
#: with them and 76-202 with these (interleaved runs, docs/monte-carlo.md). They only make
#: dask's diagnostics and its memory limits react later (within a second, not a tenth).
#: Workers of a cluster started elsewhere (``--scheduler``) take the same settings from
#: their environment, for example ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` and
#: ``DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL=1s``.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False,
                 "distributed.admin.tick.interval": "1s",
                 "distributed.worker.memory.monitor-interval": "1s",
                 "distributed.admin.system-monitor.interval": "5s"}
#: Whether this process has forked a local cluster's workers already.
_forked = False


@contextmanager
def client(workers: int | None = None, scheduler: str | None = None):
    """A dask client: ``workers`` local processes, or the cluster at ``scheduler``; None for
    neither (batches then run in this process)."""
    if workers is None and scheduler is None:
        yield None
        return
    if workers is not None and scheduler is not None:
        raise InputError.single("workers/scheduler", "", "either local workers or a scheduler address", "both")
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            connection = Client(scheduler, timeout="20s")
        except OSError as error:
            raise InputError.single("scheduler", scheduler, "the address of a running dask scheduler",
                                    f"no answer ({error})") from None
        with connection as c:
            yield c
        return
    # one single-threaded process per worker: the engines hold the GIL. Workers are forked
    # where the system allows it: they start with this process's modules imported and its
    # kernels compiled, in a second rather than the 10-20 s a fresh interpreter takes here.
    # Only the first local cluster of a process: a fork after one has run inherits the state
    # of dask's threads of then, and the second cluster's results never came back (they hung)
    global _forked
    fork = not _forked and sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
    if fork:
        compile_kernels()
        _forked = True
    # the client takes results straight from the workers: through the scheduler, which runs
    # in this process, each batch's result (34 MB for 2,000 draws of china-2021) crossed
    # loopback twice, and arrived 0.2-0.56 s after its batch ended instead of 0.04-0.05 s.
    # A cluster started elsewhere keeps dask's default, since a client outside it may not
    # reach its workers.
    with dask.config.set({**WORKER_CONFIG, "distributed.nanny.pre-spawn-environ": worker_environment(),
                          "distributed.worker.multiprocessing-method": "fork" if fork else "spawn"}), \
            LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True, dashboard_address=":0",
                         preload=[__name__]) as cluster, \
            Client(cluster, direct_to_workers=True) as c:
        yield c


def dask_setup(worker) -> None:
    """Run by each local worker process as it starts (a dask preload): Ctrl-C reaches the whole
    process group, but stopping the workers is the client's job, so they ignore it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_environment() -> dict:
    """dask's environment for new worker processes, without its ``MALLOC_TRIM_THRESHOLD_``.

    Setting that variable at all turns off glibc's adaptive mmap threshold, so every numpy
    temporary over 128 kB is mapped afresh; the engines make thousands a day, and their
    batches ran 30-40 % slower in such a process (``benchmarks/bench_montecarlo.py``).
    """
    environment = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
    environment.pop("MALLOC_TRIM_THRESHOLD_", None)
    return environment


def run_batches(function: Callable, tasks: list, shared: tuple, dask_client, progress: bool, sizes: list[int],
                label: str) -> Iterator[tuple[int, object]]:
    """Call ``function(*shared, task)`` for each task; yield ``(index, result)`` as they finish.

    ``sizes`` gives each task's number of draws (for the progress bar). On a cluster, tasks
    are submitted in order, at most :data:`IN_FLIGHT` per worker thread at a time, so that
    results arriving ahead of an unfinished one stay few.
    """
    with tqdm(total=sum(sizes), unit="draw", disable=not progress, desc=label) as bar:
        if dask_client is None:
            for i, task in enumerate(tasks):
                result = function(*shared, task)
                bar.update(sizes[i])
                yield i, result
            return
        from dask.distributed import as_completed

        scattered = dask_client.scatter(list(shared), broadcast=True) if shared else []  # dask refuses none
        threads = max(sum(dask_client.nthreads().values()), 1)
        waiting = list(enumerate(tasks))[::-1]  # taken from the end: in order
        # results are fetched as each task ends, by the client's event loop, while this thread
        # folds in the one before: two batches that end together send their results at once
        futures, running = {}, as_completed(with_results=True)

        def submit() -> None:
            if waiting:
                i, task = waiting.pop()
                future = dask_client.submit(function, *scattered, task, pure=False, priority=-i)
                futures[future] = i
                running.add(future)

        for _ in range(IN_FLIGHT * threads):
            submit()
        for future, result in running:
            i = futures.pop(future)
            future.release()
            submit()  # keep the workers busy while this result is folded in
            bar.update(sizes[i])
            yield i, result
