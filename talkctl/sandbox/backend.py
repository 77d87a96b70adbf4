"""What the endpoint handlers and the request pipeline see of a fake server (a Protocol),
and the record of a request it keeps in its log.

The sandbox is an app (``app.py``: request -> response over the state, ``handlers_*``) and a
server (``server.py``: sockets, threads, TLS). The app depends on this description only, so
no module of the app imports the server; ``FakeTalkServer`` is the one implementation.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from .faults import BruteForce, FaultScript
from .login_flows import LoginFlows
from .profiles import Profile
from .state import Room, State

V1_PREFIX, V2_PREFIX = "/ocs/v1.php/", "/ocs/v2.php/"


def ocs_v2_path(path: str) -> str:
    """``/ocs/v1.php/...`` routed as ``/ocs/v2.php/...`` (Nextcloud serves OCS under both)."""
    return V2_PREFIX + path[len(V1_PREFIX) :] if path.startswith(V1_PREFIX) else path


@dataclass(frozen=True)
class Upload:
    """One file of a multipart/form-data body."""

    filename: str
    content_type: str
    content: bytes


@dataclass
class RequestRecord:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    json: Any
    user: str | None
    status: int  # 0 when the connection was dropped
    headers: dict[str, str]
    fault: bool = False
    client_port: int = 0  # tells connections apart (keep-alive reuse)
    time: float = field(default_factory=time.time)
    files: dict[str, Upload] = field(default_factory=dict)  # multipart uploads by field

    @property
    def is_spreed(self) -> bool:
        return ocs_v2_path(self.path).startswith("/ocs/v2.php/apps/spreed/")

    @property
    def params(self) -> dict[str, Any]:
        merged: dict[str, Any] = {**self.query, **self.form}
        if isinstance(self.json, dict):
            merged.update(self.json)
        return merged


class Backend(Protocol):
    """The state and the settings of one fake server (see ``FakeTalkServer``)."""

    state: State
    profile: Profile
    cron: bool
    force_passwords: bool
    federation: bool  # an administrator enabled federation (recorded: off)
    latency: float
    bruteforce: bool
    brute_force: BruteForce
    faults: FaultScript
    login_flows: LoginFlows
    login_server_override: str | None
    talk_hash_epoch: int
    max_body: int

    @property
    def url(self) -> str: ...

    @property
    def talk_hash(self) -> str: ...

    @property
    def secure(self) -> bool:
        """Served over TLS (cookies are then ``secure``)."""
        ...

    def make_note_to_self(self, user: str) -> Room: ...

    def note_failure(self, address: str) -> None: ...

    def log(self, record: RequestRecord) -> None: ...
