"""Forms for taking a new speech from paste to published, assigned items."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..inputs import DateField, optional_int


class NewSpeechForm(FlaskForm):
    city = SelectField(_l("City"), validators=[DataRequired()])
    speaker = StringField(_l("Speaker"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    delivered_on = DateField(_l("Date of the speech"), validators=[DataRequired()])
    outlet = StringField(_l("Published in"), validators=[Optional(), Length(max=200)])
    text = TextAreaField(_l("Text of the speech"), validators=[Optional()])
    file = FileField(_l("Or a UTF-8 text file"))


class SpeechCityForm(FlaskForm):
    city = SelectField(_l("City"), validators=[DataRequired()])


class DirectiveForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    due_on = DateField(_l("Suggested due date"), validators=[Optional()])
    split_at = SelectField(_l("Split before"), coerce=optional_int, validate_choice=False)


class AssignForm(FlaskForm):
    directives = SelectMultipleField(_l("Directives"), coerce=int)
    department = SelectField(_l("Department"), coerce=int, validators=[DataRequired()])
    responsible = SelectField(_l("Responsible person"), coerce=int, validators=[DataRequired()])
    co_owners = SelectMultipleField(_l("Co-owners"), coerce=int)
    start_on = DateField(_l("Start date"), validators=[Optional()])
    due_on = DateField(
        _l("Due date (empty: the date the speech suggests)"), validators=[Optional()]
    )
