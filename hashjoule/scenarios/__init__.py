"""Scenario files: schema, loading and the bundled scenario library.

Not yet implemented: scenario files, policies and the library arrive with the fleet
simulation. Until then hashjoule answers historical questions only
(:mod:`hashjoule.simulation.estimators`).
"""
