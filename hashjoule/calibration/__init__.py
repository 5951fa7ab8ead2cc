"""Calibration and validation against observed data.

So far: the historical estimators checked against the published Cambridge index
(:mod:`hashjoule.calibration.cambridge`).
"""
