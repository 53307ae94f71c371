"""Turning what people type into spreadsheet cells into the directory's values.

Each function takes one cell (text, or the number/date/bool an XLSX cell holds) and returns the
normalised value, or raises Invalid (a ValueError) with a message a secretariat can act on. The
API uses the same functions, so a phone number or a date means the same thing however it arrives.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from directory import vocabulary
from directory.vocabulary import fold

from .formulas import restore
from .messages import N_, Invalid, Message

__all__ = [
    "cell_text",
    "normalise_country",
    "normalise_email",
    "normalise_emails",
    "normalise_languages",
    "normalise_organisation_kind",
    "normalise_phone",
    "normalise_phones",
    "normalise_specialisms",
    "parse_date",
    "parse_yes_no",
    "split_full_name",
    "split_values",
]

# email_validator's commonest reasons, so that the catalogues translate them (any other is
# shown as the library wrote it).
EMAIL_REASONS = (
    N_("An email address must have an @-sign."),
    N_("There must be something after the @-sign."),
    N_("There must be something before the @-sign."),
    N_("An email address cannot have two periods in a row."),
    N_("An email address cannot have a period and a hyphen next to each other."),
    N_("The part after the @-sign is not valid. It should have a period."),
    N_("The part after the @-sign is not valid. It is not within a valid top-level domain."),
    N_("The part after the @-sign is a special-use or reserved name that cannot be used with "
       "email."),
    N_("The email address contains an invalid character."),
    N_("There can't be anything after the email address."),
)
NOT_A_PHONE = N_("not a phone number: %(value)s")
NOT_A_DATE = N_("not a date: %(value)s")
# Separators of several values in one cell, per SPEC 7: ; , / and new lines.
_SEPARATORS = re.compile(r"\s*(?:[;,/\n\r]|\|)\s*")
# Stronger separators only; used first, so that a label containing "," or "/" can still match.
_HARD_SEPARATORS = re.compile(r"\s*[;\n\r|]\s*")
_SOFT_SEPARATORS = re.compile(r"\s*[,/]\s*")
_CONJUNCTIONS = re.compile(r"\s+(?:and|et|&|y|e|و)\s+", re.IGNORECASE)


def _short(text: str, limit: int = 60) -> str:
    """A value quoted in an error message, cut so one bad cell cannot flood the report."""
    text = " ".join(str(text).split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def cell_text(value: object) -> str:
    """The text of a cell as a person would read it (Excel numbers without a spurious '.0')."""
    if type(value) is str:  # every cell of a CSV file
        return restore(value.strip())
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    # A spreadsheet export's protection against formulas (ours too): '+212537123456.
    return restore(str(value).strip())


def split_values(cell: object) -> list[str]:
    """Split a multi-value cell on ; , / | and new lines; blanks dropped, order kept.

    Phones and vocabulary labels use their own, more careful splitting (a '/' can be part of a
    phone number, a ',' part of a label); this is the plain rule for everything else.
    """
    text = cell_text(cell)
    return [part for part in _SEPARATORS.split(text) if part.strip()] if text else []


# --- e-mail ---------------------------------------------------------------------------------

_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>]+)>")


@lru_cache(maxsize=4096)
def normalise_email(text: str) -> str:
    """One e-mail address, lower-cased, or ValueError.

    Accepts `Name <a@b.c>` and `mailto:` as people paste them from mail clients. The whole
    address is lower-cased: the directory matches people by e-mail case-insensitively, and no
    justice ministry runs case-sensitive mailboxes.
    """
    raw = cell_text(text)
    candidate = raw
    angle = _ANGLE.search(candidate)
    if angle:
        candidate = angle.group(1)
    candidate = _MAILTO.sub("", candidate.strip().strip("<>\"'()[]").strip())
    if not candidate:
        raise Invalid(N_("an empty e-mail address"))
    local, at, domain = candidate.rpartition("@")
    if at and _SIMPLE_LOCAL.fullmatch(local) and len(candidate) <= 254 and _domain_ok(domain):
        # The common case, checked as email_validator would, with its domain verdict cached:
        # a list of 100,000 rows has a few dozen domains.
        return candidate.lower()
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid(N_("not an e-mail address: %(value)s (%(reason)s)"), value=_short(raw),
                      reason=Message(str(error))) from None
    return result.normalized.lower()


_SIMPLE_LOCAL = re.compile(r"(?=.{1,64}$)[A-Za-z0-9!#$%&'*+=?^_`{|}~-]+"
                           r"(?:\.[A-Za-z0-9!#$%&'*+=?^_`{|}~-]+)*")


@lru_cache(maxsize=1024)
def _domain_ok(domain: str) -> bool:
    """Whether email_validator accepts the domain (special-use names like .local refused)."""
    if not domain.isascii():
        return False
    try:
        validate_email(f"a@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


_EMAIL_SPLIT = re.compile(r"[;,\s|/]+")
_DISPLAY_NAME = re.compile(r"[^;,<>\n\r|]*<([^<>]*)>")


def normalise_emails(cell: object) -> list[str]:
    """Every address in a cell (split on ; , / spaces and new lines), deduplicated, in order.

    `Marie Dupont <m.dupont@x>` keeps only the address. Raises ValueError naming the values
    that are not addresses.
    """
    text = cell_text(cell)
    if not text:
        return []
    emails: list[str] = []
    bad: list[str] = []
    reason: Invalid | None = None
    for part in _EMAIL_SPLIT.split(_DISPLAY_NAME.sub(lambda match: f" {match.group(1)} ", text)):
        part = part.strip().strip("\"'()[]<>")
        if not part:
            continue
        try:
            email = normalise_email(part)
        except Invalid as error:
            bad.append(part)
            reason = reason or error
            continue
        if email not in emails:
            emails.append(email)
    if len(bad) == 1 and reason is not None:
        raise Invalid(reason.message)
    if bad:
        raise Invalid(N_("not e-mail addresses: %(values)s"),
                      values=[_short(part) for part in bad[:3]])
    return emails


# --- phones ---------------------------------------------------------------------------------

_PHONE_KIND_LABELS = {
    "office": ("office", "bureau", "tel", "tél", "telephone", "téléphone", "phone", "fixe",
               "landline", "work", "direct", "ligne directe", "standard", "switchboard", "t"),
    "mobile": ("mobile", "portable", "gsm", "cell", "cellphone", "cell phone", "mob", "m",
               "port", "mobile phone", "téléphone portable", "whatsapp", "signal"),
    "24-7": ("24/7", "24 7", "24h", "24h/24", "24h 24", "urgence", "urgent", "emergency",
             "duty", "permanence", "astreinte", "hotline", "out of hours", "after hours"),
}
_KIND_OF_LABEL = {fold(label): kind for kind, labels in _PHONE_KIND_LABELS.items()
                  for label in labels}
_FAX_LABELS = {"fax", "telefax", "télécopie", "telecopie", "facsimile"}
# "Mobile: 06…", "GSM 06…", "24/7 : 05…", "24h/24 - 05…": a label before the number.
_LABEL = re.compile(r"^\s*(24\s*h?\s*/\s*(?:7|24)|24\s*h|[^\W\d_][^\d+(:]{0,29}?)"
                    r"\s*[:.\-–]?\s*(?=[+(\d])")
_PHONE_SPLIT_HARD = re.compile(r"\s*(?:[;,\n\r|]|\s(?:or|ou|et|and|او|أو)\s)\s*", re.IGNORECASE)
_TRUNK_IN_PARENS = re.compile(r"\(\s*0\s*\)")
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|poste|x)\s*\d+\s*$", re.IGNORECASE)
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/\u00a0\u202f]")
_DIALLABLE = re.compile(r"\+?\d{3,20}")
_NOT_DIGITS = re.compile(r"\D")


class NeedsCountry(Invalid):
    """A national number in a row whose country is missing or unknown: the country's error
    already explains the row, so callers may leave this one out."""


@lru_cache(maxsize=8192)
def normalise_phone(text: str, country: str | None) -> str:
    """One phone number in E.164, or ValueError("not a phone number: ...").

    National numbers are read with the row's country as region; `+` and `00` prefixes are
    international. A number must be valid for its country per libphonenumber's metadata, so a
    mistyped digit count is caught here rather than by someone dialling it.
    """
    raw = cell_text(text)
    candidate = _TRUNK_IN_PARENS.sub(" ", raw)
    candidate = _EXTENSION.sub("", candidate).strip()
    compact = _PHONE_PUNCTUATION.sub("", candidate)
    if not compact or not _DIALLABLE.fullmatch(compact):
        raise Invalid(NOT_A_PHONE, value=_short(raw))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    region = (country or "").upper() or None
    attempts = [compact]
    if not compact.startswith("+"):
        # Excel drops the "+" (and the "00") of numbers typed as numbers: 212537123456.
        attempts.append("+" + compact)
    for attempt in attempts:
        try:
            number = phonenumbers.parse(attempt, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not compact.startswith("+") and region is None:
        raise NeedsCountry(N_("not a phone number: %(value)s (a national number, and the row "
                              "has no known country)"), value=_short(raw))
    raise Invalid(NOT_A_PHONE, value=_short(raw))


def _phone_pieces(text: str) -> list[str]:
    """Split a phone cell without breaking numbers written with '/' (030/123 45 67)."""
    pieces: list[str] = []
    for chunk in _PHONE_SPLIT_HARD.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if "/" in chunk:
            parts = [part.strip() for part in chunk.split("/") if part.strip()]
            # "0537 12 34 56 / 0661 23 45 67": each side is a whole number (7+ digits).
            if len(parts) > 1 and all(len(_NOT_DIGITS.sub("", part)) >= 7 for part in parts):
                pieces.extend(parts)
                continue
        pieces.append(chunk)
    return pieces


def normalise_phones(cell: object, country: str | None,
                     kind: str = "office") -> list[tuple[str, str]]:
    """Every (E.164, kind) in a cell; a label such as `Mobile:` or `24/7:` sets the kind.

    Fax numbers ("Fax: ...") are dropped: the directory has no fax kind and nobody should call
    one by mistake. Other labels keep the column's kind. Raises ValueError naming the first
    value that is not a number.
    """
    text = cell_text(cell)
    phones: list[tuple[str, str]] = []
    for piece in _phone_pieces(text) if text else []:
        piece_kind = kind
        label = _LABEL.match(piece)
        if label:
            word = fold(label.group(1))
            if word in _FAX_LABELS or word.startswith("fax"):
                continue
            # An unknown label ("Secrétariat:") keeps the column's kind; the number is checked.
            piece_kind = _KIND_OF_LABEL.get(word, kind)
            piece = piece[label.end():]
        number = normalise_phone(piece, country)
        if all(existing != number for existing, _ in phones):
            phones.append((number, piece_kind))
    return phones


# --- vocabularies ---------------------------------------------------------------------------

_PARENTHESES = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
_LOCALE_CODE = re.compile(r"^([a-z]{2})[-_][a-z]{2,4}$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _lookup(vocabulary_name: str, text: str) -> str | None:
    """vocabulary.lookup, then without a parenthesis ("Arabe (langue maternelle)")."""
    found = vocabulary.lookup(vocabulary_name, text)
    if found is None:
        bare = _PARENTHESES.sub(" ", text).strip()
        if bare and bare != text:
            found = vocabulary.lookup(vocabulary_name, bare)
    if found is None and vocabulary_name == "language":
        locale = _LOCALE_CODE.match(text.strip())
        if locale:
            found = vocabulary.lookup("language", locale.group(1))
    return found


def normalise_country(cell: object) -> str:
    """ISO 3166-1 alpha-2 from a code or an English, French or Arabic name, or ValueError."""
    text = cell_text(cell)
    if not text:
        raise Invalid(N_("no country given"))
    code = _lookup("country", text)
    if code is None:
        raise Invalid(N_("unknown country: %(value)s"), value=_short(text))
    return code


def _labels(cell: object, vocabulary_name: str, what: str) -> list[str]:
    """Split a cell of vocabulary labels, keeping labels that themselves contain , / or 'and'.

    Tries the whole cell, then hard separators (; | new line), then , and /, then 'and'/'et'
    — at each step keeping a piece whole when it already is a known label.
    """
    text = cell_text(cell)
    if not text:
        return []
    return list(_labels_of_text(text, vocabulary_name, what))


@lru_cache(maxsize=4096)
def _labels_of_text(text: str, vocabulary_name: str, what: str) -> tuple[str, ...]:
    """The cached body of _labels: the same few label cells repeat on every row."""
    found: list[str] = []
    unknown: list[str] = []

    def take(piece: str, depth: int) -> None:
        piece = piece.strip(" .-–•*")
        if not piece:
            return
        slug = _lookup(vocabulary_name, piece)
        if slug is not None:
            if slug not in found:
                found.append(slug)
            return
        splitters = (_HARD_SEPARATORS, _SOFT_SEPARATORS, _CONJUNCTIONS)
        for level in range(depth, len(splitters)):
            parts = splitters[level].split(piece)
            if len(parts) > 1:
                for part in parts:
                    take(part, level + 1)
                return
        unknown.append(piece)

    take(text, 0)
    if unknown:
        values = [_short(piece, 40) for piece in unknown]
        if what == "language":
            raise Invalid(Message.counted("unknown language: %(values)s",
                                          "unknown languages: %(values)s", len(values),
                                          values=values))
        raise Invalid(Message.counted("unknown specialism: %(values)s",
                                      "unknown specialisms: %(values)s", len(values),
                                      values=values))
    return tuple(found)


def normalise_languages(cell: object) -> list[str]:
    """ISO 639-1 codes from codes or English/French names ("arabe, français" → ["ar", "fr"])."""
    return _labels(cell, "language", "language")


def normalise_specialisms(cell: object) -> list[str]:
    """Specialism slugs from slugs or English/French labels."""
    return _labels(cell, "specialism", "specialism")


def normalise_organisation_kind(cell: object) -> str | None:
    text = cell_text(cell)
    if not text:
        return None
    kind = _lookup("organisation_kind", text)
    if kind is None:
        raise Invalid(N_("unknown kind of organisation: %(value)s"), value=_short(text))
    return kind


_YES = {"oui", "yes", "y", "o", "x", "1", "true", "vrai", "ja", "si", "sí", "نعم", "اجل", "أجل",
        "ok", "✓", "✔", "☑", "✅", "24 7", "24h 24", "available", "disponible"}
_NO = {"non", "no", "n", "0", "false", "faux", "nein", "لا", "-", "–", "none", "aucun",
       "not available", "non disponible", "✗", "✘", "☐"}
_YES_FOLDED = {fold(word) or word for word in _YES}
_NO_FOLDED = {fold(word) or word for word in _NO}


def parse_yes_no(cell: object) -> bool | None:
    """Yes/no in English, French or Arabic (Oui/Non/Yes/No/X/1/0/نعم/لا); empty → None."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, (int, float)) and cell in (0, 1):
        return bool(cell)
    text = cell_text(cell)
    if not text:
        return None
    key = fold(text) or text.strip()
    if key in _YES_FOLDED:
        return True
    if key in _NO_FOLDED:
        return False
    first = key.split(" ")[0]
    # "Oui (sur appel)", "Yes - via duty phone", "Non."
    if first in _YES_FOLDED and first not in {"x", "o", "y", "n", "1", "0"}:
        return True
    if first in _NO_FOLDED and first not in {"x", "o", "y", "n", "1", "0", "-"}:
        return False
    raise Invalid(N_("not yes or no: %(value)s (write Yes/No or Oui/Non)"), value=_short(text))


# --- names ----------------------------------------------------------------------------------

# Words that belong to the family name that follows them ("Mohamed El Idrissi", "Maria de la Cruz").
_PARTICLES = {"al", "el", "ben", "bin", "bint", "ibn", "abu", "abou", "ould", "bou", "de", "del",
              "della", "di", "da", "das", "dos", "do", "du", "des", "la", "le", "van", "von", "der",
              "den", "ter", "ten", "mac", "st", "saint", "sainte", "y"}
_NAME_PART = re.compile(r"([^\s\-'’]+)")


def _is_capitals(word: str) -> bool:
    """A word written in capitals that marks a family name: two letters or more, none lower."""
    letters = [char for char in word if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


def _title(words: str) -> str:
    """DUPONT → Dupont, AL-MANSOURI → Al-Mansouri, D'ANGELO → D'Angelo, PEÑA → Peña."""
    return _NAME_PART.sub(lambda match: match.group(1)[:1].upper() + match.group(1)[1:].lower(),
                          words)


def split_full_name(text: str, family_first: bool = False) -> tuple[str, str]:
    """(given, family) from one name cell.

    - `Dupont, Marie` → ("Marie", "Dupont"): a comma puts the family name first.
    - `DUPONT Marie`, `Marie DUPONT`, `EL IDRISSI Mohamed` → the words in capitals are the
      family name, wherever they stand; they are title-cased (`Dupont`, `El Idrissi`) because
      the capitals are a convention of the list, not of the name, and the same person arrives
      in mixed case from other networks (matching and search compare them).
    - `Marie Dupont`, `Mohamed El Idrissi` → the last word is the family name, with any particles
      before it (`El`, `de la`, `van der`).
    - A name all in capitals is title-cased; `family_first` (a network's convention, e.g.
      CARIN's `FAMILY Given`) says which end holds the family name.
    Mixed-case names are otherwise kept exactly as written.
    """
    name = " ".join(cell_text(text).split())
    if not name:
        raise Invalid(N_("no name given"))
    if "," in name:
        family, _, given = name.partition(",")
        family, given = family.strip(), given.strip()
        if family and given and "," not in given:
            if _is_capitals(family) and not _is_capitals(given):
                family = _title(family)
            return given, family
        name = name.replace(",", " ")
        name = " ".join(name.split())
    words = name.split(" ")
    if len(words) == 1:
        return "", _title(name) if _is_capitals(name) else name
    capitals = [_is_capitals(word) for word in words]
    if all(capitals):
        words = [_title(word) for word in words]
        if family_first:
            return " ".join(words[1:]), words[0]
        return _split_given_first(words)
    if any(capitals):
        # The run of capitals (with particles inside it, "DE LA CRUZ") is the family name.
        start = capitals.index(True)
        end = len(capitals) - capitals[::-1].index(True)
        family_words = words[start:end]
        given_words = words[:start] + words[end:]
        if given_words:
            return " ".join(given_words), _title(" ".join(family_words))
    if family_first:
        return " ".join(words[1:]), words[0]
    return _split_given_first(words)


def _split_given_first(words: list[str]) -> tuple[str, str]:
    start = len(words) - 1
    while start > 1 and fold(words[start - 1]) in _PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


# --- dates ----------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
_MONTHS = {
    "jan": 1, "january": 1, "janvier": 1, "janv": 1, "feb": 2, "february": 2, "fevrier": 2,
    "fev": 2, "fevr": 2, "mar": 3, "march": 3, "mars": 3, "apr": 4, "april": 4, "avril": 4,
    "avr": 4, "may": 5, "mai": 5, "jun": 6, "june": 6, "juin": 6, "jul": 7, "july": 7,
    "juillet": 7, "juil": 7, "aug": 8, "august": 8, "aout": 8, "sep": 9, "sept": 9,
    "september": 9, "septembre": 9, "oct": 10, "october": 10, "octobre": 10, "nov": 11,
    "november": 11, "novembre": 11, "dec": 12, "december": 12, "decembre": 12,
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"  # the date, then an optional time and zone
                  r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})"  # then an optional time
                      r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_WORDS = re.compile(r"^(?:(\d{1,2})(?:er)?\s+)?([a-z]+)\.?\s+(\d{4})$")
_WORDS_US = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")


def _excel_serial(number: float) -> date:
    if not 1 <= number < 2958466:  # 1900-01-01 .. 9999-12-31
        raise ValueError
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _full_year(year: str) -> int:
    value = int(year)
    if len(year) == 2:
        value += 2000 if value < 70 else 1900
    return value


def parse_date(value: object) -> date:
    """A date from ISO (2023-06-01), day-first (01/06/2023, 1.6.23), `1 juin 2023`, an Excel
    serial number or an Excel date cell; ValueError otherwise.

    Numeric dates are read day first, as everywhere around the Mediterranean; `06/25/2023`,
    which cannot be day first, is read month first rather than refused.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return _excel_serial(float(value))
        except ValueError:
            raise Invalid(NOT_A_DATE, value=_short(cell_text(value))) from None
    text = cell_text(value)
    if not text:
        raise Invalid(N_("no date given"))
    try:
        return _parse_date_text(text)
    except (ValueError, OverflowError):
        raise Invalid(N_("not a date: %(value)s (write it as 2023-06-01 or 01/06/2023)"),
                      value=_short(text)) from None


def _parse_date_text(text: str) -> date:
    text = text.strip()
    match = _ISO.match(text) or _YEAR_FIRST.match(text)
    if match:
        year, month, day = (int(group) for group in match.groups())
        return date(year, month, day)
    match = _NUMERIC.match(text)
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), _full_year(match.group(3))
        try:
            return date(year, second, first)
        except ValueError:
            if first <= 12 < second:
                return date(year, first, second)
            raise
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _excel_serial(float(text))
    folded = fold(text)
    match = _WORDS.match(folded)
    if match and match.group(2) in _MONTHS:
        return date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1) or 1))
    match = _WORDS_US.match(folded.replace(" ,", ","))
    if match and match.group(1) in _MONTHS:
        return date(int(match.group(3)), _MONTHS[match.group(1)], int(match.group(2)))
    raise ValueError(text)
