"""The one error hierarchy of the project. Adapters translate driver errors into these."""


class DeepLensError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigurationError(DeepLensError):
    """A setting is missing or malformed; the message names the variable."""


class MigrationError(DeepLensError):
    """The migrations on disk and in the database disagree."""


class TransientError(DeepLensError):
    """A dependency is unreachable or overloaded; the same work may succeed when retried."""


class RefusedMessage(DeepLensError):
    """The queue refused a message as invalid (characters, size): sending the same body again
    fails the same way, so the sender must change it or set it aside, never retry it forever."""


class ObjectNotFound(DeepLensError):
    """No object under that key in the bucket."""


class PoisonRecord(DeepLensError):
    """A queue record that can never be applied as it is: it fails alone and ends in the DLQ."""

    def __init__(self, reason: str, session: str | None = None, batch_key: str | None = None) -> None:
        # the reason names the account (the DLQ keeps only the body; the log and ingest_rejections this)
        super().__init__(f"account {session}: {reason}" if session else reason)
        self.session = session
        self.batch_key = batch_key


class InvalidEnvelope(DeepLensError):
    """An event, batch or queue message breaks the envelope contract; the message names the field.

    Poison, not transient: retrying the same bytes fails the same way, so ingest sends it to the DLQ.
    """


class InvalidJid(InvalidEnvelope):
    """A string is not a WhatsApp JID."""


class UnsupportedVersion(InvalidEnvelope):
    """The envelope's `v` is not a version this code understands."""


class ApiError(DeepLensError):
    """A request the API refuses; `code` is stable for clients, `field` names the bad input."""

    code = "error"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ApiError):
    code = "not_found"


class Unauthorized(ApiError):
    code = "unauthorized"


class InvalidRequest(ApiError):
    code = "invalid_request"


class Conflict(ApiError):
    """The request is well-formed but the current state refuses it (e.g. pairing a linked account)."""

    code = "conflict"


class Forbidden(ApiError):
    """Known credentials that may not do this (a token limited to other accounts)."""

    code = "forbidden"


class RateLimited(ApiError):
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class InvalidExport(DeepLensError):
    """A file offered for import is not a WhatsApp chat export that can be read whole (not one,
    truncated, hostile, too large, undecodable); the message names the line or zip entry."""
