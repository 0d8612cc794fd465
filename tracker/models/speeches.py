"""Speeches, kept verbatim, and the directives read from them with their exact source spans."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, enum_type, utcnow
from .org import City, Department


class Speech(Base):
    __tablename__ = "speeches"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    speaker: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    title_zh: Mapped[str | None] = mapped_column(String(300))
    delivered_on: Mapped[date] = mapped_column(Date)
    outlet: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16), default="en")
    text: Mapped[str] = mapped_column(Text)
    # The same text is never imported twice.
    text_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # None while a draft: only supervisors and admins see it and its items.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    city: Mapped[City] = relationship()
    directives: Mapped[list[Directive]] = relationship(
        back_populates="speech", order_by="Directive.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Speech {self.id} {self.delivered_on} {self.speaker}>"


class DirectiveState(StrEnum):
    PROPOSED = "proposed"  # found by the extractor, not yet reviewed
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Directive(Base):
    """One instruction of a speech: `speech.text[start_offset:end_offset]` is its exact source."""

    __tablename__ = "directives"
    __table_args__ = (
        UniqueConstraint("speech_id", "position"),
        CheckConstraint(
            "0 <= sentence_start AND sentence_start <= start_offset "
            "AND start_offset < end_offset AND end_offset <= sentence_end",
            name="span_inside_sentence",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    speech_id: Mapped[int] = mapped_column(ForeignKey("speeches.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    start_offset: Mapped[int]
    end_offset: Mapped[int]
    sentence_start: Mapped[int]
    sentence_end: Mapped[int]
    # What the speech said about timing ("within one year", "every month"), if anything.
    time_limit: Mapped[str | None] = mapped_column(String(120))
    suggested_due_on: Mapped[date | None] = mapped_column(Date)
    cadence: Mapped[str | None] = mapped_column(String(16))
    # The words naming the unit that owns it ("市经信局", "Haining City"), if the text names
    # one, and the department they match: a suggestion the reviewer confirms when assigning.
    owner_hint: Mapped[str | None] = mapped_column(String(160))
    suggested_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    state: Mapped[DirectiveState] = mapped_column(
        enum_type(DirectiveState, "state"),
        default=DirectiveState.ACCEPTED,
        server_default=DirectiveState.ACCEPTED.value,
    )

    speech: Mapped[Speech] = relationship(back_populates="directives")
    suggested_department: Mapped[Department | None] = relationship()

    @property
    def source_text(self) -> str:
        """The exact words of the speech that gave this directive."""
        return self.speech.text[self.start_offset : self.end_offset]

    @property
    def source_sentence(self) -> str:
        return self.speech.text[self.sentence_start : self.sentence_end]

    def __repr__(self) -> str:
        return f"<Directive {self.speech_id}#{self.position}>"
