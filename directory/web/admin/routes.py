"""User administration (admins only; the service checks it again)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from directory import vocabulary
from directory.extensions import current_locale
from directory.services import (
    access_log,
    commit,
    mail,
    networks,
    password_links,
    permissions,
    rollback,
    tokens,
    two_factor,
    users,
)
from directory.services.errors import Conflict, ValidationFailed
from directory.web.admin.forms import NetworkForm, SpecialismForm, UserForm

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.before_request
def admins_only():
    permissions.require_admin(current_user._get_current_object())


def _form() -> UserForm:
    locale = current_locale()
    form = UserForm()
    form.role.choices = [(slug, term.label(locale)) for slug, term in vocabulary.ROLES.items()]
    form.networks.choices = [(n.slug, n.label(locale))
                             for n in networks.list_networks()]
    form.country.choices = [("", "—")] + sorted(
        ((code, term.label(locale)) for code, term in vocabulary.countries().items()),
        key=lambda item: item[1])
    return form


def _values(form: UserForm) -> dict:
    return {"email": form.email.data, "name": form.name.data, "role": form.role.data,
            "networks": form.networks.data or [], "country": form.country.data or None,
            "organisation": form.organisation.data,
            "password": form.password.data or None, "active": bool(form.active.data)}


@blueprint.get("/users")
def user_list():
    return render_template("admin/users.html", users=users.list_users())


@blueprint.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = _form()
    if form.validate_on_submit():
        values = _values(form)
        values.pop("password")  # they choose their own, through the invitation
        try:
            user = password_links.create_invited_user(current_user._get_current_object(),
                                                      values)
        except (ValidationFailed, Conflict) as error:
            rollback()
            for name, message in error.fields.items():
                getattr(form, name, form.email).errors = [message]
        else:
            commit()
            return render_template("admin/user_created.html", user=user,
                                   days=password_links.invitation_days())
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = users.get_user(user_id)
    form = _form()
    if request.method == "GET":
        form.email.data, form.name.data, form.role.data = user.email, user.name, user.role
        form.networks.data = sorted(user.network_slugs)
        form.country.data = user.country or ""
        form.organisation.data = user.organisation
        form.active.data = user.active
    if form.validate_on_submit():
        values = _values(form)
        if not values["password"]:
            values.pop("password")
        try:
            users.update_user(current_user._get_current_object(), user.id, values)
        except (ValidationFailed, Conflict) as error:
            rollback()
            for name, message in error.fields.items():
                getattr(form, name, form.email).errors = [message]
        else:
            commit()
            flash(_("User saved."), "success")
            return redirect(url_for("admin.user_list"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/user_form.html", form=form, user=user, tokens=tokens.list_tokens(user),
        token_status=tokens.status, enrolled=two_factor.is_enrolled(user),
        revoke_url=lambda token: url_for("admin.revoke_token", user_id=user.id,
                                         token_id=token.id)), status


@blueprint.post("/users/<int:user_id>/invite")
def invite_user(user_id: int):
    """A link by mail to choose a password: a lost invitation, or a reset an admin starts."""
    user = users.get_user(user_id)
    password_links.invite(current_user._get_current_object(), user)
    commit()
    flash(_("An invitation to choose a password is on its way to %(email)s.", email=user.email),
          "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@blueprint.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
def revoke_token(user_id: int, token_id: int):
    tokens.revoke(current_user._get_current_object(), users.get_user(user_id), token_id)
    commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


@blueprint.post("/users/<int:user_id>/two-factor/reset")
def reset_two_factor(user_id: int):
    """A lost phone: the user enrols again at their next sign-in."""
    two_factor.reset(current_user._get_current_object(), users.get_user(user_id))
    commit()
    flash(_("The second factor is reset: the user sets it up again at their next sign-in."),
          "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


@blueprint.get("/outbox")
def outbox():
    """The outbox: how many messages wait, were sent or failed, and the latest errors."""
    return render_template("admin/outbox.html",
                           outbox=mail.outbox_status(current_user._get_current_object()))


@blueprint.get("/users/<int:user_id>/access-log")
def user_access_log(user_id: int):
    """Which entries this user read, when and how."""
    user = users.get_user(user_id)
    page = access_log.page_arg(request.args.get("page"))
    total, rows = access_log.reads_by_user(current_user._get_current_object(), user.id, page)
    return render_template("admin/access_log.html", subject=user.email, rows=rows, total=total,
                           page=page, per_page=access_log.PER_PAGE, by_user=True)


def _save_vocabulary(form, save, slug, redirect_to: str, message: str):
    """Shared by the network and specialism forms: validate, save, or show the errors."""
    if form.validate_on_submit():
        values = {field.name: field.data for field in form if field.name != "csrf_token"}
        try:
            save(current_user._get_current_object(), values, slug)
        except (ValidationFailed, Conflict) as error:
            rollback()
            for name, text in error.fields.items():
                getattr(form, name, form.slug).errors = [text]
        else:
            commit()
            flash(message, "success")
            return redirect(url_for(redirect_to))
    return None


@blueprint.route("/networks", methods=["GET", "POST"])
@blueprint.route("/networks/<slug>", methods=["GET", "POST"])
def network_edit(slug: str | None = None):
    network = networks.get_network(slug) if slug else None
    form = NetworkForm()
    if request.method == "GET" and network is not None:
        form.slug.data, form.name.data = network.slug, network.name
        form.name_fr.data, form.name_ar.data = network.name_fr, network.name_ar
        form.description.data = network.description
        form.roles.data = ", ".join(role.slug for role in network.roles)
    done = _save_vocabulary(form, networks.save_network, slug, "admin.network_edit",
                            _("Network saved."))
    if done:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("admin/networks.html", form=form, network=network,
                           networks=networks.list_networks()), status


@blueprint.route("/specialisms", methods=["GET", "POST"])
@blueprint.route("/specialisms/<slug>", methods=["GET", "POST"])
def specialism_edit(slug: str | None = None):
    specialisms = networks.list_specialisms()
    specialism = next((item for item in specialisms if item.slug == slug), None)
    if slug and specialism is None:
        abort(404)
    form = SpecialismForm()
    if request.method == "GET" and specialism is not None:
        form.slug.data = specialism.slug
        form.label_en.data, form.label_fr.data = specialism.label_en, specialism.label_fr
        form.label_ar.data = specialism.label_ar
    done = _save_vocabulary(form, networks.save_specialism, slug, "admin.specialism_edit",
                            _("Specialism saved."))
    if done:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("admin/specialisms.html", form=form, specialism=specialism,
                           specialisms=specialisms), status
