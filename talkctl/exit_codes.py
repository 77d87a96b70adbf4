"""The documented exit codes (README, ``talkctl --help``), in one enum."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    NOT_FOUND = 3
    AUTH = 4
    FORBIDDEN = 5
    REJECTED = 6
    UNAVAILABLE = 7
    AMBIGUOUS = 8
    HANGUP = 129
    INTERRUPTED = 130
    TERMINATED = 143


EXIT_STATUS_HELP: dict[ExitStatus, str] = {
    ExitStatus.OK: "ok (an empty list is ok)",
    ExitStatus.ERROR: "unexpected: a bug, or an answer that is not the OCS JSON it should be",
    ExitStatus.USAGE: "usage or invalid input, caught before any change (refused without --yes)",
    ExitStatus.NOT_FOUND: "not found: 404, no conversation matches",
    ExitStatus.AUTH: "authentication: 401, no credentials, login not completed, "
    "no safe secret store",
    ExitStatus.FORBIDDEN: "forbidden: 403 (not a moderator, ...)",
    ExitStatus.REJECTED: "rejected by the server or unsupported: 400, 406, 412, 422, 426, "
    "a missing capability, Talk not enabled",
    ExitStatus.UNAVAILABLE: "unavailable: network, DNS, TLS, timeout, 5xx, 429, maintenance",
    ExitStatus.AMBIGUOUS: "ambiguous name: several conversations match",
    ExitStatus.HANGUP: "hung up (SIGHUP) during a change of several items: every item reported",
    ExitStatus.INTERRUPTED: "interrupted (Ctrl-C)",
    ExitStatus.TERMINATED: "terminated (SIGTERM) during a change of several items: every item "
    "reported",
}
