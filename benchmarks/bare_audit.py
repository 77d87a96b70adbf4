"""The floor for an audit's reads: a plain ``requests`` loop making the reads ``talkctl
audit --all`` makes for its built-in rules (the listing, then each conversation's
participants, one after another), printing how many conversations it read. No rules, no
negotiation: it assumes API v4 (the benchmark's server is Talk 22).

    TALKCTL_SERVER=... TALKCTL_USER=... TALKCTL_APP_PASSWORD=... python bare_audit.py
"""

import os
import sys

import requests

base = os.environ["TALKCTL_SERVER"] + "/ocs/v2.php/apps/spreed/api/v4/room"
session = requests.Session()
session.auth = (os.environ["TALKCTL_USER"], os.environ["TALKCTL_APP_PASSWORD"])
session.headers.update({"OCS-APIRequest": "true", "Accept": "application/json"})
listing = session.get(base, params={"noStatusUpdate": 1}, timeout=30)
listing.raise_for_status()
rooms = [r for r in listing.json()["ocs"]["data"] if r["type"] in (2, 3)]
for room in rooms:
    answer = session.get(f"{base}/{room['token']}/participants", timeout=30)
    answer.raise_for_status()
sys.stdout.write(f"{len(rooms)}\n")
