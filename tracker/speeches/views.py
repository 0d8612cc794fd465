"""Speech pages."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..access import require_supervisor, speech_or_404, supervised_cities, within
from ..extensions import db
from ..i18n import local_name
from ..inputs import bounded_int, clean_filename
from ..items.queries import assignable
from ..models import ActionItem, City, Directive, DirectiveState, Speech, User
from ..validation import Invalid
from . import review as review_service
from .forms import AssignForm, DirectiveForm, NewSpeechForm, SpeechCityForm
from .queries import segments, speech_items, speech_list, speech_page
from .services import SpeechRefused, decode_speech, import_speech

bp = Blueprint("speeches", __name__)


@bp.get("/speeches")
@login_required
def index():
    """The speeches of my cities, with how far their directives have got."""
    listing = speech_list(current_user, request.args.get("page", 1, type=bounded_int))
    return render_template("speeches/index.html", listing=listing)


@bp.get("/speeches/<int:speech_id>")
@login_required
def detail(speech_id: int):
    """The verbatim speech with every directive highlighted and linked to its items."""
    page = speech_page(speech_id, current_user)
    if page is None:
        abort(404)
    return render_template("speeches/detail.html", page=page, speech=page.speech)


def _supervised_speech(speech_id: int) -> Speech:
    return speech_or_404(current_user._get_current_object(), speech_id)


def _cities_for(user: User) -> dict[str, City]:
    """The cities whose speeches the user may take in, by slug."""
    return {city.slug: city for city in supervised_cities(user)}


def _city_choices(cities: dict[str, City]) -> list[tuple[str, str]]:
    return [(slug, local_name(city)) for slug, city in cities.items()]


@bp.route("/speeches/new", methods=["GET", "POST"])
@login_required
def new():
    """Paste a speech or upload it; the extractor proposes its directives for review."""
    user = current_user._get_current_object()
    require_supervisor(user)
    form = NewSpeechForm()
    cities = _cities_for(user)
    form.city.choices = _city_choices(cities)
    if not form.is_submitted() and user.city is not None:
        form.city.data = user.city.slug  # one's own city, not the first of the alphabet
    status = 200
    if form.validate_on_submit():
        try:
            upload = form.file.data
            if upload and upload.filename:
                text = decode_speech(upload.read(), upload.filename)
            elif (form.text.data or "").strip():
                text = decode_speech(form.text.data.encode("utf-8"), _("The pasted text"))
            else:
                raise SpeechRefused(_("Paste the text of the speech or choose a file."))
            speech = import_speech(
                text,
                city=cities[form.city.data],
                speaker=form.speaker.data,
                delivered_on=form.delivered_on.data,
                title=form.title.data or None,
                outlet=form.outlet.data or None,
                source_name=clean_filename(upload.filename) if upload and upload.filename else None,
                actor=user,
                draft=True,
            )
        except SpeechRefused as refusal:
            db.session.rollback()
            form.text.errors = [*form.text.errors, str(refusal)]
            status = 400
        else:
            db.session.commit()
            flash(
                _(
                    "%(count)d directives proposed. Review them before assigning.",
                    count=len(speech.directives),
                ),
                "info",
            )
            return redirect(url_for("speeches.review", speech_id=speech.id))
    elif form.is_submitted():
        status = 400
    return render_template("speeches/new.html", form=form), status


@bp.get("/speeches/<int:speech_id>/review")
@login_required
def review(speech_id: int):
    """The text with every proposed directive highlighted, and what to do with each."""
    speech = _supervised_speech(speech_id)
    return _review_page(speech)


def _review_page(
    speech: Speech,
    forms: dict | None = None,
    status: int = 200,
    city_form: SpeechCityForm | None = None,
):
    forms = forms or {}
    if city_form is None and speech.published_at is None:
        city_form = SpeechCityForm(formdata=None, city=speech.city.slug)
        city_form.city.choices = _city_choices(_cities_for(current_user._get_current_object()))
    rows = []
    for directive in sorted(speech.directives, key=lambda d: d.start_offset):
        form = forms.get(directive.id) or DirectiveForm(
            formdata=None, title=directive.title, due_on=directive.suggested_due_on
        )
        text = speech.text
        form.split_at.choices = [
            (at, f"…{text[max(directive.start_offset, at - 25) : at]} | {text[at : at + 25]}…")
            for at in review_service.split_points(directive)
        ]
        for field in (form.title, form.due_on, form.split_at):
            # One id per directive, so that each label names its own directive's field.
            field.id = field.label.field_id = f"{field.name}-{directive.id}"
        rows.append((directive, form))
    return render_template(
        "speeches/review.html",
        speech=speech,
        segments=segments(speech),
        rows=rows,
        missed=review_service.missed_sentences(speech),
        sentence_form=FlaskForm(),
        accept_all_form=FlaskForm(),
        city_form=city_form,
        notice=session.pop(REVIEW_NOTICE, None),
        proposed=sum(d.state == DirectiveState.PROPOSED for d in speech.directives),
    ), status


# What the last action did to a directive, shown next to it (flash() would show it at the
# top of the page, far from where the reader is): [directive id, message].
REVIEW_NOTICE = "review_notice"


def _back_to(speech: Speech, directive_id: int, message: str):
    """Back to the directive on the review page, telling the reader what happened to it."""
    session[REVIEW_NOTICE] = [directive_id, message]
    return redirect(
        url_for("speeches.review", speech_id=speech.id, _anchor=f"directive-{directive_id}")
    )


@bp.post("/speeches/<int:speech_id>/directives/<int:directive_id>")
@login_required
def change_directive(speech_id: int, directive_id: int):
    """Accept (with its title and due date), reject, split or merge a directive."""
    speech = _supervised_speech(speech_id)
    directive = db.session.get(Directive, directive_id)
    if directive is None or directive.speech_id != speech.id:
        abort(404)
    user = current_user._get_current_object()
    form = DirectiveForm()
    form.split_at.choices = []
    action = request.form.get("action", "")  # the button pressed
    if form.validate_on_submit():
        try:
            if action == "accept":
                review_service.accept(directive, user, form.title.data, form.due_on.data)
                done = _("Accepted as “%(title)s”.", title=directive.title)
            elif action == "reject":
                review_service.reject(directive, user)
                done = _("Rejected: it will not be assigned.")
            elif action == "split":
                new = review_service.split(directive, user, form.split_at.data or 0)
                done = _(
                    "Split in two: the second part is directive %(position)d.",
                    position=new.position,
                )
            elif action == "merge":
                review_service.merge_with_next(directive, user)
                done = _("Merged with the next directive.")
            else:
                abort(400, _("Unknown action."))
        except Invalid as invalid:
            db.session.rollback()
            form.form_errors.extend(invalid.errors.values())
            return _review_page(_supervised_speech(speech_id), {directive_id: form}, 400)
        db.session.commit()
        return _back_to(speech, directive_id, done)
    return _review_page(speech, {directive_id: form}, 400)


@bp.post("/speeches/<int:speech_id>/accept-all")
@login_required
def accept_all(speech_id: int):
    """Accept every proposed directive as proposed (its title and suggested due date)."""
    speech = _supervised_speech(speech_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    accepted = review_service.accept_all(speech, current_user._get_current_object())
    db.session.commit()
    flash(_("%(count)d directives accepted.", count=len(accepted)), "info")
    return redirect(url_for("speeches.review", speech_id=speech.id))


@bp.post("/speeches/<int:speech_id>/city")
@login_required
def change_city(speech_id: int):
    """Move a draft to another of my cities."""
    speech = _supervised_speech(speech_id)
    user = current_user._get_current_object()
    form = SpeechCityForm()
    cities = _cities_for(user)
    form.city.choices = _city_choices(cities)
    if form.validate_on_submit():
        city = cities[form.city.data]
        try:
            review_service.change_city(speech, user, city)
        except Invalid as invalid:
            db.session.rollback()
            form.city.errors = [*form.city.errors, *invalid.errors.values()]
            return _review_page(_supervised_speech(speech_id), status=400, city_form=form)
        db.session.commit()
        flash(_("The speech now belongs to %(city)s.", city=local_name(city)), "info")
        return redirect(url_for("speeches.review", speech_id=speech.id))
    return _review_page(speech, status=400, city_form=form)


@bp.route("/speeches/<int:speech_id>/discard", methods=["GET", "POST"])
@login_required
def discard(speech_id: int):
    """Discard a draft, after a confirmation: the speech, its directives and its items."""
    speech = _supervised_speech(speech_id)
    form = FlaskForm()
    refusal = review_service.discard_refusal(speech)
    if form.validate_on_submit() and refusal is None:
        title = local_name(speech)
        review_service.discard(speech, current_user._get_current_object())
        db.session.commit()
        flash(_("The draft “%(title)s” was discarded.", title=title), "info")
        return redirect(url_for("speeches.index"))
    return render_template(
        "speeches/discard.html",
        speech=speech,
        items=speech_items(speech),
        refusal=refusal,
        form=form,
    ), 400 if form.is_submitted() else 200


@bp.post("/speeches/<int:speech_id>/sentences")
@login_required
def add_sentence(speech_id: int):
    """Mark a sentence the extractor missed as a directive."""
    speech = _supervised_speech(speech_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        directive = review_service.add_sentence(
            speech, current_user._get_current_object(), request.form.get("start", -1, type=int)
        )
    except Invalid as invalid:
        db.session.rollback()
        flash(" ".join(invalid.errors.values()), "error")
        return redirect(url_for("speeches.review", speech_id=speech.id))
    db.session.commit()
    return _back_to(speech, directive.id, _("The sentence is now a directive."))


@bp.route("/speeches/<int:speech_id>/assign", methods=["GET", "POST"])
@login_required
def assign(speech_id: int):
    """交办: give accepted directives to a department and a responsible person."""
    speech = _supervised_speech(speech_id)
    user = current_user._get_current_object()
    form = AssignForm()
    accepted = [d for d in speech.directives if d.state == DirectiveState.ACCEPTED]
    form.directives.choices = [(d.id, d.title) for d in accepted]
    departments, staff = assignable(within(speech.city), form)
    status = 200
    if form.validate_on_submit():
        try:
            items = review_service.assign(
                speech,
                user,
                [d for d in accepted if d.id in set(form.directives.data or [])],
                departments[form.department.data],
                staff[form.responsible.data],
                [staff[i] for i in form.co_owners.data or []],
                form.start_on.data,
                form.due_on.data,
            )
        except Invalid as invalid:
            db.session.rollback()
            form.form_errors.extend(invalid.errors.values())
            status = 400
        else:
            db.session.commit()
            flash(_("%(count)d items created.", count=len(items)), "info")
            return redirect(url_for("speeches.assign", speech_id=speech.id))
    elif form.is_submitted():
        status = 400
    items = speech_items(speech)
    holders: dict[int, list[ActionItem]] = {}  # who already has each directive
    for item in items:
        holders.setdefault(item.directive_id, []).append(item)
    suggestions = _suggestions(accepted, holders, departments)
    chosen = request.args.get("suggested", type=int)
    if not form.is_submitted() and chosen in suggestions:
        # The reviewer took a suggestion: the form shows it filled in, to confirm or change.
        form.department.data = chosen
        form.directives.data = [d.id for d in suggestions[chosen]]
        # Someone of that department, not the city's first name: the reviewer confirms it.
        form.responsible.data = next(
            (u.id for u in staff.values() if u.department_id == chosen), form.responsible.data
        )
    return render_template(
        "speeches/assign.html",
        speech=speech,
        form=form,
        items=items,
        holders=holders,
        accepted={d.id: d for d in accepted},
        suggestions=suggestions,
        departments=departments,
        staffed={u.department_id for u in staff.values()},
        publish_form=FlaskForm(),
    ), status


def _suggestions(accepted, holders, departments) -> dict[int, list[Directive]]:
    """Accepted directives not yet assigned, by the department their text suggests."""
    suggested: dict[int, list[Directive]] = {}
    for directive in accepted:
        department = directive.suggested_department_id
        if department in departments and directive.id not in holders:
            suggested.setdefault(department, []).append(directive)
    return suggested


@bp.post("/speeches/<int:speech_id>/publish")
@login_required
def publish(speech_id: int):
    """Publish the speech: its items reach their owners, with one assignment email each."""
    speech = _supervised_speech(speech_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        notices = review_service.publish(speech, current_user._get_current_object())
    except Invalid as invalid:
        db.session.rollback()
        flash(" ".join(invalid.errors.values()), "error")
        return redirect(url_for("speeches.assign", speech_id=speech.id))
    db.session.commit()
    flash(_("Published. %(count)d assignment emails are in the outbox.", count=notices), "info")
    return redirect(url_for("speeches.detail", speech_id=speech.id))
