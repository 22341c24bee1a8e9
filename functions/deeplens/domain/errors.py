"""The one error hierarchy of the project. Adapters translate driver errors into these."""


class DeepLensError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigurationError(DeepLensError):
    """A setting is missing or malformed; the message names the variable."""


class MigrationError(DeepLensError):
    """The migrations on disk and in the database disagree."""


class TransientError(DeepLensError):
    """A dependency is unreachable or overloaded; the same work may succeed when retried."""


class ObjectNotFound(DeepLensError):
    """No object under that key in the bucket."""
