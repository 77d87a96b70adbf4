"""The floor for a Python client: import requests, send the request ``talkctl room list
--json`` sends, print the conversations the way it does. No error handling, no negotiation:
it assumes API v4 (the benchmark's server is Talk 22).

    TALKCTL_SERVER=... TALKCTL_USER=... TALKCTL_APP_PASSWORD=... python bare_requests.py
"""

import json
import os
import sys

import requests

response = requests.get(
    os.environ["TALKCTL_SERVER"] + "/ocs/v2.php/apps/spreed/api/v4/room",
    params={"noStatusUpdate": 1},
    headers={"OCS-APIRequest": "true", "Accept": "application/json"},
    auth=(os.environ["TALKCTL_USER"], os.environ["TALKCTL_APP_PASSWORD"]),
    timeout=30,
)
response.raise_for_status()
sys.stdout.write(json.dumps(response.json()["ocs"]["data"], ensure_ascii=False, indent=2) + "\n")
