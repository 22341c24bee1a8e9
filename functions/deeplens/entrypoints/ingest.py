"""Lambda handler for the SQS ingest queue (ReportBatchItemFailures).

One SQS record = one batch of envelopes. A poison record fails alone (and reaches the DLQ after
maxReceiveCount); a transient failure (database down) fails the whole invocation so SQS
redelivers everything that was not committed."""

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

    def record_handler(record: SQSRecord) -> None:
        _handle_record(record, resolved)

    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    transient = [info[1] for info in processor.exceptions if isinstance(info[1], TransientError)]
    if transient:
        logger.error(
            "batch failed on a transient error; SQS will redeliver it", extra={"error": str(transient[0])}
        )
        raise transient[0]
    return response


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
            extra={"message_id": record.message_id, "reason": str(error), "receives": receives},
        )
        _keep_reason(deps, record.message_id, error, receives)
        raise
    logger.info(
        "batch ingested" if result.applied else "batch already applied",
        extra={"message_id": record.message_id, "batch_key": result.batch_key, "events": result.events},
    )
