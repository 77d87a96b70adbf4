"""``talkctl completion bash|zsh|fish`` and what answers the shell on every TAB.

The scripts are typer's own (``typer._completion_shared``); they call talkctl back with
``_TALKCTL_COMPLETE=complete_<shell>``. That callback answers from local files only: the
command tree, the config file and the conversation cache that ``room list`` refreshes. It never
builds credentials, so it imports neither requests nor keyring and never touches the network.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from talkctl.accounts.cache import AccountCache

PROG_NAME = "talkctl"
COMPLETE_VAR = "_TALKCTL_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def completion_script(shell: str) -> str:
    """The script ``talkctl completion SHELL`` prints (and ``completions/`` holds)."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(prog_name=PROG_NAME, complete_var=COMPLETE_VAR, shell=shell)


IN_DOUBLE_QUOTES = {c: "\\" + c for c in '\\"$`'} | {"!": "\"'!'\""}


def register_shells() -> None:
    """Make the TAB callback speak typer's protocol (the app has ``add_completion=False``).

    Bash gets values quoted, so a name with spaces is inserted as one word: shell-quoted
    (``'Team chat'``), or, in a word begun with a double quote (``"Team c``), escaped for
    inside double quotes (readline keeps the opening quote and closes it); a ``!`` there
    goes in single quotes between them (``"Party"'!'"time"``), since an interactive bash
    expands ``!time`` inside double quotes and keeps the backslash that escapes it.
    """
    from typer._click.shell_completion import CompletionItem, add_completion_class
    from typer._completion_classes import BashComplete, completion_init

    from talkctl.cli.text import escape_controls, shell_word

    class QuotingBashComplete(BashComplete):
        in_double_quotes = False

        def get_completion_args(self) -> tuple[list[str], str]:
            # the script joins COMP_WORDS with newlines (IFS): the word as typed, quotes kept
            typed = os.environ.get("COMP_WORDS", "").split("\n")
            cword = os.environ.get("COMP_CWORD", "")
            word = typed[int(cword)] if cword.isdigit() and int(cword) < len(typed) else ""
            self.in_double_quotes = word.startswith('"')
            return super().get_completion_args()

        def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
            found = super().get_completions(args, incomplete)
            if not self.in_double_quotes:
                return found
            # inside double quotes a newline or control character cannot be typed
            return [item for item in found if escape_controls(str(item.value)) == item.value]

        def format_completion(self, item: CompletionItem) -> str:
            value = str(item.value)
            if self.in_double_quotes:  # a "!" leaves them: history expansion is on there
                return "".join(IN_DOUBLE_QUOTES.get(c, c) for c in value)
            return shell_word(value)  # one word on one line: $'...' for a newline

    completion_init()
    add_completion_class(QuotingBashComplete, "bash")


# -- option values -----------------------------------------------------------------


def complete_choices(*values: str) -> Callable[[typer.Context, str], list[str]]:
    """Completion of an option that takes one of ``values`` (``--format``, ``--type``...)."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        # "a,b,c" options: complete the last item after the comma
        head, _, last = incomplete.rpartition(",")
        prefix = f"{head}," if head else ""
        return [prefix + value for value in values if value.startswith(last)]

    return complete


def complete_profile(ctx: typer.Context, incomplete: str) -> list[str]:
    """Profile names from the config file (never the network)."""
    from talkctl import files
    from talkctl.accounts.config import load_config

    try:
        config = load_config(files.config_dir(os.environ))
    except Exception:  # a TAB must never print a traceback into the command line
        return []
    return [name for name in sorted(config.profiles) if name.startswith(incomplete)]


# -- CONV arguments ----------------------------------------------------------------


def _root_params(ctx: typer.Context) -> dict[str, Any]:
    root = ctx.find_root()
    return dict(root.params) if root.params else {}


def account_cache(ctx: typer.Context | None, environ: Mapping[str, str]) -> AccountCache | None:
    """The cache of the account this command line would use (None: no account known).

    The account comes from ``--server``/``--user`` (or their TALKCTL_* variables, which typer
    has already read into the root's params), else ``--profile``/the default profile of the
    config file. No secret is looked at: a wrong guess only means no suggestions.
    """
    from talkctl import files
    from talkctl.accounts.cache import AccountCache
    from talkctl.accounts.config import load_config
    from talkctl.accounts.credentials import normalize_server

    params = _root_params(ctx) if ctx is not None else {}
    server = params.get("server") or environ.get("TALKCTL_SERVER")
    user = params.get("user") or environ.get("TALKCTL_USER")
    profile_name = params.get("profile") or environ.get("TALKCTL_PROFILE")
    try:
        if server and user:
            server = normalize_server(server)
        else:
            config = load_config(files.config_dir(environ))
            if server:
                profile = config.find(normalize_server(server), user)
            else:
                profile = config.profile(profile_name)
            if profile is None:
                return None
            server, user = profile.server, profile.user
        return AccountCache(files.cache_dir(environ), server, user)
    except Exception:  # a TAB must never print a traceback into the command line
        return None


def cached_rooms(ctx: typer.Context | None, environ: Mapping[str, str]) -> list[dict[str, Any]]:
    """The conversations cached for the account this command line would use."""
    cache = account_cache(ctx, environ)
    try:
        return cache.load_rooms() if cache is not None else []
    except Exception:  # a TAB must never print a traceback into the command line
        return []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def conversation_choices(rooms: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(value, help) pairs: every token, display name and name, each offered once."""
    choices: dict[str, str] = {}
    for room in rooms:
        token = room.get("token")
        if not isinstance(token, str) or not token:
            continue
        display = _text(room.get("displayName"))
        name = _text(room.get("name"))
        choices.setdefault(token, display or name)
        for label in (display, name):
            if label:
                choices.setdefault(label, token)
    return sorted(choices.items(), key=lambda item: item[0].casefold())


def complete_conversation(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Autocompletion of CONV: names and tokens from the local cache, never the network."""
    rooms = cached_rooms(ctx, os.environ)
    return [(v, h) for v, h in conversation_choices(rooms) if v.startswith(incomplete)]


def complete_conversation_or(*values: str) -> Callable[[typer.Context, str], list[tuple[str, str]]]:
    """For ``CONV... VALUE`` arguments: the values first, then conversations."""

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        fixed = [(value, "") for value in values if value.startswith(incomplete)]
        return fixed + complete_conversation(ctx, incomplete)

    return complete


# -- the command -------------------------------------------------------------------


def completion(
    shell: Annotated[
        Shell, typer.Argument(help="bash, zsh or fish.", metavar="SHELL", show_default=False)
    ],
) -> None:
    """Print the shell completion script for bash, zsh or fish.

    TAB then completes commands, options and conversation names and tokens (from the local
    list that 'room list' refreshes; a TAB never contacts the server).

    \b
    Example: talkctl completion bash > ~/.local/share/bash-completion/completions/talkctl
    Example: talkctl completion zsh > ~/.zsh/talkctl.zsh  # then: source it in ~/.zshrc
    Example: talkctl completion fish > ~/.config/fish/completions/talkctl.fish
    """
    print(completion_script(shell.value))
