"""``talkctl audit``: check conversations against a policy (rules: talkctl/audit/)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from talkctl.cli.options import ConvsArgument, JobsOption, factory_of
from talkctl.cli.output import FormatOption, JsonOption

if TYPE_CHECKING:
    from talkctl.api.participants import Participant, ParticipantsApi
    from talkctl.audit.engine import Audit
    from talkctl.cli.context import Factory
    from talkctl.cli.output import Renderer


def audit(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every conversation you are in (the policy's scope).")
    ] = False,
    policy_file: Annotated[
        Path | None,
        typer.Option(
            "--policy", help="A policy file (TOML): rules, scope, exceptions.", metavar="FILE"
        ),
    ] = None,
    fix_file: Annotated[
        Path | None,
        typer.Option(
            "--fix-file",
            help="Write an apply file fixing what settings can fix (readable by you only).",
            metavar="OUT.toml",
        ),
    ] = None,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Check conversations against a policy; change nothing.

    Without --policy the built-in rules run: public-without-password (error),
    public-without-lobby, listable-to-everyone, moderators (at least 1 besides the owner),
    mention-all (from 50 participants), default-permissions (warnings), inactive (365 days)
    and recording-consent (info). A policy file enables, tunes and scopes rules and lists
    exceptions. Only conversations you are in can be audited. Exits 9 when a finding of
    severity error remains; an error of the run (3, 4, 5, 7) wins, findings so far printed.

    \b
    Examples:
      talkctl audit --all
      talkctl audit --all --policy policy.toml --json
      talkctl audit --all --fix-file fix.toml && talkctl apply fix.toml --dry-run
    """
    from talkctl.api.participants import ParticipantsApi
    from talkctl.audit import engine, policy
    from talkctl.cli.engine.targets import conversations_named
    from talkctl.cli.output import Renderer, choose_format
    from talkctl.errors import UsageError
    from talkctl.exit_codes import ExitStatus

    out_format = choose_format(json_, fmt)
    factory = factory_of(ctx)
    refs = list(convs or [])
    if all_ == bool(refs):
        raise UsageError("give CONV arguments or --all (not both)")
    chosen_policy = policy.builtin()
    if policy_file is not None:
        from talkctl.declarative.tomlfile import InputFileError

        try:
            chosen_policy = policy.load(policy_file)
        except InputFileError as exc:
            for problem in exc.problems:
                factory.environment.message(problem)
            raise
    result = engine.Audit(chosen_policy)
    renderer = Renderer(factory.environment, out_format)
    try:
        # CONVs: each audited once, however it was named
        listing = factory.resolver.listing() if all_ else conversations_named(factory, refs)
        capabilities = factory.client.capabilities
        call = capabilities.config.get("call")
        consent = call.get("recording-consent") if isinstance(call, dict) else None
        server = engine.Server(consent == 2, capabilities.features)
        people = ParticipantsApi(factory.client)
        enabled = None
        if any(rule.rule.id == "moderators" for rule in chosen_policy.rules):
            enabled = user_check(factory, result)
        engine.run(
            chosen_policy,
            listing,
            readable(people),
            server,
            result,
            jobs=jobs,
            enabled=enabled,
            named=not all_,
        )
    except BaseException:
        show(renderer, result, account(factory), complete=False)
        raise
    show(renderer, result, account(factory), complete=True)
    if fix_file is not None:
        write_fix_file(factory, result, fix_file)
    if result.errors:
        raise typer.Exit(ExitStatus.FINDINGS)


def user_check(factory: Factory, result: Audit) -> Callable[[str], bool | None] | None:
    """Whether a moderator is still an enabled user, for the users the account may read
    (an admin: all; a sub-admin: its groups' members); decided from the account's rights,
    never from the 404 Nextcloud answers others for every user."""
    from talkctl.api.groups import GroupsApi
    from talkctl.api.users import is_enabled, rights_of

    transport = factory.transport
    me = factory.me
    rights = rights_of(transport, me)
    if not rights.any:
        result.not_checked["moderators (enabled users)"] = (
            "this account is neither an admin nor a sub-admin: Nextcloud shows it no user"
        )
        return None
    reach: set[str] | None = None
    if not rights.admin:
        groups = GroupsApi(transport)
        reach = {user for group in rights.subadmin_of for user in groups.members(group)}
        result.not_checked["moderators (enabled users)"] = (
            "checked only for members of the groups this account is a sub-admin of "
            f"({', '.join(rights.subadmin_of)})"
        )

    def check(user: str) -> bool | None:
        if user == me:  # read already, and running this audit
            return True
        if reach is not None and user not in reach:
            return None
        return is_enabled(transport, user)

    return check


def readable(people: ParticipantsApi) -> Callable[[str], list[Participant] | None]:
    """The participants of a conversation, or None where its lobby keeps this account out
    (412: the server shows a non-moderator the conversation but not its participants)."""
    from talkctl.api.errors import ApiError

    def read(token: str) -> list[Participant] | None:
        try:
            return people.list(token)
        except ApiError as exc:
            if exc.status == 412:
                return None
            raise

    return read


def account(factory: Factory) -> str:
    """``USER on SERVER`` for the summary (a run that failed for want of credentials has none)."""
    try:
        credentials = factory.credentials
    except Exception:
        return "no account"
    return f"{credentials.user} on {credentials.server}"


def show(renderer: Renderer, result: Audit, who: str, *, complete: bool) -> None:
    """The findings (stdout: a table grouped by conversation, rows or records) and the
    summary (stderr)."""
    findings = sorted(
        result.findings,
        key=lambda f: (f.conversation.name.casefold(), f.conversation.token),
    )
    if renderer.machine:
        renderer.json([f.record() for f in findings])
    else:
        keys = ["name", "token", "severity", "rule", "message", "fix"]
        rows = []
        last = None
        for finding in findings:
            record = finding.record()
            cells = [record[k] or "" for k in keys]
            if renderer.table_on_terminal and finding.conversation.token == last:
                cells[0] = cells[1] = ""  # grouped by conversation
            last = finding.conversation.token
            rows.append(cells)
        headers = ["CONVERSATION", "TOKEN", "SEVERITY", "RULE", "FINDING", "FIX"]
        if rows or renderer.fmt == "csv":
            renderer.rows(headers, rows, keys=keys, whole=("token", "severity", "rule"), wrap=True)
    renderer.env.message(summary(result, who, complete=complete))


def summary(result: Audit, who: str, *, complete: bool) -> str:
    counts = {
        s: sum(1 for f in result.findings if f.severity == s) for s in ("error", "warning", "info")
    }
    found = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    text = (
        f"audited {result.audited} conversation(s) as {who} with {result.policy.source}: "
        f"{found or 'nothing found'}"
    )
    if result.excepted:
        text += f"; {result.excepted} excepted by the policy"
    if not complete:
        text += "; the audit stopped early (the error below)"
    if result.unread:
        names = ", ".join(c.name or c.token for c in result.unread[:5])
        more = f" and {len(result.unread) - 5} more" if len(result.unread) > 5 else ""
        text += (
            f"\nnot checked: the participant rules in {len(result.unread)} conversation(s) "
            f"whose lobby keeps this account out of the participant list: {names}{more}"
        )
    if result.out_of_scope:
        scope = f"types {', '.join(result.policy.types)}"
        if result.policy.names:
            scope += f"; names {', '.join(result.policy.names)}"
        named = ", ".join(f"{c.display_name} ({c.token})" for c in result.out_of_scope)
        text += (
            f"\nnot audited: {len(result.out_of_scope)} named conversation(s) outside the "
            f"policy's scope ({scope}): {named}"
        )
    for rule, why in result.not_checked.items():
        text += f"\nnot checked: {rule}: {why}"
    text += "\nonly conversations this account is in were audited (Talk lists no others)"
    return text


def write_fix_file(factory: Factory, result: Audit, path: Path) -> None:
    """The apply file fixing what settings can fix (mode 0600), and what to set first."""
    from talkctl.audit.fixfile import render
    from talkctl.errors import UsageError
    from talkctl.files import write_private

    text, needed, count = render(result.findings)
    try:
        write_private(path, text, make_parents=False)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    message = f"wrote fixes for {count} conversation(s) to {path}"
    if needed:
        names = ", ".join(name for name, _ in needed)
        message += f"; set these variables to the new passwords before applying: {names}"
    factory.environment.message(message)
