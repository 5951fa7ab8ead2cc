"""Scenario files: the schema (:mod:`~hashjoule.scenarios.schema`), loading with ``extends``
and error reports (:mod:`~hashjoule.scenarios.load`), resolution to the engines' inputs
(:mod:`~hashjoule.scenarios.resolve`) with the calibrated parameter sets it names
(:mod:`~hashjoule.scenarios.parameter_sets`), uncertain parameters
(:mod:`~hashjoule.scenarios.uncertain`), running them (:mod:`~hashjoule.scenarios.runs`),
paired comparison (:mod:`~hashjoule.scenarios.compare`), Sobol sensitivity
(:mod:`~hashjoule.scenarios.sensitivity`), the generated reference
(:mod:`~hashjoule.scenarios.reference`) and the bundled library (``library/*.toml``). See
docs/scenarios.md.
"""
