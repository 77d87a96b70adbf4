"""Output of ``auth status`` and ``auth list``: a Rich table/grid on a terminal, tab-separated
rows on a pipe, JSON with --json. Data goes to stdout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from talkctl.cli.context import Environment
from talkctl.cli.jsonout import write_json_or_lines


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
            ("nextcloud", self.nextcloud_version or ""),
            (
                "talk",
                "not enabled for this account"
                if self.talk_enabled is False
                else self.talk_version or "",
            ),
            ("api", f"v{self.api_version}" if self.api_version else ""),
            ("secret from", self.source),
            ("credentials work", working),
        ]


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


def _console(environment: Environment) -> Any:
    from rich.console import Console

    return Console(
        file=environment.stdout, no_color=environment.no_color, highlight=False, soft_wrap=False
    )


def print_json(environment: Environment, value: Any) -> None:
    write_json_or_lines(environment, "json", value)


def render_status(environment: Environment, report: StatusReport, as_json: bool) -> None:
    if as_json:
        print_json(environment, report.to_json())
        return
    rows = report.rows()
    if environment.stdout_isatty:
        from rich.table import Table

        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        for key, value in rows:
            grid.add_row(key, value)
        _console(environment).print(grid)
    else:
        for key, value in rows:
            environment.stdout.write(f"{key}\t{value}\n")
    environment.stdout.flush()


def render_profiles(environment: Environment, rows: list[ProfileRow], as_json: bool) -> None:
    if as_json:
        print_json(environment, [row.to_json() for row in rows])
        return
    cells = [["*" if r.default else "", r.name, r.server, r.user, r.store] for r in rows]
    if environment.stdout_isatty:
        from rich.table import Table

        table = Table(box=None, header_style="bold", pad_edge=False)
        for header in ("DEFAULT", "NAME", "SERVER", "USER", "STORE"):
            table.add_column(header, overflow="fold")
        for cell_row in cells:
            table.add_row(*cell_row)
        _console(environment).print(table)
    else:
        for cell_row in cells:
            environment.stdout.write("\t".join(cell_row) + "\n")
    environment.stdout.flush()
