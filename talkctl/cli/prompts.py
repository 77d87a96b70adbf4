"""Reading passwords and confirmations: never from argv, never echoed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from talkctl.cli.context import Environment
from talkctl.errors import UsageError

if TYPE_CHECKING:
    from talkctl.cli.options import ChangeOptions
    from talkctl.resolve import Target

SHOWN = 20  # the items a confirmation names one by one; the rest are counted


def first_lines(lines: Sequence[str], more: str = "more") -> str:
    """A confirmation's list: up to ``SHOWN`` lines, then ``  and N more``."""
    shown = list(lines[:SHOWN])
    if len(lines) > SHOWN:
        shown.append(f"  and {len(lines) - SHOWN} {more}")
    return "\n".join(shown)


def password_from_stdin(env: Environment, what: str = "password") -> str:
    """The first line of stdin (without its line end); an empty one is refused."""
    line = env.stdin.readline()
    value = line.rstrip("\r\n")
    if not value:
        raise UsageError(f"--password-stdin: no {what} on stdin")
    return value


def password_interactive(env: Environment, what: str = "New password") -> str:
    """Prompt twice without echo (on the terminal, not stdout)."""
    if not env.stdin_isatty:
        raise UsageError("stdin is not a terminal: use --password-stdin to pass the password")
    import getpass

    first = getpass.getpass(f"{what}: ", stream=env.stderr)
    if not first:
        raise UsageError("the password is empty (use --clear to remove a password)")
    second = getpass.getpass(f"{what} (again): ", stream=env.stderr)
    if first != second:
        raise UsageError("the passwords do not match; nothing was changed")
    return first


def confirm(env: Environment, question: str) -> bool:
    if not env.stdin_isatty:
        return False
    from talkctl.cli.text import escape_controls  # a name in the question stays one line

    env.stderr.write(f"{escape_controls(question)} [y/N] ")
    env.stderr.flush()
    answer = env.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def may_ask(environment: Environment, options: ChangeOptions, *, yes: bool, verb: str) -> bool:
    """Whether a verb that removes (delete, leave, clear the history of) asks before sending:
    not with --yes or in a dry run; refused (exit 2, nothing sent) where nobody can answer."""
    if yes or options.dry_run:
        return False
    if options.stdin or not environment.stdin_isatty:
        raise UsageError(f"refusing to {verb} without --yes (stdin is not a terminal)")
    return True


def ask_about_conversations(
    environment: Environment, labels: Sequence[str], question: Callable[[str], str], no: str
) -> None:
    """Ask ``question(what)``: ``what`` is the one conversation's label, or "these N
    conversations" after listing the first ``SHOWN`` (each escaped: others typed the names);
    a "no" raises UsageError(``no``)."""
    from talkctl.cli.text import escape_controls

    if len(labels) == 1:
        what = escape_controls(labels[0])
    else:
        environment.message(first_lines([f"  {escape_controls(label)}" for label in labels]))
        what = f"these {len(labels)} conversations"
    if not confirm(environment, question(what)):
        raise UsageError(no)


def conversations_asker(environment: Environment, verb: str) -> Callable[[list[Target]], None]:
    """The question before ``verb`` (an Operation's confirm), naming the conversations."""

    def ask(targets: list[Target]) -> None:
        if targets:
            ask_about_conversations(
                environment,
                [t.label for t in targets],
                lambda what: f"{verb.capitalize()} {what}?",
                f"not confirmed: nothing was {'deleted' if verb == 'delete' else 'done'}",
            )

    return ask
