"""``man/talkctl.1``: a roff man page written from the command tree.

Our own small generator (click-man cannot read typer's vendored click). The output depends only
on the tree and the package, never on the date or the terminal, so a committed copy can be
compared with a fresh one.
"""

from __future__ import annotations

from talkctl import __version__
from talkctl.docs import reference
from talkctl.docs.tree import CLICK_NO_REWRAP, Command, Param, is_example_block, paragraphs, walk
from talkctl.exit_codes import EXIT_STATUS_HELP

DESCRIPTION = [
    "talkctl manages Nextcloud Talk conversations: it lists, shows, creates, renames, "
    "publishes, protects, configures and deletes them, one at a time or in bulk, for people "
    "at a terminal, for shell scripts that read JSON and for cron jobs. It talks to Nextcloud "
    "17 and later, choosing the newest Conversation API the server offers.",
    "Data goes to standard output, messages and progress to standard error. A terminal gets "
    "a table; a pipe gets tab-separated rows without colour or truncation; --json prints the "
    "server's objects with every field. Errors are one line on standard error with a "
    "documented exit status (see EXIT STATUS).",
    "CONV is a conversation's token or its exact name (name or display name; case-sensitive). "
    "An exact token wins over a name; no match exits 3, several matches exit 8 and list them.",
    "Connection options (below) come before the command; a command's own options after it. "
    "Every command also takes -h/--help.",
]


def escape(text: str) -> str:
    """Text safe inside a roff line (backslashes, dashes, a leading dot or quote)."""
    out = text.replace("\\", "\\e").replace("-", "\\-")
    if out.startswith((".", "'")):
        out = "\\&" + out
    return out


def _lines(text: str) -> list[str]:
    return [escape(line) for line in text.splitlines()]


def _help_body(text: str) -> list[str]:
    """Help paragraphs: prose is filled; ``\\b`` blocks and examples keep their lines."""
    out: list[str] = []
    for block in paragraphs(text):
        verbatim = block.startswith(CLICK_NO_REWRAP) or is_example_block(block)
        block = block.lstrip(CLICK_NO_REWRAP).strip("\n")
        if not block:
            continue
        out.append(".PP")
        if verbatim:
            out += [".nf", *_lines(block), ".fi"]
        else:
            out.append(escape(" ".join(line.strip() for line in block.splitlines())))
    return out


def _params(params: list[Param]) -> list[str]:
    out: list[str] = []
    for param in params:
        out += [".TP", f"\\fB{escape(param.names)}\\fR", escape(param.help) if param.help else ""]
    return [line for line in out if line != ""]


def _command(command: Command) -> list[str]:
    out = [f'.SS "{escape(command.full_name)} {escape(command.usage)}"']
    out += _help_body(command.help)
    arguments = [p for p in command.params if p.is_argument]
    options = [p for p in command.params if not p.is_argument]
    if arguments:
        out += [".PP", "\\fIArguments:\\fR", *_params(arguments)]
    if options:
        out += [".PP", "\\fIOptions:\\fR", *_params(options)]
    return out


def _environment(commands: list[Command]) -> list[str]:
    seen: dict[str, str] = {}
    for command in commands:
        for param in command.params:
            for name in param.envvars:
                help_text = param.help.split("  [env var:")[0].strip()
                seen.setdefault(name, f"Same as {param.names.split()[0]}: {help_text}")
    for name, text in reference.EXTRA_ENVIRONMENT.items():
        seen.setdefault(name, text)
    out: list[str] = []
    for name, text in seen.items():
        out += [".TP", f"\\fB{escape(name)}\\fR", escape(text)]
    return out


def environment_names(commands: list[Command] | None = None) -> list[str]:
    """Every variable the ENVIRONMENT section describes."""
    names: list[str] = []
    for command in commands if commands is not None else list(walk()):
        for param in command.params:
            names += [n for n in param.envvars if n not in names]
    return names + [n for n in reference.EXTRA_ENVIRONMENT if n not in names]


def render() -> str:
    commands = list(walk())
    root, rest = commands[0], commands[1:]
    summary = root.summary.rstrip(".")
    out = [
        f'.TH TALKCTL 1 "" "talkctl {__version__}" "User Commands"',
        ".SH NAME",
        f"talkctl \\- {escape(summary[:1].lower() + summary[1:])}",
        ".SH SYNOPSIS",
        ".nf",
        f"\\fBtalkctl\\fR {escape(root.usage)}",
    ]
    out += [f"\\fB{escape(c.full_name)}\\fR {escape(c.usage)}" for c in rest if not c.is_group]
    out += [".fi", ".SH DESCRIPTION"]
    for paragraph in DESCRIPTION:
        out += [".PP", escape(paragraph)]
    out += [".SH OPTIONS", *_params(root.params)]
    out += [".SH COMMANDS"]
    for command in rest:
        out += _command(command)
    out += [".SH EXIT STATUS"]
    for code, text in EXIT_STATUS_HELP.items():
        out += [".TP", f"\\fB{int(code)}\\fR", escape(text[:1].upper() + text[1:] + ".")]
    out += [".SH ENVIRONMENT", *_environment(commands)]
    out += [".SH FILES"]
    for path, text in reference.FILES:
        out += [".TP", f"\\fI{escape(path)}\\fR", escape(text)]
    out += [
        ".PP",
        "ACCOUNT is a hash of the server URL and login name: each account has its own files.",
        ".SH EXAMPLES",
    ]
    for text, line in reference.EXAMPLES:
        if text:
            out += [".PP", escape(text)]
        out += [".nf", ".RS", escape(line), ".RE", ".fi"]
    out += [
        ".SH SEE ALSO",
        "The README of the project, and \\fBtalkctl completion\\fR for shell completion.",
    ]
    return "\n".join(out) + "\n"


def pages() -> dict[str, str]:
    """File name under ``man/`` -> content."""
    return {"talkctl.1": render()}
