"""FakeTalkServer: a stateful fake Nextcloud + Talk over real HTTP on 127.0.0.1."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socketserver
import ssl
import sys
import threading
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from . import seeding
from .backend import RequestRecord
from .faults import BruteForce, Fault, FaultScript
from .handler import Handler
from .login_flows import LoginFlows
from .profiles import get_profile
from .state import Room, State


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def server_bind(self) -> None:
        """Like HTTPServer.server_bind without the (slow) reverse DNS lookup."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: clients hanging up or failing TLS are part of the tests."""


MAX_BODY = 16 * 1024 * 1024  # larger request bodies are answered 413 without being read
IDLE_TIMEOUT = 30.0  # seconds a connection may stay silent before the server closes it


def is_loopback(host: str) -> bool:
    """``host`` is an IPv4 loopback address (127.0.0.0/8) or localhost: this machine only,
    and an address the (IPv4) server can bind."""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.version == 4 and address.is_loopback


class FakeTalkServer:
    """A fake Nextcloud + Talk server; see the ``fake_talk`` package docstring.

    It listens on a loopback address only: its users' passwords are known (``<user>-password``
    by default) and its sandboxes print theirs. ``log_limit`` bounds the request log (the
    oldest records go first; None keeps them all, as tests need), ``idle_timeout`` closes
    connections that stay silent that long and ``max_body`` caps request bodies (413)."""

    def __init__(
        self,
        talk: str = "22",
        *,
        tls: ssl.SSLContext | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int | None = None,
        default_users: bool = True,
        log_limit: int | None = None,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        if not is_loopback(host):
            raise ValueError(f"the fake server listens on loopback (127.x.x.x) only, not {host!r}")
        self.profile = get_profile(talk)
        self.talk = self.profile.name
        self.state = State(seed)
        self.tls = tls
        self.host, self._port = host, port
        self.latency = 0.0
        self.force_passwords = False
        self.cron = True  # False: Talk 22 without cron, no message-expiration capability
        self.federation = False  # True: an administrator enabled federation (recorded: off)
        self.bruteforce = False
        self.brute_force = BruteForce()
        self.login_server_override: str | None = None
        self.login_flows = LoginFlows()
        self.faults = FaultScript()
        self.talk_hash_epoch = 0
        self.requests: list[RequestRecord] = []
        self.log_limit = log_limit
        self.idle_timeout = idle_timeout
        self.max_body = MAX_BODY
        self._log_lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        if default_users:
            for user in ("admin", "alice", "bob"):
                self.add_user(user)
            self.add_group("admin", ["admin"])
            self.add_group("staff", ["admin", "alice", "bob"])

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> FakeTalkServer:
        handler = type("BoundHandler", (Handler,), {"fake": self, "timeout": self.idle_timeout})
        self._httpd = _HTTPServer((self.host, self._port), handler)
        if self.tls is not None:
            self._httpd.socket = self.tls.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-talk-{self.talk}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            # while the interpreter finalizes, daemon threads are frozen and shutdown()
            # would wait for serve_forever forever: just close the socket then
            if not sys.is_finalizing():
                httpd.shutdown()
            httpd.server_close()
        if self._thread is not None:
            if self._thread is not threading.current_thread():
                self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeTalkServer:
        return self.start() if self._httpd is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def secure(self) -> bool:
        return self.tls is not None

    @property
    def url(self) -> str:
        scheme = "https" if self.secure else "http"
        return f"{scheme}://{self.host}:{self.port}"

    # -- users -------------------------------------------------------------------
    def add_user(
        self, user: str, password: str | None = None, display_name: str | None = None
    ) -> str:
        """Add a user; returns the login password (default "<user>-password")."""
        return self.state.add_user(user, password, display_name).password

    def add_group(self, group: str, members: list[str], display_name: str | None = None) -> None:
        self.state.add_group(group, members, display_name)

    def add_subadmin(self, user: str, group: str) -> None:
        """Make ``user`` a sub-admin of ``group`` (may read and change its members)."""
        with self.state.lock:
            self.state.subadmins.setdefault(group, set()).add(user)

    def add_team(self, team: str, members: list[str], display_name: str | None = None) -> None:
        """A team (circle) of the Circles app: its id, members and display name."""
        self.state.add_team(team, members, display_name or team)

    def password_of(self, user: str) -> str:
        return self.state.users[user].password

    def new_app_password(self, user: str) -> str:
        return self.state.new_app_password(user)

    def disable_talk_for(self, user: str) -> None:
        self.state.users[user].talk_enabled = False

    def enable_talk_for(self, user: str) -> None:
        self.state.users[user].talk_enabled = True

    def disable_user(self, user: str) -> None:
        """Mark ``user`` disabled as the provisioning API reports it (``enabled``: false)."""
        with self.state.lock:
            self.state.users[user].enabled = False

    # -- talk hash ---------------------------------------------------------------
    @property
    def talk_hash(self) -> str:
        return hashlib.sha1(f"{self.profile.name}#{self.talk_hash_epoch}".encode()).hexdigest()

    def bump_talk_hash(self) -> str:
        """Change X-Nextcloud-Talk-Hash; capabilities change with it
        (spreed.config.previews.max-gif-size, or chat.max-length before Talk 11)."""
        self.talk_hash_epoch += 1
        return self.talk_hash

    # -- rooms -------------------------------------------------------------------
    def add_room(
        self,
        owner: str = "admin",
        type: int = 2,
        name: str = "x",
        participants: dict[str, int] | None = None,
        *,
        object_type: str = "",
        object_id: str = "",
        last_activity: int | None = None,
        description: str = "",
        read_only: int = 0,
        password: str | None = None,
        listable: int = 0,
        favorite_for: list[str] | None = None,
        unread_for: dict[str, int] | None = None,
        archived_for: list[str] | None = None,
        last_message: str | None = None,
    ) -> str:
        """Create a room directly in the state; returns its token."""
        room = seeding.add_room(
            self.state,
            owner=owner,
            type=type,
            name=name,
            participants=participants,
            object_type=object_type,
            object_id=object_id,
            last_activity=last_activity,
            description=description,
            read_only=read_only,
            password=password,
            listable=listable,
            favorite_for=favorite_for or [],
            unread_for=unread_for or {},
            archived_for=archived_for or [],
            last_message=last_message,
        )
        return room.token

    def add_history(
        self,
        token: str,
        count: int,
        *,
        authors: list[str] | None = None,
        start: int | None = None,
        step: int = 60,
        text: str = "Message {n} from {author}",
    ) -> list[int]:
        """Write ``count`` chat messages into a room directly (seeding.add_history)."""
        room = self.state.rooms[token]
        return seeding.add_history(
            self.state, room, count, authors=authors, start=start, step=step, text=text
        )

    def messages(self, token: str) -> list[dict[str, Any]]:
        """The room's chat history as admin reads it, oldest first (for assertions)."""
        from .views import message_view

        with self.state.lock:
            room = self.state.rooms[token]
            return [message_view(m, token, None, room, self.state) for m in room.messages]

    def room(self, token: str) -> dict[str, Any]:
        """Snapshot of a room's state (KeyError if it does not exist)."""
        with self.state.lock:
            return self.state.rooms[token].as_dict()

    def has_room(self, token: str) -> bool:
        return token in self.state.rooms

    def rooms_of(self, user: str) -> list[dict[str, Any]]:
        with self.state.lock:
            return [r.as_dict() for r in self.state.rooms_of(user)]

    def seed_rooms(
        self,
        user: str,
        n: int,
        *,
        name_prefix: str = "Room",
        participants: dict[str, int] | None = None,
        start: int | None = None,
    ) -> list[str]:
        return seeding.seed_rooms(
            self.state,
            self.profile,
            user,
            n,
            name_prefix=name_prefix,
            participants=participants,
            start=start,
        )

    def seed_realistic(self, user: str) -> dict[str, str]:
        """Changelog (+ note-to-self and sample conversation on Talk 18+) like room-list.json."""
        tokens = seeding.seed_realistic(self.state, user)
        if not self.profile.has("note-to-self"):
            for key in ("note_to_self", "sample"):
                self.state.delete_room(self.state.rooms[tokens.pop(key)])
        return tokens

    def make_note_to_self(self, user: str) -> Room:
        return seeding.make_note_to_self(self.state, user)

    def set_unread(self, token: str, user: str, count: int, mention: bool = False) -> None:
        with self.state.lock:
            att = self.state.rooms[token].attendee_of(user)
            if att is None:
                raise ValueError(f"{user!r} is no participant of {token}")
            att.unread_messages, att.unread_mention = count, mention

    # -- login flow --------------------------------------------------------------
    def grant_login(self, user: str, after_polls: int = 0) -> None:
        """Grant the pending Login Flow v2 (or the next one to start) for ``user``;
        the first ``after_polls`` polls after that still answer 404."""
        self.login_flows.grant(user, after_polls)

    @property
    def login_user_agents(self) -> list[str]:
        return list(self.login_flows.user_agents)

    @property
    def last_login_user_agent(self) -> str | None:
        agents = self.login_flows.user_agents
        return agents[-1] if agents else None

    # -- faults ------------------------------------------------------------------
    def inject(
        self,
        method: str | None = None,
        path: str | re.Pattern[str] | None = None,
        times: int = 1,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        body: bytes | str | dict[str, Any] | list[Any] | None = None,
        delay: float = 0.0,
        drop: bool = False,
    ) -> None:
        """Script a fault for the next ``times`` requests matching method/path (path is a
        substring or regex of the request target incl. query). With only ``delay`` the
        request is delayed and then handled normally."""
        self.faults.add(Fault(method, path, times, status, headers, body, delay, drop))

    def clear_faults(self) -> None:
        self.faults.clear()

    def note_failure(self, address: str) -> None:
        if self.bruteforce:
            self.brute_force.record_failure(address)

    def reset_bruteforce(self) -> None:
        self.brute_force.reset()

    # -- request log -------------------------------------------------------------
    def log(self, record: RequestRecord) -> None:
        with self._log_lock:
            self.requests.append(record)
            limit = self.log_limit
            if limit is not None and len(self.requests) > 2 * limit:
                del self.requests[:-limit]  # amortised: at most 2 * limit records are kept

    def count(self, method: str | None = None, path_contains: str | None = None) -> int:
        with self._log_lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method.upper())
                and (path_contains is None or path_contains in r.path)
            )

    def changing_requests(self) -> list[RequestRecord]:
        """Requests that may change state: anything but GET/HEAD on the spreed API."""
        with self._log_lock:
            return [r for r in self.requests if r.is_spreed and r.method not in ("GET", "HEAD")]

    def clear_log(self) -> None:
        with self._log_lock:
            self.requests.clear()
