"""A synthetic directory for the search tests: invented people only, created through the service.

TARGETS are the people the relevance tests look for; the filler population (a few hundred
entries) is full of near misses (Mahmoud for Mohamed, Yousra for Youssef, Drissi for Idrissi,
Bennani for Benali, Khalil for Khaled...) so that "in the top 3" means something.
Kept apart from conftest.py so test modules can import it by a name no other conftest shares.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import support
from support import PASSWORD, bearer  # noqa: F401  (the search tests import them from here)

from directory.extensions import db
from directory.services import commit, contacts, users

ADMIN_EMAIL = "search-admin@users.example"

# key -> payload overrides. Every target has a unique e-mail and a family name no filler has.
TARGETS: dict[str, dict] = {
    # Both scripts.
    "mohamed": {
        "given_name": "Mohamed",
        "family_name": "Lahlou",
        "native_name": "محمد لحلو",
        "country": "MA",
        "city": "Rabat",
        "title": "Deputy Prosecutor General",
        "organisation": {"name": "Parquet général de Rabat", "kind": "prosecution-office"},
        "emails": ["m.lahlou@justice.example.ma"],
        "languages": ["ar", "fr"],
        "specialisms": ["thb", "mla"],
        "memberships": [
            {"network": "emj", "role": "contact-point"},
            {"network": "eurojust", "role": "contact-point"},
        ],
    },
    # Arabic script only: Latin spellings must find it.
    "youssef": {
        "given_name": "يوسف",
        "family_name": "القاسمي",
        "country": "TN",
        "emails": ["y.kasmi@justice.example.tn"],
        "languages": ["ar"],
        "specialisms": ["som"],
        "memberships": [{"network": "emj", "role": "contact-point"}],
    },
    # Latin only: the Arabic script must find it.
    "abdelkader": {
        "given_name": "Abdelkader",
        "family_name": "Kaddouri",
        "country": "DZ",
        "emails": ["a.kaddouri@mjustice.example.dz"],
        "languages": ["ar", "fr"],
        "specialisms": ["asset-recovery"],
        "memberships": [{"network": "carin", "role": "judicial"}],
    },
    "idrissi": {
        "given_name": "Nabil",
        "family_name": "El Idrissi",
        "native_name": "نبيل الإدريسي",
        "country": "MA",
        "emails": ["n.elidrissi@justice.example.ma"],
        "specialisms": ["freezing-confiscation"],
        "memberships": [{"network": "carin", "role": "law-enforcement"}],
    },
    # Latin only.
    "benali": {
        "given_name": "Sami",
        "family_name": "Benali",
        "country": "TN",
        "emails": ["s.benali@justice.example.tn"],
        "specialisms": ["cybercrime"],
        "memberships": [{"network": "eurojust", "role": "liaison-prosecutor"}],
    },
    # Arabic script only.
    "khaled": {
        "given_name": "خالد",
        "family_name": "العمراني",
        "country": "EG",
        "emails": ["k.amrani@ppo.example.eg"],
        "specialisms": ["terrorism"],
        "memberships": [{"network": "eurojust", "role": "contact-point"}],
    },
    "jose": {
        "given_name": "José",
        "family_name": "Álvarez",
        "country": "ES",
        "languages": ["es", "en"],
        "emails": ["jose.alvarez@fiscal.example.es"],
        "specialisms": ["extradition"],
        "memberships": [{"network": "eurojust", "role": "national-desk"}],
    },
    "muller": {
        "given_name": "Lena",
        "family_name": "Müller",
        "country": "DE",
        "languages": ["de", "en"],
        "emails": ["lena.mueller@gba.example.de"],
        "specialisms": ["economic-crime"],
        "memberships": [{"network": "eurojust", "role": "national-desk"}],
    },
    "olfa": {
        "given_name": "Olfa",
        "family_name": "Zitouni",
        "country": "TN",
        "languages": ["ar", "fr"],
        "emails": ["o.zitouni@justice.example.tn"],
        "specialisms": ["thb"],
        "memberships": [{"network": "emj", "role": "anti-trafficking-subgroup"}],
    },
    # Maghreb and Mashreq spellings (see test_relevance.VARIANT_SPELLINGS).
    "zeineb": {
        "given_name": "Zeineb",
        "family_name": "Bel Hadj",
        "country": "TN",
        "emails": ["z.belhadj@justice.example.tn"],
        "specialisms": ["som"],
        "memberships": [{"network": "emj", "role": "contact-point"}],
    },
    "noureddine": {
        "given_name": "Nour Eddine",
        "family_name": "Bel Kacem",
        "country": "MA",
        "emails": ["n.belkacem@justice.example.ma"],
        "specialisms": ["mla"],
        "memberships": [{"network": "eurojust", "role": "contact-point"}],
    },
    "djamila": {
        "given_name": "Djamila",
        "family_name": "Hadjadj",
        "country": "DZ",
        "emails": ["d.hadjadj@mjustice.example.dz"],
        "specialisms": ["asset-recovery"],
        "memberships": [{"network": "carin", "role": "judicial"}],
    },
    "cherif": {
        "given_name": "Chérif",
        "family_name": "Ouaddahi",
        "native_name": "شريف الوضاحي",
        "country": "DZ",
        "emails": ["c.ouaddahi@mjustice.example.dz"],
        "specialisms": ["thb"],
        "memberships": [{"network": "emj", "role": "contact-point"}],
    },
    # Arabic script only.
    "khadija": {
        "given_name": "خديجة",
        "family_name": "القصيري",
        "country": "LY",
        "emails": ["k.kasiri@ppo.example.ly"],
        "specialisms": ["mla"],
        "memberships": [{"network": "eurojust", "role": "contact-point"}],
    },
    # Found only by a word of the notes, and a name with markup in it.
    "notes": {
        "given_name": "Ines",
        "family_name": "Ferchichi",
        "country": "TN",
        "emails": ["i.ferchichi@justice.example.tn"],
        "notes": "Handles the zanzibar file.",
        "specialisms": ["mla"],
        "memberships": [{"network": "emj", "role": "contact-point"}],
    },
    "markup": {
        "given_name": "Scriptor",
        "family_name": "<script>alert(1)</script>",
        "country": "MT",
        "title": "<b>Bold</b> title",
        "emails": ["scriptor@ag.example.mt"],
        "specialisms": ["mla"],
        "memberships": [{"network": "emj", "role": "contact-point"}],
    },
}

FILLER_GIVEN = [
    ("Mahmoud", "محمود"),
    ("Hamid", "حميد"),
    ("Ahmed", "أحمد"),
    ("Khalil", "خليل"),
    ("Yousra", "يسرى"),
    ("Karima", "كريمة"),
    ("Samir", "سمير"),
    ("Nadia", "نادية"),
    ("Rachid", "رشيد"),
    ("Leila", "ليلى"),
    ("Omar", "عمر"),
    ("Fatima", "فاطمة"),
    ("Hassan", "حسن"),
    ("Mounir", "منير"),
    ("Salma", "سلمى"),
    ("Tarek", "طارق"),
    ("Walid", "وليد"),
    ("Amina", "أمينة"),
    ("Mohsen", "محسن"),
    ("Hamdi", "حمدي"),
    ("Marie", ""),
    ("Giulia", ""),
    ("Pablo", ""),
    ("Sophie", ""),
    ("Eleni", ""),
    ("Pieter", ""),
    ("Joseph", ""),
    ("Ana", ""),
]
FILLER_FAMILY = [
    ("Haddad", "حداد"),
    ("Mansouri", "المنصوري"),
    ("Bouzid", "بوزيد"),
    ("Chaabane", "شعبان"),
    ("Khoury", "خوري"),
    ("Nasser", "ناصر"),
    ("Saidi", "السعيدي"),
    ("Toumi", "التومي"),
    ("Jaber", "جابر"),
    ("Zaki", "زكي"),
    ("Farouk", "فاروق"),
    ("Othmani", "العثماني"),
    ("Slimani", "سليماني"),
    ("Rahmouni", "رحموني"),
    ("Belkacem", "بلقاسم"),
    ("Kaddour", "قدور"),
    ("Bennani", "بناني"),
    ("Drissi", "الدريسي"),
    ("Dupont", ""),
    ("Rossi", ""),
    ("Garcia", ""),
    ("Martin", ""),
    ("Georgiou", ""),
    ("Borg", ""),
    ("Papadopoulou", ""),
    ("Ferreira", ""),
]
FILLER_COUNTRIES = ["MA", "DZ", "TN", "EG", "LB", "JO", "FR", "ES", "IT", "MT", "GR", "PT", "DE"]
CITIES = {
    "MA": "Casablanca",
    "DZ": "Oran",
    "TN": "Sfax",
    "EG": "Alexandria",
    "LB": "Beirut",
    "JO": "Amman",
    "FR": "Lyon",
    "ES": "Sevilla",
    "IT": "Palermo",
    "MT": "Valletta",
    "GR": "Athens",
    "PT": "Porto",
    "DE": "Berlin",
}
ROLES = {
    "emj": ["contact-point", "anti-trafficking-subgroup"],
    "eurojust": ["contact-point", "national-desk", "liaison-prosecutor"],
    "carin": ["law-enforcement", "judicial"],
}
SPECIALISMS = [
    "thb",
    "som",
    "mla",
    "extradition",
    "freezing-confiscation",
    "asset-recovery",
    "financial-investigations",
    "cybercrime",
    "organised-crime",
    "terrorism",
]
LANGUAGES = ["ar", "fr", "en", "es", "it", "de", "el", "pt"]
KINDS = ["prosecution-office", "ministry-of-justice", "asset-recovery-office", "fiu", None]


def filler_payloads(count: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    today = date.today()
    payloads = []
    for number in range(count):
        given, given_ar = rng.choice(FILLER_GIVEN)
        family, family_ar = rng.choice(FILLER_FAMILY)
        country = rng.choice(FILLER_COUNTRIES)
        networks = rng.sample(list(ROLES), rng.choice([1, 1, 2, 3]))
        kind = rng.choice(KINDS)
        organisation = (
            {"name": f"Office {country} {KINDS.index(kind)}", "kind": kind}
            if kind
            else {"name": f"Bureau {country}"}
        )
        payload = {
            "given_name": given,
            "family_name": family,
            "country": country,
            "city": CITIES[country],
            "native_name": f"{given_ar} {family_ar}".strip() if given_ar and family_ar else "",
            "title": rng.choice(["Prosecutor", "Judge", "Liaison magistrate", "Head of unit"]),
            "organisation": organisation,
            "emails": [f"filler{number}@office.example"],
            "phones": [
                {"number": f"+3312345{number:04d}", "kind": rng.choice(["office", "mobile"])}
            ],
            "languages": rng.sample(LANGUAGES, rng.randint(1, 3)),
            "specialisms": rng.sample(SPECIALISMS, rng.randint(1, 3)),
            "urgent": rng.random() < 0.2,
            "last_verified_on": (today - timedelta(days=rng.randint(0, 800))).isoformat()
            if rng.random() < 0.9
            else None,
            "memberships": [
                {"network": slug, "role": rng.choice(ROLES[slug])} for slug in networks
            ],
        }
        payloads.append(payload)
    return payloads


def target_payload(key: str) -> dict:
    payload = {
        "phones": [{"number": "+33100000000", "kind": "office"}],
        "languages": ["fr"],
        "last_verified_on": date.today().isoformat(),
        "organisation": {"name": "Ministère public", "kind": "prosecution-office"},
    }
    payload.update(TARGETS[key])
    return payload


def admin_user():
    admin = users.find_user(ADMIN_EMAIL)
    if admin is None:
        admin = users.create_user(
            None, {"email": ADMIN_EMAIL, "role": "admin", "password": PASSWORD}
        )
        db.session.flush()
    return admin


def load_directory(filler: int = 300) -> dict[str, int]:
    """Create the targets and the filler in one transaction (inside an app context); returns
    the target ids by key."""
    admin = admin_user()
    ids = {}
    for key in TARGETS:
        contact_point = contacts.create_contact_point(admin, target_payload(key)).contact_point
        ids[key] = contact_point.id
    for payload in filler_payloads(filler):
        contacts.create_contact_point(admin, payload)
    commit()
    return ids


def text_of(html: str) -> str:
    """The visible text of a page, roughly: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign a test client in through the login form; returns the client."""
    response = support.sign_in(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
