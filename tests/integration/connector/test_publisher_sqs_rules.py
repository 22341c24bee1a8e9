"""SQS's character rules on a server that enforces them (LocalStack; moto does not): a message with
U+FFFF or U+FFFE in its text is published and ingested like any other, and a body the queue refuses
is classified as refused (not retried forever as if SQS were down)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.bootstrap import make_pool
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.envelope import parse_event
from deeplens.domain.errors import RefusedMessage
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once
from deeplens.services.ingest import IngestDeps
from deeplens.settings import S3Settings
from deeplens_connector.publish.publisher import Publisher, PublisherConfig
from deeplens_connector.publish.spool import Spool

from tests import factories as f
from tests.integration.conftest import _queue_factory
from tests.integration.services.test_ingest_archive import rows
from tests.support import settings_from

HOSTILE = ("U+FFFF here: \uffff", "U+FFFE here: \ufffe", "controls \x01\x02\x1b and \u2028")


@pytest.fixture
def localstack(stack_envs: dict[str, dict[str, str]]) -> dict[str, str]:
    return stack_envs["localstack"]


def test_queue_refusal_of_a_body_is_not_taken_for_an_outage(localstack: dict[str, str]) -> None:
    queue, _ = _queue_factory(localstack)()
    with pytest.raises(RefusedMessage, match="InvalidMessageContents"):
        queue.send('{"text":"\uffff"}')


def test_messages_with_characters_sqs_refuses_are_published_and_ingested(
    localstack: dict[str, str], tmp_path: Path, database_url: str
) -> None:
    queue, dlq = _queue_factory(localstack)()
    s3 = settings_from(S3Settings, localstack)
    store = ObjectStore(make_s3_client(s3), s3.events_bucket)
    config = PublisherConfig(session=f.SESSION, max_events=100, max_wait_s=0.05, retry_max_s=0.5)
    publisher = Publisher(config, Spool(tmp_path / "spool", 10**8), store, queue).start()
    for n, text in enumerate([*HOSTILE, "plain text after them"]):
        publisher.submit(parse_event(f.message(f.PN, f"3EB0{n:016X}", f.PN, f.T0 + n, text)))
    assert publisher.close(timeout_s=30)
    assert publisher.published_batches >= 1 and not (tmp_path / "spool" / "dead").exists()
    deps = IngestDeps(make_pool(database_url), store, TrackingPolicy(track_groups=True, track_private=True))

    def invoke(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        return handler(event, context, deps)

    while poll_once(queue, invoke, LocalContext(), region="us-east-1", wait_s=1).received:
        pass
    stored = rows(database_url, "SELECT text_body FROM messages ORDER BY id")
    assert stored == [(text,) for text in [*HOSTILE, "plain text after them"]]
    assert dlq.receive(10) == []
    deps.pool.close()
