"""What ``auth status`` and ``auth list`` print (the one renderer of cli/output/ does the
printing: a table/grid on a terminal, tab-separated rows on a pipe, JSON with --json)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from talkctl.cli.context import Environment
from talkctl.cli.fields import Column, Noun
from talkctl.cli.output import Renderer


@dataclass
class StatusReport:
    server: str
    login: str
    source: str
    profile: str | None = None
    user_id: str | None = None
    display_name: str | None = None
    nextcloud_version: str | None = None
    talk_version: str | None = None
    talk_enabled: bool | None = None  # None: could not tell
    talk_derived: int | None = None  # the Talk major of the Nextcloud major (no talk_version)
    api_version: int | None = None
    working: bool | None = None  # None: could not tell (server unreachable)
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "server": self.server,
            "loginName": self.login,
            "userId": self.user_id,
            "displayName": self.display_name,
            "nextcloudVersion": self.nextcloud_version,
            "talkVersion": self.talk_version,
            "talkEnabled": self.talk_enabled,
            "talkMajor": _major(self.talk_version) or self.talk_derived,
            "apiVersion": self.api_version,
            "secretSource": self.source,
            "credentialsWork": self.working,
            "error": self.problem,
        }

    def rows(self) -> list[tuple[str, str]]:
        working = {True: "yes", False: "no", None: "unknown"}[self.working]
        if self.problem:
            working = f"{working} ({self.problem})"
        return [
            ("profile", self.profile or "(none: credentials from the environment/options)"),
            ("server", self.server),
            ("login", self.login),
            ("user", _user_label(self.user_id, self.display_name)),
            ("nextcloud", self.nextcloud_version or "unknown"),
            ("talk", self.talk_text()),
            ("api", f"v{self.api_version}" if self.api_version else "unknown"),
            ("secret from", self.source),
            ("credentials work", working),
        ]

    def talk_text(self) -> str:
        """The Talk version, or what is known of it: servers before Talk 21 may not say."""
        if self.talk_enabled is False:
            return "not enabled for this account"
        if self.talk_version:
            return self.talk_version
        if self.talk_enabled is None:
            return "unknown"
        if self.talk_derived is not None:
            return (
                f"{self.talk_derived} (the server does not say its Talk version; "
                f"Nextcloud {self.nextcloud_version} ships Talk {self.talk_derived})"
            )
        return "unknown (the server does not say its Talk version)"


def _major(version: str | None) -> int | None:
    head = (version or "").split(".", 1)[0]
    return int(head) if head.isascii() and head.isdigit() else None


def _user_label(user_id: str | None, display_name: str | None) -> str:
    if user_id is None:
        return ""
    if display_name and display_name != user_id:
        return f"{display_name} ({user_id})"
    return user_id


@dataclass
class ProfileRow:
    name: str
    server: str
    user: str
    store: str
    default: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "server": self.server,
            "user": self.user,
            "store": self.store,
            "default": self.default,
        }


PROFILE: Noun[ProfileRow] = Noun(
    "profile",
    columns=[
        Column("default", "DEFAULT", lambda r: "*" if r.default else ""),
        Column("name", "NAME", lambda r: r.name),
        Column("server", "SERVER", lambda r: r.server),
        Column("user", "USER", lambda r: r.user),
        Column("store", "STORE", lambda r: r.store),
    ],
    raw=lambda r: r.to_json(),
)
STATUS: Noun[StatusReport] = Noun(
    "status", columns=[], raw=lambda r: r.to_json(), details=lambda r: list(r.rows())
)


def render_status(environment: Environment, report: StatusReport, as_json: bool) -> None:
    Renderer(environment, "json" if as_json else "table").detail(STATUS, report)


def render_profiles(environment: Environment, rows: list[ProfileRow], as_json: bool) -> None:
    Renderer(environment, "json" if as_json else "table").items(PROFILE, rows)
