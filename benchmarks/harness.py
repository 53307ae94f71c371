"""What the benchmarks share: a throw-away instance, a real gunicorn server, timed requests.

Everything runs on this machine against 127.0.0.1 only, with bounded request loops.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pyotp

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "benchmark password 2026"


def compile_bytecode() -> None:
    """Compile the project's modules once, as pip does when it installs the wheel: in an
    editable checkout run with PYTHONDONTWRITEBYTECODE, every command would otherwise compile
    them again (half a second of each command's start-up, which no deployment pays)."""
    import compileall

    for package in ("directory", "index", "imports"):
        compileall.compile_dir(ROOT / package, quiet=1)


compile_bytecode()


class Instance:
    """A temporary Counterpart installation: its own SQLite database and index."""

    def __init__(self, database_url: str | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix="counterpart-bench-"))
        self.env = {
            **os.environ,
            "COUNTERPART_DATABASE_URL": (database_url
                                         or f"sqlite:///{self.folder / 'bench.sqlite3'}"),
            "COUNTERPART_INDEX_DIR": str(self.folder / "index"),
            "COUNTERPART_SECRET_KEY": "benchmark-secret",
        }

    def cli(self, *args: str, stdin: str | None = None) -> tuple[float, str]:
        started = time.perf_counter()
        done = subprocess.run([str(BIN / "counterpart"), *args], env=self.env, input=stdin,
                              capture_output=True, text=True, cwd=ROOT, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"counterpart {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return elapsed, done.stdout

    def admin(self, email: str = "bench@counterpart.example") -> str:
        self.cli("create-user", email, "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
        return email

    @classmethod
    @contextmanager
    def fresh(cls, postgres_url: str | None = None):
        """An instance on SQLite, or in a new schema of that PostgreSQL database, removed after."""
        import psycopg

        instance = cls()
        name = f"bench_{os.getpid()}_{int(time.time())}"
        if postgres_url:
            with psycopg.connect(postgres_url, autocommit=True) as connection:
                connection.execute(f'CREATE SCHEMA "{name}"')
            separator = "&" if "?" in postgres_url else "?"
            instance.env["COUNTERPART_DATABASE_URL"] = (
                f"{postgres_url}{separator}options=-csearch_path%3D{name}")
        try:
            yield instance
        finally:
            if postgres_url:
                with psycopg.connect(postgres_url, autocommit=True) as connection:
                    connection.execute(f'DROP SCHEMA "{name}" CASCADE')
            shutil.rmtree(instance.folder, ignore_errors=True)

    @contextmanager
    def server(self, workers: int = 2, threads: int = 1, log: Path | None = None,
               app: str = "wsgi:app"):
        """gunicorn on 127.0.0.1; its output to `log` when given, else to ours."""
        port = _free_port()
        output = open(log, "w") if log else None  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120",
             app],
            env=self.env, cwd=ROOT, stdout=output, stderr=output and subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/login", timeout=1)
                    break
                except OSError:  # refused, reset, or timed out while the workers boot
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)
            if output:
                output.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# E-mail -> [TOTP secret, last step used], as an authenticator app would hold them.
_SECRETS: dict[str, list] = {}
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _code(email: str) -> str:
    secret, last = _SECRETS[email]
    step = max(int(time.time() // 30), last + 1)
    while step > int(time.time() // 30) + 1:  # both usable steps used: wait for the clock
        time.sleep(1)
    _SECRETS[email][1] = step
    return pyotp.TOTP(secret).generate_otp(step)


class Browser:
    """An HTTP client with its own cookie jar, signed in when given an e-mail: the password,
    then the second factor (enrolling the first time, as an admin must)."""

    def __init__(self, base: str, email: str | None = None, password: str = PASSWORD):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        if email is None:
            return
        where, page = self.post("/login", {"email": email, "password": password})
        if where.endswith("/login/code"):
            where, page = self.post("/login/code", {"code": _code(email)})
        if where.endswith("/account/two-factor"):
            uri = unescape(re.search(r"otpauth://[^<\s\"]+", page).group(0))
            _SECRETS[email] = [urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)
                               ["secret"][0], -1]
            self.post("/account/two-factor", {"code": _code(email)})

    def post(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        """Send a form with the page's CSRF token; where the answer ended, and its page."""
        token = _TOKEN.search(self.get(path)).group(1)
        data = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        with self.opener.open(self.base + path, data=data, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def timed(self, path: str) -> float:
        started = time.perf_counter()
        self.get(path)
        return (time.perf_counter() - started) * 1000


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    return {"p50": statistics.median(ordered), "p95": at(0.95), "p99": at(0.99),
            "n": len(ordered)}


def report(label: str, samples_ms: list[float]) -> dict[str, float]:
    figures = percentiles(samples_ms)
    print(f"{label:<44} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms   "
          f"p99 {figures['p99']:7.1f} ms   (n={figures['n']})", flush=True)
    return figures
