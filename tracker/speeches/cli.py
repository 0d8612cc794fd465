"""`tracker import-speech`: read a new speech in and draft its action items."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..extensions import db
from ..formatting import format_date
from ..i18n import local_name
from ..labels import CADENCE_LABELS
from .services import SpeechRefused, create_draft_items, find_city, import_speech, read_speech_file


@click.command("import-speech")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--city", "city_slug", required=True, help="Slug of the city, e.g. nanjing.")
@click.option("--speaker", required=True, help="Who gave the speech.")
@click.option(
    "--date",
    "delivered_on",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day of the speech, YYYY-MM-DD.",
)
@click.option("--title", help="Title; by default the file's headline.")
@click.option("--outlet", help="Where the speech was published.")
@with_appcontext
def import_speech_command(city_slug, speaker, delivered_on, title, outlet, path: Path) -> None:
    """Import a UTF-8 speech, extract its directives and draft unassigned action items."""
    try:
        text = read_speech_file(path)
        speech = import_speech(
            text,
            city=find_city(city_slug),
            speaker=speaker,
            delivered_on=delivered_on.date(),
            title=title,
            outlet=outlet,
            source_name=path.name,
        )
        items = create_draft_items(speech)
    except SpeechRefused as refusal:
        db.session.rollback()
        raise click.ClickException(str(refusal)) from None
    db.session.commit()
    click.echo(
        _(
            "Imported speech %(id)d (%(title)s): %(directives)d directives, %(items)d draft action "
            "items to assign.",
            id=speech.id,
            title=speech.title,
            directives=len(speech.directives),
            items=len(items),
        )
    )
    for directive in speech.directives:
        due = ""
        if directive.time_limit:
            when = (
                _("due %(date)s", date=format_date(directive.suggested_due_on))
                if directive.suggested_due_on
                else CADENCE_LABELS.get(directive.cadence or "", directive.time_limit)
            )
            due = f"  [{directive.time_limit}: {when}]"
        owner = ""
        if directive.owner_hint:
            department = directive.suggested_department
            owner = (
                f"  [{directive.owner_hint}{f' → {local_name(department)}' if department else ''}]"
            )
        click.echo(f"  {directive.position:>3}. {directive.title[:90]}{due}{owner}")
