"""Debian's nginx in front of local_api exactly as infra/proxy/deeplens.nginx.conf says, for a test:
a self-signed certificate made here, the test's own ports, prefix, pid file and logs (the system's
nginx, running or not, is never touched), one process run as the test's user."""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import http.client
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.e2e.stack import ROOT, free_port, stop

NGINX = Path("/usr/sbin/nginx")
SITE_CONFIG = ROOT / "infra" / "proxy" / "deeplens.nginx.conf"
PUBLIC_NAME = "archive.deeplens.test"  # .test: reserved, never resolves outside this machine


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    spki_sha256: str  # base64, what Chromium's --ignore-certificate-errors-spki-list takes


@dataclass(frozen=True)
class Proxy:
    origin: str  # https://PUBLIC_NAME:port, what the browser types
    https_port: int
    http_port: int
    certificate: Certificate
    error_log: Path

    def connect(self, *, tls: bool = True) -> http.client.HTTPConnection:
        """A connection to the proxy as a client that resolves PUBLIC_NAME to 127.0.0.1 and
        trusts only the test's certificate."""
        if not tls:
            return _Pinned(PUBLIC_NAME, self.http_port, timeout=10)
        context = ssl.create_default_context(cafile=str(self.certificate.cert))
        return _PinnedTls(PUBLIC_NAME, self.https_port, context=context, timeout=10)


class _Pinned(http.client.HTTPConnection):
    """HTTP to PUBLIC_NAME (the Host header) at 127.0.0.1 (no DNS)."""

    def connect(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)


class _PinnedTls(http.client.HTTPSConnection):
    """HTTPS to PUBLIC_NAME (SNI, Host, certificate check) at 127.0.0.1 (no DNS)."""

    def __init__(self, host: str, port: int, *, context: ssl.SSLContext, timeout: float) -> None:
        super().__init__(host, port, context=context, timeout=timeout)
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def make_certificate(folder: Path, name: str = PUBLIC_NAME) -> Certificate:
    """A self-signed P-256 certificate for `name` (subjectAltName), valid for a week."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return Certificate(cert_path, key_path, base64.b64encode(hashlib.sha256(spki).digest()).decode())


def render_site(template: str, *, app_port: int, proxy: Proxy, acme_root: Path) -> str:
    """The shipped site config with the test's values in place of its examples (each must be there:
    a changed config fails here, not silently later)."""
    certificate = proxy.certificate
    replacements = {
        "server 127.0.0.1:3000;": f"server 127.0.0.1:{app_port};",
        "listen 80;": f"listen 127.0.0.1:{proxy.http_port};",
        "listen [::]:80;\n": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{proxy.https_port} ssl http2;",
        "listen [::]:443 ssl http2;\n": "",
        "server_name archive.example.org;": f"server_name {PUBLIC_NAME};",
        "/etc/letsencrypt/live/archive.example.org/fullchain.pem": str(certificate.cert),
        "/etc/letsencrypt/live/archive.example.org/privkey.pem": str(certificate.key),
        "root /var/www/html;": f"root {acme_root};",
    }
    for example, value in replacements.items():
        if example not in template:
            raise AssertionError(f"{SITE_CONFIG.name} no longer holds {example!r}")
        template = template.replace(example, value)
    return template


def main_config(prefix: Path, site: Path) -> str:
    """The nginx.conf around the site: everything under `prefix`, one process (no user switch)."""
    return f"""master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {site};
}}
"""


@contextlib.contextmanager
def run_nginx(prefix: Path, app_port: int) -> Iterator[Proxy]:
    """nginx -c <prefix>/nginx.conf -p <prefix> -g 'daemon off;' until the block ends."""
    (prefix / "tmp").mkdir(parents=True)
    https_port, http_port = free_port(), free_port()
    proxy = Proxy(
        f"https://{PUBLIC_NAME}:{https_port}",
        https_port,
        http_port,
        make_certificate(prefix),
        prefix / "error.log",
    )
    site = prefix / "deeplens.conf"
    site.write_text(render_site(SITE_CONFIG.read_text(), app_port=app_port, proxy=proxy, acme_root=prefix))
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix, site))
    command = [str(NGINX), "-e", str(proxy.error_log), "-p", str(prefix), "-c", str(conf)]
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        _wait_listening(proxy, process)
        yield proxy
    finally:
        stop(process)


def _wait_listening(proxy: Proxy, process: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx exited with {process.returncode}: {proxy.error_log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", proxy.https_port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("nginx did not listen in time")
