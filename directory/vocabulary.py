"""The fixed vocabularies of the directory, with English, French and Arabic labels.

Pure data and look-ups (no Flask, no database), so that the importer, the index and the
services all name countries, languages and specialisms the same way. The database seeds its
editable vocabularies (networks, roles, specialisms) from here.
"""

from __future__ import annotations

import gettext
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

LOCALES = ("en", "fr", "ar")


@dataclass(frozen=True)
class Term:
    """One vocabulary entry: a stable slug and its labels in the three working languages."""

    slug: str
    en: str
    fr: str
    ar: str
    synonyms: tuple[str, ...] = ()

    def label(self, locale: str = "en") -> str:
        return getattr(self, locale[:2], None) or self.en


def _terms(*terms: Term) -> dict[str, Term]:
    return {term.slug: term for term in terms}


SPECIALISMS = _terms(
    Term("thb", "Trafficking in human beings", "Traite des êtres humains", "الاتجار بالبشر",
         ("human trafficking", "trafficking", "traite", "tbh", "traite des personnes")),
    Term("som", "Smuggling of migrants", "Trafic de migrants", "تهريب المهاجرين",
         ("migrant smuggling", "smuggling", "trafic illicite de migrants", "passeurs")),
    Term("mla", "Mutual legal assistance", "Entraide judiciaire", "المساعدة القانونية المتبادلة",
         ("legal assistance", "entraide", "entraide pénale", "entraide judiciaire internationale",
          "judicial cooperation", "coopération judiciaire")),
    Term("extradition", "Extradition", "Extradition", "تسليم المجرمين", ("extraditions",)),
    Term("freezing-confiscation", "Freezing and confiscation of proceeds of crime",
         "Gel et confiscation des produits du crime", "تجميد ومصادرة عائدات الجريمة",
         ("freezing and confiscation", "confiscation", "freezing", "gel et confiscation",
          "saisie et confiscation", "saisies et confiscations", "gel des avoirs")),
    Term("asset-recovery", "Asset recovery", "Recouvrement des avoirs", "استرداد الأصول",
         ("assets recovery", "recouvrement d'avoirs", "recouvrement des avoirs criminels",
          "asset tracing", "aro")),
    Term("financial-investigations", "Criminal financial investigations",
         "Enquêtes financières", "التحقيقات المالية الجنائية",
         ("financial investigations", "financial investigation", "enquêtes financières pénales",
          "enquête financière")),
    Term("cryptocurrencies", "Cryptocurrencies", "Cryptomonnaies", "العملات المشفرة",
         ("cryptocurrency", "crypto", "crypto-actifs", "cryptoactifs", "virtual assets",
          "crypto-monnaies")),
    Term("cybercrime", "Cybercrime and electronic evidence",
         "Cybercriminalité et preuve électronique", "الجرائم الإلكترونية والأدلة الرقمية",
         ("cybercrime", "electronic evidence", "e-evidence", "cybercriminalité",
          "preuve électronique", "preuves électroniques")),
    Term("economic-crime", "Economic crime", "Criminalité économique", "الجرائم الاقتصادية",
         ("economic crimes", "financial crime", "criminalité économique et financière",
          "délinquance économique", "corruption", "money laundering", "blanchiment")),
    Term("organised-crime", "Organised crime", "Criminalité organisée", "الجريمة المنظمة",
         ("organized crime", "crime organisé", "grande criminalité")),
    Term("terrorism", "Terrorism", "Terrorisme", "الإرهاب",
         ("counter-terrorism", "antiterrorisme", "lutte contre le terrorisme")),
    Term("judicial-training", "Judicial training", "Formation judiciaire", "التدريب القضائي",
         ("training", "formation")),
)

ORGANISATION_KINDS = _terms(
    Term("prosecution-office", "Prosecution office", "Parquet", "النيابة العامة",
         ("prosecutor's office", "public prosecution", "ministère public", "parquet général",
          "pgo", "prosecutor general's office")),
    Term("ministry-of-justice", "Ministry of justice / central authority",
         "Ministère de la justice / autorité centrale", "وزارة العدل / السلطة المركزية",
         ("ministry of justice", "central authority", "ministère de la justice",
          "autorité centrale")),
    Term("asset-recovery-office", "Asset recovery office", "Bureau de recouvrement des avoirs",
         "مكتب استرداد الأصول", ("aro", "agrasc")),
    Term("fiu", "Financial intelligence unit", "Cellule de renseignement financier",
         "وحدة الاستخبارات المالية",
         ("financial intelligence unit", "crf", "cellule de renseignement financier")),
    Term("law-enforcement", "Law enforcement", "Services répressifs", "جهات إنفاذ القانون",
         ("police", "gendarmerie", "law enforcement agency", "lea")),
    Term("court", "Court", "Juridiction", "محكمة", ("tribunal", "cour")),
    Term("international-body", "International body", "Organisation internationale",
         "هيئة دولية", ("international organisation", "international organization")),
)

CHANNELS = _terms(
    Term("email", "E-mail", "Courriel", "البريد الإلكتروني"),
    Term("phone", "Phone", "Téléphone", "الهاتف"),
    Term("video", "Video call", "Visioconférence", "مكالمة فيديو"),
    Term("meeting", "Meeting", "Réunion", "اجتماع"),
    Term("secure-platform", "Secure platform", "Plateforme sécurisée", "منصة آمنة"),
    Term("other", "Other", "Autre", "أخرى"),
)

PURPOSES = _terms(
    Term("pre-mla-advice", "Pre-MLA advice", "Conseil préalable à l'entraide",
         "استشارة قبل طلب المساعدة القانونية"),
    Term("mla-request", "MLA request", "Demande d'entraide", "طلب مساعدة قانونية"),
    Term("request-follow-up", "Follow-up of a request", "Suivi d'une demande", "متابعة طلب"),
    Term("operational-coordination", "Operational coordination", "Coordination opérationnelle",
         "تنسيق عملياتي"),
    Term("other", "Other", "Autre", "أخرى"),
)

PHONE_KINDS = _terms(
    Term("office", "Office", "Bureau", "المكتب"),
    Term("mobile", "Mobile", "Portable", "الجوال"),
    Term("24-7", "24/7", "24h/24", "على مدار الساعة"),
)

STATUSES = _terms(
    Term("active", "Active", "Actif", "نشط"),
    Term("inactive", "Inactive", "Inactif", "غير نشط"),
    Term("archived", "Archived", "Archivé", "مؤرشف"),
)

ROLES = _terms(
    Term("prosecutor", "Prosecutor", "Procureur", "وكيل النيابة"),
    Term("secretariat", "Network secretariat", "Secrétariat de réseau", "أمانة الشبكة"),
    Term("reporter", "Reporter", "Rapporteur", "معدّ التقارير"),
    Term("admin", "Administrator", "Administrateur", "مسؤول النظام"),
)

PLANS = _terms(
    Term("A", "Action Plan A — trafficking in human beings and smuggling of migrants",
         "Plan d'action A — traite des êtres humains et trafic de migrants",
         "خطة العمل أ — الاتجار بالبشر وتهريب المهاجرين"),
    Term("B", "Action Plan B — confiscation of crime proceeds and asset recovery",
         "Plan d'action B — confiscation des produits du crime et recouvrement des avoirs",
         "خطة العمل ب — مصادرة عائدات الجريمة واسترداد الأصول"),
)

# The plan a matter belongs to by default, and the networks that fit it best.
PLAN_OF_MATTER = {"thb": "A", "som": "A", "freezing-confiscation": "B", "asset-recovery": "B",
                  "financial-investigations": "B", "cryptocurrencies": "B", "economic-crime": "B"}
NETWORKS_FOR_MATTER = {"thb": ("emj", "eurojust"), "som": ("emj", "eurojust"),
                       "freezing-confiscation": ("carin",), "asset-recovery": ("carin",),
                       "financial-investigations": ("carin",), "cryptocurrencies": ("carin",)}

# The regions "find a counterpart" groups countries by, and looks into for the nearest
# alternatives when a country has nobody in the directory: the EU Member States and the
# Southern Partner Countries of the action plans.
REGIONS = {
    "eu": frozenset({"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR",
                     "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO",
                     "SE", "SI", "SK"}),
    "south": frozenset({"DZ", "EG", "IL", "JO", "LB", "LY", "MA", "PS", "SY", "TN"}),
}


def region_of(code: str | None) -> str | None:
    """"eu", "south", or None for the rest of the world."""
    return next((name for name, codes in REGIONS.items() if code in codes), None)


@dataclass(frozen=True)
class NetworkSeed:
    slug: str
    name: str
    description: str
    roles: tuple[Term, ...]


NETWORKS = {
    seed.slug: seed
    for seed in (
        NetworkSeed("emj", "EMJ Directory",
                    "EuroMed Justice directory of prosecutors of the Southern Partner Countries",
                    (Term("contact-point", "Contact point", "Point de contact", "نقطة اتصال"),
                     Term("anti-trafficking-subgroup", "Anti-trafficking sub-group",
                          "Sous-groupe anti-traite", "الفريق الفرعي لمكافحة الاتجار"))),
        NetworkSeed("eurojust", "Eurojust contact points",
                    "Eurojust national desks, liaison prosecutors and contact points, "
                    "including contact points in third countries",
                    (Term("contact-point", "Contact point", "Point de contact", "نقطة اتصال"),
                     Term("national-desk", "National desk", "Bureau national", "المكتب الوطني"),
                     Term("liaison-prosecutor", "Liaison prosecutor", "Procureur de liaison",
                          "وكيل نيابة الاتصال"))),
        NetworkSeed("carin", "CARIN contact points",
                    "Camden Asset Recovery Inter-Agency Network",
                    (Term("law-enforcement", "Law enforcement", "Services répressifs",
                          "جهات إنفاذ القانون", ("le", "police")),
                     Term("judicial", "Judicial", "Judiciaire", "قضائي",
                          ("judiciaire", "prosecutor", "magistrat")))),
    )
}
NETWORK_LABELS_FR = {"emj": "Annuaire EMJ", "eurojust": "Points de contact d'Eurojust",
                     "carin": "Points de contact CARIN"}
NETWORK_LABELS_AR = {"emj": "دليل العدالة الأورومتوسطية", "eurojust": "نقاط اتصال يوروجست",
                     "carin": "نقاط اتصال شبكة كارين"}

# Where pycountry is missing a country or names it in a way users do not: (en, fr, ar).
_CURATED_COUNTRIES = {
    "PS": ("Palestine", "Palestine", "فلسطين"),
    "XK": ("Kosovo", "Kosovo", "كوسوفو"),
    "SY": ("Syria", "Syrie", "سوريا"),
    "TR": ("Türkiye", "Turquie", "تركيا"),
    "IR": ("Iran", "Iran", "إيران"),
    "RU": ("Russia", "Russie", "روسيا"),
    "KR": ("South Korea", "Corée du Sud", "كوريا الجنوبية"),
    "KP": ("North Korea", "Corée du Nord", "كوريا الشمالية"),
    "MD": ("Moldova", "Moldavie", "مولدوفا"),
    "TZ": ("Tanzania", "Tanzanie", "تنزانيا"),
    "VE": ("Venezuela", "Venezuela", "فنزويلا"),
    "BO": ("Bolivia", "Bolivie", "بوليفيا"),
    "VN": ("Vietnam", "Viêt Nam", "فيتنام"),
    "LA": ("Laos", "Laos", "لاوس"),
    "GB": ("United Kingdom", "Royaume-Uni", "المملكة المتحدة"),
    "US": ("United States", "États-Unis", "الولايات المتحدة"),
    "CZ": ("Czechia", "Tchéquie", "التشيك"),
    "MK": ("North Macedonia", "Macédoine du Nord", "مقدونيا الشمالية"),
    "NL": ("Netherlands", "Pays-Bas", "هولندا"),
    "VA": ("Holy See", "Saint-Siège", "الكرسي الرسولي"),
}
# Other names people write for a country (matched after folding case and accents).
_COUNTRY_SYNONYMS = {
    "PS": ("State of Palestine", "Palestinian Territories", "Territoires palestiniens",
           "دولة فلسطين", "État de Palestine"),
    "SY": ("Syrian Arab Republic", "République arabe syrienne", "سورية"),
    "TR": ("Turkey", "Turkiye", "Türkei"),
    "LY": ("Libyan Arab Jamahiriya", "Lybia", "Lybie"),
    "GB": ("UK", "Great Britain", "England", "Grande-Bretagne", "Angleterre"),
    "US": ("USA", "United States of America", "Etats-Unis d'Amérique"),
    "EG": ("Egypte", "Arab Republic of Egypt", "جمهورية مصر العربية"),
    "MA": ("Kingdom of Morocco", "Royaume du Maroc", "المملكة المغربية"),
    "JO": ("Hashemite Kingdom of Jordan", "المملكة الأردنية الهاشمية"),
    "DZ": ("Algérie", "People's Democratic Republic of Algeria", "الجمهورية الجزائرية"),
    "TN": ("Tunisian Republic", "République tunisienne", "الجمهورية التونسية"),
    "LB": ("Lebanese Republic", "République libanaise", "الجمهورية اللبنانية"),
    "CZ": ("Czech Republic", "République tchèque"),
    "MK": ("Macedonia", "FYROM"),
    "NL": ("Holland", "The Netherlands"),
    "XK": ("Kosova",),
    "CI": ("Ivory Coast", "Côte d'Ivoire"),
}


@cache
def _translations(domain: str, locale: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale], fallback=True)


@cache
def _countries() -> dict[str, Term]:
    terms: dict[str, Term] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        if code in _CURATED_COUNTRIES:
            continue
        english = getattr(country, "common_name", None) or country.name
        synonyms = tuple(
            name
            for name in {country.name, getattr(country, "official_name", None), country.alpha_3}
            if name and name != english
        )
        terms[code] = Term(
            code, english,
            _translations("iso3166-1", "fr").gettext(country.name),
            _translations("iso3166-1", "ar").gettext(country.name),
            synonyms + _COUNTRY_SYNONYMS.get(code, ()),
        )
    for code, (en, fr, ar) in _CURATED_COUNTRIES.items():
        official = pycountry.countries.get(alpha_2=code)
        extra = (official.name, official.alpha_3) if official else ()
        terms[code] = Term(code, en, fr, ar, extra + _COUNTRY_SYNONYMS.get(code, ()))
    return dict(sorted(terms.items()))


def countries() -> dict[str, Term]:
    """Every country by ISO 3166-1 alpha-2 code (Kosovo's user-assigned XK included)."""
    return _countries()


# Where pycountry's language names are not what people call them: (en, fr, ar).
_CURATED_LANGUAGES = {
    "el": ("Greek", "Grec", "اليونانية"),
    "ms": ("Malay", "Malais", "الملايوية"),
    "ne": ("Nepali", "Népalais", "النيبالية"),
    "sw": ("Swahili", "Swahili", "السواحيلية"),
    "oc": ("Occitan", "Occitan", "الأوكسيتانية"),
    "or": ("Oriya", "Oriya", "الأوريا"),
    "to": ("Tongan", "Tongien", "التونغية"),
    "ia": ("Interlingua", "Interlingua", "إنترلينغوا"),
    "es": ("Spanish", "Espagnol", "الإسبانية"),
}
# Other names people write for a language (Tamazight has no ISO 639-1 code, so none here).
_LANGUAGE_SYNONYMS = {
    "el": ("modern greek", "grec moderne", "grecque", "ελληνικά"),
    "fa": ("farsi", "dari"),
    "nl": ("flemish", "flamand", "vlaams"),
    "es": ("castilian", "castillan", "castellano", "español", "الأسبانية"),
    "ar": ("darija", "arabe dialectal", "moroccan arabic", "arabe marocain", "arabe classique",
           "modern standard arabic", "arabe littéraire", "عربي", "arabic language"),
    "en": ("english language", "الانجليزية", "الإنكليزية"),
    "fr": ("french language", "francais"),
    "sw": ("kiswahili",),
    "it": ("italiano",),
    "de": ("deutsch",),
    "pt": ("português",),
    "sh": ("serbo croatian", "serbo croate", "bcs", "bosnian croatian serbian"),
}


@cache
def _languages() -> dict[str, Term]:
    terms = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if not code:
            continue
        en, fr, ar = _CURATED_LANGUAGES.get(code) or (
            language.name,
            _translations("iso639-3", "fr").gettext(language.name),
            _translations("iso639-3", "ar").gettext(language.name),
        )
        official = (language.name,) if language.name != en else ()
        terms[code] = Term(code, en, fr, ar,
                           (language.alpha_3, *official, *_LANGUAGE_SYNONYMS.get(code, ())))
    return terms


def languages() -> dict[str, Term]:
    """Every language with an ISO 639-1 code."""
    return _languages()


def label(vocabulary: str, slug: str, locale: str = "en") -> str:
    """A slug's label in `locale`, or the slug itself when the vocabulary does not know it.

    `vocabulary` is one of country, language, specialism, organisation_kind, phone_kind,
    status, channel, purpose.
    """
    terms = {"country": countries, "language": languages}.get(vocabulary)
    found = (terms() if terms else _VOCABULARIES[vocabulary]).get(
        slug.upper() if vocabulary == "country" else slug)
    return found.label(locale) if found else slug


def country_name(code: str | None, locale: str = "en") -> str:
    return label("country", code or "", locale)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for matching labels people type (the
    same few labels come back on every row of a list: kept)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category == "Mn":
            continue
        kept.append(char if category[0] in "LN" else " ")
    return " ".join("".join(kept).split())


def _lookup_table(terms: dict[str, Term]) -> dict[str, str]:
    table: dict[str, str] = {}
    for term in terms.values():
        for name in (term.slug, term.en, term.fr, term.ar, *term.synonyms):
            table.setdefault(fold(name), term.slug)
    return table


_VOCABULARIES = {"specialism": SPECIALISMS, "organisation_kind": ORGANISATION_KINDS,
                 "phone_kind": PHONE_KINDS, "status": STATUSES, "channel": CHANNELS,
                 "purpose": PURPOSES}


@cache
def _tables() -> dict[str, dict[str, str]]:
    return {
        "country": _lookup_table(countries()),
        "language": _lookup_table(languages()),
        "specialism": _lookup_table(SPECIALISMS),
        "organisation_kind": _lookup_table(ORGANISATION_KINDS),
        "channel": _lookup_table(CHANNELS),
        "purpose": _lookup_table(PURPOSES),
    }


def lookup(vocabulary: str, text: str | None) -> str | None:
    """The slug (or code) a user's label means in one vocabulary, or None if unknown.

    `vocabulary` is one of country, language, specialism, organisation_kind, channel, purpose.
    Matching folds case, accents and punctuation, and knows English, French, Arabic labels,
    ISO codes and common synonyms.
    """
    if not text:
        return None
    key = fold(text)
    table = _tables()[vocabulary]
    if key in table:
        return table[key]
    # "Arabe (langue maternelle)" or "the Netherlands": try without a leading article/suffix.
    for prefix in ("the ", "la ", "le ", "les ", "l "):
        if key.startswith(prefix) and key[len(prefix):] in table:
            return table[key[len(prefix):]]
    return None
