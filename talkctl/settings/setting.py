"""What one conversation setting is: the ``Setting`` every surface reads, and the builder of
the common kind (on/off). The entries themselves are the table in ``talkctl/settings``.

No typer, no rich, no request of its own: ``send`` goes through ``ConversationsApi.change``,
whose path decides the API family (the one path → version lookup of the api layer).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from talkctl.api.models import Conversation, ConversationType
from talkctl.settings.values import bool_field, file_bool, on_off, parse_on_off

if TYPE_CHECKING:
    from talkctl.api.capabilities import Capabilities
    from talkctl.api.conversations import ConversationsApi

Value = Any
Gate = tuple[str, str]  # (capability, what it is called in "... not supported by this server")
Row = tuple[str, Any]  # a row of ``room show``: label, value (a values.Stamp prints as a time)
Refusals = Mapping[tuple[int, str | None], str]  # (status, ocs error) → what it means

# What a refusal of a change means, for the verbs' messages ({label}: the conversation).
BAD_VALUE: Refusals = {(400, "value"): "the server refused that value for {label}"}
BAD_TYPE: Refusals = {
    (400, None): "{label} cannot have it (only group and public conversations can)"
}


def _same(value: Value) -> Value:
    return value


@dataclass(frozen=True)
class Setting:
    """One setting of a conversation, everything talkctl knows about it, once.

    Names: ``name`` is the verb (``room read-only``), the flag of ``room create``/``ensure``
    (``--read-only``, when ``flags`` names them) and the field of a change; ``key`` the key of
    an apply file and of export; ``reported_as`` the field of the server's conversation object
    that holds it, which is also its ``--fields`` name; ``label`` its row in ``room show``.

    Values: ``kind`` (on-off, choice, duration, time, text, number, bits), ``values`` the
    fixed words and what each means (completion, the metavar), ``parse`` (command line →
    value, UsageError), ``parse_file`` (TOML → value, ValueError saying what is expected),
    ``read`` (a conversation's effective value), ``effective`` (what a wish means for a
    conversation type), ``show`` (text), ``to_file`` (export).

    Sending: ``method`` ``path`` under ``room/{token}`` with ``{field: encode(value)}`` (or
    ``form(value)``); an on/off one without a form may use ``method_off`` for off
    (``POST``/``DELETE /favorite``). ``gate`` is the capability it needs (exit 6, nothing
    sent); ``available`` says why the server's configuration does not offer a value (a
    recording server, SIP; exit 6, nothing sent); ``create_field`` the ``POST /room``
    fields with the creation (derived from ``reported_as`` and ``encode``; ``None`` for a
    personal one); ``refusals`` what the server's refusals mean.

    Its verb: ``verb`` says it has the generic ``room NAME CONV... VALUE`` verb, with
    ``verb_help`` as its help and ``value_name`` as the name of VALUE.
    """

    name: str
    kind: str
    help: str
    parse: Callable[[str], Value]
    parse_file: Callable[[Any], Value]
    read: Callable[[Conversation], Value]
    show: Callable[[Value], str]
    reported_as: str
    path: str
    gate: Gate | None
    values: tuple[tuple[str, str], ...] = ()
    metavar: str = ""
    label: str = ""
    to_file: Callable[[Value], Any] = _same
    method: str = "PUT"
    method_off: str | None = None
    field: str | None = None
    encode: Callable[[Value], Any] = _same
    form: Callable[[Value], dict[str, Any]] | None = None
    create_field: Callable[[Value], dict[str, Any]] | None = None
    rows: Callable[[Conversation], list[Row]] | None = None
    flags: tuple[str, ...] = ("create", "ensure")
    verb: bool = False
    verb_help: str = ""
    value_name: str = "VALUE"
    refusals: Refusals = dataclasses.field(default_factory=dict)
    moderator_only: bool = True
    personal: bool = False
    effective: Callable[[Value, int], Value] = lambda value, room_type: value
    available: Callable[[Capabilities, Value], str | None] | None = None

    def __post_init__(self) -> None:
        if not self.metavar:
            object.__setattr__(self, "metavar", "|".join(word for word, _ in self.values))
        if not self.label:
            object.__setattr__(self, "label", self.name)
        if self.create_field is None and not self.personal and self.field is not None:
            created, encode = self.reported_as, self.encode
            object.__setattr__(self, "create_field", lambda value: {created: encode(value)})

    @property
    def key(self) -> str:
        return self.name.replace("-", "_")

    @property
    def words(self) -> tuple[str, ...]:
        """The fixed values, for completion."""
        return tuple(word for word, _ in self.values)

    def differs(self, value: Value, conversation: Conversation) -> bool:
        """Whether setting ``value`` would change ``conversation``."""
        return bool(self.read(conversation) != self.effective(value, conversation.type))

    def describe(self, value: Value, room_type: int = ConversationType.GROUP) -> str:
        """``set read-only on``: what a dry run says it would do."""
        return f"set {self.name} {self.show(self.effective(value, room_type))}"

    def send(self, api: ConversationsApi, token: str, value: Value) -> Conversation | None:
        """The request that sets it (nothing sent when the server lacks ``gate``)."""
        method = self.method_off if self.method_off is not None and not value else self.method
        form = self.form(value) if self.form is not None else None
        if form is None and self.field is not None:
            form = {self.field: self.encode(value)}
        return api.change(token, method, self.path, form, gate=self.gate)

    def shown(self, conversation: Conversation) -> list[Row]:
        """Its rows in ``room show``."""
        if self.rows is not None:
            return self.rows(conversation)
        return [(self.label, self.show(self.read(conversation)))]


def on_off_setting(
    name: str,
    help: str,
    reported_as: str,
    path: str,
    gate: Gate,
    *,
    field: str | None = "state",
    method_off: str | None = None,
    personal: bool = False,
    **more: Any,
) -> Setting:
    """A setting that is on or off: ``on|off`` on the command line, true/false in an apply
    file and in export; sent as ``{field: 1|0}``, or (``field=None``) by ``method`` for on
    and ``method_off`` for off. A personal one (the user's own preference) anybody may change."""
    return Setting(
        name=name,
        kind="on-off",
        help=help,
        values=(("on", ""), ("off", "")),
        parse=parse_on_off(name),
        parse_file=file_bool,
        read=lambda c: bool_field(c, reported_as),
        show=on_off,
        reported_as=reported_as,
        path=path,
        gate=gate,
        field=field,
        encode=lambda value: 1 if value else 0,
        method_off=method_off,
        moderator_only=not personal,
        personal=personal,
        **more,
    )
