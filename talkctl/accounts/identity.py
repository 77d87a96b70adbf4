"""Who "me" is: the user id the server reports, never the login name.

Nextcloud accepts logins that are not the user id (``ADMIN`` for ``admin``, an e-mail address,
an LDAP login), and everything that protects "you" (never removed by ``apply``, ``participant
remove`` refusing yourself) compares user ids. The id comes from the ``X-User-Id`` header of
an answer this run already got (free), else from the account's cache, else from
``GET /ocs/v2.php/cloud/user`` (one request, then cached with the account).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from talkctl.accounts.cache import AccountCache
    from talkctl.api.client import TalkClient


def user_id(client: TalkClient, cache: AccountCache | None) -> str:
    """The authenticated user's id (ApiError / InvalidResponseError when it cannot be read)."""
    seen = client.user_id
    cached = cache.load_user_id() if cache is not None else None
    if seen:
        if cache is not None and seen != cached:
            cache.save_user_id(seen)
        return seen
    if cached:
        return cached
    from talkctl.api.account import current_user

    found = current_user(client.transport).user_id
    if cache is not None:
        cache.save_user_id(found)
    return found
