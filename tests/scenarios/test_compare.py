"""Paired comparison of scenarios against a baseline, draw by draw."""


def test_paired_intervals_are_narrower_than_unpaired():
    from hashjoule.api import compare

    paired, _ = compare(["inner-mongolia-only"], draws=12, first_year=2021, last_year=2024)
    unpaired, _ = compare(["inner-mongolia-only"], draws=12, first_year=2021, last_year=2024, paired=False)
    width = lambda t: float(t.net_global_p95.iloc[0] - t.net_global_p5.iloc[0])  # noqa: E731
    assert width(paired) < width(unpaired) / 3
    assert paired.saved_china_mean.iloc[0] > 0
