"""The options ``sandbox serve`` and ``sandbox run`` share, and turning them into a Sandbox."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from talkctl.errors import ConfigError, UsageError
from talkctl.exit_codes import ExitStatus
from talkctl.sandbox.profiles import PROFILES
from talkctl.sandbox.service import (
    DATA_SETS,
    DEFAULT_USERS,
    Sandbox,
    SandboxOptions,
    StateSaveError,
)

USER_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
TALK_VERSIONS = ", ".join(sorted(PROFILES, key=int))
EXPIRING = [v for v in sorted(PROFILES, key=int) if PROFILES[v].has("message-expiration")]

Port = Annotated[
    int,
    typer.Option(
        "--port",
        metavar="N",
        min=0,
        max=65535,
        help="Port on 127.0.0.1 (default 0: any free port).",
    ),
]
Talk = Annotated[
    str,
    typer.Option(
        "--talk",
        metavar="VERSION",
        help=f"Talk release to behave like: {TALK_VERSIONS}. Message expiration is offered "
        f"by {EXPIRING[0]} and later ({', '.join(EXPIRING)}; 22 as a server whose background "
        "jobs run by cron).",
    ),
]
Data = Annotated[
    str,
    typer.Option(
        "--data", metavar="demo|empty", help="Demo conversations (default) or users only."
    ),
]
Users = Annotated[
    str,
    typer.Option(
        "--users",
        metavar="ID,...",
        help="User ids; the first is the main user, admin always exists.",
    ),
]
RandomSeed = Annotated[
    int | None,
    typer.Option(
        "--random-seed",
        metavar="N",
        help="Seed of the drawn credentials and tokens (default: random).",
    ),
]
StateFile = Annotated[
    Path | None,
    typer.Option(
        "--state",
        metavar="FILE",
        dir_okay=False,
        help="Load the state from FILE if it exists, save it there on exit (mode 0600).",
    ),
]
ChatHistory = Annotated[
    int,
    typer.Option(
        "--chat-history",
        metavar="N",
        min=0,
        help="Also give the main user a conversation 'Long chat' with N messages "
        "(for exports and benchmarks).",
    ),
]
DEFAULT_USER_LIST = ",".join(DEFAULT_USERS)


def parse_users(text: str) -> tuple[str, ...]:
    users = tuple(dict.fromkeys(part.strip() for part in text.split(",")))
    bad = [user for user in users if not USER_ID.match(user)]
    if not users or bad:
        shown = ", ".join(repr(user) for user in bad) or repr(text)
        raise UsageError(f"--users: {shown} is not a user id (letters, digits, _ . @ -)")
    return users


def build_sandbox(
    *,
    port: int,
    talk: str,
    data: str,
    users: str,
    seed: int | None,
    state: Path | None,
    chat_history: int = 0,
) -> Sandbox:
    """A configured (not yet started) sandbox; UsageError/ConfigError on bad options."""
    if talk not in PROFILES:
        raise UsageError(f"--talk: {talk!r} is not one of {TALK_VERSIONS}")
    if data not in DATA_SETS:
        raise UsageError(f"--data: {data!r} is not one of {', '.join(DATA_SETS)}")
    if state is not None and not state.expanduser().absolute().parent.is_dir():
        raise UsageError(f"--state: the directory of {state} does not exist")
    options = SandboxOptions(
        talk=talk, data=data, users=parse_users(users), seed=seed, state_file=state, port=port
    )
    options.chat_history = chat_history
    try:
        return Sandbox(options)
    except OSError as exc:
        raise ConfigError(f"--state: cannot read {state}: {exc.strerror or exc}") from None
    except ValueError as exc:  # StateFileError, or a main user missing from the state file
        raise ConfigError(f"--state: {state}: {exc}") from None


def start_sandbox(sandbox: Sandbox) -> None:
    try:
        sandbox.start()
    except OSError as exc:
        sandbox.release()
        port = sandbox.options.port
        raise UsageError(
            f"--port: cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}"
        ) from None


def stop_sandbox(sandbox: Sandbox, code: int) -> int:
    """Stop ``sandbox``; the exit code: ``code``, or 1 when it was 0 and the state could not
    be saved (reported on stderr: the run's changes are lost)."""
    try:
        sandbox.stop()
    except StateSaveError as exc:
        from talkctl.cli.context import current_environment

        current_environment().error(
            f"--state: could not save the sandbox's state to {sandbox.options.state_file}: "
            f"{exc.strerror or exc} (the changes of this run are lost)"
        )
        return code or int(ExitStatus.ERROR)
    return code
