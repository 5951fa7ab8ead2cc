"""The calibration report (reports/calibration.py): every figure and the summary written."""

from hashjoule.reports.calibration import FIGURES, write_report


def test_report_writes_every_figure(small_calibration, tmp_path):
    written = write_report(small_calibration, tmp_path / "report", "small")
    assert sorted(p.name for p in written) == sorted([*FIGURES, "summary.md"])
    for name in FIGURES:
        assert (tmp_path / "report" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = (tmp_path / "report" / "summary.md").read_text()
    assert "MdAPE" in summary and "2018-08-31" in summary
