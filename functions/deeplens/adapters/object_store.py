"""S3-compatible object store (MinIO, s3rver, LocalStack, AWS S3): path-style, SigV4."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from deeplens.domain.errors import ObjectNotFound, TransientError
from deeplens.domain.media import RangeNotSatisfiable, parse_content_range, stored_type
from deeplens.settings import S3Settings

if TYPE_CHECKING:
    from botocore.response import StreamingBody
    from mypy_boto3_s3 import S3Client

_NOT_FOUND = {"NoSuchKey", "404", "NotFound"}
_INVALID_RANGE = "InvalidRange"
CHUNK_SIZE = 64 * 1024


def make_s3_client(settings: S3Settings, endpoint_url: str | None = None) -> S3Client:
    """A client of the settings' endpoint, or of `endpoint_url` (e.g. the public endpoint that
    presigned URLs are signed for: creating a client opens no connection)."""
    access = settings.minio_access_key
    secret = settings.minio_secret_key
    endpoint = endpoint_url or settings.s3_endpoint_url
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=access.get_secret_value() if access else None,
        aws_secret_access_key=secret.get_secret_value() if secret else None,
        region_name=settings.aws_region,
        config=Config(
            # Path-style for a local server (its host name knows no buckets); AWS S3 virtual-hosted,
            # so presigned URLs (media, downloads, the import upload's POST) are on the bucket's own
            # host name, which the site's CSP (template.yaml, SiteHeadersPolicy) allows.
            s3={"addressing_style": "path" if endpoint else "virtual"},
            signature_version="s3v4",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=3,
            read_timeout=30,
        ),
    )


def preload_s3_client() -> None:
    """Load the S3 models into boto3's default session, which make_s3_client uses: parsing them is
    most of a client's creation (~200 ms), so a handler does it at import (in a SnapStart snapshot)
    and its first invocation builds the real client in ~20 ms. Explicit placeholder keys: no
    credential lookup, and creating a client opens no connection."""
    boto3.client("s3", region_name="us-east-1", aws_access_key_id="preload", aws_secret_access_key="preload")


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    etag: str


class ObjectStream:
    """An open GetObject body, read in chunks (never the whole object at once); `close` drops the
    connection to S3 (a client that went away stops the transfer there too)."""

    def __init__(
        self, body: StreamingBody, key: str, span: tuple[int, int, int] | None, length: int, etag: str
    ) -> None:
        self._body = body
        self.key = key
        self.ranged = span is not None  # S3 answered a range (206), even one covering every byte
        self.first, self.last, self.size = span or (0, length - 1, length)
        self.etag = etag

    @property
    def length(self) -> int:
        return max(0, self.last - self.first + 1)

    def read(self, size: int = CHUNK_SIZE) -> bytes:
        """The next at most `size` bytes; empty at the end."""
        with _translated(self.key):
            return self._body.read(size)

    def chunks(self, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        while data := self.read(chunk_size):
            yield data

    def close(self) -> None:
        self._body.close()


class ObjectStore:
    """One bucket. Driver errors become ObjectNotFound, RangeNotSatisfiable or TransientError.

    `presigner`, when given, is the client presigned URLs are signed with (its endpoint is the one
    browsers use); every request is made with `client`."""

    def __init__(self, client: S3Client, bucket: str, presigner: S3Client | None = None) -> None:
        self._client = client
        self._presigner = presigner or client
        self.bucket = bucket

    def put(self, key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None) -> str:
        """Store `body`; returns its sha256 (hex), also kept in the object's metadata."""
        digest = hashlib.sha256(body).hexdigest()
        with _translated(key):
            self._client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=stored_type(content_type),
                Metadata={**(metadata or {}), "sha256": digest},
            )
        return digest

    def get(self, key: str) -> bytes:
        with _translated(key):
            return self._client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def content_type(self, key: str) -> str:
        with _translated(key):
            return self._client.head_object(Bucket=self.bucket, Key=key)["ContentType"]

    def head(self, key: str) -> ObjectInfo:
        with _translated(key):
            reply = self._client.head_object(Bucket=self.bucket, Key=key)
        return ObjectInfo(reply["ContentLength"], reply.get("ETag", ""))

    def open(self, key: str, byte_range: str | None = None) -> ObjectStream:
        """GetObject, streamed; `byte_range` (`bytes=first-last` or `bytes=first-`) goes to S3 as
        it is. A range past the end raises RangeNotSatisfiable with the size when S3 names it."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if byte_range:
            params["Range"] = byte_range
        try:
            reply = self._client.get_object(**params)
        except ClientError as error:
            if _error_code(error) == _INVALID_RANGE:
                raise RangeNotSatisfiable(f"{byte_range} is outside {key}", _actual_size(error)) from error
            raise _domain_error(key, error) from error
        except BotoCoreError as error:
            raise _domain_error(key, error) from error
        span = parse_content_range(reply.get("ContentRange"))
        if span is not None and not span[0] <= span[1] < span[2]:  # s3rver: `bytes 0-0/0` when empty
            reply["Body"].close()
            raise RangeNotSatisfiable(f"{byte_range} is outside {key}", span[2])
        return ObjectStream(reply["Body"], key, span, reply["ContentLength"], reply.get("ETag", ""))

    def delete(self, key: str) -> None:
        with _translated(key):
            self._client.delete_object(Bucket=self.bucket, Key=key)

    def exists(self, key: str) -> bool:
        try:
            self.content_type(key)
        except ObjectNotFound:
            return False
        return True

    def presign_get(
        self,
        key: str,
        expires_s: int = 3600,
        *,
        content_type: str | None = None,
        disposition: str | None = None,
    ) -> str:
        """A GET URL signed for the presigner's endpoint; S3 answers it with `content_type` and
        `disposition` as Content-Type and Content-Disposition when they are given."""
        params = {"Bucket": self.bucket, "Key": key}
        if content_type:
            params["ResponseContentType"] = content_type
        if disposition:
            params["ResponseContentDisposition"] = disposition
        return self._presigner.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s)

    def keys(self, prefix: str, start_after: str = "") -> Iterator[str]:
        """Every key under `prefix`, in lexicographic order, after `start_after`."""
        return (key for key, _ in self.objects(prefix, start_after))

    def objects(self, prefix: str, start_after: str = "") -> Iterator[tuple[str, datetime]]:
        """(key, last modified) of every object under `prefix`, in key order.

        ListObjects (v1, Marker), not v2: s3rver 3.7.1 answers every truncated ListObjectsV2 with
        an InternalError, so a listing past 1,000 keys failed locally; AWS and LocalStack serve
        both alike (without a delimiter the next page starts after the last key)."""
        marker = start_after
        with _translated(prefix):
            while True:
                page = self._client.list_objects(Bucket=self.bucket, Prefix=prefix, Marker=marker)
                contents = page.get("Contents", [])
                for item in contents:
                    yield item["Key"], item["LastModified"]
                if not page.get("IsTruncated") or not contents:
                    return
                marker = page.get("NextMarker") or contents[-1]["Key"]


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _actual_size(error: ClientError) -> int | None:
    """The object size S3 (and s3rver, LocalStack) names in an InvalidRange error."""
    size = str(error.response.get("Error", {}).get("ActualObjectSize", ""))
    return int(size) if size.isdigit() else None


class _translated:
    """Context manager mapping botocore errors to the domain's errors."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _: object) -> None:
        if isinstance(error, ClientError | BotoCoreError):
            raise _domain_error(self.key, error) from error


def _domain_error(key: str, error: ClientError | BotoCoreError) -> Exception:
    if isinstance(error, BotoCoreError):
        return TransientError(f"S3 unreachable: {error}")
    code = _error_code(error)
    if code in _NOT_FOUND:
        return ObjectNotFound(key)
    return TransientError(f"S3 {code} on {key}")
