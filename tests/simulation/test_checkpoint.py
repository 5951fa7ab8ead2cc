"""What a checkpoint rests on (checkpoint.py): the time between saves, and the fingerprint
that ties a checkpoint to the inputs it was made from. Resumed runs themselves are compared
with uninterrupted ones in test_runner.py, killed ones in tests/test_faults.py."""

import pytest

from hashjoule.errors import InputError
from hashjoule.simulation import checkpoint

from simworld import toy_inputs


def test_saves_every_ten_seconds_unless_the_environment_says_otherwise(monkeypatch):
    monkeypatch.delenv("HASHJOULE_CHECKPOINT_SECONDS", raising=False)
    assert checkpoint.every_seconds() == checkpoint.EVERY_SECONDS == 10.0
    monkeypatch.setenv("HASHJOULE_CHECKPOINT_SECONDS", "0")
    assert checkpoint.every_seconds() == 0.0


@pytest.mark.parametrize("text", ["-1", "86401", "inf", "soon"])
def test_a_bad_time_between_saves_is_the_users_to_fix(monkeypatch, text):
    monkeypatch.setenv("HASHJOULE_CHECKPOINT_SECONDS", text)
    with pytest.raises(InputError, match="HASHJOULE_CHECKPOINT_SECONDS: expected a number of seconds from 0 to 86400"):
        checkpoint.every_seconds()


def test_the_fingerprint_follows_every_number_of_the_inputs():
    x = toy_inputs(days=30)
    assert checkpoint.fingerprint(x) == checkpoint.fingerprint(toy_inputs(days=30))  # same inputs, same print
    assert len(checkpoint.fingerprint(x)) == 64  # SHA-256 in hex
    larger = x.with_changes(initial_capacity_ths=x.initial_capacity_ths * (1 + 1e-12))
    assert checkpoint.fingerprint(larger) != checkpoint.fingerprint(x)
    assert checkpoint.fingerprint(toy_inputs(days=31)) != checkpoint.fingerprint(x)
    assert checkpoint.fingerprint(toy_inputs(days=30, growth=0.001)) != checkpoint.fingerprint(x)
