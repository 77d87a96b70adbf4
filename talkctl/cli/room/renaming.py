"""``room rename``'s run: one name, a {name}/{token} template, or 'token<TAB>name' rows."""

from __future__ import annotations

import typer

from talkctl.cli.changes import collect_refs, read_stdin, run_change
from talkctl.cli.options import factory_of, finish
from talkctl.cli.output import choose_format
from talkctl.cli.room.change import rename_change, split_last
from talkctl.errors import UsageError
from talkctl.resolve import Target

TEMPLATE_KEYS = ("{name}", "{token}")


def _rows(text: str) -> list[tuple[str, str]]:
    """'token<TAB>new name' lines (blank lines ignored)."""
    rows: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        token, tab, name = line.partition("\t")
        if not tab or not token.strip() or "\t" in name:
            raise UsageError(
                f"--stdin line {number}: expected 'token<TAB>new name' rows without NEW_NAME"
            )
        rows.append((token.strip(), name))
    return rows


def _check(name: str) -> None:
    if not name.strip():
        raise UsageError("the new name must not be empty or only white space")


def rename_run(
    ctx: typer.Context,
    args: list[str],
    stdin: bool,
    dry_run: bool,
    jobs: int,
    json_: bool,
    fmt: str | None,
) -> None:
    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    if stdin and not args:
        rows = _rows(read_stdin(factory, "'token<TAB>new name' rows"))
        for _, name in rows:
            _check(name)
        names = dict(rows)
        if len(names) != len(rows):
            raise UsageError("--stdin: a conversation appears in two rows")
        change = rename_change(lambda t: names[t.ref])
        refs = [token for token, _ in rows]
        code = run_change(factory, refs, change, fmt=output, bulk=True, dry_run=dry_run, jobs=jobs)
        finish(code)
        return
    if not args:
        raise UsageError("NEW_NAME is missing: talkctl room rename CONV... NEW_NAME")
    convs, new_name = split_last(args, "NEW_NAME", stdin)
    _check(new_name)
    template = any(key in new_name for key in TEMPLATE_KEYS)
    refs, bulk = collect_refs(factory, convs, stdin)
    if len(refs) > 1 and not template:
        raise UsageError(
            f"{len(refs)} conversations cannot all be named {new_name!r}: use {{name}} or "
            "{token} in NEW_NAME, or --stdin rows of 'token<TAB>new name'"
        )

    def name_for(target: Target) -> str:
        if not template:
            return new_name
        return new_name.replace("{name}", target.name).replace("{token}", target.token)

    change = rename_change(name_for)
    change.needs_state = template  # {name} is the name the listing shows, never a cached one
    finish(run_change(factory, refs, change, fmt=output, bulk=bulk, dry_run=dry_run, jobs=jobs))
