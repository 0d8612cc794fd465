"""Forms of the item pages. Every form carries the item's version for optimistic locking."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.i18n import translations as wtf_translations
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..inputs import INT_MAX, DateField, optional_int


class VersionedForm(FlaskForm):
    version = HiddenField()

    def seen_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class ReportForm(VersionedForm):
    status = SelectField(_l("Status"), validators=[DataRequired()])
    progress = IntegerField(
        _l("Progress"),
        validators=[
            InputRequired(),
            NumberRange(0, 100, message=_l("Give a number from 0 to 100.")),
        ],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    evidence_url = URLField(
        _l("Evidence link"),
        validators=[
            Optional(),
            Length(max=500),
            URL(require_tld=False, message=_l("Give a full web address (https://...).")),
        ],
    )
    evidence_file = FileField(_l("Evidence file"))
    milestone = SelectField(_l("Milestone reached"), coerce=optional_int, validate_choice=False)


class VerifyForm(VersionedForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class ReturnForm(VersionedForm):
    reason = TextAreaField(
        _l("Reason for returning"), validators=[DataRequired(), Length(max=5000)]
    )


class AssignForm(VersionedForm):
    department = SelectField(_l("Department"), coerce=int, validators=[DataRequired()])
    responsible = SelectField(_l("Responsible person"), coerce=int, validators=[DataRequired()])
    co_owners = SelectMultipleField(_l("Co-owners"), coerce=int)


class TranslatedForm(Form):
    """A form without CSRF (a GET filter, or a row inside a FlaskForm) whose messages are in
    the reader's language, as FlaskForm's are."""

    class Meta:
        def get_translations(self, form):
            return wtf_translations


class MilestoneForm(TranslatedForm):
    # Not "id": FormField.id would shadow it.
    milestone_id = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(1, INT_MAX)]
    )
    title = StringField(_l("Milestone"), validators=[Optional(), Length(max=300)])
    due_on = DateField(_l("Due"), validators=[Optional()])
    weight = IntegerField(_l("Weight"), default=1, validators=[Optional(), NumberRange(1, 100)])
    remove = BooleanField(_l("Remove"))


class ScheduleForm(VersionedForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    start_on = DateField(_l("Start date"), validators=[Optional()])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    milestones = FieldList(FormField(MilestoneForm))


class BulkReassignForm(FlaskForm):
    old = SelectField(_l("Current owner"), coerce=int, validators=[DataRequired()])
    new = SelectField(_l("New owner"), coerce=int, validators=[DataRequired()])


class ItemFilterForm(TranslatedForm):
    """The /items filter: a GET form, so the URL can be bookmarked and shared."""

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    city = SelectField(_l("City"), validate_choice=False)
    department = SelectField(_l("Department"), coerce=optional_int, validate_choice=False)
    responsible = SelectField(_l("Responsible"), coerce=optional_int, validate_choice=False)
    status = SelectMultipleField(_l("Status"), validate_choice=False)
    light = SelectMultipleField(_l("Light"), validate_choice=False)
    due_from = DateField(_l("Due from"), validators=[Optional()])
    due_to = DateField(_l("Due until"), validators=[Optional()])
    attention = SelectField(_l("Needs attention"), validate_choice=False)
    sort = SelectField(_l("Sort"), default="due", validate_choice=False)
    # The items of one directive (from a speech page): kept in the URL, shown above the list.
    directive = IntegerField(_l("Directive"), validators=[Optional(), NumberRange(1, INT_MAX)])


class BulkForm(FlaskForm):
    """Changes to the items chosen on the list (supervisors); `items` are "id:version"."""

    items = SelectMultipleField(_l("Items"), validate_choice=False)
    responsible = SelectField(_l("Responsible"), coerce=optional_int, validate_choice=False)
    start_on = DateField(_l("Start date"), validators=[Optional()])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    back = HiddenField()  # the list's query string, to return to the same filter and page
