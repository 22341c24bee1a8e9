"""Exit codes of the connector process, read by the parent watcher (`python -m deeplens_connector`)
and by whatever runs the container."""

OK = 0
FAILED = 1  # unexpected: the watcher stops (a crash loop helps nobody)
REPLACED = 3  # StreamReplaced: another client uses this WhatsApp session
OUTDATED = 4  # ClientOutdated (405): upgrade neonize
SESSION_BUSY = 5  # another connector holds this session's advisory lock / spool
RESTART = 75  # EX_TEMPFAIL: neonize cannot recover in-process (offline, logged out, QR timeout)
CONFIG = 78  # EX_CONFIG: a bad setting (the log line names the variable)

RESTARTABLE = frozenset({RESTART})
