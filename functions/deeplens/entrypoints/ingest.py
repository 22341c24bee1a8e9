"""Lambda handler for the SQS ingest queue (ReportBatchItemFailures).

One SQS record = one batch of envelopes. A poison record fails alone, shown again at once so it
reaches the DLQ after maxReceiveCount receives with its reason kept. A transient failure (database
down) stops the invocation at that record: it and every record after it are reported failed without
being tried (each would wait for the pool's timeout), and each is hidden for the retry schedule's
delay for its receive count, so an outage shorter than INGEST_RETRY_BUDGET_SECONDS never sends a
good batch to the DLQ. Records applied before the outage are done."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from deeplens.bootstrap import ingest_deps, preload
from deeplens.domain.errors import PoisonRecord, TransientError
from deeplens.services.ingest import IngestDeps, ingest_record, record_rejection

logger = Logger(service="deeplens-ingest")
preload()  # at init (a SnapStart snapshot holds it): the first invocation's S3 client is cheap


def handler(
    event: dict[str, Any], context: LambdaContext, deps: IngestDeps | None = None
) -> PartialItemFailureResponse:
    resolved = deps or ingest_deps()
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    outage: list[TransientError] = []

    def record_handler(record: SQSRecord) -> None:
        if outage:  # the database is down: the rest of the batch would only wait for it
            raise TransientError(f"not tried: {outage[0]}")
        try:
            _handle_record(record, resolved)
        except TransientError as error:
            outage.append(error)
            raise

    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    if outage:
        logger.error(
            "transient error; the rest of the batch is retried later", extra={"error": str(outage[0])}
        )
    _back_off(event, response, resolved, transient=bool(outage))
    return response


def _back_off(
    event: dict[str, Any], response: PartialItemFailureResponse, deps: IngestDeps, *, transient: bool
) -> None:
    """Failed records: hidden for the schedule's delay when the database was down, shown again at
    once when they are poison (so they reach the DLQ without waiting out the visibility timeout)."""
    failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
    if not failed or deps.delays is None:
        return
    by_queue: dict[str, list[tuple[str, int]]] = {}
    for record in event["Records"]:
        if record["messageId"] in failed:
            receives = int(record.get("attributes", {}).get("ApproximateReceiveCount", 1))
            delay = deps.retry.delay(receives) if transient else 0
            by_queue.setdefault(record["eventSourceARN"], []).append((record["receiptHandle"], delay))
    for queue_arn, delays in by_queue.items():
        try:
            deps.delays.hide(queue_arn, delays)
        except TransientError as error:  # the records come back after the queue's own timeout
            logger.warning("could not delay the failed records", extra={"error": str(error)})


def _keep_reason(deps: IngestDeps, message_id: str, error: PoisonRecord, receives: int) -> None:
    try:
        record_rejection(deps.pool, message_id, error, receives)
    except Exception as failure:  # best effort: the log line above already has the reason
        logger.warning("could not record the rejection", extra={"error": str(failure)})


def _handle_record(record: SQSRecord, deps: IngestDeps) -> None:
    try:
        result = ingest_record(record.body, deps)
    except PoisonRecord as error:
        receives = int(record.attributes.approximate_receive_count or 0)
        logger.error(
            "poison record",
            extra={
                "message_id": record.message_id,
                "account": error.session,
                "reason": str(error),
                "receives": receives,
            },
        )
        _keep_reason(deps, record.message_id, error, receives)
        raise
    logger.info(
        "batch ingested" if result.applied else "batch already applied",
        extra={"message_id": record.message_id, "batch_key": result.batch_key, "events": result.events},
    )
