"""The bundled figures' catalogue (reports/catalogue.py): a request naming unknown figures or
formats is refused, every mistake at once."""

import pytest

from hashjoule.errors import InputError
from hashjoule.reports.catalogue import FIGURES, check_request


def test_unknown_names_are_refused_together():
    with pytest.raises(InputError) as caught:
        check_request(["consumption", "nope", "fans"], ["png", "gif"])
    text = str(caught.value)
    assert "'nope'" in text and "'fans'" in text and "'gif'" in text and all(n in text for n in FIGURES)
