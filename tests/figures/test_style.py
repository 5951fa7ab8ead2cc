"""The look shared by every figure."""

from hashjoule.figures.style import style_path


def test_style_file_is_installed():
    assert style_path().endswith("hashjoule.mplstyle")
    with open(style_path(), encoding="utf-8") as stream:
        assert "axes.prop_cycle" in stream.read()
