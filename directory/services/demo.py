"""Synthetic demo data: invented people with realistic names in both scripts (never real ones).

Fast enough for 10,000 entries in well under a minute: rows are written in batches and the
search index is rebuilt once at the end rather than caught up entry by entry.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import phonenumbers
from sqlalchemy import func, select

from directory import vocabulary
from directory.extensions import db
from directory.models import (
    ContactPoint,
    Email,
    InitialContact,
    Membership,
    Network,
    Organisation,
    Phone,
    Specialism,
    User,
    utcnow,
)
from directory.services import commit
from directory.services.contact_writes import record_changes

# (Latin spelling, Arabic script, other spellings)
GIVEN_NAMES = [
    ("Mohamed", "محمد", ["Mohammed", "Muhammad"]), ("Youssef", "يوسف", ["Youcef", "Yusuf"]),
    ("Abdelkader", "عبد القادر", ["Abdulqadir"]), ("Khaled", "خالد", ["Khalid"]),
    ("Fatima", "فاطمة", ["Fatma"]), ("Amina", "أمينة", []), ("Karim", "كريم", ["Kareem"]),
    ("Leila", "ليلى", ["Layla"]), ("Omar", "عمر", []), ("Samira", "سميرة", []),
    ("Hassan", "حسن", []), ("Nadia", "نادية", []), ("Rachid", "رشيد", ["Rashid"]),
    ("Salma", "سلمى", []), ("Tarek", "طارق", ["Tariq"]), ("Yasmine", "ياسمين", ["Yasmin"]),
    ("Mourad", "مراد", ["Murad"]), ("Houda", "هدى", ["Huda"]), ("Hichem", "هشام", ["Hisham"]),
    ("Zineb", "زينب", ["Zainab"]),
]
FAMILY_NAMES = [
    ("El Idrissi", "الإدريسي", ["Al-Idrisi"]), ("Benali", "بن علي", ["Ben Ali", "Bin Ali"]),
    ("Haddad", "حداد", []), ("Mansouri", "المنصوري", ["Al-Mansouri"]),
    ("Bouzid", "بوزيد", []), ("Chaabane", "شعبان", ["Shaaban"]), ("Khoury", "خوري", []),
    ("Nasser", "ناصر", []), ("Saidi", "السعيدي", ["Al-Saidi"]), ("Toumi", "التومي", []),
    ("Hamdi", "حمدي", []), ("Jaber", "جابر", []), ("Zaki", "زكي", []), ("Ayoub", "أيوب", []),
    ("Farouk", "فاروق", []), ("Guerfi", "قرفي", []), ("Othmani", "العثماني", []),
    ("Slimani", "سليماني", []), ("Rahmouni", "رحموني", []), ("Belkacem", "بلقاسم", []),
]
EUROPEAN = [("Marie", "Dupont"), ("José", "García"), ("Giulia", "Rossi"), ("Jan", "Müller"),
            ("Eleni", "Papadopoulou"), ("Joseph", "Borg"), ("Sofia", "Costa"),
            ("Pieter", "Janssens"), ("Ana", "Ferreira"), ("Luca", "Bianchi"),
            ("Chloé", "Martin"), ("Andreas", "Georgiou")]
ARABIC_COUNTRIES = {"MA": "Rabat", "DZ": "Alger",
                    "TN": "Tunis", "LY": "Tripoli",
                    "EG": "Cairo", "PS": "Ramallah",
                    "LB": "Beirut", "JO": "Amman"}
EUROPEAN_COUNTRIES = {"FR": "Paris", "ES": "Madrid",
                      "IT": "Roma", "MT": "Valletta",
                      "GR": "Athens", "PT": "Lisboa",
                      "BE": "Bruxelles", "DE": "Berlin",
                      "NL": "Den Haag", "CY": "Nicosia"}
TITLES = ["Public prosecutor", "Deputy prosecutor general", "Investigating judge",
          "Head of international cooperation", "Senior prosecutor", "Liaison magistrate",
          "Asset recovery officer", "Police commissioner"]
KINDS = ["prosecution-office", "ministry-of-justice", "asset-recovery-office",
         "law-enforcement", "court", "fiu"]


def _organisations() -> dict[str, list[Organisation]]:
    by_country: dict[str, list[Organisation]] = {}
    for code, city in {**ARABIC_COUNTRIES, **EUROPEAN_COUNTRIES}.items():
        country = vocabulary.country_name(code)
        names = [
            (f"Prosecutor General's Office of {country}", "prosecution-office"),
            (f"Ministry of Justice of {country}", "ministry-of-justice"),
            (f"Asset Recovery Office ({city})", "asset-recovery-office"),
            (f"National Police ({city})", "law-enforcement"),
        ]
        by_country[code] = []
        for name, kind in names:
            organisation = db.session.scalars(select(Organisation).where(
                Organisation.country == code, Organisation.name == name)).first()
            if organisation is None:
                organisation = Organisation(name=name, country=code, kind=kind)
                db.session.add(organisation)
            by_country[code].append(organisation)
    db.session.flush()
    return by_country


def load(count: int, events: int | None = None, seed: int = 20261127) -> tuple[int, int]:
    from directory.services import search

    rng = random.Random(seed + (db.session.scalar(select(func.count(ContactPoint.id))) or 0))
    networks = {n.slug: n for n in db.session.scalars(select(Network))}
    specialisms = list(db.session.scalars(select(Specialism)))
    organisations = _organisations()
    start = (db.session.scalar(select(func.max(ContactPoint.id))) or 0) + 1
    today = date.today()
    made_ids: list[int] = []
    for number in range(start, start + count):
        arabic = rng.random() < 0.6
        if arabic:
            country = rng.choice(list(ARABIC_COUNTRIES))
            given, given_ar, given_variants = rng.choice(GIVEN_NAMES)
            family, family_ar, family_variants = rng.choice(FAMILY_NAMES)
            native = f"{given_ar} {family_ar}"
            variants = [f"{v} {family}" for v in given_variants][:1] + \
                       [f"{given} {v}" for v in family_variants][:1]
            languages = ["ar", rng.choice(["fr", "en"])]
        else:
            country = rng.choice(list(EUROPEAN_COUNTRIES))
            given, family = rng.choice(EUROPEAN)
            native, variants = None, []
            languages = [rng.choice(["fr", "es", "it", "el", "pt", "nl", "de", "en"]), "en"]
        city = (ARABIC_COUNTRIES | EUROPEAN_COUNTRIES)[country]
        chosen_networks = rng.sample(list(networks), k=rng.choice([1, 1, 1, 2, 2, 3]))
        contact_point = ContactPoint(
            given_name=given, family_name=family, native_name=native, name_variants=variants,
            title=rng.choice(TITLES), organisation=rng.choice(organisations[country]),
            country=country, city=city, languages=sorted(set(languages)),
            urgent=rng.random() < 0.2,
            urgent_instructions="Call the 24/7 line; leave a message in English or French."
            if rng.random() < 0.2 else None,
            notes="Synthetic demo entry: not a real person.",
            status="active",
            last_verified_on=today - timedelta(days=rng.randint(0, 900)),
            specialisms=rng.sample(specialisms, k=rng.randint(1, 4)),
            emails=[Email(address=f"{_slug(given)}.{_slug(family)}.{number}@demo.example")],
            phones=[Phone(number=_phone(country, number), kind="office", position=0)],
            memberships=[
                Membership(network=networks[slug], role=rng.choice(networks[slug].roles).slug,
                           external_id=f"{slug.upper()}-DEMO-{number}")
                for slug in chosen_networks
            ],
        )
        db.session.add(contact_point)
        if len(db.session.new) >= 1000:
            db.session.flush()
    db.session.flush()
    made_ids = list(db.session.scalars(select(ContactPoint.id).where(ContactPoint.id >= start)))
    record_changes(made_ids)
    db.session.info.pop("index_dirty", None)  # the index is rebuilt once below
    logged = _events(rng, made_ids, count * 2 if events is None else events)
    commit()
    search.rebuild()
    return len(made_ids), logged


def _phone(country: str, number: int) -> str:
    """A plausible number for the country: its example number with other last digits."""
    example = phonenumbers.format_number(phonenumbers.example_number(country),
                                         phonenumbers.PhoneNumberFormat.E164)
    return f"{example[:-4]}{number % 10000:04d}"


def _slug(text: str) -> str:
    return vocabulary.fold(text).replace(" ", "-")


def _events(rng: random.Random, contact_point_ids: list[int], count: int) -> int:
    """Synthetic initial contacts by demo prosecutors, for the indicators report."""
    if not count or not contact_point_ids:
        return 0
    prosecutors = list(db.session.scalars(select(User).where(User.role == "prosecutor")))
    if not prosecutors:
        prosecutors = [_demo_prosecutor()]
    rows = db.session.execute(
        select(ContactPoint.id, ContactPoint.country, Network.slug)
        .join(Membership, Membership.contact_point_id == ContactPoint.id)
        .join(Network).where(ContactPoint.id.in_(contact_point_ids[:5000]))
    ).all()
    today = date.today()
    channels, purposes = list(vocabulary.CHANNELS), list(vocabulary.PURPOSES)
    matters = {"A": ["thb", "som"], "B": ["freezing-confiscation", "asset-recovery",
                                           "financial-investigations"]}
    batch = []
    now = utcnow()
    for _ in range(count):
        contact_point_id, country, network = rng.choice(rows)
        plan = rng.choice("AB")
        occurred = today - timedelta(days=rng.randint(0, 730))
        established = rng.random() < 0.6
        user = rng.choice(prosecutors)
        batch.append({
            "user_id": user.id, "contact_point_id": contact_point_id, "occurred_on": occurred,
            "network": network, "counterpart_country": country, "requesting_country": user.country,
            "requesting_organisation": user.organisation, "plan": plan,
            "matter": rng.choice(matters[plan]), "channel": rng.choice(channels),
            "purpose": rng.choice(purposes), "established": established,
            "established_on": min(today, occurred + timedelta(days=rng.randint(0, 20)))
            if established else None,
            "note": "Synthetic demo contact.",
            "voided": False, "voided_at": None, "void_reason": None,
        })
        if rng.random() < 0.03:  # a voided event keeps its reason, as the events service does
            batch[-1].update(voided=True, voided_at=now, void_reason="Synthetic: logged twice.")
        if len(batch) >= 5000:
            db.session.execute(InitialContact.__table__.insert(), batch)
            batch = []
    if batch:
        db.session.execute(InitialContact.__table__.insert(), batch)
    return count


def _demo_prosecutor() -> User:
    from directory.services.passwords import generate
    from directory.services.users import create_user

    return create_user(None, {"email": "demo.prosecutor@demo.example", "role": "prosecutor",
                              "name": "Demo Prosecutor", "country": "FR",
                              "organisation": "Demo Prosecutor's Office",
                              "password": generate()})
