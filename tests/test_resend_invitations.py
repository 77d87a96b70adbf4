"""``participant resend-invitations`` end to end against the sandbox (which answers as
recorded on Talk 22: talk22-moderation/i-resend-*, replayed by test_fake_fidelity_moderation.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import Factory, Session, start

PUBLIC = 3


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


def invite(session: Session, token: str, *addresses: str) -> None:
    for address in addresses:
        result = session.run("participant", "add", token, address, "--email", "--yes")
        assert result.code == 0, result


def test_one_request_per_address_given(admin: Session) -> None:
    token = admin.srv.add_room(name="A", type=PUBLIC)
    invite(admin, token, "one@example.com", "two@example.com")
    admin.srv.clear_log()
    records = admin.json(
        "participant", "resend-invitations", token, "one@example.com", "two@example.com"
    )
    assert [r["action"] for r in records] == ["resend", "resend"]
    sent = admin.forms("POST", "/participants/resend-invitations")
    ids = [str(r["participant"]["attendeeId"]) for r in records]
    assert sent == [{"attendeeId": i} for i in ids]


def test_without_addresses_one_request_for_every_invitee(admin: Session) -> None:
    token = admin.srv.add_room(name="A", type=PUBLIC)
    invite(admin, token, "one@example.com", "two@example.com")
    admin.srv.clear_log()
    result = admin.run("participant", "resend-invitations", token)
    assert result.code == 0, result
    assert "2 e-mail invitees" in result.stdout
    assert admin.forms("POST", "/participants/resend-invitations") == [{}]


def test_no_invitees_sends_nothing(admin: Session) -> None:
    token = admin.srv.add_room(name="A")
    admin.srv.clear_log()
    record = admin.json("participant", "resend-invitations", token)
    assert record["action"] == "unchanged"
    assert admin.srv.changing_requests() == []


def test_a_user_or_an_unknown_address_is_refused_before_sending(admin: Session) -> None:
    token = admin.srv.add_room(name="A", type=PUBLIC, participants={"bob": 3})
    admin.srv.clear_log()
    user = admin.run("participant", "resend-invitations", token, "attendee:102")
    assert user.code == 2 and "no e-mail invitee" in user.stderr, user
    unknown = admin.run("participant", "resend-invitations", token, "nobody@example.com")
    assert unknown.code == 3, unknown
    assert admin.srv.changing_requests() == []
