"""Verification campaigns (SPEC section 11): started by a secretariat for its own networks
or an administrator, from the network's page, the API or the command line; each person with
an e-mail gets a personal link in their language; the campaign's page counts the answers."""

from __future__ import annotations

from datetime import timedelta

from freshness_support import (
    finish_fan_out,
    html_of,
    links_by_recipient,
    read_mail,
    text_of,
)
from support import page_token

from directory.models import utcnow
from directory.services import campaigns, commit


def test_a_secretariat_starts_a_campaign_from_the_network_page(app, login_as, entries):
    secretariat = login_as("secretariat", networks=["emj"])
    response = secretariat.post("/freshness/networks/emj/campaigns", data={
        "csrf_token": page_token(secretariat, "/freshness/networks/emj")})
    assert response.status_code == 302
    campaign_id = int(response.headers["Location"].rsplit("/", 1)[1])
    finish_fan_out(app, campaign_id)
    page = secretariat.get(f"/freshness/campaigns/{campaign_id}").get_data(as_text=True)
    assert "All messages are prepared." in page
    assert "<dt>Sent</dt><dd>3</dd>" in page and "<dt>No answer</dt><dd>3</dd>" in page
    # one message each to the three EMJ entries, none to CARIN's own entry
    assert set(links_by_recipient(app)) == {"fresh@justice.example", "stale@justice.example",
                                           "shared@justice.example"}
    network_page = secretariat.get("/freshness/networks/emj").get_data(as_text=True)
    assert f"/freshness/campaigns/{campaign_id}" in network_page


def test_only_stale_entries_and_the_persons_language(app, api, entries):
    admin = api("admin")
    response = admin.post("/api/v1/campaigns", json={"network": "emj", "only_stale": True})
    assert response.status_code == 202
    body = response.json
    assert body["network"] == "emj" and body["only_stale"] is True
    assert body["targeted"] == 2  # stale (2020) and shared (never verified)
    finish_fan_out(app, body["id"])
    messages = {str(message["To"]): message for message in read_mail(app)}
    assert set(messages) == {"stale@justice.example", "shared@justice.example"}
    arabic = messages["stale@justice.example"]  # languages ["ar"]
    assert 'dir="rtl"' in html_of(arabic)
    assert "/confirm/" in text_of(arabic)
    first_arabic = messages["shared@justice.example"]  # languages ["ar", "fr"]: ar comes first
    assert 'dir="rtl"' in html_of(first_arabic)
    counts = admin.get(f"/api/v1/campaigns/{body['id']}").json
    assert counts["status"] == "sent"
    assert (counts["sent"], counts["confirmed"], counts["corrected"], counts["left"],
            counts["no_answer"], counts["failed"]) == (2, 0, 0, 0, 2, 0)


def test_a_person_without_a_mail_language_is_written_in_english(app, api, make):
    make.entry(emails=["es@justice.example"], languages=["es", "fr"],
               memberships=[{"network": "eurojust", "role": "contact-point"}])
    make.entry(emails=["de@justice.example"], languages=["de"],
               memberships=[{"network": "eurojust", "role": "contact-point"}])
    body = api("admin").post("/api/v1/campaigns", json={"network": "eurojust"}).json
    finish_fan_out(app, body["id"])
    messages = {str(message["To"]): message for message in read_mail(app)}
    assert "Vos coordonnées sont-elles toujours exactes" in str(
        messages["es@justice.example"]["Subject"])
    assert "Are your contact details still right?" in str(messages["de@justice.example"]["Subject"])


def test_who_may_start_a_campaign(api, entries):
    assert api("secretariat", networks=["carin"]).post(
        "/api/v1/campaigns", json={"network": "emj"}).status_code == 403
    assert api("prosecutor").post("/api/v1/campaigns", json={"network": "emj"}).status_code == 403
    assert api("reporter").post("/api/v1/campaigns", json={"network": "emj"}).status_code == 403
    bad = api("admin").post("/api/v1/campaigns", json={"network": "nowhere"})
    assert bad.status_code == 422 and "network" in bad.json["error"]["fields"]
    bad = api("admin").post("/api/v1/campaigns", json={"network": "emj", "only_stale": "yes"})
    assert bad.status_code == 422 and "only_stale" in bad.json["error"]["fields"]
    started = api("secretariat", networks=["carin"]).post(
        "/api/v1/campaigns", json={"network": "carin"})
    assert started.status_code == 202
    # another network's secretariat does not see it; a prosecutor neither
    campaign_id = started.json["id"]
    assert api("secretariat", networks=["emj"]).get(
        f"/api/v1/campaigns/{campaign_id}").status_code == 404
    assert api("prosecutor").get(f"/api/v1/campaigns/{campaign_id}").status_code == 404
    assert api("admin").get(f"/api/v1/campaigns/{campaign_id}").status_code == 200


def test_the_pages_follow_the_permissions(login_as, entries):
    carin = login_as("secretariat", networks=["carin"])
    response = carin.post("/freshness/networks/emj/campaigns", data={
        "csrf_token": page_token(carin, "/freshness")})
    assert response.status_code == 403
    prosecutor = login_as("prosecutor")
    assert prosecutor.post("/freshness/networks/emj/campaigns", data={
        "csrf_token": page_token(prosecutor, "/")}).status_code == 403


def test_the_command_line_starts_a_campaign(app, runner, entries):
    result = runner.invoke(args=["campaign", "--network", "carin", "--only-stale"])
    assert result.exit_code == 0, result.output
    assert "started for carin: 2 entries, 2 with an e-mail address" in result.output
    result = runner.invoke(args=["campaign", "--network", "nowhere"])
    assert result.exit_code == 1 and "There is no network 'nowhere'" in result.output


def test_one_reminder_after_14_days_to_those_who_did_not_answer(app, api, entries):
    body = api("admin").post("/api/v1/campaigns", json={"network": "carin"}).json
    finish_fan_out(app, body["id"])
    first = links_by_recipient(app)
    with app.app_context():
        assert campaigns.send_reminders() == 0  # too early
        commit()
        later = utcnow() + timedelta(days=15)
        assert campaigns.send_reminders(now=later) == 2
        commit()
        assert campaigns.send_reminders(now=later + timedelta(days=1)) == 0
        commit()
    after = links_by_recipient(app)
    assert all(len(after[recipient]) == 2 for recipient in first)
    reminders = [message for message in read_mail(app) if "Reminder" in str(message["Subject"])
                 or "Rappel" in str(message["Subject"]) or "تذكير" in str(message["Subject"])]
    assert len(reminders) == 2


def test_through_a_real_smtp_server_and_a_server_that_is_down(app, api, entries, smtp_server):
    from support import free_port

    from directory.services import mail

    admin = api("admin")
    down = free_port()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{down}"
    body = admin.post("/api/v1/campaigns", json={"network": "carin"}).json
    finish_fan_out(app, body["id"])
    counts = admin.get(f"/api/v1/campaigns/{body['id']}").json
    assert (counts["sent"], counts["waiting"], counts["failed"]) == (2, 2, 0)
    # the server comes up: nothing was lost, each person gets their own link once
    app.config["SMTP_URL"] = smtp_server.url
    with app.app_context():
        assert mail.deliver_due(utcnow() + timedelta(hours=1))["sent"] == 2
    received = {str(message["To"]): message for message in smtp_server.messages}
    assert set(received) == {"carin@justice.example", "shared@justice.example"}
    assert "/confirm/" in text_of(received["carin@justice.example"])
    counts = admin.get(f"/api/v1/campaigns/{body['id']}").json
    assert (counts["waiting"], counts["failed"]) == (0, 0)


def test_the_page_answers_while_the_fan_out_runs_and_a_restart_carries_on(
        app, login_as, entries):
    from directory.extensions import db
    from directory.models import Campaign

    with app.app_context():
        started = campaigns.start(None, "emj")
        campaign_id = started.id
        db.session.info.pop("jobs_queued", None)  # as if its job had not been handed over
        commit()
        campaign = db.session.get(Campaign, campaign_id)
        campaign.status = "sending"
        campaigns._send_chunk(campaign, [entries["fresh"]])  # the job died after one
        commit()
    admin = login_as("admin")
    page = admin.get(f"/freshness/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Preparing the messages: 1 of 3 so far." in page
    finish_fan_out(app, campaign_id)  # run again: the two left, nobody twice
    page = admin.get(f"/freshness/campaigns/{campaign_id}").get_data(as_text=True)
    assert "All messages are prepared." in page and "<dt>Sent</dt><dd>3</dd>" in page
    assert sorted(len(tokens) for tokens in links_by_recipient(app).values()) == [1, 1, 1]


def test_the_fan_out_is_background_work(app, api, entries):
    from sqlalchemy import select

    from directory.extensions import db
    from directory.models import BackgroundJob

    admin = api("admin")
    body = admin.post("/api/v1/campaigns", json={"network": "emj"}).json
    # the tests run jobs as they are queued: by the time the answer is read, it has run
    counts = admin.get(f"/api/v1/campaigns/{body['id']}").json
    assert counts["status"] == "sent" and counts["sent"] == 3
    with app.app_context():
        [job] = db.session.scalars(select(BackgroundJob).where(
            BackgroundJob.name == "campaigns.fan_out")).all()
        assert job.status == "done" and job.arguments == {"campaign_id": body["id"]}


def test_the_daily_work_sends_the_reminders(app, api, entries):
    from sqlalchemy import select

    from directory.extensions import db
    from directory.models import BackgroundJob, Campaign
    from directory.services import jobs

    body = api("admin").post("/api/v1/campaigns", json={"network": "carin"}).json
    app.config["PURGE_HOUR"] = 0
    with app.app_context():
        campaign = db.session.get(Campaign, body["id"])
        campaign.created_at -= timedelta(days=15)  # the campaign went out 15 days ago
        db.session.commit()
        jobs.tick()
        [job] = db.session.scalars(select(BackgroundJob).where(
            BackgroundJob.name == "campaigns.send_reminders")).all()
        assert job.status == "done"
    assert all(len(tokens) == 2 for tokens in links_by_recipient(app).values())
    assert api("admin").get(f"/api/v1/campaigns/{body['id']}").json["reminded_at"]
