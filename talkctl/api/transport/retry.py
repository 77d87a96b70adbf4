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
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

RETRY_STATUSES = frozenset({502, 503, 504})  # never 405, 413, 501: final answers (exit 6)
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


def header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def is_maintenance(status: int, headers: Mapping[str, str]) -> bool:
    return status == 503 and header(headers, MAINTENANCE_HEADER) == "1"


# delay-seconds: ASCII digits only ("²" is a digit to str.isdigit), and few enough of them to
# be a real delay; anything longer is treated as absent, like any unreadable value
_DELAY_SECONDS = re.compile(r"[0-9]{1,10}")


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` in seconds (delta or HTTP date), None when absent or unreadable."""
    if not value:
        return None
    if _DELAY_SECONDS.fullmatch(value.strip()):
        return float(int(value.strip()))
    if value.strip().isdigit() or len(value) > 64:
        return None  # other digits, or no HTTP date
    try:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(float(email.utils.mktime_tz(parsed)) - time.time(), 0.0)
    except (ValueError, OverflowError):
        return None
