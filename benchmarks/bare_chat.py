"""The floor for exporting a chat: a plain ``requests`` loop fetching the pages ``talkctl
chat export`` fetches (200 messages, oldest first, ``timeout=0``) and writing one JSON line a
message to the file given as the only argument. No resolution, no error handling.

    TALKCTL_SERVER=... TALKCTL_USER=... TALKCTL_APP_PASSWORD=... python bare_chat.py TOKEN OUT
"""

import json
import os
import sys

import requests

token, out = sys.argv[1], sys.argv[2]
session = requests.Session()
session.auth = (os.environ["TALKCTL_USER"], os.environ["TALKCTL_APP_PASSWORD"])
session.headers.update({"OCS-APIRequest": "true", "Accept": "application/json"})
url = os.environ["TALKCTL_SERVER"] + f"/ocs/v2.php/apps/spreed/api/v1/chat/{token}"
last = 0
with open(out, "w", encoding="utf-8") as handle:
    while True:
        params = {
            "lookIntoFuture": 1,
            "limit": 200,
            "timeout": 0,
            "lastKnownMessageId": last,
            "setReadMarker": 0,
            "noStatusUpdate": 1,
            "markNotificationsAsRead": 0,
        }
        response = session.get(url, params=params, timeout=30)
        if response.status_code == 304:
            break
        response.raise_for_status()
        messages = response.json()["ocs"]["data"]
        for message in messages:
            handle.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n")
        last = int(response.headers["X-Chat-Last-Given"])
        if len(messages) < 200:
            break
