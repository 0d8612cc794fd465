"""Forms of the 督办 cycle on the item page. Each carries the item's version, except a
leader's instruction, which depends on no state of the item."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..access import instructs, leads, supervises, supports
from ..clock import office_today
from ..i18n import local_name
from ..inputs import DateField, optional_int
from ..labels import CYCLE_LABELS
from .extensions import has_room, may_ask
from .forms import VersionedForm
from .rules import OPEN


class AcknowledgeForm(VersionedForm):
    """签收: a button."""


class SupportersForm(VersionedForm):
    # "department id:person id" pairs: each chosen person brings their department.
    supporters = SelectMultipleField(_l("Supporting departments"), validate_choice=False)


class PartReportForm(VersionedForm):
    part_progress = IntegerField(
        _l("Progress of your part"),
        validators=[
            InputRequired(),
            NumberRange(0, 100, message=_l("Give a number from 0 to 100.")),
        ],
    )
    part_note = TextAreaField(
        _l("What your department has done"), validators=[DataRequired(), Length(max=5000)]
    )


class ExtensionForm(VersionedForm):
    new_due_on = DateField(_l("New due date"), validators=[InputRequired()])
    extension_reason = TextAreaField(
        _l("Reason for the extension"), validators=[DataRequired(), Length(max=5000)]
    )


class DecisionForm(VersionedForm):
    decision = RadioField(
        _l("Decision"),
        choices=[("approve", _l("Approve")), ("refuse", _l("Refuse"))],
        validators=[DataRequired()],
    )
    decision_note = TextAreaField(
        _l("Note to the owners"), validators=[Optional(), Length(max=5000)]
    )


class OpenLateForm(VersionedForm):
    """A button: let the owners ask for more time after the due date."""


class PassDownForm(VersionedForm):
    sub_unit = SelectField(_l("Sub-unit"), coerce=optional_int, validate_choice=False)


class ChildForm(VersionedForm):
    child_title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    department = SelectField(_l("Department"), coerce=int, validators=[DataRequired()])
    responsible = SelectField(_l("Responsible person"), coerce=int, validators=[DataRequired()])
    child_due_on = DateField(_l("Due date"), validators=[Optional()])


class CycleForm(VersionedForm):
    reporting_cycle = SelectField(_l("Reporting cycle"), validate_choice=False)


class InstructionForm(FlaskForm):
    instruction = TextAreaField(_l("Instruction"), validators=[DataRequired(), Length(max=5000)])
    scope = RadioField(
        _l("On"),
        choices=[("item", _l("This item")), ("directive", _l("The directive, all its items"))],
        default="item",
        validators=[DataRequired()],
    )


def cycle_choices() -> list[tuple[str, str]]:
    return [("", _("None"))] + [(key, str(label)) for key, label in CYCLE_LABELS.items()]


def forms_for(item, user, given: dict) -> dict:
    """The cycle's forms the item page shows `user`, fresh unless `given` (after an error)."""
    forms = {}

    def form(name, cls, **data):
        forms[name] = given.get(name) or cls(formdata=None, version=item.version, **data)

    is_open = item.status in OPEN
    if leads(user, item) and item.assigned_at and not item.acknowledged_at and is_open:
        form("acknowledge_form", AcknowledgeForm)
    if supports(user, item) and item.status in (*OPEN, "awaiting_verification"):
        form("part_form", PartReportForm, part_progress=supports(user, item).progress)
    if leads(user, item) and may_ask(item, office_today()):
        form("extension_form", ExtensionForm)
    if supervises(user):
        if is_open and any(r.state == "pending" for r in item.extension_requests):
            form("decision_form", DecisionForm)
        if is_open and item.due_on and item.due_on < office_today() and has_room(item):
            form("open_late_form", OpenLateForm)
        sub_units = item.city.sub_units
        if sub_units and is_open and not item.children:
            form("pass_form", PassDownForm, sub_unit=item.passed_to_city_id)
            forms["pass_form"].sub_unit.choices = [(c.id, local_name(c)) for c in sub_units]
        if is_open:
            form("cycle_form", CycleForm, reporting_cycle=item.reporting_cycle or "")
            forms["cycle_form"].reporting_cycle.choices = cycle_choices()
    if instructs(user):
        forms["instruction_form"] = given.get("instruction_form") or InstructionForm(formdata=None)
    return forms
