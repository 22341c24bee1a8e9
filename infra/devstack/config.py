"""Where the local stack lives and which ports it uses, per profile (run / test)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from deeplens.domain.retry import RetrySchedule

REPO_ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ("s3rver", "localstack")
# Private ports; the test profile is shifted so tests never touch a running user archive.
# Below 32768: Linux hands out 32768-60999 as ephemeral client ports, and a server cannot bind a
# port an outgoing connection happens to hold (seen here as a flaky "address already in use").
BASE_PORTS = {
    "postgres": 25432,
    "redis": 26379,
    "s3rver": 24568,
    "moto": 24566,
    "localstack": 24567,
    "api": 3000,
}
PROFILE_SHIFT = {"run": 0, "test": 100, "scratch": 200}  # scratch: stack lifecycle tests
MEDIA_BUCKET = "whatsapp-media"
EVENTS_BUCKET = "deeplens-events"
QUEUE_NAME = "deeplens-ingest"
DLQ_NAME = "deeplens-ingest-dlq"
REGION = "us-east-1"


def retry_schedule() -> RetrySchedule:
    """The ingest worker's retry schedule (INGEST_RETRY_*, as IngestSettings reads them): the local
    queue's maxReceiveCount covers its budget unless INGEST_MAX_RECEIVE_COUNT says otherwise."""
    defaults = RetrySchedule()
    values = []
    for name, default in (("BASE", defaults.base_s), ("MAX", defaults.max_s), ("BUDGET", defaults.budget_s)):
        raw = os.environ.get(f"INGEST_RETRY_{name}_SECONDS", str(default))
        if not raw.isdigit():
            raise StackConfigError(
                f"INGEST_RETRY_{name}_SECONDS: expected a whole number of seconds, got {raw!r}"
            )
        values.append(int(raw))
    return RetrySchedule(*values)


class StackConfigError(ValueError):
    """A devstack variable has a value the stack cannot use."""


@dataclass(frozen=True)
class StackConfig:
    profile: str
    data_dir: Path
    max_receive_count: int
    port_offset: int = 0

    @classmethod
    def load(cls, profile: str) -> StackConfig:
        if profile not in PROFILE_SHIFT:
            raise StackConfigError(f"profile must be one of {sorted(PROFILE_SHIFT)}, got {profile!r}")
        root = Path(os.environ.get("DEEPLENS_DATA_DIR", REPO_ROOT / ".data"))
        raw = os.environ.get("INGEST_MAX_RECEIVE_COUNT", str(retry_schedule().max_receive_count))
        if not raw.isdigit() or not 1 <= int(raw) <= 1000:
            raise StackConfigError(f"INGEST_MAX_RECEIVE_COUNT: expected an integer 1-1000, got {raw!r}")
        offset = os.environ.get("DEEPLENS_PORT_OFFSET", "0")
        if not offset.isdigit() or int(offset) > 5000:
            raise StackConfigError(f"DEEPLENS_PORT_OFFSET: expected an integer 0-5000, got {offset!r}")
        return cls(profile, root / profile, int(raw), int(offset))

    def port(self, service: str) -> int:
        """Private ports per profile; DEEPLENS_PORT_OFFSET moves a whole second checkout aside."""
        if service == "api":
            shift = 0 if self.profile == "run" else 5000 + PROFILE_SHIFT[self.profile]
            return BASE_PORTS["api"] + shift + self.port_offset
        return BASE_PORTS[service] + PROFILE_SHIFT[self.profile] + self.port_offset

    def dir(self, service: str) -> Path:
        path = self.data_dir / service
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def fsync(self) -> bool:
        # Test clusters trade durability for speed; the user's archive never does.
        return self.profile == "run"

    def secret(self, name: str) -> str:
        """A generated secret, created once per data folder and kept (mode 0600)."""
        path = self.dir("secrets") / name
        if not path.exists():
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        return path.read_text().strip()
