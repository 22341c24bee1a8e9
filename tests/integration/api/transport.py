"""The same HTTP requests two ways: over a socket to uvicorn, and as API Gateway HTTP API (payload
v2) events through the Mangum handler, so every route test runs against both."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
import uvicorn
from fastapi import FastAPI
from mangum import Mangum


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    set_cookies: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.body)


class Transport(Protocol):
    def send(
        self, method: str, path: str, params: dict[str, Any], body: bytes | None, headers: dict[str, str]
    ) -> Reply: ...


class UvicornTransport:
    """A real uvicorn server on a free port, in a thread."""

    def __init__(self, app: FastAPI) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False, timeout=10)

    def send(
        self, method: str, path: str, params: dict[str, Any], body: bytes | None, headers: dict[str, str]
    ) -> Reply:
        response = self.http.request(method, path, params=params, content=body, headers=headers)
        cookies = response.headers.get_list("set-cookie")
        return Reply(response.status_code, dict(response.headers), response.content, cookies)

    def close(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)


class LambdaTransport:
    """API Gateway HTTP API v2 events, as AWS sends them, into the Lambda handler."""

    def __init__(self, handler: Mangum) -> None:
        self.handler = handler
        self.source_ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"

    def send(
        self, method: str, path: str, params: dict[str, Any], body: bytes | None, headers: dict[str, str]
    ) -> Reply:
        event = v2_event(method, path, params, body, headers, source_ip=self.source_ip)
        result = self.handler(event, _Context())
        raw = result.get("body") or ""
        data = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
        lowered = {key.lower(): value for key, value in result.get("headers", {}).items()}
        return Reply(result["statusCode"], lowered, data, list(result.get("cookies", [])))

    def close(self) -> None:
        return None


def v2_event(
    method: str,
    path: str,
    params: dict[str, Any],
    body: bytes | None,
    headers: dict[str, str],
    *,
    source_ip: str = "198.51.100.7",
) -> dict[str, Any]:
    lowered = {key.lower(): value for key, value in headers.items()}
    cookies = [part.strip() for part in lowered.pop("cookie", "").split(";") if part.strip()]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": urlencode(params),
        "headers": {"host": "api.example.com", "user-agent": "tests", **lowered},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.com",
            "http": {
                "method": method, "path": path, "protocol": "HTTP/1.1",
                "sourceIp": source_ip, "userAgent": "tests",
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": "$default",
            "stage": "$default",
            "time": "24/Nov/2025:12:00:00 +0000",
            "timeEpoch": 1764000000000,
        },
        "isBase64Encoded": body is not None,
    }  # fmt: skip
    if cookies:
        event["cookies"] = cookies
    if params:
        event["queryStringParameters"] = {key: str(value) for key, value in params.items()}
    if body is not None:
        event["body"] = base64.b64encode(body).decode()
    return event


@dataclass
class _Context:
    function_name: str = "deeplens-api"
    aws_request_id: str = "test"


class ApiClient:
    """Requests with optional credentials; `login` keeps the session cookie for later requests."""

    def __init__(self, transport: Transport, name: str) -> None:
        self.transport = transport
        self.name = name
        self.cookie: str | None = None
        self.bearer: str | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        anonymous: bool = False,
    ) -> Reply:
        sent = dict(headers or {})
        body = None if json_body is None else json.dumps(json_body).encode()
        if body is not None:
            sent["content-type"] = "application/json"
        if not anonymous and self.cookie:
            sent["cookie"] = self.cookie
        if not anonymous and self.bearer:
            sent["authorization"] = f"Bearer {self.bearer}"
        return self.transport.send(
            method, path, {k: v for k, v in (params or {}).items() if v is not None}, body, sent
        )

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def login(self, password: str) -> Reply:
        reply = self.request("POST", "/api/auth/login", json_body={"password": password}, anonymous=True)
        for cookie in reply.set_cookies:
            if cookie.startswith("dl_session="):
                self.cookie = cookie.split(";", 1)[0]
        return reply
