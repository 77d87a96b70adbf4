"""Standalone fake server for benchmarks.

    python -m talkctl.sandbox --talk 22 --port 0 --latency-ms 20 \
        --seed-rooms 5000 --user admin

prints one line ``URL USER APP_PASSWORD`` and serves until killed. It listens on a
loopback address only (``--host`` 127.0.0.1, another 127.x.x.x or localhost), and its users' login
passwords are drawn at random: nobody else can use it.
"""

from __future__ import annotations

import argparse
import ssl
import sys
import threading

from .demo import add_users
from .profiles import PROFILES
from .server import FakeTalkServer, is_loopback

LOG_LIMIT = 1000  # requests kept in memory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m talkctl.sandbox", description=__doc__)
    parser.add_argument("--talk", default="22", choices=sorted(PROFILES, key=int))
    parser.add_argument(
        "--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--seed-rooms", type=int, default=0)
    parser.add_argument(
        "--realistic",
        action="store_true",
        help="also give the user a changelog/note-to-self/sample room",
    )
    parser.add_argument("--user", default="admin")
    parser.add_argument("--tls-cert", help="PEM certificate (serve HTTPS)")
    parser.add_argument("--tls-key", help="PEM key for --tls-cert")
    args = parser.parse_args(argv)
    if not is_loopback(args.host):
        parser.error(
            f"--host: {args.host!r} is not a loopback address 127.x.x.x (the sandbox is local)"
        )

    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    srv = FakeTalkServer(
        talk=args.talk,
        tls=tls,
        host=args.host,
        port=args.port,
        default_users=False,
        log_limit=LOG_LIMIT,
    )
    add_users(srv, [args.user, "alice", "bob"])
    srv.add_group("staff", list(srv.state.users), "staff")
    srv.latency = args.latency_ms / 1000.0
    if args.realistic:
        srv.seed_realistic(args.user)
    if args.seed_rooms:
        srv.seed_rooms(args.user, args.seed_rooms)
    srv.start()
    print(srv.url, args.user, srv.new_app_password(args.user), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
