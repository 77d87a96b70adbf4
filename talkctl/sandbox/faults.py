"""Fault injection script and a brute-force throttle like Nextcloud's."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any

from .ocs import JSON_TYPE, Response


@dataclass
class Fault:
    method: str | None
    path: str | re.Pattern[str] | None
    times: int
    status: int | None
    headers: dict[str, str] | None
    body: bytes | str | dict[str, Any] | list[Any] | None
    delay: float
    drop: bool

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is None:
            return True
        if isinstance(self.path, re.Pattern):
            return self.path.search(path) is not None
        if self.path in path:
            return True
        try:
            return re.search(self.path, path) is not None
        except re.error:
            return False

    @property
    def delay_only(self) -> bool:
        return self.status is None and self.body is None and not self.drop and not self.headers

    def response(self) -> Response:
        if self.drop:
            return Response(0, drop=True)
        headers = dict(self.headers or {})
        body = self.body
        if isinstance(body, (dict, list)):
            raw = json.dumps(body).encode()
            headers.setdefault("Content-Type", JSON_TYPE)
        elif isinstance(body, str):
            raw = body.encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        else:
            raw = body or b""
        return Response(self.status or 500, raw, headers)


class FaultScript:
    """FIFO list of faults; the first one matching a request is consumed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> int:
        with self._lock:
            return sum(max(f.times, 0) for f in self._faults)


class BruteForce:
    """After ``limit`` failed token lookups/logins from one address, the next token
    lookup answers 500 and every later one 429 (Nextcloud 32 once the maximum
    delay is reached), valid tokens included."""

    def __init__(self, limit: int = 10) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._throttled: dict[str, int] = {}  # address -> throttled lookups answered

    def record_failure(self, address: str) -> None:
        with self._lock:
            self._failures[address] = self._failures.get(address, 0) + 1

    def failures(self, address: str) -> int:
        with self._lock:
            return self._failures.get(address, 0)

    def check(self, address: str) -> Response | None:
        with self._lock:
            if self._failures.get(address, 0) < self.limit:
                return None
            seen = self._throttled.get(address, 0)
            self._throttled[address] = seen + 1
        if seen == 0:
            return Response(
                500,
                b"<!DOCTYPE html><html><body><h2>Internal Server Error</h2></body></html>",
                {"Content-Type": "text/html; charset=utf-8"},
            )
        body = json.dumps(
            {
                "ocs": {
                    "meta": {
                        "status": "failure",
                        "statuscode": 429,
                        "message": "Reached maximum delay",
                    },
                    "data": [],
                }
            }
        ).encode()
        return Response(
            429, body, {"Content-Type": JSON_TYPE, "X-Nextcloud-Bruteforce-Throttled": "25600ms"}
        )

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._throttled.clear()
