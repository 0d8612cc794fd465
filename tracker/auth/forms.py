"""Sign-in and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .passwords_policy import MIN_LENGTH, password_problem


def strong_password(form, field) -> None:
    problem = password_problem(field.data or "", getattr(form, "account_email", None))
    if problem:
        raise ValidationError(problem)


def new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=256), strong_password],
        description=_l("At least %(min)d characters.", min=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two entries differ."))],
    )
    return password, confirm


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password, confirm = new_password_fields()
