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
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "benchmark password 2026"


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
    def server(self, workers: int = 2, threads: int = 1, log: Path | None = None):
        """gunicorn on 127.0.0.1; its output to `log` when given, else to ours."""
        port = _free_port()
        output = open(log, "w") if log else None  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120",
             "wsgi:app"],
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


class Browser:
    """An HTTP client with its own cookie jar, signed in when given an e-mail."""

    def __init__(self, base: str, email: str | None = None, password: str = PASSWORD):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        if email is None:
            return
        page = self.get("/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"email": email, "password": password,
                                       "csrf_token": token}).encode()
        self.opener.open(self.base + "/login", data=data, timeout=30).read()

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
