"""The fleet simulation: the engines' inputs (:mod:`~hashjoule.simulation.inputs`), the
default world from the bundled data (:mod:`~hashjoule.simulation.world`), the fleet's
relations (:mod:`~hashjoule.simulation.fleet`), policies (:mod:`~hashjoule.simulation.policy`),
per-draw values (:mod:`~hashjoule.simulation.draws`), the per-block and the vectorised
engine (:mod:`~hashjoule.simulation.engine_des`, :mod:`~hashjoule.simulation.engine_ensemble`),
their output (:mod:`~hashjoule.simulation.results`), batches, streaming summaries, dask
workers and checkpoints (:mod:`~hashjoule.simulation.runner`, ``reduce``, ``parallel``,
``checkpoint``). See docs/fleet-simulation.md and docs/monte-carlo.md.
"""
