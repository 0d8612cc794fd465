"""HTML templates to PDF with WeasyPrint, A4, with a Chinese font embedded (Noto CJK, which
the project's set-up installs: `make run` and `make test`)."""

from __future__ import annotations

from flask import render_template
from weasyprint import HTML


def render_pdf(template: str, **context) -> bytes:
    """The template (under templates/documents/) as a PDF document."""
    return HTML(string=render_template(f"documents/{template}", **context)).write_pdf()
