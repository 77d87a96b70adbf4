"""recording-consent, sip and important: entries of the settings table, each with its gate
(a capability, and for the first two the server's configuration: exit 6 before any request,
saying why), end to end against the sandbox (which answers as recorded on a Talk 22 without a
recording server or SIP bridge, replayed by test_fake_fidelity_moderation.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e_support import Factory, Session, start

from talkctl.api.capabilities import Capabilities
from talkctl.api.errors import UnsupportedError
from talkctl.settings import IMPORTANT, RECORDING_CONSENT, SIP_SETTING, check_available


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


def caps(call: dict[str, Any], *features: str) -> Capabilities:
    return Capabilities(
        features=frozenset({"recording-consent", "sip-support", *features}),
        config={"call": call},
        talk_version="22.0.0",
        nextcloud_version="32.0.1",
        fetched_at=0.0,
    )


def test_recording_consent_needs_it_per_conversation_and_a_recording_server() -> None:
    check_available(RECORDING_CONSENT, caps({"recording-consent": 2, "recording": True}), True)
    for call in ({"recording-consent": 1, "recording": True}, {"recording-consent": 2}):
        with pytest.raises(UnsupportedError):
            check_available(RECORDING_CONSENT, caps(call), True)


def test_sip_needs_a_bridge_and_no_pin_its_capability() -> None:
    check_available(SIP_SETTING, caps({"sip-enabled": True}), 1)
    with pytest.raises(UnsupportedError, match="sip-support-nopin"):
        check_available(SIP_SETTING, caps({"sip-enabled": True}), 2)
    check_available(SIP_SETTING, caps({"sip-enabled": True}, "sip-support-nopin"), 2)
    with pytest.raises(UnsupportedError, match="SIP bridge"):
        check_available(SIP_SETTING, caps({"sip-enabled": False}), 0)


@pytest.mark.parametrize(
    ("verb", "value", "words"),
    [
        ("recording-consent", "on", "per conversation"),
        ("recording-consent", "off", "per conversation"),
        ("sip", "on", "no SIP bridge"),
        ("sip", "no-pin", "no SIP bridge"),
    ],
)
def test_without_the_configuration_it_exits_6_before_any_request(
    admin: Session, verb: str, value: str, words: str
) -> None:
    token = admin.srv.add_room(name="A")
    admin.srv.clear_log()
    result = admin.run("room", verb, token, value)
    assert result.code == 6, result
    assert words in result.stderr
    assert admin.spreed_requests() == []  # the capabilities only


@pytest.mark.parametrize(("verb", "value"), [("recording-consent", "maybe"), ("sip", "pin")])
def test_a_bad_value_is_exit_2(admin: Session, verb: str, value: str) -> None:
    admin.srv.add_room(name="A")
    admin.srv.clear_log()
    result = admin.run("room", verb, "A", value)
    assert result.code == 2, result
    assert admin.srv.requests == []


def test_room_show_shows_them(admin: Session) -> None:
    token = admin.srv.add_room(name="A")
    shown = admin.run("room", "show", token)
    assert shown.code == 0, shown
    for row in ("recording consent\toff", "SIP dial-in\toff", "important\tno"):
        assert row in shown.stdout


def test_important_and_unimportant_are_yours(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    alice = start(fake_talk_factory, talkctl_home, "22", user="alice")
    a = alice.srv.add_room(name="A", participants={"alice": 3})
    b = alice.srv.add_room(name="B", participants={"alice": 3})
    records = alice.json("room", "important", a, b)  # no moderator needed
    assert [r["changes"] for r in records] == [
        [{"field": "important", "from": "off", "to": "on"}]
    ] * 2
    assert alice.srv.room(a)["important"] == ["alice"]
    assert alice.srv.room(a)["participants"]["admin"] == 1
    alice.srv.clear_log()
    again = alice.json("room", "important", a, b)
    assert [r["action"] for r in again] == ["unchanged"] * 2
    assert alice.srv.changing_requests() == []
    done = alice.json("room", "unimportant", a)
    assert done["ok"] and alice.srv.room(a)["important"] == []


def test_important_needs_talk_21_1(fake_talk_factory: Factory, talkctl_home: Path) -> None:
    old = start(fake_talk_factory, talkctl_home, "19")
    token = old.srv.add_room(name="Old")
    old.srv.clear_log()
    result = old.run("room", "important", token)
    assert result.code == 6, result
    assert "important conversations" in result.stderr
    assert old.srv.changing_requests() == []


def test_ensure_takes_important(admin: Session) -> None:
    token = admin.srv.add_room(name="E")
    record = admin.json("room", "ensure", "E", "--important", "on")
    assert record["changes"] == [{"field": "important", "from": "off", "to": "on"}]
    assert admin.srv.room(token)["important"] == ["admin"]
    assert IMPORTANT.personal


def test_apply_and_ensure_refuse_what_the_configuration_does_not_offer(
    admin: Session, tmp_path: Path
) -> None:
    admin.srv.add_room(name="Town hall")
    rooms = tmp_path / "rooms.toml"
    rooms.write_text('[[conversation]]\nname = "Town hall"\nrecording_consent = true\n')
    admin.srv.clear_log()
    applied = admin.run("apply", str(rooms))
    assert applied.code == 6, applied
    assert "per conversation" in applied.stderr
    ensured = admin.run("room", "ensure", "Town hall", "--sip", "on")
    assert ensured.code == 6, ensured
    assert admin.srv.changing_requests() == []


def test_apply_then_export_then_apply_round_trip_with_important(
    admin: Session, tmp_path: Path
) -> None:
    rooms = tmp_path / "rooms.toml"
    text = '[[conversation]]\nname = "Desk"\nimportant = true\ndefault_permissions = "chat"\n'
    rooms.write_text(text)
    applied = admin.run("apply", str(rooms), "--json")
    assert applied.code == 0, applied
    exported = admin.run("export", "Desk")
    assert exported.code == 0, exported
    for line in ("important = true", 'default_permissions = "chat"', 'sip = "off"'):
        assert line in exported.stdout
    assert "recording_consent = false" in exported.stdout
    again = tmp_path / "again.toml"
    again.write_text(exported.stdout)
    admin.srv.clear_log()
    plan = admin.run("apply", str(again), "--json")
    assert plan.code == 0, plan
    assert admin.srv.changing_requests() == []
