"""Login Flow v2 as the server keeps it: started flows, grants and polls."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class LoginFlow:
    poll_token: str
    login_token: str
    user_agent: str
    granted_user: str | None = None
    polls_left: int = 0  # polls still answered 404 after the grant
    done: bool = False


class LoginFlows:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.flows: list[LoginFlow] = []
        self.armed: tuple[str, int] | None = None  # grant for the next flow to start
        self.user_agents: list[str] = []

    def start(self, poll_token: str, login_token: str, user_agent: str) -> LoginFlow:
        with self.lock:
            flow = LoginFlow(poll_token, login_token, user_agent)
            self.user_agents.append(user_agent)
            if self.armed is not None:
                flow.granted_user, flow.polls_left = self.armed
                self.armed = None
            self.flows.append(flow)
            return flow

    def grant(self, user: str, after_polls: int = 0) -> None:
        with self.lock:
            for flow in reversed(self.flows):
                if not flow.done and flow.granted_user is None:
                    flow.granted_user, flow.polls_left = user, after_polls
                    return
            self.armed = (user, after_polls)

    def poll(self, token: str) -> LoginFlow | None:
        """The flow to answer with 200 now, or None (404)."""
        with self.lock:
            for flow in self.flows:
                if flow.poll_token == token and not flow.done:
                    if flow.granted_user is None:
                        return None
                    if flow.polls_left > 0:
                        flow.polls_left -= 1
                        return None
                    flow.done = True
                    return flow
            return None
