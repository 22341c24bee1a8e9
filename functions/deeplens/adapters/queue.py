"""SQS: send, receive, delete, and move DLQ messages back (redrive) after a fix."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from deeplens.domain.errors import RefusedMessage, TransientError
from deeplens.settings import S3Settings, SqsEndpointSettings

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import (
        ChangeMessageVisibilityBatchRequestEntryTypeDef,
        MessageAttributeValueTypeDef,
    )

MAX_BATCH = 10  # SQS limit for SendMessageBatch / ReceiveMessage / DeleteMessageBatch
# Error codes (the last part, after any "AWS.SimpleQueueService." prefix) that refuse the message
# itself: retrying the same body cannot succeed.
_REFUSED_CODES = frozenset({"InvalidMessageContents", "MessageTooLong", "InvalidParameterValue"})


def make_sqs_client(settings: SqsEndpointSettings, region: S3Settings) -> SQSClient:
    access, secret = settings.sqs_access_key, settings.sqs_secret_key
    return boto3.client(
        "sqs",
        endpoint_url=str(settings.sqs_endpoint_url) if settings.sqs_endpoint_url else None,
        aws_access_key_id=access.get_secret_value() if access else None,
        aws_secret_access_key=secret.get_secret_value() if secret else None,
        region_name=region.aws_region,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=3, read_timeout=25),
    )


@dataclass(frozen=True)
class Received:
    """One SQS message as the Lambda SQS event needs it."""

    message_id: str
    receipt_handle: str
    body: str
    attributes: dict[str, str]
    md5_of_body: str


class Queue:
    def __init__(self, client: SQSClient, url: str) -> None:
        self._client = client
        self.url = url

    def send(self, body: str, attributes: dict[str, str] | None = None, *, group: str | None = None) -> str:
        """`group`: the tenant (the account) of the message. On a standard queue it is SQS's fair-queue
        tenant id: one account's burst (a history sync) does not hold back another's messages."""
        attrs: dict[str, MessageAttributeValueTypeDef] = {
            k: {"DataType": "String", "StringValue": v} for k, v in (attributes or {}).items()
        }
        try:
            if group:
                sent = self._client.send_message(
                    QueueUrl=self.url, MessageBody=body, MessageAttributes=attrs, MessageGroupId=group
                )
            else:
                sent = self._client.send_message(QueueUrl=self.url, MessageBody=body, MessageAttributes=attrs)
        except ClientError as error:
            if _refused(error):
                raise RefusedMessage(f"SQS refused the message: {error}") from error
            raise TransientError(f"SQS send failed: {error}") from error
        except BotoCoreError as error:
            raise TransientError(f"SQS send failed: {error}") from error
        return sent["MessageId"]

    def receive(self, max_messages: int = MAX_BATCH, wait_s: int = 0) -> list[Received]:
        try:
            answer = self._client.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=min(max_messages, MAX_BATCH),
                WaitTimeSeconds=wait_s,
                MessageSystemAttributeNames=["All"],
            )
        except (ClientError, BotoCoreError) as error:
            raise TransientError(f"SQS receive failed: {error}") from error
        return [_received(message) for message in answer.get("Messages", [])]

    def delete(self, receipt_handles: Iterable[str]) -> None:
        handles = list(receipt_handles)
        for start in range(0, len(handles), MAX_BATCH):
            chunk = handles[start : start + MAX_BATCH]
            entries = [{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(chunk)]
            answer = self._client.delete_message_batch(QueueUrl=self.url, Entries=entries)  # type: ignore[arg-type]
            if answer.get("Failed"):
                raise TransientError(f"SQS delete failed for {len(answer['Failed'])} messages")

    def move_all_to(self, target: Queue, limit: int = 100_000) -> int:
        """Redrive: copy every message to `target`, deleting each only once it was sent."""
        moved = 0
        while moved < limit:
            batch = self.receive(MAX_BATCH, wait_s=1)
            if not batch:
                return moved
            for message in batch:
                target.send(message.body, group=message.attributes.get("MessageGroupId"))
            self.delete(message.receipt_handle for message in batch)
            moved += len(batch)
        return moved


class RecordDelays:
    """Hides received records for a while (ChangeMessageVisibility): the backoff of a record that
    failed on a transient error. The queue is named by the record's ARN, as Lambda hands it over;
    the SQS client is built on first use (most invocations never need it)."""

    def __init__(self, make_client: Callable[[], SQSClient]) -> None:
        self._make_client = make_client
        self._client: SQSClient | None = None
        self._urls: dict[str, str] = {}

    def hide(self, queue_arn: str, delays: list[tuple[str, int]]) -> None:
        """(receipt handle, seconds) for each record; TransientError when SQS does not answer."""
        try:
            client = self._client = self._client or self._make_client()
            url = self._url(client, queue_arn)
            for start in range(0, len(delays), MAX_BATCH):
                entries: list[ChangeMessageVisibilityBatchRequestEntryTypeDef] = [
                    {"Id": str(n), "ReceiptHandle": handle, "VisibilityTimeout": seconds}
                    for n, (handle, seconds) in enumerate(delays[start : start + MAX_BATCH])
                ]
                client.change_message_visibility_batch(QueueUrl=url, Entries=entries)
        except (ClientError, BotoCoreError) as error:
            raise TransientError(f"SQS visibility change failed: {error}") from error

    def _url(self, client: SQSClient, queue_arn: str) -> str:
        if queue_arn not in self._urls:
            _, _, _, _, account, name = queue_arn.split(":", 5)
            self._urls[queue_arn] = client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)[
                "QueueUrl"
            ]
        return self._urls[queue_arn]


def _received(message: Any) -> Received:
    return Received(
        message_id=message["MessageId"],
        receipt_handle=message["ReceiptHandle"],
        body=message["Body"],
        attributes=dict(message.get("Attributes", {})),
        md5_of_body=message.get("MD5OfBody", ""),
    )


def _refused(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code.rsplit(".", 1)[-1] in _REFUSED_CODES
