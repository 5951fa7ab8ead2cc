"""The user's data folder: where it is (never the user's real one here)."""

import pytest

from hashjoule.data.userdata import ENV_VAR, user_data_dir


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "userdata"))
    return tmp_path / "userdata"


def test_folder_follows_the_environment(folder, monkeypatch, tmp_path):
    assert user_data_dir() == folder
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert user_data_dir() == tmp_path / "xdg" / "hashjoule"
