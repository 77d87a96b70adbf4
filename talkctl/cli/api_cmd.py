"""``talkctl api METHOD PATH``: an authenticated OCS request, as ``gh api`` is for GitHub."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from talkctl.cli.options import factory_of
from talkctl.errors import UsageError

KEY = re.compile(r"^(?P<name>[^\[\]=]+)(?P<subs>(\[[^\[\]]*\])*)$")
INTEGER = re.compile(r"^-?[0-9]+$")


def typed_value(text: str, stdin: Any) -> Any:
    """-F: true, false, null, integers, @FILE (its content; @- reads stdin), else text."""
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if INTEGER.match(text):
        return int(text)
    if text.startswith("@"):
        name = text[1:]
        if name == "-":
            return str(stdin.read())
        try:
            with open(name, encoding="utf-8") as fh:
                return fh.read()
        except OSError as exc:
            raise UsageError(f"-F {text}: cannot read {name!r}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"-F {text}: {name!r} is not UTF-8 text") from None
    return text


def add_field(fields: dict[str, Any], spec: str, value_of: Any, flag: str) -> None:
    """``key=value``, ``key[]=value`` (a list) or ``key[sub]=value`` (an object) into
    ``fields``; ``value_of`` turns the text after ``=`` into the value."""
    key, sep, text = spec.partition("=")
    match = KEY.match(key) if sep else None
    if match is None:
        raise UsageError(f"{flag} {spec!r}: expected key=value (key, key[] or key[sub])")
    path = [match.group("name"), *re.findall(r"\[([^\[\]]*)\]", match.group("subs"))]
    value = value_of(text)
    container: Any = fields
    for index, part in enumerate(path):
        last = index == len(path) - 1
        following = None if last else path[index + 1]
        if part == "":
            if not isinstance(container, list):
                raise UsageError(f"{flag} {spec!r}: '[]' on a field that is not a list")
            if last:
                container.append(value)
                return
            container.append([] if following == "" else {})
            container = container[-1]
            continue
        if not isinstance(container, dict):
            raise UsageError(f"{flag} {spec!r}: a named key inside a list")
        if last:
            container[part] = value
            return
        fresh: Any = [] if following == "" else {}
        container = container.setdefault(part, fresh)
        if not isinstance(container, type(fresh)):
            raise UsageError(f"{flag} {spec!r}: {part!r} is used both as a list and an object")


def api(
    ctx: typer.Context,
    method: Annotated[
        str,
        typer.Argument(help="GET, HEAD, POST, PUT, PATCH or DELETE.", metavar="METHOD"),
    ],
    path: Annotated[
        str,
        typer.Argument(
            help="A path: '/...' on the server, else under its Talk API's base (room, chat/T).",
            metavar="PATH",
        ),
    ],
    field: Annotated[
        list[str] | None,
        typer.Option(
            "-f",
            "--field",
            help="A string field key=value (repeatable; key[] and key[sub] nest).",
            metavar="KEY=VALUE",
        ),
    ] = None,
    typed_field: Annotated[
        list[str] | None,
        typer.Option(
            "-F",
            "--typed-field",
            help="A typed field: true, false, null, integers, @FILE (its content; @- stdin).",
            metavar="KEY=VALUE",
        ),
    ] = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="Print the whole OCS envelope, not only its data.")
    ] = False,
) -> None:
    """Send an authenticated OCS request: the way out for anything else.

    PATH is never a URL: one starting with '/' is relative to the server
    (/ocs/v2.php/cloud/user), anything else to the base of its Talk API family ('room' is
    .../apps/spreed/api/v4/room on today's servers; chat, bots, bans, breakout rooms, polls,
    reactions, recording and room/TOKEN/avatar are .../api/v1). Fields go in the query
    string for GET and HEAD, else in a JSON body. Prints the OCS data as JSON (--raw: the
    whole envelope) and exits with the mapped code (404 -> 3, 403 -> 5, ...). Only GET and
    HEAD are retried.

    \b
    Example: talkctl api GET room
    Example: talkctl api GET /ocs/v2.php/cloud/user
    Example: talkctl api POST room -F roomType=2 -f roomName="Team chat"
    Example: talkctl api GET room/TOKEN/participants --raw
    Example: talkctl api GET chat/TOKEN -F limit=20
    """
    from talkctl.api.raw import RawApi, check_method, check_path
    from talkctl.cli.jsonout import write_json

    factory = factory_of(ctx)
    environment = factory.environment
    verb = check_method(method)
    check_path(path)
    fields: dict[str, Any] = {}
    for spec in field or []:
        add_field(fields, spec, str, "-f")
    for spec in typed_field or []:
        add_field(fields, spec, lambda text: typed_value(text, environment.stdin), "-F")
    answer = RawApi(factory.client).request(verb, path, fields)
    if answer.payload is not None:
        if raw:
            write_json(environment, answer.payload)
        elif answer.error is None and answer.response is not None:
            write_json(environment, answer.response.data)
        environment.stdout.flush()
    if answer.error is not None:
        raise answer.error
