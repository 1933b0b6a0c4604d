"""The YAML config loaded into typed settings; the default is shipped and copied on first run."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tracereader import locations
from tracereader.timeutil import zone

_COST_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_HOURS_PER_UNIT = {"m": 1 / 60, "min": 1 / 60, "h": 1.0, "d": 8.0, "w": 40.0}


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the problem."""


def cost_to_hours(cost: str | None) -> float | None:
    """Parse an effort estimate such as `30m`, `2h`, `3d` (8-hour days) or `1w` into hours."""
    if not cost:
        return None
    match = _COST_RE.match(str(cost))
    if not match:
        raise ValueError(f"cannot read effort {cost!r}: use a number and m, h, d or w (e.g. 2h)")
    return float(match.group(1)) * _HOURS_PER_UNIT[match.group(2).lower()]


@dataclass(frozen=True)
class TagSpec:
    """One entry of the failure taxonomy."""

    name: str
    """Stable tag name stored on traces."""
    key: str | None = None
    """Hotkey in the review app (a digit by default)."""
    description: str = ""
    """What the failure looks like; also used to match free-text notes to the tag."""
    action: str = ""
    """Suggested fix, copied into exported action items."""
    cost: str = ""
    """Effort estimate for the fix (`30m`, `2h`, `3d`, `1w`)."""

    @property
    def cost_hours(self) -> float | None:
        """The effort estimate in hours, or None when none is given."""
        return cost_to_hours(self.cost)


@dataclass(frozen=True)
class PrivacySettings:
    """The `privacy:` section: what anonymization keeps, and where phone numbers come from."""

    keep: tuple[str, ...] = ()
    """Words, phrases (any case) or `/regex/` patterns that are never replaced (product names)."""
    regions: tuple[str, ...] = ()
    """ISO country codes whose national phone formats are recognized; empty: a broad default."""


def _privacy_from(data: Any, where: str) -> PrivacySettings:
    if data is None:
        return PrivacySettings()
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: privacy must be a mapping (keep, regions)")
    unknown = sorted(set(data) - {"keep", "regions"})
    if unknown:
        raise ConfigError(f"{where}: unknown privacy setting(s) {', '.join(unknown)}")
    keep = data.get("keep") or []
    regions = data.get("regions") or []
    if not isinstance(keep, list) or not all(isinstance(k, str | int | float) for k in keep):
        raise ConfigError(f"{where}: privacy.keep must be a list of words or /patterns/")
    if not isinstance(regions, list) or not all(
        isinstance(r, str) and re.fullmatch(r"[A-Za-z]{2}", r) for r in regions
    ):
        raise ConfigError(f"{where}: privacy.regions must be a list of two-letter country codes")
    entries = tuple(str(k) for k in keep)
    for entry in entries:
        if len(entry) > 2 and entry.startswith("/") and entry.endswith("/"):
            try:
                re.compile(entry[1:-1])
            except re.error as exc:
                raise ConfigError(f"{where}: privacy.keep pattern {entry!r}: {exc}") from None
    return PrivacySettings(keep=entries, regions=tuple(r.upper() for r in regions))


@dataclass(frozen=True)
class Settings:
    """Typed view of the YAML config."""

    reviewer: str = ""
    """Reviewer name stored with every review; empty means $USER."""
    daily_minutes: float = 30
    """Daily reading budget in minutes."""
    timezone: str = "UTC"
    """IANA time zone for per-day figures (`Europe/Berlin`); an unknown name stops the load."""
    actionable_threshold: int = 5
    """Minimum distinct traces for a pattern to be actionable."""
    high_stakes: bool = False
    """Medical, legal or financial product: adds the human-review row to the advisor."""
    stale_after_days: float = 2
    """Pipeline health: newest trace older than this many days raises an alert."""
    min_read_seconds: float = 3
    """Moving on counts a trace as reviewed only after this long on screen (else: passed)."""
    ner_model: str = ""
    """spaCy pipeline for names; empty picks the best installed English model."""
    no_ner: bool = False
    """Ingest without name detection."""
    tags: tuple[TagSpec, ...] = ()
    """The failure taxonomy."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> key(s), passed to Textual's `App.set_keymap`."""
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    """What anonymization keeps (`privacy.keep`) and the phone regions (`privacy.regions`)."""
    path: Path | None = None
    """The file these settings came from (None for built-in defaults)."""

    @property
    def reviewer_name(self) -> str:
        """The reviewer to record: config, else $USER, else 'reviewer'."""
        return self.reviewer or os.environ.get("USER") or "reviewer"

    def tag(self, name: str) -> TagSpec | None:
        """The taxonomy entry named `name`, if any."""
        return next((t for t in self.tags if t.name == name), None)


def default_config_text() -> str:
    """The shipped default config, comments included."""
    from importlib import resources  # only on a first run: 3 ms the app's launch need not pay

    return resources.files("tracereader").joinpath("default_config.yaml").read_text("utf-8")


def _tag_from(entry: Any, where: str) -> TagSpec:
    if isinstance(entry, str):
        return TagSpec(name=entry)
    if not isinstance(entry, dict) or not entry.get("name"):
        raise ConfigError(f"{where}: each tag needs at least a name")
    key = entry.get("key")
    spec = TagSpec(
        name=str(entry["name"]),
        key=None if key is None else str(key),
        description=str(entry.get("description") or ""),
        action=str(entry.get("action") or ""),
        cost=str(entry.get("cost") or ""),
    )
    try:
        spec.cost_hours  # noqa: B018 - validate early so the user hears about it at load time
    except ValueError as exc:
        raise ConfigError(f"{where}: tag {spec.name!r}: {exc}") from None
    return spec


def settings_from_mapping(data: dict[str, Any], where: str = "config") -> Settings:
    """Build settings from parsed YAML, rejecting unknown keys with a clear message."""
    known = {f for f in Settings.__dataclass_fields__ if f != "path"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}")
    tags = tuple(_tag_from(t, where) for t in data.get("tags") or ())
    names = [t.name for t in tags]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: tag names must be unique")
    keymap = data.get("keymap") or {}
    if not isinstance(keymap, dict):
        raise ConfigError(f"{where}: keymap must map binding ids to keys")
    timezone = str(data.get("timezone") or "UTC")
    try:
        zone(timezone)
    except (KeyError, ValueError):  # zoneinfo.ZoneInfoNotFoundError is a KeyError
        raise ConfigError(f"{where}: unknown time zone {timezone!r}") from None
    try:
        return Settings(
            reviewer=str(data.get("reviewer") or ""),
            daily_minutes=float(data.get("daily_minutes", 30)),
            timezone=timezone,
            actionable_threshold=int(data.get("actionable_threshold", 5)),
            high_stakes=bool(data.get("high_stakes", False)),
            stale_after_days=float(data.get("stale_after_days", 2)),
            min_read_seconds=float(data.get("min_read_seconds", 3)),
            ner_model=str(data.get("ner_model") or ""),
            no_ner=bool(data.get("no_ner", False)),
            tags=tags,
            keymap={str(k): str(v) for k, v in keymap.items()},
            privacy=_privacy_from(data.get("privacy"), where),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _parse_yaml(text: str) -> Any:
    """Safe YAML, through libyaml when PyYAML was built with it (ten times faster at launch)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def line_of(path: str | os.PathLike[str], *names: str) -> int | None:
    """The 1-based line of a config entry, e.g. `("keymap", "next")`, or `("tags", "tone",
    "key")` (a list item is found by its `name`); None when the file has no such entry.

    Read again only to point an error at its line: loading goes through the fast loader.
    """
    try:
        node: yaml.Node | None = yaml.compose(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    line = None
    for name in names:
        found: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == name:
                    found, line = value, key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                named = isinstance(item, yaml.MappingNode) and any(
                    isinstance(k, yaml.ScalarNode) and k.value == "name" and v.value == name
                    for k, v in item.value
                )
                plain = isinstance(item, yaml.ScalarNode) and item.value == name
                if named or plain:
                    found, line = item, item.start_mark.line + 1
                    break
        if found is None:
            return None
        node = found
    return line


def load_settings(
    explicit: str | os.PathLike[str] | None = None, *, create: bool = True
) -> Settings:
    """Load the config; on first run write the shipped default where the user can edit it."""
    path = locations.config_path(explicit)
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: config file not found")
        if create:
            locations.ensure_private_dir(path.parent)
            path.write_text(default_config_text(), encoding="utf-8")
        else:
            data = _parse_yaml(default_config_text())
            return settings_from_mapping(data, "built-in defaults")
    try:
        data = _parse_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{line}: not valid YAML") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of settings")
    settings = settings_from_mapping(data, str(path))
    return Settings(**{**settings.__dict__, "path": path})
