"""What the user reads: the terminal tables (:mod:`~hashjoule.reports.text`), the HTML report
(:mod:`~hashjoule.reports.html`), the figure gallery with its data and manifest
(:mod:`~hashjoule.reports.gallery`, from the Datasets of :mod:`~hashjoule.reports.figuredata`)
and the calibration report (:mod:`~hashjoule.reports.calibration`).
"""
