"""The hardware catalogue: when a machine counts as in service."""

import numpy as np

from hashjoule.network.hardware import in_service


def test_in_service_window():
    dates = np.array(["2015-01-01", "2015-01-02", "2019-12-31", "2020-01-01"], dtype="datetime64[ns]")
    release = np.array(["2015-01-01"], dtype="datetime64[ns]")
    np.testing.assert_array_equal(in_service(dates, release, 5)[:, 0], [False, True, True, False])
