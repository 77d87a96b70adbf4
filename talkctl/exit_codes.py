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
    FINDINGS = 9
    HANGUP = 129
    INTERRUPTED = 130
    TERMINATED = 143


EXIT_STATUS_HELP: dict[ExitStatus, str] = {
    ExitStatus.OK: "ok (an empty list is ok)",
    ExitStatus.ERROR: "unexpected: a bug, or an answer that is not the OCS JSON it should be",
    ExitStatus.USAGE: "usage or invalid input, caught before any change (refused without --yes)",
    ExitStatus.NOT_FOUND: "not found: 404, no conversation (participant, bot) matches",
    ExitStatus.AUTH: "authentication: 401, no credentials, login not completed, "
    "no safe secret store",
    ExitStatus.FORBIDDEN: "forbidden: 403 (not a moderator, ...)",
    ExitStatus.REJECTED: "rejected by the server or unsupported: 400, 405, 406, 412, 413, 422, "
    "426, 501, a missing capability, Talk not enabled",
    ExitStatus.UNAVAILABLE: "unavailable: network, DNS, TLS, timeout, 5xx but 501, 429, "
    "maintenance",
    ExitStatus.AMBIGUOUS: "ambiguous name: several conversations (participants, bots) match",
    ExitStatus.FINDINGS: "audit: a finding of severity error remains",
    ExitStatus.HANGUP: "hung up (SIGHUP) during a change of several items: every item reported",
    ExitStatus.INTERRUPTED: "interrupted (Ctrl-C)",
    ExitStatus.TERMINATED: "terminated (SIGTERM) during a change of several items: every item "
    "reported",
}


# An HTTP error status -> its exit status: the one table (README "Exit codes"). Any other 4xx
# is REJECTED, any other 5xx UNAVAILABLE. 405 (no such method here), 413 (too large for the
# server) and 501 (not implemented: federation off, a sandbox that does not emulate it) are
# answers that asking again cannot change: exit 6, and never retried (see api/transport/retry).
HTTP_EXIT: dict[int, ExitStatus] = {
    401: ExitStatus.AUTH,
    403: ExitStatus.FORBIDDEN,
    404: ExitStatus.NOT_FOUND,
    405: ExitStatus.REJECTED,
    413: ExitStatus.REJECTED,
    429: ExitStatus.UNAVAILABLE,
    501: ExitStatus.REJECTED,
}


def exit_for_http(status: int) -> ExitStatus:
    """The exit status of an HTTP error ``status`` (ERROR for one that is no error)."""
    if status in HTTP_EXIT:
        return HTTP_EXIT[status]
    if 400 <= status < 500:
        return ExitStatus.REJECTED
    if 500 <= status < 600:
        return ExitStatus.UNAVAILABLE
    return ExitStatus.ERROR
