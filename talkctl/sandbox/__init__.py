"""A stateful fake Nextcloud + Talk ("spreed") server for talkctl's tests.

    from talkctl.sandbox import FakeTalkServer
    with FakeTalkServer(talk="22") as srv:      # profiles: 8 9 10 11 18 19 20 21 22
        requests.get(srv.url + "/ocs/v2.php/apps/spreed/api/v4/room",
                     auth=("alice", srv.password_of("alice")),
                     headers={"Accept": "application/json"})

Users admin, alice, bob (password "<user>-password"); groups "admin" {admin} and
"staff" {admin, alice, bob}; ``add_team`` and ``add_subadmin`` add teams (circles) and group
sub-admins.  Besides Talk it answers the provisioning API for users and groups
(handlers_provisioning.py) and creates with settings and participants in one request
(handlers_create_all.py).  Who is in a conversation through which group, and who is in a
one-to-one when, follow Talk's own rules (membership.py); the password policy and the name
limits are in limits.py.  Answers follow the recorded Talk 22 answers in
talkctl/sandbox/recordings/ and the Talk docs for older profiles.  Only the standard
library is used.
"""

from .handler import RequestRecord
from .profiles import PROFILES, Profile
from .server import FakeTalkServer
from .state import seed_new_states

__all__ = ["PROFILES", "FakeTalkServer", "Profile", "RequestRecord", "seed_new_states"]
