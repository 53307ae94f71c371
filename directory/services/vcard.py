"""vCard 4.0 (RFC 6350) of entries, written by hand because no maintained library writes 4.0.

Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from collections.abc import Iterable

from directory import vocabulary
from directory.models import ContactPoint

PHONE_TYPES = {"office": "work,voice", "mobile": "cell,voice", "24-7": "voice"}


def _escape(text: str | None) -> str:
    text = text or ""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold one content line at 75 octets, continuation lines starting with a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
            limit = 74  # the leading space of a continuation line counts
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def vcard(contact_point: ContactPoint) -> str:
    lines = ["BEGIN:VCARD", "VERSION:4.0", "KIND:individual"]
    lines.append(f"FN:{_escape(contact_point.display_name or contact_point.family_name)}")
    lines.append(f"N:{_escape(contact_point.family_name)};{_escape(contact_point.given_name)};;;")
    if contact_point.native_name:
        lines.append(f"NICKNAME:{_escape(contact_point.native_name)}")
    if contact_point.organisation:
        lines.append(f"ORG:{_escape(contact_point.organisation.name)}")
    if contact_point.title:
        lines.append(f"TITLE:{_escape(contact_point.title)}")
    for position, email in enumerate(contact_point.emails, start=1):
        lines.append(f"EMAIL;TYPE=work;PREF={position}:{_escape(email.address)}")
    for phone in contact_point.phones:
        kind = PHONE_TYPES.get(phone.kind, "voice")
        lines.append(f'TEL;VALUE=uri;TYPE="{kind}":tel:{phone.number}')
    for position, language in enumerate(contact_point.languages or [], start=1):
        lines.append(f"LANG;PREF={position}:{language}")
    if contact_point.address or contact_point.city or contact_point.country:
        lines.append(
            "ADR;TYPE=work:;;" + ";".join(_escape(part) for part in (
                contact_point.address, contact_point.city, "", "",
                vocabulary.country_name(contact_point.country)))
        )
    if contact_point.notes:
        lines.append(f"NOTE:{_escape(contact_point.notes)}")
    categories = [specialism.slug for specialism in contact_point.specialisms]
    if categories:
        lines.append("CATEGORIES:" + ",".join(_escape(slug) for slug in categories))
    lines.append(f"UID:urn:counterpart:contact-point:{contact_point.id}")
    lines.append(f"REV:{contact_point.updated_at.strftime('%Y%m%dT%H%M%SZ')}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def vcards(contact_points: Iterable[ContactPoint]) -> str:
    return "".join(vcard(contact_point) for contact_point in contact_points)
