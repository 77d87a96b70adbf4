"""TalkClient: version negotiation and the spreed API under the negotiated path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from talkctl.api.capabilities import (
    CAPABILITIES_PATH,
    Capabilities,
    CapabilitiesStore,
    parse_capabilities,
)
from talkctl.api.errors import ApiError
from talkctl.api.transport.envelope import OcsResponse
from talkctl.api.transport.http import Transport

TALK_HASH_HEADER = "X-Nextcloud-Talk-Hash"
USER_ID_HEADER = "X-User-Id"  # on every authenticated answer: the user id (not the login)
UNKNOWN_PATH_STATUS = 998


class TalkClient:
    """Talks to one server as one account; capabilities come from the cache when fresh."""

    def __init__(self, transport: Transport, store: CapabilitiesStore | None = None) -> None:
        self.transport = transport
        self.store = store
        self._capabilities: Capabilities | None = None
        self.user_id: str | None = None  # as the server's last answer named it

    @property
    def capabilities(self) -> Capabilities:
        if self._capabilities is None:
            cached = self.store.load_capabilities() if self.store else None
            if cached:
                try:
                    candidate = Capabilities.from_cache(cached)
                except (TypeError, ValueError, AttributeError):
                    candidate = None
                if candidate is not None and not candidate.is_stale():
                    self._capabilities = candidate
                    return candidate
            self._capabilities = self.refresh_capabilities()
        return self._capabilities

    def refresh_capabilities(self) -> Capabilities:
        response = self.transport.ocs("GET", CAPABILITIES_PATH)
        self._note_user(response.headers)
        capabilities = parse_capabilities(response.data)
        previous = self._capabilities
        capabilities.talk_hash = response.headers.get(TALK_HASH_HEADER) or (
            previous.talk_hash if previous else None
        )
        self._capabilities = capabilities
        self._save()
        return capabilities

    def _save(self) -> None:
        if self.store is not None and self._capabilities is not None:
            self.store.save_capabilities(self._capabilities.to_cache())

    def spreed(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        repeatable: bool | None = None,
        json_body: Mapping[str, Any] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> OcsResponse:
        """Call ``path`` under the spreed API base of its family (``json_body``: a JSON body,
        ``files``: a multipart/form-data body, see Transport.send).

        The base goes by the path (talkctl.api.families): ``/chat/...`` is v1, ``/room/...``
        the negotiated conversation API; a family the server lacks is refused unsent. An OCS
        998 (unknown path) means the server was upgraded under us: refresh the capabilities
        and send the request once more under the newly negotiated base. ``repeatable`` (see
        Transport.send) allows retries: reads and changes that set a state.
        """
        capabilities = self.capabilities
        capabilities.require_family(path)
        base = capabilities.base_for(path)
        try:
            response = self.transport.ocs(
                method,
                base + path,
                params=params,
                data=data,
                repeatable=repeatable,
                json_body=json_body,
                files=files,
            )
        except ApiError as exc:
            if exc.ocs_status != UNKNOWN_PATH_STATUS:
                raise
            self._check_talk_hash(exc.headers)
            refreshed = self.refresh_capabilities()
            if refreshed.base_for(path) == base:
                raise
            response = self.transport.ocs(
                method,
                refreshed.base_for(path) + path,
                params=params,
                data=data,
                repeatable=repeatable,
                json_body=json_body,
                files=files,
            )
        self._check_talk_hash(response.headers)
        self._note_user(response.headers)
        return response

    def _note_user(self, headers: Mapping[str, str]) -> None:
        """Remember whom the server authenticated (``X-User-Id``): "me" is that user id, which
        differs from the login name (``ADMIN``, an e-mail or LDAP login) more often than not."""
        seen = headers.get(USER_ID_HEADER)
        if seen:
            self.user_id = seen

    def _check_talk_hash(self, headers: Mapping[str, str]) -> None:
        """A changed X-Nextcloud-Talk-Hash invalidates the cached capabilities."""
        seen = headers.get(TALK_HASH_HEADER)
        capabilities = self._capabilities
        if not seen or capabilities is None or capabilities.talk_hash == seen:
            return
        if capabilities.talk_hash is not None:
            capabilities.fetched_at = 0.0  # changed: stale, the next run fetches them again
        capabilities.talk_hash = seen  # the first hash seen is adopted as it is
        self._save()
