"""S3-compatible object store (MinIO, s3rver, LocalStack, AWS S3): path-style, SigV4."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from deeplens.domain.errors import ObjectNotFound, TransientError
from deeplens.settings import S3Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_NOT_FOUND = {"NoSuchKey", "404", "NotFound"}


def make_s3_client(settings: S3Settings) -> S3Client:
    access = settings.minio_access_key
    secret = settings.minio_secret_key
    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        aws_access_key_id=access.get_secret_value() if access else None,
        aws_secret_access_key=secret.get_secret_value() if secret else None,
        region_name=settings.aws_region,
        config=Config(
            s3={"addressing_style": "path"},
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


class ObjectStore:
    """One bucket. Driver errors become ObjectNotFound or TransientError."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self.bucket = bucket

    def put(self, key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None) -> str:
        """Store `body`; returns its sha256 (hex), also kept in the object's metadata."""
        digest = hashlib.sha256(body).hexdigest()
        with _translated(key):
            self._client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                Metadata={**(metadata or {}), "sha256": digest},
            )
        return digest

    def get(self, key: str) -> bytes:
        with _translated(key):
            return self._client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def content_type(self, key: str) -> str:
        with _translated(key):
            return self._client.head_object(Bucket=self.bucket, Key=key)["ContentType"]

    def exists(self, key: str) -> bool:
        try:
            self.content_type(key)
        except ObjectNotFound:
            return False
        return True

    def presign_get(self, key: str, expires_s: int = 3600, download_name: str | None = None) -> str:
        params = {"Bucket": self.bucket, "Key": key}
        if download_name:
            params["ResponseContentDisposition"] = f'inline; filename="{download_name}"'
        return self._client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s)

    def keys(self, prefix: str, start_after: str = "") -> Iterator[str]:
        """Every key under `prefix`, in lexicographic order, after `start_after`."""
        return (key for key, _ in self.objects(prefix, start_after))

    def objects(self, prefix: str, start_after: str = "") -> Iterator[tuple[str, datetime]]:
        """(key, last modified) of every object under `prefix`, in key order."""
        paginator = self._client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=prefix, StartAfter=start_after)
        with _translated(prefix):
            for page in pages:
                for item in page.get("Contents", []):
                    yield item["Key"], item["LastModified"]


class _translated:
    """Context manager mapping botocore errors to the domain's errors."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _: object) -> None:
        if isinstance(error, ClientError):
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in _NOT_FOUND:
                raise ObjectNotFound(self.key) from error
            raise TransientError(f"S3 {code} on {self.key}") from error
        if isinstance(error, BotoCoreError):
            raise TransientError(f"S3 unreachable: {error}") from error
