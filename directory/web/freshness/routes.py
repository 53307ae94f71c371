"""The freshness report, a network's freshness page (where its campaigns start) and a
campaign's page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from directory.extensions import current_locale
from directory.services import campaigns, commit, freshness
from directory.web.i18n import RTL
from directory.web.reports.charts import bar_chart

blueprint = Blueprint("freshness", __name__, url_prefix="/freshness")


class CampaignForm(FlaskForm):
    only_stale = BooleanField(_l("Only entries not verified for a year or more"))


def _actor():
    return current_user._get_current_object()


def _chart(rows: list[freshness.NetworkFreshness]):
    return bar_chart(
        "freshness-chart", _("Active entries and those verified in the last 12 months"),
        _("For each network, a bar for its active entries and one for those verified in the "
          "last 12 months. The table beside it holds the same numbers."),
        [_("Active"), _("Verified in the last 12 months")],
        [(row.label, [row.active, row.verified_12m]) for row in rows],
        rtl=current_locale() in RTL)


@blueprint.get("")
def report():
    """Per network the reader may read: how fresh its entries are."""
    rows = freshness.report(_actor(), locale=current_locale())
    return render_template("freshness/report.html", rows=rows, chart=_chart(rows))


@blueprint.get("/networks/<slug>")
def network(slug: str):
    """One network's freshness, its campaigns, and the form that starts one."""
    [row] = freshness.report(_actor(), network=slug, locale=current_locale())
    history = campaigns.list_campaigns(_actor(), slug)
    return render_template("freshness/network.html", row=row,
                           campaigns=[campaigns.campaign_json(item) for item in history],
                           form=CampaignForm(), slug=slug)


@blueprint.post("/networks/<slug>/campaigns")
def start_campaign(slug: str):
    form = CampaignForm()
    if not form.validate_on_submit():
        abort(400)
    campaign = campaigns.start(_actor(), slug, bool(form.only_stale.data))
    commit()
    flash(_("The campaign is started: the messages are being prepared and sent."), "success")
    return redirect(url_for("freshness.campaign", campaign_id=campaign.id))


@blueprint.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    found = campaigns.get_campaign(_actor(), campaign_id)
    return render_template("freshness/campaign.html", campaign=campaigns.campaign_json(found),
                           network=found.network)
