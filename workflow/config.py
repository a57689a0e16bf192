"""The one config object: config.toml, overridden by THIDUA_<SECTION>__<KEY> variables."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = PROJECT_ROOT / "config.toml"
ENV_PREFIX = "THIDUA_"


def _env_value(raw: str):
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _apply_env(data: dict, environ) -> dict:
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX):].partition("__")
        data.setdefault(section.lower(), {})[key.lower()] = _env_value(raw)
    return data


@dataclass(frozen=True)
class Settings:
    """Typed access to the settings everything else needs; `raw` holds the rest."""

    raw: dict
    base_dir: Path
    source: Path | None = None   # the config file read (children of `thidua serve` read the same)

    @classmethod
    def load(cls, path: str | Path | None = None, environ=None, overrides: dict | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        path = Path(path or environ.get("THIDUA_CONFIG") or DEFAULT_CONFIG_FILE)
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        data = _apply_env(data, environ)
        for section, values in (overrides or {}).items():
            if isinstance(values, dict):
                data.setdefault(section, {}).update(values)
            else:
                data[section] = values
        return cls(raw=data, base_dir=path.resolve().parent, source=path.resolve())

    def section(self, name: str) -> dict:
        return self.raw.get(name, {})

    @property
    def instance_path(self) -> Path:
        p = Path(self.section("app").get("instance_path", "instance"))
        return p if p.is_absolute() else self.base_dir / p

    @property
    def database_url(self) -> str:
        url = self.section("database").get("url") or ""
        return url or f"sqlite:///{self.instance_path / 'thidua.sqlite3'}"

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.section("app").get("timezone", "Asia/Ho_Chi_Minh"))

    @property
    def secret_key(self) -> str:
        return self.section("app").get("secret_key", "")

    @property
    def base_url(self) -> str:
        """The address in email links; `thidua serve` sets it to where it listens when not configured."""
        return (self.section("app").get("base_url") or "http://127.0.0.1:5000").rstrip("/")

    @property
    def base_url_configured(self) -> bool:
        return bool(self.section("app").get("base_url"))

    @property
    def upload_dir(self) -> Path:
        return self.instance_path / "documents"

    @property
    def many_initiatives(self) -> int:
        return int(self.section("criteria").get("many_initiatives", 2))

    @property
    def excellent_rating(self) -> str:
        return self.section("criteria").get("excellent_rating", "excellent")

    @property
    def final_excellent_years(self) -> int:
        return int(self.section("criteria").get("final_excellent_years", 0))

    @property
    def quorum(self) -> Fraction:
        return Fraction(str(self.section("council").get("quorum", "2/3")))

    @property
    def pass_ratio(self) -> Fraction:
        return Fraction(str(self.section("council").get("pass_ratio", "1/2")))

    @property
    def secret_ballot(self) -> bool:
        """Council votes in the app keep who voted apart from how (the council's rules decide)."""
        return bool(self.section("council").get("secret_ballot", False))

    @property
    def abstain_allowed(self) -> bool:
        """A member may abstain (không biểu quyết) in a vote held in the app."""
        return bool(self.section("council").get("abstain_allowed", False))

    @property
    def deputy_needs_authorisation(self) -> bool:
        """A deputy takes the head's steps only under an authorisation in force (workflow/authorisations.py)."""
        return bool(self.section("workflow").get("deputy_needs_authorisation", True))

    @property
    def separation_of_duties(self) -> bool:
        """No one takes a step on a nomination of which they are the nominee (on unless switched off)."""
        return bool(self.section("workflow").get("separation_of_duties", True))

    @property
    def max_upload_bytes(self) -> int:
        return int(self.section("app").get("max_upload_mb", 20)) * 1024 * 1024

    @property
    def upload_extensions(self) -> frozenset[str]:
        return frozenset(e.lower() for e in self.section("app").get("upload_extensions", []))
