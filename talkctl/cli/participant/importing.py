"""``participant import CONV FILE.csv``: invite the e-mail addresses of a CSV file.

One multipart upload (``POST room/{token}/import-emails``, capability ``email-csv-import``);
the server reads the CSV (header ``email``, optional ``name``), invites each new address and
says how many it invited, which were invited already (duplicates) and which lines are no
address. ``--dry-run`` asks the server's own test run: the same counts, nothing invited.
Importing into a group conversation makes it public (the server does that): said, and asked
unless --yes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from talkctl.api.errors import ApiError
from talkctl.api.models import ConversationType
from talkctl.cli.options import DryRunOption, YesOption, factory_of
from talkctl.cli.output import JsonOption
from talkctl.cli.participant.listing import ConvArgument
from talkctl.errors import InContext, UsageError

MAX_CSV = 10 * 1024 * 1024  # a CSV of addresses larger than this is surely a wrong file

FileArgument = Annotated[
    Path,
    typer.Argument(
        help="A CSV file with the header email (and optionally name); - reads stdin.",
        metavar="FILE.csv",
        show_default=False,
    ),
]


def _read(path: Path, stdin: Any) -> tuple[str, bytes]:
    """The file's name (as uploaded) and content; a file that cannot be read is exit 2."""
    if str(path) == "-":
        text = stdin.read()
        return "stdin.csv", text.encode() if isinstance(text, str) else bytes(text)
    try:
        if path.stat().st_size > MAX_CSV:
            raise UsageError(f"{path}: larger than {MAX_CSV // (1024 * 1024)} MB, not sent")
        return path.name, path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _lines(numbers: tuple[int, ...]) -> str:
    return ", ".join(map(str, numbers))


def summary(result: Any, label: str, dry_run: bool) -> str:
    """One line: what the import did (or would do)."""
    count = result.invites
    who = f"{count} e-mail address" + ("" if count == 1 else "es")
    head = f"would invite {who} to {label}" if dry_run else f"invited {who} to {label}"
    notes = []
    if result.duplicates:
        notes.append(f"{result.duplicates} duplicate" + ("" if result.duplicates == 1 else "s"))
    if result.invalid_lines:
        notes.append(f"invalid lines: {_lines(result.invalid_lines)}")
    return head + (f" ({'; '.join(notes)})" if notes else "")


def import_(
    ctx: typer.Context,
    conv: ConvArgument,
    file: FileArgument,
    dry_run: DryRunOption = False,
    yes: YesOption = False,
    json_: JsonOption = False,
) -> None:
    """Invite the e-mail addresses of a CSV file (moderators only).

    The file's first line names the columns: email (required) and name (optional). The
    server invites every address not invited yet and reports duplicates and lines that are
    no address. --dry-run asks the server's test run: the same counts, nobody invited.
    Importing into a group conversation makes it public (anybody with the link can join):
    talkctl says so and needs --yes when it cannot ask.

    \b
    Examples:
      talkctl participant import "Town hall" invitees.csv --dry-run
      talkctl participant import "Town hall" invitees.csv --yes
    """
    from talkctl.api.participants import ParticipantsApi

    factory = factory_of(ctx)
    environment = factory.environment
    filename, content = _read(file, environment.stdin)
    factory.client.capabilities.require("email-csv-import", "importing e-mail addresses")
    target = factory.resolver.resolve(conv, need_state=True)  # its type as the server has it
    if target.type == ConversationType.GROUP:
        environment.message(
            f"importing e-mail addresses makes {target.label} a public conversation "
            "(anybody with the link can join)"
        )
        if not (yes or dry_run):
            _confirm(factory, str(file) == "-")
    try:
        result = ParticipantsApi(factory.client).import_emails(
            target.token, content, filename=filename, test_run=dry_run
        )
    except ApiError as exc:
        if exc.status == 404:
            raise InContext(
                f"conversation {target.label} not found (or you are not a participant)", exc
            ) from exc
        if exc.status == 403:
            raise InContext(
                f"only moderators can import e-mail addresses into {target.label}", exc
            ) from exc
        if exc.status == 400 and exc.server_message:
            raise InContext(f"the server refused {file}: {exc.server_message}", exc) from exc
        raise
    if not json_:
        environment.stdout.write(environment.shown(summary(result, target.label, dry_run)) + "\n")
        return
    from talkctl.cli.jsonout import write_json

    record: dict[str, Any] = {
        "conversation": target.token,
        "dryRun": dry_run,
        "invites": result.invites,
        "duplicates": result.duplicates,
        "invalidLines": list(result.invalid_lines),
    }
    if result.type is not None:
        record["type"] = result.type
    write_json(environment, record)
    environment.stdout.flush()


def _confirm(factory: Any, from_stdin: bool) -> None:
    from talkctl.cli.prompts import confirm

    environment = factory.environment
    if from_stdin or not environment.stdin_isatty:
        why = "stdin held the file" if from_stdin else "stdin is not a terminal"
        raise UsageError(f"refusing to make it public without --yes ({why})")
    if not confirm(environment, "Invite and make it public?"):
        raise UsageError("not confirmed: nothing was changed")
