"""talkctl: manage Nextcloud Talk conversations from the terminal, scripts and cron."""

__version__ = "0.1.0"
