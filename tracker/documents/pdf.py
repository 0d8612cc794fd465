"""HTML templates to PDF with WeasyPrint, A4, with a Chinese font embedded (Noto CJK, which
the project's set-up installs: `make run` and `make test`)."""

from __future__ import annotations

from flask import render_template


def render_pdf(template: str, **context) -> bytes:
    """The template (under templates/documents/) as a PDF document. WeasyPrint is imported
    here, on the first document: it loads Pango and its fonts (about 40 MB in each web
    worker, and half a second at start-up) for the few requests that make a PDF."""
    from weasyprint import HTML

    return HTML(string=render_template(f"documents/{template}", **context)).write_pdf()
