"""Admin forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..inputs import DateField, optional_int
from ..labels import ROLE_LABELS


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(
        _l("Role"),
        choices=[(str(role), label) for role, label in ROLE_LABELS.items()],
    )
    city = SelectField(_l("City"), coerce=optional_int, validate_choice=False)
    department = SelectField(_l("Department"), coerce=optional_int, validate_choice=False)
    locale = SelectField(_l("Language"), choices=[("en", "English"), ("zh_Hans", "简体中文")])
    timezone = StringField(
        _l("Time zone (empty: the office's)"), validators=[Optional(), Length(max=64)]
    )


class CityForm(FlaskForm):
    slug = StringField(
        _l("Short name (for addresses)"), validators=[DataRequired(), Length(max=64)]
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    name_zh = StringField(_l("Chinese name"), validators=[Optional(), Length(max=120)])
    parent = SelectField(_l("Belongs to"), coerce=optional_int, validate_choice=False)


class DepartmentForm(FlaskForm):
    city = SelectField(_l("City"), coerce=optional_int, validate_choice=False)
    slug = StringField(_l("Short name"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    name_zh = StringField(_l("Chinese name"), validators=[Optional(), Length(max=160)])


class RobotForm(FlaskForm):
    """A department's group robot; "none" takes it away. The secret is never shown back:
    left blank, the robot keeps the one it has."""

    department = SelectField(_l("Department"), coerce=optional_int, validate_choice=False)
    platform = SelectField(
        _l("Group robot"),
        choices=[
            ("dingtalk", _l("DingTalk group robot")),
            ("wecom", _l("WeCom group robot")),
            ("feishu", _l("Feishu group robot")),
            ("none", _l("None (remove the robot)")),
        ],
    )
    url = StringField(_l("Webhook address"), validators=[Optional(), Length(max=500)])
    secret = PasswordField(_l("Signing secret"), validators=[Optional(), Length(max=200)])


def _days(value):
    return [int(part) for part in str(value).replace("，", ",").split(",") if part.strip()]


class PolicyForm(FlaskForm):
    working_days = BooleanField(
        _l("Count working days (mainland China calendar, with 调休); send nothing on days off")
    )
    before_days = StringField(
        _l("Remind this many days before a due date"), validators=[DataRequired()]
    )
    overdue_every = IntegerField(
        _l("While overdue, remind every N days"), validators=[NumberRange(1, 30)]
    )
    escalate_after = IntegerField(
        _l("Escalate to supervisors when overdue by more than N days"),
        validators=[NumberRange(0, 60)],
    )
    escalate_every = IntegerField(
        _l("Escalate again every N days"), validators=[NumberRange(1, 30)]
    )
    stale_after = IntegerField(
        _l("Ask for a report after N days without an update"), validators=[NumberRange(1, 90)]
    )
    stale_every = IntegerField(_l("Ask again every N days"), validators=[NumberRange(1, 30)])
    rank_on_time = IntegerField(
        _l("Ranking: points for items done by their due date (all of them)"),
        validators=[Optional(), NumberRange(0, 100)],
    )
    rank_reports = IntegerField(
        _l("Ranking: points for items reported on in the month (all of them)"),
        validators=[Optional(), NumberRange(0, 100)],
    )
    rank_overdue_day = IntegerField(
        _l("Ranking: points off per overdue item-day, per item"),
        validators=[Optional(), NumberRange(0, 20)],
    )
    acknowledge_within = IntegerField(
        _l("Acknowledge an assigned item within N working days"),
        validators=[Optional(), NumberRange(1, 10)],
    )
    max_extensions = IntegerField(
        _l("Extension requests allowed per item"), validators=[Optional(), NumberRange(0, 10)]
    )
    report_by_day = IntegerField(
        _l("Periodic reports are due by this day of the month"),
        validators=[Optional(), NumberRange(1, 28)],
    )
    report_warn_days = IntegerField(
        _l("Remind the owners this many days before a periodic report is due"),
        validators=[Optional(), NumberRange(0, 10)],
    )
    send_hour = IntegerField(
        _l("Send from this hour (0-23, recipient's time)"), validators=[NumberRange(0, 23)]
    )
    digest_weekday = SelectField(
        _l("Weekly digest on"),
        coerce=int,
        choices=[
            (0, _l("Monday")),
            (1, _l("Tuesday")),
            (2, _l("Wednesday")),
            (3, _l("Thursday")),
            (4, _l("Friday")),
            (5, _l("Saturday")),
            (6, _l("Sunday")),
        ],
    )

    def days(self):
        try:
            return _days(self.before_days.data)
        except ValueError:
            return None

    def validate_before_days(self, field) -> None:
        days = self.days()
        if not days or any(not 1 <= d <= 60 for d in days):
            raise ValidationError(
                _l("Give whole numbers of days from 1 to 60, separated by commas.")
            )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validate_choice=False)  # choices: the view's
    actor = StringField(_l("By (email)"), validators=[Optional(), Length(max=254)])
    target = SelectField(_l("Record type"), validate_choice=False)
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
