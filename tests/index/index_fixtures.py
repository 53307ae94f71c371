"""Synthetic contact-point documents for the index tests and benchmarks/index_bench.py.

Invented people only. Kept apart from conftest.py so test modules can import it by a name no
other conftest shares.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

COUNTRIES = {
    "MA": "Morocco Maroc المغرب",
    "DZ": "Algeria Algérie الجزائر",
    "TN": "Tunisia Tunisie تونس",
    "EG": "Egypt Égypte مصر",
    "LB": "Lebanon Liban لبنان",
    "JO": "Jordan Jordanie الأردن",
    "FR": "France France فرنسا",
    "ES": "Spain Espagne إسبانيا",
    "IT": "Italy Italie إيطاليا",
    "DE": "Germany Allemagne ألمانيا",
}
CITIES = {
    "MA": ["Rabat", "Casablanca", "Fès"],
    "DZ": ["Alger", "Oran"],
    "TN": ["Tunis", "Sfax"],
    "EG": ["Cairo", "Alexandria"],
    "LB": ["Beirut"],
    "JO": ["Amman"],
    "FR": ["Paris", "Lyon"],
    "ES": ["Madrid", "Málaga"],
    "IT": ["Roma", "Palermo"],
    "DE": ["Berlin", "Köln"],
}
SPECIALISMS = {
    "thb": "trafficking in human beings traite des êtres humains الاتجار بالبشر",
    "som": "smuggling of migrants trafic illicite de migrants تهريب المهاجرين",
    "mla": "mutual legal assistance entraide judiciaire المساعدة القانونية المتبادلة",
    "asset-recovery": "asset recovery recouvrement des avoirs استرداد الأصول",
    "freezing-confiscation": "freezing and confiscation gel et confiscation التجميد والمصادرة",
    "cybercrime": "cybercrime cybercriminalité الجرائم الإلكترونية",
    "terrorism": "terrorism terrorisme الإرهاب",
}
LANGUAGES = {
    "ar": "Arabic arabe",
    "fr": "French français",
    "en": "English anglais",
    "es": "Spanish espagnol",
    "it": "Italian italien",
    "de": "German allemand",
}
NETWORKS = ["emj", "eurojust", "carin"]
KINDS = ["prosecution", "ministry", "aro", "fiu", "police", ""]

GIVEN = [
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
    ("Marco", ""),
    ("Lucía", ""),
    ("Thomas", ""),
    ("Anna", ""),
    ("Jean", ""),
    ("Paolo", ""),
]
FAMILY = [
    ("Bennani", "بناني"),
    ("Tahiri", "الطاهري"),
    ("Alaoui", "العلوي"),
    ("Berrada", "برادة"),
    ("Chraibi", "الشرايبي"),
    ("Haddad", "حداد"),
    ("Saleh", "صالح"),
    ("Naciri", "الناصري"),
    ("Ziani", "الزياني"),
    ("Fassi", "الفاسي"),
    ("Amrani", "العمراني"),
    ("Sabri", "صبري"),
    ("Dupont", ""),
    ("Rossi", ""),
    ("García", ""),
    ("Schmidt", ""),
    ("Martin", ""),
    ("Ferrari", ""),
    ("López", ""),
    ("Weber", ""),
]
TITLES = [
    "Procureur",
    "Substitut du procureur",
    "Prosecutor",
    "Senior prosecutor",
    "Juge",
    "Magistrate",
    "Liaison prosecutor",
    "Head of unit",
]
ORGANISATIONS = [
    "Parquet général",
    "Ministry of Justice",
    "Asset Recovery Office",
    "Procura della Repubblica",
    "Fiscalía General",
    "Staatsanwaltschaft",
    "Public Prosecution",
    "Financial Intelligence Unit",
]


def make_doc(doc_id: int, **fields) -> dict:
    """A complete document with every key present; ``fields`` override."""
    doc = {
        "id": doc_id,
        "given_name": "",
        "family_name": "",
        "native_name": "",
        "name_variants": [],
        "title": "",
        "organisation": "",
        "organisation_native": "",
        "city": "",
        "country": "MA",
        "country_names": COUNTRIES["MA"],
        "specialisms": [],
        "specialism_labels": "",
        "languages": [],
        "language_labels": "",
        "emails": [],
        "notes": "",
        "networks": [],
        "roles": [],
        "kind": "",
        "urgent": False,
        "last_verified_on": None,
        "status": "active",
    }
    doc.update(fields)
    if "country_names" not in fields:
        doc["country_names"] = COUNTRIES.get(doc["country"], "")
    if "specialism_labels" not in fields:
        doc["specialism_labels"] = " ".join(SPECIALISMS.get(s, s) for s in doc["specialisms"])
    if "language_labels" not in fields:
        doc["language_labels"] = " ".join(LANGUAGES.get(c, c) for c in doc["languages"])
    return doc


def synthetic_population(
    count: int, seed: int = 7, start_id: int = 1000, today: date = date(2025, 6, 1)
) -> list[dict]:
    """``count`` plausible, entirely invented contact points (never real people)."""
    rng = random.Random(seed)
    docs = []
    for offset in range(count):
        given, given_native = rng.choice(GIVEN)
        family, family_native = rng.choice(FAMILY)
        country = rng.choice(list(COUNTRIES))
        script = rng.random()
        native = f"{given_native} {family_native}".strip() if given_native and family_native else ""
        if native and script < 0.15:
            # Written only in Arabic script.
            given, family = "", ""
        elif script < 0.45:
            native = ""
        doc_id = start_id + offset
        docs.append(
            make_doc(
                doc_id,
                given_name=given,
                family_name=family,
                native_name=native,
                title=rng.choice(TITLES),
                organisation=rng.choice(ORGANISATIONS),
                city=rng.choice(CITIES[country]),
                country=country,
                specialisms=rng.sample(sorted(SPECIALISMS), rng.randint(0, 3)),
                languages=rng.sample(sorted(LANGUAGES), rng.randint(1, 3)),
                emails=[f"cp{doc_id}@justice.example"],
                notes=rng.choice(
                    [
                        "",
                        "",
                        "Prefers e-mail in French.",
                        "Available on weekdays.",
                        "Covers the northern region and the ports.",
                    ]
                ),
                networks=rng.sample(NETWORKS, rng.randint(1, 2)),
                kind=rng.choice(KINDS),
                urgent=rng.random() < 0.2,
                last_verified_on=(
                    None if rng.random() < 0.1 else today - timedelta(days=rng.randint(0, 900))
                ),
                status="inactive" if rng.random() < 0.05 else "active",
            )
        )
    return docs
