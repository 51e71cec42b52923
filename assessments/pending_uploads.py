"""A previewed upload waiting for its confirm: stored, read back unchanged, forgotten.

Import pages (measures, ITAS results) preview a file first and import it on confirm. The file waits
in the default storage under ``imports/pending/<random token>`` (never served: only the import views
read it), so whichever server instance answers the confirm finds it; the token and the file's SHA-256
go into the session, so what is confirmed is exactly the file that was previewed. A preview never
confirmed is removed by the daily sweep (``measures.jobs.sweep_stale_imports``).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PENDING_DIR = "imports/pending"


def pending_name(token: str) -> str:
    """Where the previewed upload of ``token`` waits."""
    return f"{PENDING_DIR}/{token}"


def pending_store(data: bytes) -> dict[str, str]:
    """Store an upload; returns what the session keeps of it (token and SHA-256)."""
    token = secrets.token_hex(16)
    default_storage.save(pending_name(token), ContentFile(data))
    return {"token": token, "sha256": hashlib.sha256(data).hexdigest()}


def _token(pending: Any) -> str | None:
    token = str(pending.get("token", "")) if isinstance(pending, dict) else ""
    return token if token.isalnum() else None


def pending_load(pending: Any) -> bytes | None:
    """The stored upload a session entry names, if it is still there and unchanged."""
    token = _token(pending)
    if token is None:
        return None
    try:
        with default_storage.open(pending_name(token), "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != pending.get("sha256"):
        return None
    return data


def pending_delete(pending: Any) -> None:
    """Remove the stored upload a session entry names (nothing if it names none)."""
    token = _token(pending)
    if token is not None:
        default_storage.delete(pending_name(token))
