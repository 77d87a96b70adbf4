"""``room create``'s run: check everything, then create (talkctl/declarative/creation.py).

Every check (usage, capabilities, the password, the e-mail question, a name that exists
already) comes first and raises: nothing was sent. The create itself is an ``Operation``
(cli/engine/) of one target, sent in this thread; a refusal is its failed record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError
from talkctl.api.kinds import BY_KEY as KIND_BY_KEY
from talkctl.api.kinds import BY_OPTION, KINDS_TABLE
from talkctl.api.models import CONVERSATION_TYPES_BY_NAME, Conversation, ConversationType
from talkctl.api.participants import source_for
from talkctl.cli.context import Factory
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.operation import Operation, report
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.cli.prompts import confirm, password_from_stdin
from talkctl.cli.results import Record
from talkctl.declarative.creation import Creation, create, is_group_turned_public, steps
from talkctl.errors import UsageError
from talkctl.settings import (
    BY_KEY,
    FieldChange,
    check_available,
    check_password_rule,
    parse_flags,
)

CREATABLE = ("group", "public", "one-to-one")
# --source → the kind of invitee (``circles`` stays an alias of ``teams``): the kinds table
SOURCES = {option: kind.key for option, kind in BY_OPTION.items()}
T = TypeVar("T")


@dataclass
class CreateRequest:
    name: str | None
    type_: str
    texts: dict[str, str | None] = field(default_factory=dict)  # setting name → its text
    invite: list[str] = field(default_factory=list)
    source: str | None = None
    password_stdin: bool = False
    yes: bool = False


def _check(factory: Factory, request: CreateRequest) -> tuple[int, str]:
    """The type and the invitees' kind; UsageError for anything wrong (nothing sent)."""
    if request.type_ not in CREATABLE:
        raise UsageError(f"--type must be one of {', '.join(CREATABLE)}, not {request.type_!r}")
    room_type = CONVERSATION_TYPES_BY_NAME[request.type_]
    source = request.source
    if source is not None and source not in SOURCES:
        names = [kind.option for kind in KINDS_TABLE]
        raise UsageError(f"--source must be {', '.join(names[:-1])} or {names[-1]}, not {source!r}")
    if source is not None and not request.invite:
        raise UsageError("--source needs --invite")
    if room_type == ConversationType.ONE_TO_ONE:
        given = [f"--{n}" for n, t in request.texts.items() if t is not None]
        if len(request.invite) != 1:
            raise UsageError("a one-to-one conversation needs exactly one --invite USER_ID")
        if request.name is not None:
            raise UsageError("a one-to-one conversation takes no name (it is named after the user)")
        if source not in (None, "users") or given or request.password_stdin:
            raise UsageError(
                "a one-to-one conversation takes only --invite USER_ID "
                f"(not {', '.join(given) or '--source/--password-stdin'})"
            )
    elif request.name is None or not request.name.strip():
        raise UsageError("the conversation name must not be empty or only white space")
    if request.password_stdin and room_type != ConversationType.PUBLIC:
        raise UsageError(
            "--password-stdin needs --type public (a group conversation cannot have a password)"
        )
    return room_type, SOURCES[source or "users"]


def _emails_ok(factory: Factory, creation: Creation, request: CreateRequest) -> None:
    """Inviting an e-mail address makes a group conversation public: say so, ask."""
    if not is_group_turned_public(creation):
        return
    environment = factory.environment
    environment.warn(
        "inviting an e-mail address makes this group conversation PUBLIC (guests can join "
        "with its link)"
    )
    if request.yes:
        return
    if not environment.stdin_isatty:
        raise UsageError("refusing to invite e-mail addresses without --yes (it becomes public)")
    if not confirm(environment, "Create it as a public conversation?"):
        raise UsageError("not confirmed: nothing was created")


def _warn_if_named(factory: Factory, name: str, *, dry_run: bool) -> None:
    """A conversation of that name exists already: say so (the create still goes ahead, as
    Talk allows equal names) and point to ``room ensure``, which creates only what is missing.
    Reads the one listing (saved for completion and for resolving later); if it cannot be
    read, the create itself reports what is wrong."""
    from talkctl.cli.results import json_text
    from talkctl.cli.text import shell_word
    from talkctl.resolve import ConversationIndex, normalized

    try:
        listing = factory.resolver.listing()
    except ApiError:
        return
    same = ConversationIndex(listing).index.by_name.get(normalized(name), [])
    if not same:
        return
    tokens = ", ".join(c.token for c in same[:5]) + (", ..." if len(same) > 5 else "")
    makes = "this would make" if dry_run else "this makes"
    factory.environment.warn(
        f"a conversation named {json_text(name)} exists already ({tokens}): {makes} another "
        "one, and the name will be ambiguous (exit 8) in later commands; to create it only "
        f"when missing, use: talkctl room ensure {shell_word(name)}"
    )


def run_create(factory: Factory, request: CreateRequest, *, dry_run: bool, fmt: str) -> int:
    room_type, kind = _check(factory, request)
    settings = parse_flags(request.texts)
    if room_type == ConversationType.ONE_TO_ONE:
        return _one_to_one(factory, request.invite[0], dry_run=dry_run, fmt=fmt)
    assert request.name is not None
    api = factory.conversations
    if kind != "users" and request.invite:  # a kind this server cannot add: exit 6, unsent
        source_for(factory.client.capabilities, KIND_BY_KEY[kind].name)
    for key, value in settings.items():
        check_available(BY_KEY[key], factory.client.capabilities, value)
    password = password_from_stdin(factory.environment) if request.password_stdin else None
    force = factory.client.capabilities.force_passwords
    check_password_rule(room_type, password, force_passwords=force)
    effective = {k: BY_KEY[k].effective(v, room_type) for k, v in settings.items()}
    participants = {kind: request.invite} if request.invite else {}
    creation = Creation(room_type, request.name, password, effective, participants)
    _warn_if_named(factory, request.name, dry_run=dry_run)
    _emails_ok(factory, creation, request)
    # the type the server makes: inviting an e-mail address makes a group one public
    kind_made = "public" if is_group_turned_public(creation) else request.type_
    changes = [FieldChange("type", None, kind_made)]
    changes += [FieldChange(BY_KEY[k].name, None, BY_KEY[k].show(v)) for k, v in effective.items()]
    if password is not None:
        changes.append(FieldChange("password", None, "set"))
    changes += [FieldChange("invite", None, f"{kind} {i}") for i in request.invite]
    record = Record(request.name, None, request.name, "create", changes=changes, dry_run=dry_run)

    def plan(creation: Creation) -> Job:
        if not dry_run:
            return Job(record, lambda: _created(api, creation, record), refused_create)
        for step in steps(api, creation):
            factory.environment.message(f"would {step}")
        return Job(record)

    return _perform(factory, plan, creation, dry_run=dry_run, fmt=fmt)


def _perform(
    factory: Factory, plan: Callable[[T], Job], target: T, *, dry_run: bool, fmt: str
) -> int:
    """Send the one create in this thread (a signal reaches it: a step-by-step create
    deletes its half-made conversation), remember what it made, render its record."""
    operation = Operation(
        "creating",
        plan,
        dry_run=dry_run,
        same=None,
        settle=lambda records: _remember(factory, records),
        in_this_thread=True,
    )
    results = operation.perform(factory.environment, [target], workers=1, single=True)
    return report(factory.environment, results, fmt)


def _remember(factory: Factory, records: list[Record]) -> None:
    """The conversations made go to the cache (completion, names resolve at once)."""
    for record in records:
        if record.conversation is not None and not record.dry_run:
            factory.cache.remember_room(record.conversation)


def refused_create(exc: BaseException) -> str | None:
    """A create the server refused (400 naming a field): nothing was created (``room
    create``, and ``room ensure`` / ``apply`` where they create)."""
    if isinstance(exc, ApiError) and exc.status == 400 and exc.error:
        reason = f": {exc.server_message}" if exc.server_message else ""
        if not reason and exc.error == "name":  # empty names are refused before sending
            reason = " (too long? at most 255 characters)"
        return (
            f"the server refused the {exc.error} of the new conversation{reason}; "
            "nothing was created"
        )
    return None


def _created(api: ConversationsApi, creation: Creation, record: Record) -> Record:
    """Create the conversation; its record as the server made it (invitees it could not
    add and personal settings that failed fail the record: the conversation is kept)."""
    made = create(api, creation)
    conversation = made.conversation
    done = dataclasses.replace(record, changes=list(record.changes), extra=dict(record.extra))
    done.token, done.name = conversation.token, conversation.display_name
    done.conversation = conversation
    done.changes[0] = FieldChange("type", None, conversation.type_name)  # as the server made it
    done.extra["invalidParticipants"] = made.invalid
    problems = [f"could not add {k} {', '.join(ids)}" for k, ids in made.invalid.items()]
    code = 3 if made.invalid else 0
    for name, failure in made.followups:
        problems.append(f"created, but setting {name} failed: {error_line(failure)}")
        code = code or int(exit_status_for(failure))
    if problems:
        done.ok, done.exit_code = False, code
        done.error = f"{conversation.token} was created; " + "; ".join(problems)
    return done


def _one_to_one(factory: Factory, user: str, *, dry_run: bool, fmt: str) -> int:
    """The one-to-one with ``user``: the existing one if there is one ("unchanged")."""
    api = factory.conversations
    changes = [
        FieldChange("type", None, "one-to-one"),
        FieldChange("invite", None, f"users {user}"),
    ]
    record = Record(user, None, None, "create", changes=changes, dry_run=dry_run)

    def plan(user: str) -> Job:
        if not dry_run:
            return Job(record, lambda: _one_to_one_made(api, user, record), _no_such_user(user))
        existing = _existing_one_to_one(factory, user)
        if existing is not None:  # the real run gets it back: "unchanged", as it would say
            return Job(_existing(record, existing, user))
        factory.environment.message(f"would create a one-to-one conversation with {user}")
        return Job(record)

    return _perform(factory, plan, user, dry_run=dry_run, fmt=fmt)


def _no_such_user(user: str) -> Callable[[BaseException], str | None]:
    def explain(exc: BaseException) -> str | None:
        if isinstance(exc, ApiError) and exc.status == 404:
            return f"cannot invite {user!r}: no such user"
        return None

    return explain


def _existing_one_to_one(factory: Factory, user: str) -> Conversation | None:
    """Your one-to-one with ``user`` in the listing (its ``name`` is the other user's id)."""
    try:
        listing = factory.resolver.listing()
    except ApiError:
        return None  # the dry run cannot tell; the real run will
    return next(
        (c for c in listing if c.type == ConversationType.ONE_TO_ONE and c.name == user), None
    )


def _existing(record: Record, conversation: Conversation, user: str) -> Record:
    done = dataclasses.replace(record, changes=[], action="unchanged")
    done.token, done.name = conversation.token, conversation.display_name
    done.conversation = conversation
    done.note = f"a one-to-one conversation with {user} already exists"
    return done


def _one_to_one_made(api: ConversationsApi, user: str, record: Record) -> Record:
    conversation, created = api.create(ConversationType.ONE_TO_ONE, invite=user)
    if not created:
        return _existing(record, conversation, user)
    done = dataclasses.replace(record, changes=list(record.changes))
    done.token, done.name = conversation.token, conversation.display_name
    done.conversation = conversation
    return done
