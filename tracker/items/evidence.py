"""Evidence files of a report: which kinds and sizes are taken, and the row that keeps the
bytes in the database (every web host serves them; a rolled-back report leaves nothing)."""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from ..inputs import clean_filename
from ..models import EvidenceFile

EVIDENCE_TYPES = frozenset(
    "pdf png jpg jpeg gif webp doc docx xls xlsx ppt pptx odt ods odp txt csv zip".split()
)


def evidence_row(upload: FileStorage) -> tuple[EvidenceFile, str]:
    """The upload as a row, saved with the report in one transaction (nothing on disk)."""
    upload.stream.seek(0)
    content = upload.stream.read()
    digest = hashlib.sha256(content).hexdigest()
    return EvidenceFile(size=len(content), sha256=digest, content=content), evidence_name(upload)


def evidence_name(upload: FileStorage) -> str:
    """The name to offer on download (see `clean_filename`)."""
    return clean_filename(upload.filename, "evidence")


def check_evidence_file(upload: FileStorage, errors: dict[str, str]) -> None:
    name = evidence_name(upload)
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in EVIDENCE_TYPES:
        errors["evidence_file"] = _(
            "Files of this type cannot be attached. Allowed: %(types)s.",
            types=", ".join(sorted(EVIDENCE_TYPES)),
        )
        return
    upload.stream.seek(0, 2)
    size = upload.stream.tell()
    upload.stream.seek(0)
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    if size > limit:
        errors["evidence_file"] = _(
            "The file is %(size)s; the limit is %(limit)s.",
            size=human_size(size),
            limit=human_size(limit),
        )
    elif size == 0:
        errors["evidence_file"] = _("The file is empty.")


def human_size(size: int) -> str:
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
