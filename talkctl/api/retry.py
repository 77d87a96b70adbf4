"""When a request may be sent again, and how long to wait first: urllib3's Retry, tuned.

Two retry objects exist per run, on two adapters that share one connection pool
(see ``RepeatableRouter``): requests that are safe to repeat (reads, and changes that set a
state) retry connection errors, dropped connections, 502/503/504 and a 429 that carries
``Retry-After``; the others (creates, adding participants) retry only a connection that could
not be established, when nothing was sent. Neither ever retries 401, 403 or 404: Nextcloud's
brute-force protection counts them.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from talkctl.api.retry_urllib3 import TalkRetry

RETRY_STATUSES = frozenset({502, 503, 504})
MAINTENANCE_HEADER = "X-Nextcloud-Maintenance-Mode"
BRUTEFORCE_HEADER = "X-Nextcloud-Bruteforce-Throttled"

Notice = Callable[[str], None]


@dataclass
class RetryPolicy:
    """How many retries, how long to wait between them, and who hears about the waits.

    ``backoff`` is the first wait in seconds; each further retry doubles it (up to
    ``max_backoff``) and a random jitter of up to half the wait is taken off so that many cron
    jobs do not hit a recovering server in step. A ``Retry-After`` above
    ``retry_after_cap`` seconds is not waited for: the request fails at once.
    """

    retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 10.0
    retry_after_cap: float = 60.0
    notice: Notice | None = None

    def backoff_for(self, retry_number: int) -> float:
        ceiling = min(self.max_backoff, self.backoff * float(2 ** max(retry_number - 1, 0)))
        return ceiling * (0.5 + random.random() / 2)

    def retry(self, repeatable: bool) -> TalkRetry:
        """The urllib3 Retry for requests that are (or are not) safe to repeat."""
        from talkctl.api.retry_urllib3 import TalkRetry

        retries = max(self.retries, 0)
        retry = TalkRetry(
            total=retries,
            connect=retries,
            read=retries if repeatable else False,
            status=retries if repeatable else 0,
            other=0,  # TLS failures and the like: never
            redirect=False,
            allowed_methods=None,  # the adapter decides, not the HTTP method
            status_forcelist=RETRY_STATUSES,
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        retry.policy = self
        return retry


def header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def is_maintenance(status: int, headers: Mapping[str, str]) -> bool:
    return status == 503 and header(headers, MAINTENANCE_HEADER) == "1"


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` in seconds (delta or HTTP date), None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(int(value.strip()))
    try:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(float(email.utils.mktime_tz(parsed)) - time.time(), 0.0)
    except (ValueError, OverflowError):
        return None
