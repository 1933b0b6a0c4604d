"""The YAML config: first-run copy, typed settings, and one-line errors for bad files."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from tracereader import locations
from tracereader.config import ConfigError, cost_to_hours, load_settings, settings_from_mapping


def test_first_run_writes_the_default_config_privately(hermetic_home: Path) -> None:
    settings = load_settings()
    path = locations.config_path()
    assert path.exists()
    assert "tags:" in path.read_text()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert settings.daily_minutes == 30
    assert settings.actionable_threshold == 5
    assert [t.key for t in settings.tags][:3] == ["1", "2", "3"]
    assert settings.tag("wrong_tool") is not None
    assert settings.path == path


def test_edits_to_the_config_are_read_back(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "daily_minutes: 45\ntags:\n  - {name: slow, key: '1', cost: 3d}\nkeymap: {mark-good: y}\n"
    )
    settings = load_settings(path)
    assert settings.daily_minutes == 45
    assert settings.tags[0].cost_hours == 24.0
    assert settings.keymap == {"mark-good": "y"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("daily_minutes: 30\ntags: [\n", ":3: not valid YAML"),
        ("- a\n- b\n", "must be a mapping"),
        ("colour: red\n", "unknown setting(s) colour"),
        ("tags:\n  - {key: '1'}\n", "each tag needs at least a name"),
        ("tags:\n  - {name: a, cost: soon}\n", "cannot read effort 'soon'"),
        ("tags: [a, a]\n", "tag names must be unique"),
        ("daily_minutes: lots\n", "could not convert"),
        ("timezone: Mars/Olympus\n", ": unknown time zone 'Mars/Olympus'"),
        ("timezone: ../../etc/passwd\n", ": unknown time zone '../../etc/passwd'"),
    ],
)
def test_bad_configs_give_one_line_errors_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_known_time_zone_is_kept_and_empty_means_utc() -> None:
    assert settings_from_mapping({"timezone": "Europe/Berlin"}).timezone == "Europe/Berlin"
    assert settings_from_mapping({"timezone": None}).timezone == "UTC"


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("cost", "hours"), [("30m", 0.5), ("2h", 2.0), ("3d", 24.0), ("1w", 40.0), ("", None)]
)
def test_cost_units(cost: str, hours: float | None) -> None:
    assert cost_to_hours(cost) == hours


def test_reviewer_falls_back_to_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "ada")
    assert settings_from_mapping({}).reviewer_name == "ada"
    assert settings_from_mapping({"reviewer": "bob"}).reviewer_name == "bob"


def test_privacy_section_keeps_words_patterns_and_regions() -> None:
    settings = settings_from_mapping(
        {"privacy": {"keep": ["Kestrel trail shoes", "/ACME-\\d+/", 2024], "regions": ["de", "IN"]}}
    )
    assert settings.privacy.keep == ("Kestrel trail shoes", "/ACME-\\d+/", "2024")
    assert settings.privacy.regions == ("DE", "IN")
    assert settings_from_mapping({}).privacy.keep == ()


@pytest.mark.parametrize(
    "privacy, message",
    [
        ({"keep": ["/([unclosed/"]}, "privacy.keep pattern"),
        ({"keep": "Kestrel"}, "privacy.keep must be a list"),
        ({"regions": ["Germany"]}, "two-letter country codes"),
        ({"keeps": []}, "unknown privacy setting(s) keeps"),
        ("yes", "privacy must be a mapping"),
    ],
)
def test_bad_privacy_settings_are_one_line_errors(privacy: object, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings_from_mapping({"privacy": privacy}, "c.yaml")


def test_the_shipped_config_has_an_empty_privacy_section(hermetic_home: Path) -> None:
    settings = load_settings()
    assert settings.privacy.keep == () and settings.privacy.regions == ()
