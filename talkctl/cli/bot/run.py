"""``bot enable`` / ``bot disable`` over CONVs (or ``--stdin``), on the one engine.

Each conversation is one job: read its bot list (``GET bot/{token}``: the bots there and
their state in it), find BOT in it (an id, else the exact name: several bots of that name
is exit 8, none exit 3), then send the change unless the bot already is so ("unchanged")
or cannot be set up per conversation (no-setup: refused with the reason, exit 6, nothing
sent). ``--dry-run`` reads the lists and sends nothing. The verb is an ``Operation``
(cli/engine/): it runs the jobs (``--jobs``, progress, Ctrl-C), saves the bot lists read for
completion afterwards, and the renderer (cli/results.py) reports one record per
conversation with ``bot`` (the server's bot object), its ``changes`` are ``bots`` (from null
to the enabled bot, or from the disabled one to null, as ``apply`` says it).
"""

from __future__ import annotations

from talkctl.api.bots import NO_SETUP, Bot, BotsApi, state_name
from talkctl.api.errors import ApiError
from talkctl.api.kinds import MODERATOR_TYPES
from talkctl.cli.context import Factory
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.operation import Operation, report
from talkctl.cli.engine.targets import collect_refs, resolve_all
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.cli.results import Record, json_text
from talkctl.declarative.export import Exported
from talkctl.errors import Candidate, InContext, TalkctlError, UsageError
from talkctl.resolve import Index, Target
from talkctl.settings import FieldChange

DOING = {"enable": "enabling bots", "disable": "disabling bots"}
NO_SETUP_REASON = (
    "bot {bot} cannot be {done} per conversation: the administrator sets it up (state no-setup)"
)


def read_bots(api: BotsApi, target: Target) -> list[Bot]:
    """The bots of one conversation, the refusals said for it (exit 3 / 5)."""
    try:
        return api.in_conversation(target.token)
    except ApiError as exc:
        raise InContext(explain_error(exc, target.label) or str(exc), exc) from exc


def explain_error(exc: BaseException, label: str, bot: str = "") -> str | None:
    """The words for an API error of a bot request in the conversation ``label``."""
    if not isinstance(exc, ApiError):
        return None
    if exc.status == 404:
        return f"conversation {label} not found (or you are not a participant)"
    if exc.status == 403:
        return f"only moderators can manage the bots of {label}"
    if exc.status == 400 and exc.error == "bot":
        return f"the server refused bot {bot or '?'} in {label} (not enabled server-wide?)"
    return None


def bot_index(bots: list[Bot]) -> Index[Bot]:
    return Index(
        "bot",
        bots,
        ids=lambda b: (str(b.id),) if b.id is not None else (),
        names=lambda b: (b.name,),
        candidate=lambda b: Candidate(str(b.id), b.name, state_name(b.state)),
        advice="use the bot id",
    )


def describe(bot: Bot) -> str:
    """``'Call summary' (1)``: the name quoted and escaped (an administrator typed it: a
    control character or a newline must not break the one error line)."""
    return f"{json_text(bot.name)} ({bot.id})" if bot.name else str(bot.id)


def plan(
    api: BotsApi, target: Target, ref: str, verb: str, *, dry_run: bool, listings: list[list[Bot]]
) -> Job:
    """The job of one conversation; the bot lists it reads go to ``listings`` (for
    completion)."""
    known = target.conversation is not None
    record = Record(
        target.ref, target.token, target.name if known else None, "update", dry_run=dry_run
    )
    found: list[Bot] = []

    def send() -> Record:
        done = Record(**{**record.__dict__, "changes": []})
        bots = api.in_conversation(target.token)
        listings.append(bots)
        if done.name is None:
            done.name = target.name or None
        try:
            bot = bot_index(bots).find(ref)
        except TalkctlError as exc:
            done.ok, done.error = False, f"{target.label}: {error_line(exc)}"
            done.exit_code = int(exit_status_for(exc))
            return done
        found.append(bot)
        done.extra = {"bot": dict(bot.raw)}
        if bot.state == NO_SETUP:
            done.ok, done.exit_code = False, 6
            done.error = NO_SETUP_REASON.format(bot=describe(bot), done=verb + "d")
            return done
        wanted = verb == "enable"
        if bot.enabled == wanted:
            done.action, done.note = "unchanged", f"bot {describe(bot)} already {verb}d"
            return done
        change = (
            FieldChange("bots", None, bot.name) if wanted else FieldChange("bots", bot.name, None)
        )
        done.changes = [change]
        if dry_run:
            return done
        if wanted:
            answer, _ = api.enable(target.token, int(bot.id or 0))
        else:
            answer = api.disable(target.token, int(bot.id or 0))
        done.extra = {"bot": dict(answer.raw)}
        return done

    def explain(exc: BaseException) -> str | None:
        return explain_error(exc, target.label, describe(found[0]) if found else ref)

    return Job(record, send, explain)


def run_bot_verb(
    factory: Factory,
    convs: list[str],
    ref: str,
    verb: str,
    *,
    stdin: bool,
    dry_run: bool,
    jobs: int,
    fmt: str,
) -> int:
    """Gate (exit 6, nothing sent), resolve the CONVs, one job each, render; the exit code."""
    if not ref.strip():
        raise UsageError("a bot (id or exact name) must not be empty")
    api = BotsApi(factory.client)
    api.require()
    refs, bulk = collect_refs(factory, convs, stdin)
    targets = resolve_all(factory, refs, bulk or dry_run)
    listings: list[list[Bot]] = []

    def settle(records: list[Record]) -> None:
        if listings:
            from talkctl.cli.bot.cache import save_bots

            save_bots(factory.cache, max(listings, key=len))

    operation: Operation[Target] = Operation(
        DOING[verb],
        lambda target: plan(api, target, ref, verb, dry_run=dry_run, listings=listings),
        dry_run=dry_run,
        settle=settle,
    )
    results = operation.perform(factory.environment, targets, workers=jobs, single=not bulk)
    return report(factory.environment, results, fmt)


def exported_bots(factory: Factory, exported: list[Exported], jobs: int) -> None:
    """``bots = [...]`` of each exported conversation you moderate (one bot list each): the
    enabled bots by name, by id where another bot has the same name (the file must name one)."""
    from concurrent.futures import ThreadPoolExecutor

    api = BotsApi(factory.client)
    moderated = [e for e in exported if e.conversation.participant_type in MODERATOR_TYPES]
    with ThreadPoolExecutor(max_workers=jobs) as pool:  # reads only: Ctrl-C ends it all
        listed = pool.map(lambda item: api.in_conversation(item.conversation.token), moderated)
        for item, bots in zip(moderated, listed, strict=True):
            names = [b.name for b in bots]
            item.bots = [
                b.name if b.name and names.count(b.name) == 1 else str(b.id)
                for b in bots
                if b.enabled
            ]
