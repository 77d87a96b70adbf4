"""What the command tree cannot say about itself: variables without an option, files, recipes.

The man page prints these; the README describes the same (a test checks that it names every
variable listed here and every ``TALKCTL_*`` variable the package reads).
"""

from __future__ import annotations

# variables that are not an option's envvar (those come from the tree with their help text)
EXTRA_ENVIRONMENT: dict[str, str] = {
    "TALKCTL_APP_PASSWORD": "The app password. Together with TALKCTL_SERVER and TALKCTL_USER "
    "it is a complete set of credentials that wins over every profile (a partial set is exit "
    "2). Prefer it to a stored secret in containers and CI.",
    "TALKCTL_APP_PASSWORD_FILE": "A file holding the app password (first line; it must not be "
    "readable by group or others), used like TALKCTL_APP_PASSWORD.",
    "TALKCTL_CONFIG_DIR": "Directory of config.toml and of file-stored secrets, instead of the "
    "platform's user config directory.",
    "TALKCTL_CACHE_DIR": "Directory of the per-account cache, instead of the platform's user "
    "cache directory.",
    "TALKCTL_RETRY_BACKOFF": "Seconds of the first wait before a retry (default 0.5; each "
    "further retry doubles it, up to 10 seconds, less a random jitter).",
    "TALKCTL_LOGIN_TIMEOUT": "Seconds 'auth login' waits for the browser login (default 1200).",
    "TALKCTL_LOGIN_POLL_INTERVAL": "Seconds between the polls of 'auth login' (default 2).",
    "TALKCTL_NO_BROWSER": "When set, 'auth login' never opens a browser; it prints the login "
    "address only (BROWSER chooses which browser is opened otherwise).",
    "NO_COLOR": "When set and not empty, no colour is printed.",
    "REQUESTS_CA_BUNDLE": "CA certificates file used when neither --ca-bundle nor "
    "TALKCTL_CA_BUNDLE is given (CURL_CA_BUNDLE likewise).",
}

# (path, what it holds); paths as on Linux, the platform's own directories elsewhere
FILES: list[tuple[str, str]] = [
    (
        "~/.config/talkctl/config.toml",
        "Profiles (server, login name, where the secret is kept) and the default profile. "
        "TOML, written atomically with mode 0600; never holds a secret. $XDG_CONFIG_HOME or "
        "TALKCTL_CONFIG_DIR move it; on macOS ~/Library/Application Support/talkctl/.",
    ),
    (
        "~/.config/talkctl/secrets/ACCOUNT.ID",
        "The app password of a profile logged in with 'auth login --store file' (mode 0600; "
        "refused when group or others can read it; only a regular file is read); ID is the "
        "profile's secret_id. Otherwise secrets live in the system keyring, service "
        "'talkctl'.",
    ),
    (
        "~/.cache/talkctl/ACCOUNT/capabilities.json",
        "The server's Talk capabilities, refreshed when the server's X-Nextcloud-Talk-Hash "
        "changes or after a day. $XDG_CACHE_HOME or TALKCTL_CACHE_DIR move it; on macOS "
        "~/Library/Caches/talkctl/.",
    ),
    (
        "~/.cache/talkctl/ACCOUNT/rooms.json",
        "Token, name and type of your conversations as the last 'room list' saw them (mode "
        "0600: public tokens are guest links). Lets a command use a token directly and feeds "
        "shell completion of conversation names.",
    ),
]

# (what it does, the command line)
EXAMPLES: list[tuple[str, str]] = [
    ("Log in once (opens a browser):", "talkctl auth login https://cloud.example.com"),
    (
        "List your conversations as JSON and pick the tokens:",
        "talkctl room list --json | jq -r '.[].token'",
    ),
    (
        "Create a group conversation and invite a group:",
        'talkctl room create "Team chat" --invite staff --source groups',
    ),
    (
        "Preview, then delete group conversations inactive for 90 days, from cron:",
        "talkctl room list --inactive 90d --type group --json | talkctl room delete --stdin "
        "--dry-run",
    ),
    (
        "",
        "talkctl room list --inactive 90d --type group --json | talkctl room delete --stdin --yes",
    ),
    (
        "Set a password from a secret manager without putting it in argv:",
        'pass show talk/team | talkctl room password "Team chat" --password-stdin',
    ),
    (
        "Run with credentials from the environment (no stored profile):",
        "TALKCTL_SERVER=https://cloud.example.com TALKCTL_USER=bot "
        "TALKCTL_APP_PASSWORD_FILE=~/.talk-bot talkctl room list",
    ),
]
