"""Calibration of the fleet against observed data.

Observed targets cut off at a day (:mod:`~hashjoule.calibration.observed`); least-squares
and likelihood-free fits of the fleet (:mod:`~hashjoule.calibration.fit`); the out-of-sample
check (:mod:`~hashjoule.calibration.holdout`); ``hashjoule calibrate`` end to end
(:mod:`~hashjoule.calibration.workflow`), writing a parameter set
(:mod:`~hashjoule.calibration.set_writer`). The bundled sets are in ``sets/*.toml``; they
are read by :mod:`hashjoule.scenarios.parameter_sets`. See docs/calibration.md.
"""
