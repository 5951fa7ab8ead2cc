"""Calibration and validation against observed data.

The historical estimators checked against the published Cambridge index
(:mod:`~hashjoule.calibration.cambridge`); observed targets cut off at a day
(:mod:`~hashjoule.calibration.observed`); least-squares and likelihood-free fits of the fleet
(:mod:`~hashjoule.calibration.fit`); the out-of-sample check
(:mod:`~hashjoule.calibration.holdout`); ``hashjoule calibrate`` end to end
(:mod:`~hashjoule.calibration.workflow`, :mod:`~hashjoule.calibration.report`); and the
parameter sets (:mod:`~hashjoule.calibration.parameter_sets`, ``sets/*.toml``). See
docs/calibration.md.
"""
