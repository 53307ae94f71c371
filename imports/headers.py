"""Which column of a network's spreadsheet means what.

Header text is folded (case, accents, punctuation: `directory.vocabulary.fold`) and looked up
in synonyms in English, French and Arabic, then in the network's own profile (EMJ's anti-
trafficking sub-group column, CARIN's `Member` and `Type`). Networks rename columns between
two sendings; the synonyms are generous so that a renamed column still lands, and a column
that matches nothing is reported, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from directory.vocabulary import NETWORKS, fold

from .messages import N_

# Columns that may appear several times ("E-mail", "E-mail 2"): their values are pooled.
MULTI_VALUED = frozenset({"emails", "phones", "mobile", "phone_24_7", "languages", "specialisms",
                          "notes"})
# How a missing required column is described to the user.
DESCRIPTIONS = {
    "family_name": N_("the family name (a header such as Family name, Nom, Surname or Name)"),
    "country": N_("the country (a header such as Country or Pays)"),
    "emails": N_("the e-mail address (a header such as E-mail or Courriel)"),
    "external_id": N_("the network's ID (a header such as ID or Reference)"),
}

# Canonical column -> the headers that name it. `full_name` is a single name column (split into
# given and family); a network's profile adds its own (EMJ's `subgroup`: the yes/no
# anti-trafficking sub-group column, a role in disguise).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": (
        "id", "identifier", "identifiant", "ref", "reference", "référence", "ref no",
        "reference number", "external id", "external identifier", "id externe", "code",
        "contact id", "id contact", "member id", "membership id", "no", "n°", "nº", "number",
        "numéro", "num", "uid", "key", "clé", "network id", "id réseau", "المعرف", "الرقم",
    ),
    "given_name": (
        "first name", "firstname", "first names", "given name", "given names", "forename",
        "forenames", "christian name", "prénom", "prénoms", "prenom usuel", "name first",
        "الاسم الشخصي", "الاسم الأول",
    ),
    "family_name": (
        "last name", "lastname", "surname", "family name", "nom de famille", "nom d usage",
        "nom patronymique", "name last", "اللقب", "الاسم العائلي", "اسم العائلة", "النسب",
    ),
    # "Name"/"Nom" alone: a family name beside a given-name column, otherwise a full name.
    "name": ("name", "nom", "noms"),
    "full_name": (
        "full name", "fullname", "nom complet", "nom et prénom", "nom prénom", "prénom nom",
        "prénom et nom", "nom et prénoms", "name and surname", "first and last name",
        "contact name", "contact", "person", "personne", "contact person", "personne de contact",
        "name family given", "name surname first name", "surname first name", "name first name",
        "nom prénoms", "full name family given", "الاسم الكامل", "الاسم واللقب",
    ),
    "native_name": (
        "native name", "name native", "native script name", "name in native script",
        "native script", "original script", "name original script", "nom en écriture originale",
        "arabic name", "name arabic", "name in arabic", "nom arabe", "nom arabe", "nom en arabe",
        "nom (arabe)", "nom écriture arabe", "nom en caractères arabes", "original name",
        "name original", "local name", "nom local", "name in arabic script", "arabic script",
        "name arabic script", "nom en écriture arabe", "nom en lettres arabes", "arabic",
        "arabe", "الاسم", "الاسم بالعربية", "الإسم",
    ),
    "title": (
        "title", "job title", "position", "poste", "fonction", "function", "post", "grade",
        "rank", "qualité", "role title", "job", "occupation", "titre", "fonctions",
        "designation", "intitulé du poste", "الوظيفة", "المنصب", "الصفة",
    ),
    "organisation": (
        "organisation", "organization", "institution", "authority", "autorité", "agency",
        "agence", "office", "body", "organisme", "administration", "employer", "employeur",
        "service", "department", "département", "structure", "entity", "entité", "ministry",
        "ministère", "juridiction", "court", "parquet", "prosecution office", "affiliation",
        "competent authority", "autorité compétente", "organisation name", "nom de l organisation",
        "nom de l institution", "institution name", "name of institution", "name of organisation",
        "name of organization", "nom de l organisme", "organization name", "authority name",
        "المؤسسة", "الجهة", "الهيئة",
    ),
    "organisation_kind": (
        "organisation kind", "organization kind", "kind", "organisation type",
        "organization type", "type of organisation", "type of organization",
        "type d organisation", "type d organisme", "type d institution", "type of authority",
        "type d autorité", "authority type", "institution type", "nature de l autorité",
        "kind of organisation", "نوع المؤسسة",
    ),
    "country": (
        "country", "pays", "nation", "state", "état", "member state", "member country",
        "pays membre", "état membre", "jurisdiction", "country code", "code pays", "iso country",
        "country name", "nom du pays", "الدولة", "البلد", "بلد",
    ),
    "city": ("city", "ville", "town", "localité", "locality", "commune", "المدينة"),
    "address": (
        "address", "adresse", "postal address", "adresse postale", "street address",
        "office address", "adresse du bureau", "mailing address", "العنوان",
    ),
    "emails": (
        "email", "e mail", "emails", "e mails", "email address", "e mail address",
        "email addresses", "mail", "courriel", "courriels", "adresse électronique",
        "adresse e mail", "adresse email", "adresse mail", "adresse courriel",
        "adresses électroniques", "mél", "mel", "email professionnel", "work email",
        "contact email", "البريد الإلكتروني", "البريد الالكتروني", "البريد",
    ),
    "phones": (
        "phone", "phones", "telephone", "telephones", "tel", "tél", "téléphone", "téléphones",
        "phone number", "telephone number", "numéro de téléphone", "office phone",
        "phone office", "work phone", "téléphone bureau", "tél bureau", "téléphone fixe",
        "tél fixe", "landline", "direct line", "ligne directe", "business phone", "phone work",
        "téléphone professionnel", "الهاتف", "رقم الهاتف", "هاتف",
    ),
    "mobile": (
        "mobile", "mobile phone", "mobile number", "portable", "téléphone portable",
        "tél portable", "gsm", "cell", "cellphone", "cell phone", "téléphone mobile",
        "tél mobile", "mobile tel", "mob", "whatsapp", "phone mobile", "tel mobile",
        "telephone mobile", "numéro de portable", "n de portable", "الجوال", "الهاتف المحمول",
        "المحمول",
    ),
    "phone_24_7": (
        "24 7 phone", "phone 24 7", "24 7 number", "24 7 telephone", "tél 24 7",
        "téléphone 24 7", "téléphone 24h 24", "tél 24h 24", "emergency phone", "emergency number",
        "emergency contact number", "duty phone", "téléphone de permanence", "tél permanence",
        "permanence téléphonique", "numéro d urgence", "téléphone d urgence", "urgence tél",
        "hotline", "out of hours phone", "هاتف الطوارئ",
    ),
    "languages": (
        "languages", "language", "langues", "langue", "working languages", "working language",
        "langues de travail", "langue de travail", "languages spoken", "spoken languages",
        "langues parlées", "langues de communication", "اللغات", "اللغة",
    ),
    "specialisms": (
        "specialisms", "specialism", "specialities", "speciality", "specialties", "specialty",
        "spécialités", "spécialité", "spécialisation", "specialisation", "specialization",
        "specialisations", "specializations", "spécialisations",
        "areas of expertise", "area of expertise", "expertise", "fields of expertise",
        "domaines", "domaine", "domaines de compétence", "domaine de compétence",
        "domaines d expertise", "domaines d intervention", "compétences", "matters", "matières",
        "crime areas", "crime types", "thematic areas", "thèmes", "areas", "fields",
        "subject matters", "mandate", "مجالات الاختصاص", "الاختصاص", "التخصص", "التخصصات",
    ),
    "role": (
        "role", "rôle", "type", "membership", "membership type", "membership role",
        "role in network", "role in the network", "rôle dans le réseau", "network role",
        "type de membre", "type of contact", "contact type", "type de contact", "category",
        "catégorie", "capacity", "qualité au sein du réseau", "الدور", "الصفة في الشبكة",
    ),
    "urgent": (
        "urgent", "urgent contact", "urgency", "urgence", "24 7", "24h 24", "24 7 availability",
        "available 24 7", "availability 24 7", "24 7 available", "disponible 24 7",
        "disponibilité 24 7", "disponible 24h 24", "disponibilité 24h 24", "joignable 24h 24",
        "joignable 24 7", "permanence", "astreinte", "on call", "on duty", "urgent cases",
        "urgences", "disponibilité en urgence", "urgent availability", "متاح على مدار الساعة",
    ),
    "urgent_instructions": (
        "urgent instructions", "urgency instructions", "24 7 instructions", "instructions 24 7",
        "instructions for urgent cases", "instructions urgence", "instructions en cas d urgence",
        "en cas d urgence", "in case of emergency", "in urgent cases", "emergency instructions",
        "emergency contact", "urgent contact instructions", "out of hours", "out of hours contact",
        "hors heures ouvrables", "modalités de contact en urgence", "contact en urgence",
        "how to reach urgently", "modalités de permanence", "تعليمات الاتصال العاجل",
    ),
    "notes": (
        "notes", "note", "remarks", "remark", "remarques", "remarque", "observations",
        "observation", "comments", "comment", "commentaires", "commentaire",
        "additional information", "informations complémentaires", "other information",
        "autres informations", "info", "infos", "details", "détails", "ملاحظات",
    ),
    "last_verified": (
        "last verified", "last verified on", "verified", "verified on", "verification date",
        "date of verification", "last verification", "date last verified", "last checked",
        "last check", "checked on", "last updated", "last update", "updated", "updated on",
        "date updated", "update date", "dernière vérification", "date de vérification",
        "date de dernière vérification", "vérifié le", "date de mise à jour", "mise à jour",
        "mis à jour le", "mis à jour", "dernière mise à jour", "date mise à jour", "date",
        "تاريخ التحقق", "تاريخ التحديث", "آخر تحديث",
    ),
}

# The network names people put inside headers ("ID EMJ", "CARIN ID", "Eurojust reference").
_NETWORK_WORDS = {"emj", "emjnet", "euromed", "justice", "eurojust", "carin", "ej", "ejn",
                  "network", "réseau", "reseau"}


@dataclass(frozen=True)
class Profile:
    """What one network's lists say in their own way.

    `headers`: extra header synonyms; `roles`: extra spellings of the network's role slugs;
    `family_first`: a single name column is written FAMILY Given.
    """

    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    family_first: bool = False


PROFILES = {
    "emj": Profile(
        headers={
            "subgroup": (
                "sous groupe anti traite", "sous groupe traite", "sous groupe thb",
                "sous groupe anti traite des êtres humains", "membre du sous groupe anti traite",
                "anti trafficking sub group", "anti trafficking subgroup", "thb sub group",
                "thb subgroup", "sub group", "subgroup", "sous groupe", "anti traite",
                "anti trafficking", "groupe anti traite", "الفريق الفرعي لمكافحة الاتجار",
            ),
        },
        roles={
            "contact-point": ("contact point", "point de contact", "cp", "pc", "membre",
                              "member", "correspondent", "correspondant"),
            "anti-trafficking-subgroup": ("anti trafficking sub group", "anti trafficking",
                                          "sous groupe", "sous groupe anti traite", "thb",
                                          "anti traite", "sub group", "subgroup",
                                          "thb sub group"),
        },
    ),
    "eurojust": Profile(
        roles={
            "contact-point": ("contact point", "cp", "point de contact", "eurojust contact point",
                              "third country contact point", "contact point third country",
                              "point de contact pays tiers", "judicial contact point"),
            "national-desk": ("national desk", "desk", "nd", "national member",
                              "membre national", "bureau national", "deputy national member",
                              "assistant to the national member", "national desk member"),
            "liaison-prosecutor": ("liaison prosecutor", "lp", "liaison magistrate",
                                   "magistrat de liaison", "procureur de liaison",
                                   "liaison prosecutors", "liaison"),
        },
    ),
    "carin": Profile(
        headers={"country": ("member", "membre", "member jurisdiction", "jurisdiction member")},
        roles={
            "law-enforcement": ("le", "l e", "law enforcement", "law enforcement agency", "lea",
                                "law enforcement officer", "police", "services répressifs",
                                "service répressif", "répressif", "forces de l ordre",
                                "enforcement", "customs", "douane", "aro"),
            "judicial": ("j", "jud", "judicial", "judiciary", "judicial authority", "judiciaire",
                         "autorité judiciaire", "prosecutor", "prosecution", "magistrat",
                         "magistrate", "procureur", "parquet", "juge", "judge", "justice"),
        },
        family_first=True,
    ),
}


def profile(network: str) -> Profile:
    return PROFILES.get(network, Profile())


def _singular(key: str) -> str:
    """'langues parlees' → 'langue parlee': plurals differ more between lists than meanings."""
    return " ".join(word[:-1] if len(word) > 3 and word.endswith("s") else word
                    for word in key.split(" "))


def _table(network: str) -> dict[str, str]:
    """Folded synonym → canonical; the network's profile first, then singular forms."""
    table: dict[str, str] = {}
    pairs = [(canonical, fold(name)) for canonical, names in profile(network).headers.items()
             for name in names]
    pairs += [(canonical, fold(name)) for canonical, names in _SYNONYMS.items() for name in names]
    for canonical, key in pairs:
        table.setdefault(key, canonical)
    for canonical, key in pairs:
        table.setdefault(_singular(key), canonical)
    return table


_TABLES: dict[str, dict[str, str]] = {}
_TRAILING_NUMBER = re.compile(r"(?:\s+(?:\d{1,2}|n \d{1,2}|no \d{1,2}|bis|alt|alternative|"
                              r"other|autre|second|secondary|secondaire|principal|main|primary|"
                              r"professionnel|professional|work|pro))+$")
_LEADING_QUALIFIER = re.compile(r"^(?:other|autre|second|secondary|alternative|main|primary|"
                                r"principal|additional|work|professional|official|officiel|"
                                r"deuxième|2nd|1st)\s+")
_PARENTHESES = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
_PLURAL_MARK = re.compile(r"\((?:s|e|es|x)\)", re.IGNORECASE)


def match_header(header: str, network: str) -> str | None:
    """The canonical column a header means, or None.

    Tries the folded header as written, then without the network's name ("ID EMJ"), without a
    qualifier or number ("E-mail 2", "Other phone", "Téléphone (bureau)"), and without "s".
    """
    table = _TABLES.get(network)
    if table is None:
        table = _TABLES[network] = _table(network)
    if not header or not header.strip():
        return None
    attempts = []
    folded = fold(header)
    attempts.append(folded)
    words = [word for word in folded.split(" ") if word not in _NETWORK_WORDS | {fold(network)}]
    attempts.append(" ".join(words))
    plural = _PLURAL_MARK.sub("", header)  # "Langue(s) parlée(s)"
    if plural != header:
        attempts.append(fold(plural))
    bare = fold(_PARENTHESES.sub(" ", plural))
    attempts.append(bare)
    for base in (folded, bare, " ".join(words)):
        stripped = _LEADING_QUALIFIER.sub("", _TRAILING_NUMBER.sub("", base))
        attempts.append(stripped)
        attempts.append(_singular(stripped))
    for attempt in attempts:
        if attempt and attempt in table:
            return table[attempt]
    return None


@dataclass
class ColumnMap:
    """The outcome of reading a header row.

    `by_index`: column position → canonical name; `headers`: canonical → headers as written
    (several for pooled columns); `ignored`: headers matching nothing, as written.
    """

    by_index: dict[int, str]
    headers: dict[str, list[str]]
    ignored: list[str]

    def has(self, canonical: str) -> bool:
        return canonical in self.headers


def map_headers(header_row: list[str], network: str) -> ColumnMap:
    """Match every header of a row; resolve `Name`/`Nom` and duplicated single columns."""
    matched: list[tuple[int, str, str]] = []
    ignored: list[str] = []
    for index, header in enumerate(header_row):
        text = " ".join(str(header or "").split())
        if not text:
            continue
        canonical = match_header(text, network)
        if canonical is None:
            ignored.append(text)
        else:
            matched.append((index, canonical, text))
    found = {canonical for _, canonical, _ in matched}
    by_index: dict[int, str] = {}
    headers: dict[str, list[str]] = {}
    for index, canonical, text in matched:
        if canonical == "name":
            # "Nom" next to "Prénom" is the family name; alone, it holds the whole name.
            canonical = "family_name" if "given_name" in found else "full_name"
            if canonical == "family_name" and "family_name" in found:
                canonical = "full_name"
        if canonical == "full_name" and "family_name" in found and "given_name" in found:
            ignored.append(text)
            continue
        if canonical in headers and canonical not in MULTI_VALUED:
            # A second "Country" column: the first one wins, the second is shown as ignored.
            ignored.append(text)
            continue
        by_index[index] = canonical
        headers.setdefault(canonical, []).append(text)
    return ColumnMap(by_index, headers, ignored)


def header_score(row: list[str], network: str) -> int:
    """How many distinct columns a row's cells name: finds the header row under a title."""
    return len({canonical for cell in row
                if isinstance(cell, str) and len(cell) <= 80
                and (canonical := match_header(cell, network)) is not None})


def role_table(network: str, roles: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Folded role spellings → role slug, from the vocabulary, the profile and `roles`."""
    table: dict[str, str] = {}
    if roles is not None:
        for slug, labels in roles.items():
            for label in (slug, *labels):
                table.setdefault(fold(label), slug)
    seed = NETWORKS.get(network)
    if seed is not None:
        for term in seed.roles:
            for label in (term.slug, term.en, term.fr, term.ar, *term.synonyms):
                table.setdefault(fold(label), term.slug)
    for slug, spellings in profile(network).roles.items():
        for label in spellings:
            table.setdefault(fold(label), slug)
    return table
