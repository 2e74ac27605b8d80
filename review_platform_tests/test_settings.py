"""Settings are read once, from the mapping given (the environment by default), and passed in from there."""

from pathlib import Path

import pytest

from review_platform.errors import PlatformError, ServiceUnavailableError, first_line
from review_platform.resources.lake import LakeError, LakeUnavailableError
from review_platform.resources.mongo import MongoUnavailableError, MongoWriteError
from review_platform.resources.postgres import SourceSchemaError, SourceUnavailableError
from review_platform.resources.warehouse import WarehouseUnavailableError
from review_platform.settings import load_settings, packaged_config


def test_dagster_home_is_honoured_and_defaults_under_the_state_folder(tmp_path):
    assert load_settings({"REVIEW_PLATFORM_HOME": str(tmp_path)}).dagster_home == tmp_path / "dagster_home"
    elsewhere = tmp_path / "opt" / "dagster"
    settings = load_settings({"REVIEW_PLATFORM_HOME": str(tmp_path), "DAGSTER_HOME": str(elsewhere)})
    assert settings.dagster_home == elsewhere


def test_a_given_mapping_is_all_that_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEW_PLATFORM_MONGO_URL", "mongodb://production.example:27017")
    monkeypatch.setenv("DAGSTER_HOME", "/opt/dagster/home")
    settings = load_settings({"REVIEW_PLATFORM_HOME": str(tmp_path)})
    assert settings.mongo_url == f"litemongo://{tmp_path / 'mongo'}"
    assert settings.dagster_home == tmp_path / "dagster_home"
    assert load_settings().mongo_url == "mongodb://production.example:27017", "the default is the environment"


def test_the_dagster_config_ships_inside_the_package():
    for name in ("workspace.yaml", "dagster.yaml"):
        path = packaged_config(name)
        assert path.parent.name == "dagster_config" and path.parent.parent.name == "review_platform"
    assert "review_platform.definitions" in packaged_config("workspace.yaml").read_text()
    # The project's top-level files are the packaged ones, not copies that could drift.
    root = Path(__file__).resolve().parent.parent
    assert (root / "workspace.yaml").resolve() == packaged_config("workspace.yaml").resolve()
    assert (root / "dagster.yaml").resolve() == packaged_config("dagster.yaml").resolve()
    with pytest.raises(FileNotFoundError, match="reinstall"):
        packaged_config("nothing.yaml")


def test_every_clear_error_shares_one_base_class():
    for unavailable in (SourceUnavailableError, LakeUnavailableError, WarehouseUnavailableError, MongoUnavailableError):
        assert issubclass(unavailable, ServiceUnavailableError)
    for clear in (SourceSchemaError, LakeError, MongoWriteError, ServiceUnavailableError):
        assert issubclass(clear, PlatformError)


def test_first_line_keeps_the_first_line_or_names_the_error():
    assert first_line(RuntimeError("refused\n  at host:5432\n  retry")) == "refused"
    assert first_line(ValueError("")) == "ValueError"
    assert first_line(ValueError("  "), fallback="no message") == "no message"
    assert first_line(RuntimeError("x" * 500), limit=10) == "x" * 10
