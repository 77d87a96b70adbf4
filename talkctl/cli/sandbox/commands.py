"""``talkctl sandbox serve`` and ``talkctl sandbox run -- COMMAND``.

The one place where talkctl prints secrets: the sandbox's throwaway app passwords, valid only
on a server that listens on the loopback address and nowhere else.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from talkctl.cli.sandbox.lifecycle import (
    CommandNotStarted,
    clean_leftovers,
    run_forwarding_signals,
    stop_signals,
    temporary_home,
    wait,
)
from talkctl.cli.sandbox.options import (
    DEFAULT_USER_LIST,
    ChatHistory,
    Data,
    Port,
    RandomSeed,
    StateFile,
    Talk,
    Users,
    build_sandbox,
    start_sandbox,
    stop_sandbox,
)
from talkctl.sandbox.service import command_environment

sandbox_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="A local fake Talk server to try talkctl and to test scripts against.",
)


@sandbox_app.command("serve")
def serve(
    port: Port = 0,
    talk: Talk = "22",
    data: Data = "demo",
    users: Users = DEFAULT_USER_LIST,
    random_seed: RandomSeed = None,
    state: StateFile = None,
    chat_history: ChatHistory = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with every user's password.")
    ] = False,
) -> None:
    """Serve a fake Talk server on 127.0.0.1 until Ctrl-C or SIGTERM (then exit 0).

    Prints the line that points talkctl at it (export TALKCTL_SERVER=... TALKCTL_USER=...
    TALKCTL_APP_PASSWORD=...), or with --json one object: {"server", "user", "app_password",
    "users": {ID: APP_PASSWORD}}. The first of --users is the main user and owns the demo
    conversations; admin always exists and is an administrator. State lives in memory unless
    --state FILE keeps it between runs. It answers the Talk API and the provisioning API for
    users and groups, and the chat; it does not emulate calls, federation or brute-force
    delays.

    \b
    Example: talkctl sandbox serve        # then paste the export line into another shell
    Example: talkctl sandbox serve --json --talk 18 --data empty --users alice,bob
    """
    sandbox = build_sandbox(
        port=port,
        talk=talk,
        data=data,
        users=users,
        seed=random_seed,
        state=state,
        chat_history=chat_history,
    )
    start_sandbox(sandbox)
    try:
        with stop_signals() as stop:
            if as_json:
                sys.stdout.write(json.dumps(sandbox.summary(), indent=2) + "\n")
            else:
                sys.stdout.write(sandbox.export_lines())
            sys.stdout.flush()
            sys.stderr.write(
                f"talkctl sandbox: Talk {sandbox.server.talk} at {sandbox.url}, "
                f"user {sandbox.user}; Ctrl-C stops it\n"
            )
            sys.stderr.flush()
            wait(stop)
    finally:
        code = stop_sandbox(sandbox, 0)
    raise typer.Exit(code)


@sandbox_app.command(
    "run",
    context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True},
)
def run(
    command: Annotated[
        list[str],
        typer.Argument(metavar="-- COMMAND [ARG...]", help="The command to run, after --."),
    ],
    port: Port = 0,
    talk: Talk = "22",
    data: Data = "demo",
    users: Users = DEFAULT_USER_LIST,
    random_seed: RandomSeed = None,
    state: StateFile = None,
    chat_history: ChatHistory = 0,
) -> None:
    """Run COMMAND against a fresh sandbox and exit with COMMAND's exit code.

    COMMAND gets TALKCTL_SERVER, TALKCTL_USER and TALKCTL_APP_PASSWORD of the main user,
    talkctl's config and cache directories in a temporary place and keyring's null backend
    (your profiles, cache and keyring are never touched), and the directory of this talkctl
    first on PATH. SIGINT and SIGTERM are passed on to COMMAND; if the sandbox dies, COMMAND
    gets SIGTERM, and what a killed run left behind is removed by the next one. Exit 127
    when COMMAND is not found, 126 when it cannot be run, 128+N when signal N ended it.

    \b
    Example: talkctl sandbox run -- talkctl room list
    Example: talkctl sandbox run --random-seed 7 -- sh ./nightly-cleanup.sh
    Example: talkctl sandbox run --chat-history 100000 -- talkctl chat export "Long chat" -o x
    """
    sandbox = build_sandbox(
        port=port,
        talk=talk,
        data=data,
        users=users,
        seed=random_seed,
        state=state,
        chat_history=chat_history,
    )
    start_sandbox(sandbox)
    code = 1
    try:
        clean_leftovers()
        with temporary_home() as home:
            env = command_environment(os.environ, sandbox.environment(), Path(home))
            try:
                code = run_forwarding_signals(command, env)
            except CommandNotStarted as exc:
                from talkctl.cli.context import current_environment

                current_environment().error(exc.message)
                code = exc.code
    finally:
        code = stop_sandbox(sandbox, code)
    raise typer.Exit(code)
