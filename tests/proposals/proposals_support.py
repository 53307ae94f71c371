"""Helpers for the shared-entry and proposal tests: lists to import, uploading, reading entries."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from support import csrf_token, page_token

HEADER = ["ID", "Country", "Family name", "Given name", "Title", "E-mail", "Role"]

__all__ = ["HEADER", "confirm_upload", "page_token", "upload", "write_list"]


def write_list(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    """A comma-separated list with `header` and `rows`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def upload(client, path: Path, network: str) -> int:
    """Upload a list through the import page; the run's id."""
    token = csrf_token(client, "/imports")
    response = client.post("/imports", data={
        "csrf_token": token, "network": network,
        "file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))


def confirm_upload(client, run_id: int) -> str:
    """Confirm a previewed import; the report page's text."""
    token = csrf_token(client, f"/imports/{run_id}")
    response = client.post(f"/imports/{run_id}/confirm", data={"csrf_token": token})
    assert response.status_code == 302
    return client.get(f"/imports/{run_id}").get_data(as_text=True)
