"""Files the browser uploads for import, under `uploads/` of the media bucket: a presigned POST
(the browser sends the file to the bucket itself) or a multipart upload the API feeds part by part
(a streamed PUT through the API), and the object read back in chunks into a local file."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from deeplens.adapters.object_store import ObjectInfo, ObjectStore
from deeplens.domain.errors import TransientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PART_SIZE = 8 * 1024 * 1024  # S3 wants >= 5 MiB for every part but the last
READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]


@dataclass
class MultipartUpload:
    """One object written part by part; `abort` leaves nothing behind."""

    client: S3Client
    bucket: str
    key: str
    upload_id: str
    parts: list[dict[str, Any]] = field(default_factory=list)

    def part(self, body: bytes) -> None:
        number = len(self.parts) + 1
        with _translated(self.key):
            reply = self.client.upload_part(
                Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=body
            )
        self.parts.append({"PartNumber": number, "ETag": reply["ETag"]})

    def complete(self) -> None:
        with _translated(self.key):
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=self.key, UploadId=self.upload_id,
                MultipartUpload={"Parts": self.parts},  # type: ignore[typeddict-item]
            )  # fmt: skip

    def abort(self) -> None:
        with contextlib.suppress(ClientError, BotoCoreError):  # a lifecycle rule removes what is left
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id)


class UploadStore:
    """Uploads under one bucket; `presigner` signs for the endpoint browsers reach (redirect mode)."""

    def __init__(self, client: S3Client, bucket: str, presigner: S3Client | None = None) -> None:
        self._client = client
        self._presigner = presigner or client
        self._objects = ObjectStore(client, bucket)
        self.bucket = bucket

    def presigned_post(self, key: str, max_bytes: int, expires_s: int) -> PresignedPost:
        """A form upload of exactly `key`, at most `max_bytes` (the policy refuses a larger file)."""
        signed = self._presigner.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Conditions=[["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_s,
        )
        return PresignedPost(str(signed["url"]), {str(k): str(v) for k, v in signed["fields"].items()})

    def start(self, key: str, content_type: str) -> MultipartUpload:
        with _translated(key):
            reply = self._client.create_multipart_upload(
                Bucket=self.bucket, Key=key, ContentType=content_type
            )
        return MultipartUpload(self._client, self.bucket, key, reply["UploadId"])

    def put_small(self, key: str, body: bytes, content_type: str) -> None:
        """A file smaller than one part, in one request."""
        with _translated(key):
            self._client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)

    def head(self, key: str) -> ObjectInfo:
        return self._objects.head(key)

    def download(self, key: str, out: IO[bytes]) -> int:
        """The object copied into `out` in 1 MiB chunks; returns its size."""
        stream = self._objects.open(key)
        size = 0
        try:
            for chunk in stream.chunks(READ_CHUNK):
                out.write(chunk)
                size += len(chunk)
        finally:
            stream.close()
        return size

    def delete(self, key: str) -> None:
        self._objects.delete(key)


class _translated:
    def __init__(self, key: str) -> None:
        self.key = key

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _: object) -> None:
        if isinstance(error, ClientError | BotoCoreError):
            raise TransientError(f"S3 upload of {self.key} failed: {error}") from error
