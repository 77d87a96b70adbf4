"""Participant endpoints of the spreed API."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from typing import Any

from .context import Ctx
from .handlers_bans import is_banned
from .ocs import Ocs, fail, fail_null, ok
from .profiles import Profile
from .state import (
    CHANGELOG,
    FORMER_ONE_TO_ONE,
    GROUP,
    GUEST,
    GUEST_MODERATOR,
    MODERATOR,
    MODERATOR_TYPES,
    NOTE_TO_SELF,
    ONE_TO_ONE,
    OWNER,
    PUBLIC,
    USER,
    USER_SELF_JOINED,
    Attendee,
    Room,
)
from .views import in_lobby, participant_view

LOCKED_TYPES = (ONE_TO_ONE, FORMER_ONE_TO_ONE, NOTE_TO_SELF, CHANGELOG)


def list_participants(ctx: Ctx) -> Ocs:
    found = ctx.lookup()
    if isinstance(found, Ocs):
        return found
    room, att = found
    if att.participant_type == GUEST:
        return fail_null(403) if ctx.profile.returns_room_on_change else fail(403)
    is_mod = att.participant_type in MODERATOR_TYPES
    if in_lobby(room, att):  # recorded: l-participants-as-bob-412
        return fail(412)
    return ok(
        [
            participant_view(ctx.state, ctx.profile, ctx.api, room, a, is_mod)
            for a in room.attendees.values()
        ]
    )


def sources(profile: Profile) -> dict[str, str]:
    """``source`` names of POST .../participants on this release -> the kind they add.

    From the enums of openapi-talk22.json (users, groups, circles, emails, federated_users,
    phones, teams) and openapi-talk18.0.14.json (users, groups, circles, emails, remotes,
    phones); Talk 19/20 are assumed to take Talk 18's names, servers before Talk 18 the ones
    their capabilities announce (a documented guess: no openapi exists for them).
    """
    out = {"users": "users"}
    if profile.has("invite-groups-and-mails"):
        out.update(groups="groups", emails="emails")
    if profile.has("circles-support"):
        out["circles"] = "circles"
        if profile.talk >= (21, 0):
            out["teams"] = "circles"
    if profile.talk >= (21, 0):
        out["federated_users"] = "federated_users"
    elif profile.talk >= (18, 0):
        out["remotes"] = "federated_users"
    if 4 in profile.apis:
        out["phones"] = "phones"
    return out


def email_actor_id(address: str) -> str:
    """An e-mail invitee's actorId: the sha256 of the address (as recorded on Talk 22)."""
    return hashlib.sha256(address.encode()).hexdigest()


def add_participant(ctx: Ctx) -> Ocs:
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    room, _ = found
    new, source = ctx.str_param("newParticipant"), ctx.str_param("source") or "users"
    if room.type in LOCKED_TYPES:
        return ctx.error(400, "room-type")
    kind = sources(ctx.profile).get(source)
    if kind is None:
        return ctx.error(400, "source")
    if is_banned(room, kind, new):  # recorded: talk22-moderation/b-add-banned-bob-400.json
        return ctx.error(400, "ban")
    problem = add_member(ctx, room, kind, new)
    if problem is not None:
        return problem
    if kind == "emails":
        # recorded: an invitee makes a group conversation public, saying so in the chat
        # (talk22-membership/participant-add-email-200.json, talk22-moderation/x-room-after-
        # not-an-email-200.json), and the answer names the type, public already or not
        # (talk22-moderation/u-add-email-200.json)
        if room.type == GROUP:
            room.type = PUBLIC
            ctx.say(room, "guests_allowed", "{actor} allowed guests")
        return ok({"type": room.type})
    return ok([])


def add_member(ctx: Ctx, room: Room, kind: str, new: str) -> Ocs | None:
    """Add one participant of ``kind``; an error answer, or None when added (or already in).

    Users, groups (the group and each member) and e-mails as recorded on Talk 22; teams
    (a circle attendee plus its members, like groups), federated users (an attendee
    ``federated_users`` named by the cloud id, no invitation sent) and phones (501, no SIP
    dial-out configured) follow openapi-talk22.json: guesses, nothing recorded.
    """
    if kind in ("users", "groups", "circles"):  # the rules: membership.py
        if ctx.state.add_member(room, kind, new, ctx.user or "") is None:
            return ctx.error(404, "new-participant")
    elif kind == "emails":
        # recorded (talk22-moderation/x-add-email-not-an-email-200.json): any text is
        # invited, "notanemail" too; an empty one refused is a guess
        if not new:
            return ctx.error(400, "new-participant")
        att = ctx.state.add_attendee(room, email_actor_id(new), GUEST, actor_type="emails")
        att.invited_actor_id, att.display_name = new, ""
    elif kind == "federated_users":
        if not ctx.srv.federation:  # recorded: a-add-federated-user-501 (federation disabled)
            return ctx.error(501, "federation")
        user, _, host = new.rpartition("@")
        if not user or not host or host in ctx.srv.url:
            return ctx.error(400, "cloud-id")
        ctx.state.add_attendee(room, new, USER, actor_type="federated_users")
    else:
        return ctx.error(501, "sip")
    return None


def _user_param(ctx: Ctx, user: str) -> dict[str, str]:
    return {"type": "user", "id": user, "name": ctx.state.display_name(user), "mention-id": user}


def _can_leave(room: Room, att: Attendee) -> bool:
    if att.participant_type not in MODERATOR_TYPES or room.type in LOCKED_TYPES:
        return True
    users = [a for a in room.attendees.values() if a.actor_type == "users" and a is not att]
    return not users or any(a.participant_type in MODERATOR_TYPES for a in users)


def _remove(ctx: Ctx, room: Room, att: Attendee) -> None:
    ctx.state.remove_attendee(room, att)
    if not room.user_ids():
        ctx.state.delete_room(room)


def leave_room(ctx: Ctx) -> Ocs:
    found = ctx.lookup()
    if isinstance(found, Ocs):
        return found
    room, att = found
    if not _can_leave(room, att):
        return ctx.error(400, "last-moderator")
    _remove(ctx, room, att)
    return ctx.done()


def _target(ctx: Ctx, room: Room) -> Attendee | None:
    if ctx.api >= 3:
        return room.attendees.get(ctx.int_param("attendeeId", -1))
    return room.attendee_of(ctx.str_param("participant"))


def _null_or_empty(ctx: Ctx, status: int) -> Ocs:
    return fail_null(status) if ctx.profile.returns_room_on_change else fail(status)


def promote(ctx: Ctx) -> Ocs:
    """POST .../moderators: attendeeId on API v3+ (recorded on Talk 22); v1/v2 took the user
    id as ``participant`` (a documented guess: the shared spec describes v3+ only). Refusals
    follow participant.md: owner 403, not a user or guest 400, unknown 404."""
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    room, _ = found
    target = _target(ctx, room)
    if target is None:
        return _null_or_empty(ctx, 404)
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return _null_or_empty(ctx, 400)  # recorded: talk22-moderation/o2o-promote-bob-400
    if target.participant_type == OWNER:
        return _null_or_empty(ctx, 403)
    if target.actor_type in ("groups", "circles"):
        return _null_or_empty(ctx, 400)  # a guess from the docs: not a user nor a guest
    promoted = {USER: MODERATOR, USER_SELF_JOINED: MODERATOR, GUEST: GUEST_MODERATOR}
    if target.participant_type not in promoted:
        return _null_or_empty(ctx, 400)
    target.participant_type = promoted[target.participant_type]
    ctx.state.system_message(
        room,
        ctx.user or "",
        "moderator_promoted",
        "{actor} promoted {user} to moderator",
        {"user": _user_param(ctx, target.actor_id)},
    )
    return ctx.done()


def demote(ctx: Ctx) -> Ocs:
    """DELETE .../moderators, like promote; yourself or the owner 403, not a moderator 400."""
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    room, me = found
    target = _target(ctx, room)
    if target is None:
        return _null_or_empty(ctx, 404)
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return _null_or_empty(ctx, 400)  # recorded: talk22-moderation/o2o-demote-bob-400
    if target is me or target.participant_type == OWNER:
        return _null_or_empty(ctx, 403)
    if target.actor_type in ("groups", "circles"):
        return _null_or_empty(ctx, 400)  # a guess from the docs: not a moderator
    demoted = {MODERATOR: USER, GUEST_MODERATOR: GUEST}
    if target.participant_type not in demoted:
        return _null_or_empty(ctx, 400)
    target.participant_type = demoted[target.participant_type]
    ctx.state.system_message(
        room,
        ctx.user or "",
        "moderator_demoted",
        "{actor} demoted {user} from moderator",
        {"user": _user_param(ctx, target.actor_id)},
    )
    return ctx.done()


def remove_attendee(ctx: Ctx) -> Ocs:
    """DELETE .../attendees (v3+, recorded) or .../participants with ``participant`` (v1/v2, a
    guess). The owner 403 ``owner``, yourself as last moderator 400 ``last-moderator``, as in
    openapi-talk22.json; a group takes the members only it kept in along (membership.py)."""
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    room, me = found
    target = _target(ctx, room)
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return ctx.error(400, "room-type")
    if target is None:
        return ctx.error(404, "participant")
    if target.participant_type == OWNER and target is not me:
        return ctx.error(403, "owner")
    if target is me and not _can_leave(room, me):
        return ctx.error(400, "last-moderator")
    ctx.state.remove_member(room, target, ctx.user or "")
    return ctx.done()


def resend_invitations(ctx: Ctx) -> Ocs:
    """``POST room/{token}/participants/resend-invitations`` (v4), as recorded on Talk 22
    (talk22-moderation/i-resend-*): ``data: null``; with ``attendeeId`` that is no attendee
    404 with ``data: null``; without, for every e-mail invitee (none is no error). No
    e-mail is sent by the sandbox. That only moderators may and that an attendee who is no
    e-mail invitee is 404 too are guesses."""
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    room, _ = found
    attendee_id = ctx.opt_int_param("attendeeId")
    if attendee_id is not None:
        att = room.attendees.get(attendee_id)
        if att is None or att.actor_type != "emails":
            return fail_null(404)
    return ok(None)


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def import_emails(ctx: Ctx) -> Ocs:
    """``POST room/{token}/import-emails`` (v4, ``email-csv-import``), as recorded on Talk 22
    (talk22-moderation/i-import-*): the multipart ``file`` is a CSV with an ``email`` column
    (``name`` optional) and a header line; no file 400 ``file``, no ``email`` in the header
    400 naming that. Line numbers count the header as 1; an address already invited, or
    twice in the file, is a duplicate. ``testRun`` counts only: 400 when lines are invalid
    (with the counts), else ``invites`` and ``duplicates``. A real import invites the valid
    lines, makes a group conversation public and reports the type (and the invalid lines).
    The address check, the system message and refusing locked types are guesses."""
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    room, _ = found
    upload = ctx.files.get("file")
    if upload is None:
        return ctx.error(400, "file", "Uploading the file failed")
    if room.type in LOCKED_TYPES:
        return ctx.error(400, "room-type")
    rows = list(csv.reader(io.StringIO(upload.content.decode("utf-8", "replace"))))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if "email" not in header:
        missing = "Missing email field in header line"
        return ctx.error(400, missing, missing)
    at_email, at_name = header.index("email"), header.index("name") if "name" in header else -1
    known = {a.invited_actor_id for a in room.attendees.values() if a.actor_type == "emails"}
    invites: list[tuple[str, str]] = []
    duplicates, invalid = 0, []
    for line, row in enumerate(rows[1:], start=2):
        address = row[at_email].strip() if len(row) > at_email else ""
        if not EMAIL.match(address):
            invalid.append(line)
        elif address in known:
            duplicates += 1
        else:
            known.add(address)
            name = row[at_name].strip() if 0 <= at_name < len(row) else ""
            invites.append((address, name))
    counts: dict[str, Any] = {"invites": len(invites), "duplicates": duplicates}
    if ctx.bool_param("testRun"):
        if not invalid:
            return ok(counts)
        error = "Following lines are invalid: " + ", ".join(map(str, invalid))
        found_invalid = {"invalid": len(invalid), "invalidLines": invalid}
        return fail(400, {"error": error, "message": error, **counts, **found_invalid})
    for address, name in invites:
        att = ctx.state.add_attendee(room, email_actor_id(address), GUEST, actor_type="emails")
        att.invited_actor_id, att.display_name = address, name
    if room.type == GROUP:
        room.type = PUBLIC
        ctx.say(room, "guests_allowed", "{actor} allowed guests")
    counts["type"] = room.type
    if invalid:
        counts.update(invalidLines=invalid, invalid=len(invalid))
    return ok(counts)
