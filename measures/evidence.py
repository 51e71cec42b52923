"""What an evidence upload is, judged from its content (never from its name), and how big it may be.

Accepted: PDF, PNG, JPEG, GIF, WebP and Office documents (the zip-based .docx/.xlsx/.pptx, which hold
``[Content_Types].xml``, and the older OLE2 .doc/.xls/.ppt). Anything else, an executable renamed
.pdf included, is refused. The limit is ``settings.MEASURES_EVIDENCE_MAX_BYTES`` (10 MiB by default).
Pure: reads the file object it is given, touches no database.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
HEAD_BYTES = 16

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str  # with the dot; the stored name ends with it


PDF = FileKind("application/pdf", ".pdf")
PNG = FileKind("image/png", ".png")
JPEG = FileKind("image/jpeg", ".jpg")
GIF = FileKind("image/gif", ".gif")
WEBP = FileKind("image/webp", ".webp")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx")
OLE_KINDS = {
    ".doc": FileKind("application/msword", ".doc"),
    ".xls": FileKind("application/vnd.ms-excel", ".xls"),
    ".ppt": FileKind("application/vnd.ms-powerpoint", ".ppt"),
}
#: An OLE2 file named otherwise: still an Office file, served as a download.
OLE_OTHER = FileKind("application/x-ole-storage", ".ole")


def max_bytes() -> int:
    return int(getattr(settings, "MEASURES_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _office_zip(fileobj: IO[bytes]) -> FileKind | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def sniff(fileobj: IO[bytes], name: str = "") -> FileKind | None:
    """The kind of an accepted file, read from its first bytes (and a zip's listing); None otherwise.

    ``name`` only tells an OLE2 .doc from an .xls or .ppt: the container alone does not say.
    """
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    kind: FileKind | None = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith((b"GIF87a", b"GIF89a")):
        kind = GIF
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = WEBP
    elif head.startswith(OLE_MAGIC):
        kind = OLE_KINDS.get(PurePath(name).suffix.lower(), OLE_OTHER)
    elif head.startswith(b"PK\x03\x04"):
        kind = _office_zip(fileobj)
        fileobj.seek(0)
    return kind


def check_upload(fileobj: IO[bytes], *, name: str, size: int) -> FileKind:
    """The upload's kind, or a ValidationError saying why it is refused (too big, or not accepted)."""
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = sniff(fileobj, name)
    if kind is None:
        raise ValidationError(
            _(
                "This kind of file is not accepted. Upload a PDF, an image (PNG, JPEG, GIF, WebP) "
                "or an Office document."
            ),
            code="file_type",
        )
    return kind
