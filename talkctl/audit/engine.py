"""An audit's run: the listing once, then only the reads the enabled rules need (each
conversation's participants at most once and each moderator's user record at most once,
``jobs`` conversations at a time), and the findings. A read
that fails ends the run with the findings gathered so far kept (``Audit.findings``).
No typer, no rich.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from talkctl.api.models import Conversation
from talkctl.api.participants import Participant
from talkctl.audit.policy import Enabled, Policy
from talkctl.audit.rules import PARTICIPANTS, Facts, moderator_ids

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    conversation: Conversation
    message: str
    fix: tuple[str, Any] | None  # (apply key, value)

    def record(self) -> dict[str, Any]:
        """The machine-readable record (--json, jsonl, csv)."""
        from talkctl.declarative.tomlfile import show

        return {
            "rule": self.rule,
            "severity": self.severity,
            "token": self.conversation.token,
            "name": self.conversation.name,
            "message": self.message,
            "fix": f"{self.fix[0]} = {show(self.fix[1], 200)}" if self.fix else None,
        }


@dataclass
class Audit:
    """What a run found, and what it could not check."""

    policy: Policy
    audited: int = 0
    findings: list[Finding] = field(default_factory=list)
    excepted: int = 0
    not_checked: dict[str, str] = field(default_factory=dict)  # rule -> why
    unread: list[Conversation] = field(default_factory=list)  # participants not readable
    out_of_scope: list[Conversation] = field(default_factory=list)  # named, but not audited

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


@dataclass(frozen=True)
class Server:
    """What the engine needs to know of the server (from its capabilities)."""

    recording_consent_optional: bool
    features: frozenset[str]


def not_checked(rule: Enabled, server: Server, listing: Sequence[Conversation]) -> str | None:
    """Why ``rule`` cannot run on this server and account (None: it can)."""
    rid = rule.rule.id
    if rid == "recording-consent" and not server.recording_consent_optional:
        return "the server's configuration does not let conversations choose recording consent"
    field_ = rule.rule.field
    if field_ is not None and listing and not any(field_ in c.raw for c in listing):
        return f"the server does not report {field_}"
    return None


def run(
    policy: Policy,
    listing: Sequence[Conversation],
    participants: Callable[[str], list[Participant] | None],
    server: Server,
    audit: Audit,
    *,
    jobs: int = 4,
    now: int | None = None,
    enabled: Callable[[str], bool | None] | None = None,
    named: bool = False,
) -> None:
    """Fill ``audit`` with the findings on ``listing``; a failing read raises after the
    findings of the conversations before it are in ``audit``. ``enabled`` tells whether a
    moderator is still an enabled user (None: it cannot be checked); each user asked once.
    ``named`` (the user named the conversations): those out of scope go in ``out_of_scope``."""
    moment = int(time.time()) if now is None else now
    chosen = [c for c in listing if policy.in_scope(c)]
    if named:
        audit.out_of_scope = [c for c in listing if not policy.in_scope(c)]
    rules: list[Enabled] = []
    for rule in policy.rules:
        why = not_checked(rule, server, chosen)
        if why is None:
            rules.append(rule)
        else:
            audit.not_checked[rule.rule.id] = why
    needs_participants = any(PARTICIPANTS in r.rule.needs for r in rules)
    checks_users = enabled is not None and any(r.rule.id == "moderators" for r in rules)
    users = OncePerUser(enabled) if checks_users and enabled is not None else None
    read = _with_participants(chosen, participants, needs_participants, jobs, users)
    for conversation, (people, states) in read:
        facts = Facts(conversation, people, moment, server.recording_consent_optional, states)
        audit.audited += 1
        if needs_participants and people is None:
            audit.unread.append(conversation)
        for rule in rules:
            if rule.rule.field is not None and rule.rule.field not in conversation.raw:
                continue
            if PARTICIPANTS in rule.rule.needs and people is None:
                continue
            message = rule.rule.check(facts, rule.params)
            if message is None:
                continue
            if policy.excepted(rule.rule.id, conversation) is not None:
                audit.excepted += 1
                continue
            fix = rule.rule.fix
            audit.findings.append(
                Finding(
                    rule.rule.id,
                    rule.severity,
                    conversation,
                    message,
                    fix_value(fix.key, fix.value(conversation, rule.params)) if fix else None,
                )
            )


People = list[Participant] | None  # a conversation's participants (None: not readable)
States = dict[str, bool | None] | None  # its moderators' user ids → enabled (None: unread)


class OncePerUser:
    """``enabled(user)`` asked once per user however many conversations (and threads) ask:
    the first asks, the others wait for its answer (or its failure)."""

    def __init__(self, enabled: Callable[[str], bool | None]) -> None:
        self.enabled = enabled
        self.lock = threading.Lock()
        self.answers: dict[str, Future[bool | None]] = {}

    def __call__(self, user: str) -> bool | None:
        with self.lock:
            answer = self.answers.get(user)
            asks = answer is None
            if answer is None:
                answer = self.answers[user] = Future()
        if asks:
            try:
                answer.set_result(self.enabled(user))
            except BaseException as exc:
                answer.set_exception(exc)
        return answer.result()


def _with_participants(
    chosen: Sequence[Conversation],
    participants: Callable[[str], People],
    needed: bool,
    jobs: int,
    users: OncePerUser | None,
) -> Iterator[tuple[Conversation, tuple[People, States]]]:
    """Each conversation with its participants and its moderators' user states, read
    ``jobs`` conversations at a time, in order."""
    if not needed:
        for conversation in chosen:
            yield conversation, (None, None)
        return
    failed = threading.Event()  # once a read fails, reads that have not started never send

    def read(conversation: Conversation) -> tuple[People, States]:
        if failed.is_set():
            raise ReadAbandoned
        try:
            people = participants(conversation.token)
            if users is None or people is None:
                return people, None
            return people, {user: users(user) for user in moderator_ids(people)}
        except BaseException:
            failed.set()
            raise

    with ThreadPoolExecutor(max_workers=jobs) as pool:  # reads only: results in order
        yield from zip(chosen, pool.map(read, chosen), strict=True)


class ReadAbandoned(Exception):
    """A read not sent because an earlier one failed (the failure is what the run reports:
    ``pool.map`` raises the first failure in input order, which comes before this)."""


def fix_value(key: str, text: Any) -> tuple[str, Any]:
    """(apply key, value as an apply file writes it): a setting's value goes through the
    settings table (its parse, then its to_file), anything else (password_env) as it is."""
    from talkctl.settings import BY_KEY

    setting = BY_KEY.get(key)
    if setting is None:
        return key, text
    return key, setting.to_file(setting.parse(str(text)))
