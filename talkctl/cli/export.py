"""``talkctl export``: write an apply file from the conversations as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from talkctl.cli.options import ConvsArgument, JobsOption, factory_of


def export(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    all_: Annotated[
        bool,
        typer.Option(
            "--all", help="Every group and public conversation you moderate (skipped ones noted)."
        ),
    ] = False,
    participants: Annotated[
        bool,
        typer.Option(
            "--with-participants/--no-participants",
            help="Write participants and moderators (one participant listing per conversation).",
        ),
    ] = True,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to FILE (readable by you only) instead of stdout.",
            metavar="FILE",
        ),
    ] = None,
    jobs: JobsOption = 4,
) -> None:
    """Write an apply file (TOML) from the conversations as they are on the server.

    Every setting the server reports, the participants (users, groups, teams, federated
    users, e-mails) and the moderators, the bots enabled there (bots-v1, conversations you
    moderate); one-to-one, note-to-self, changelog and object-bound
    conversations are skipped with a comment saying why. Passwords cannot be read back: a
    protected conversation gets a commented-out password_env. Never writes exclusive. The
    round trip holds: 'apply --dry-run' on the written file reports everything unchanged.

    \b
    Examples:
      talkctl export --all -o talk.toml && talkctl apply talk.toml --dry-run
      talkctl export "Class 6a" --no-participants
    """
    from talkctl.cli.apply.membership_io import ClientMembershipIO
    from talkctl.cli.engine.targets import conversations_named
    from talkctl.declarative.export import Exported, Skipped, render, skip_reason
    from talkctl.errors import UsageError
    from talkctl.files import write_private

    factory = factory_of(ctx)
    refs = list(convs or [])
    if all_ == bool(refs):
        raise UsageError("give CONV arguments or --all (not both)")
    # CONVs: one table each, however it was named (apply refuses two with one token)
    chosen = factory.resolver.listing() if all_ else conversations_named(factory, refs)
    exported: list[Exported] = []
    skipped: list[Skipped] = []
    for conversation in chosen:
        reason = skip_reason(conversation, moderated_only=all_)
        if reason is None:
            exported.append(Exported(conversation))
        else:
            skipped.append(Skipped(conversation, reason))
    if participants and exported:
        from concurrent.futures import ThreadPoolExecutor

        io = ClientMembershipIO(factory.client)
        with ThreadPoolExecutor(max_workers=jobs) as pool:  # reads only: Ctrl-C ends it all
            listed = pool.map(lambda item: io.participants(item.conversation.token), exported)
            for item, found in zip(exported, listed, strict=True):
                item.participants = found
    if exported and factory.client.capabilities.has("bots-v1"):
        from talkctl.cli.bot.run import exported_bots

        exported_bots(factory, exported, jobs)
    text = render(exported, skipped)
    if output is None:
        factory.environment.stdout.write(text)
        factory.environment.stdout.flush()
    else:
        try:
            write_private(output, text, make_parents=False)  # a FIFO or /dev/fd/N: written into
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    where = f" to {output}" if output is not None else ""
    factory.environment.message(
        f"exported {len(exported)} conversation(s){where}"
        + (f"; skipped {len(skipped)} (the comments in the output say why)" if skipped else "")
    )
