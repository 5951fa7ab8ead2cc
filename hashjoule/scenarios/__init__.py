"""Scenario files: the schema (:mod:`~hashjoule.scenarios.schema`), loading with ``extends``
and error reports (:mod:`~hashjoule.scenarios.load`), resolution to the engines' inputs
(:mod:`~hashjoule.scenarios.resolve`), paired comparison (:mod:`~hashjoule.scenarios.compare`)
and the bundled library (``library/*.toml``). See docs/scenarios.md.
"""
