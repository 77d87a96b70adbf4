"""``talkctl api METHOD PATH``: an authenticated OCS request, as ``gh api`` is for GitHub."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from talkctl.cli.limits import DEFAULT_MAX_RESPONSE_SIZE, response_size
from talkctl.cli.options import factory_of
from talkctl.errors import UsageError

KEY = re.compile(r"^(?P<name>[^\[\]=]+)(?P<subs>(\[[^\[\]]*\])*)$")
INTEGER = re.compile(r"^-?[0-9]+$")
INT64 = 2**63  # the server's PHP keeps integers in 64 bits: a longer one is not a number to it


def typed_value(text: str, stdin: Any, limit: int = DEFAULT_MAX_RESPONSE_SIZE) -> Any:
    """-F: true, false, null, integers, @FILE (its content; @- reads stdin), else text.

    A file or stdin is read up to ``limit`` bytes (the --max-response-size limit: a request
    is capped as an answer is); more is a usage error, not an endless read of /dev/zero.
    """
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if INTEGER.match(text):
        digits = text.lstrip("-").lstrip("0")
        if len(digits) > 19 or not -INT64 <= int(text) < INT64:
            raise UsageError(
                f"-F {_shown(text)}: an integer beyond 64 bits, which the server cannot keep: "
                "send it as text with -f"
            )
        return int(text)
    if text.startswith("@"):
        return _read_field(text, stdin, limit)
    return text


def _read_field(text: str, stdin: Any, limit: int) -> str:
    """The content of -F key=@FILE or @- (stdin), at most ``limit`` bytes."""
    name = text[1:]
    too_large = UsageError(
        f"-F {text}: more than {_bytes(limit)}: not read (the limit of --max-response-size "
        "applies to requests too)"
    )
    if name == "-":
        content = str(stdin.read(limit + 1))
        if len(content) > limit:
            raise too_large
        return content
    try:
        with open(name, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"-F {text}: cannot read {name!r}: {exc.strerror}") from None
    if len(raw) > limit:
        raise too_large
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"-F {text}: {name!r} is not UTF-8 text") from None


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"


def _bytes(number: int) -> str:
    for unit, factor in (("G", 1024**3), ("M", 1024**2), ("K", 1024)):
        if number >= factor and number % factor == 0:
            return f"{number // factor}{unit}"
    return f"{number} bytes"


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
            if isinstance(container.get(part), list | dict):  # never dropped in silence
                used = _kind(container[part])
                raise UsageError(f"{flag} {spec!r}: {part!r} is used both as {used} and a value")
            container[part] = value
            return
        fresh: Any = [] if following == "" else {}
        container = container.setdefault(part, fresh)
        if not isinstance(container, type(fresh)):
            used, wanted = _kind(container), _kind(fresh)
            raise UsageError(f"{flag} {spec!r}: {part!r} is used both as {used} and {wanted}")


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else "a value"


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
    limit = response_size(factory.options.max_response_size)
    for spec in typed_field or []:
        add_field(fields, spec, lambda text: typed_value(text, environment.stdin, limit), "-F")
    answer = RawApi(factory.client).request(verb, path, fields)
    if answer.payload is not None:
        if raw:
            write_json(environment, answer.payload)
        elif answer.error is None and answer.response is not None:
            write_json(environment, answer.response.data)
        environment.stdout.flush()
    if answer.error is not None:
        raise answer.error
