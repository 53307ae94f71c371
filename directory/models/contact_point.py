"""Contact points: people (or functional mailboxes) reachable for cooperation.

One person in several networks is one contact point with one membership per network. Column
sizes come from `directory.fields`, which every way in checks values against.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import db
from directory.fields import EMAIL_LENGTH, PHONE_NUMBER_LENGTH, TEXTS
from directory.models.network import Network, Specialism
from directory.models.organisation import Organisation
from directory.models.user import utcnow

contact_point_specialism = Table(
    "contact_point_specialism",
    db.metadata,
    Column("contact_point_id", ForeignKey("contact_point.id", ondelete="CASCADE"),
           primary_key=True),
    Column("specialism_slug", ForeignKey("specialism.slug", ondelete="CASCADE"),
           primary_key=True),
)


class ContactPoint(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(String(TEXTS["given_name"].max_length), default="")
    family_name: Mapped[str] = mapped_column(String(TEXTS["family_name"].max_length), index=True)
    native_name: Mapped[str | None] = mapped_column(String(TEXTS["native_name"].max_length))
    name_variants: Mapped[list[str]] = mapped_column(JSON, default=list)
    title: Mapped[str | None] = mapped_column(String(TEXTS["title"].max_length))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str | None] = mapped_column(String(TEXTS["city"].max_length))
    address: Mapped[str | None] = mapped_column(String(TEXTS["address"].max_length))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    urgent: Mapped[bool] = mapped_column(default=False)
    urgent_instructions: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    last_verified_on: Mapped[date | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    emails: Mapped[list[Email]] = relationship(
        order_by="Email.position", cascade="all, delete-orphan", back_populates="contact_point"
    )
    phones: Mapped[list[Phone]] = relationship(
        order_by="Phone.position", cascade="all, delete-orphan", back_populates="contact_point"
    )
    memberships: Mapped[list[Membership]] = relationship(
        order_by="Membership.id", cascade="all, delete-orphan", back_populates="contact_point"
    )
    specialisms: Mapped[list[Specialism]] = relationship(
        secondary=contact_point_specialism, order_by="Specialism.position"
    )

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    @property
    def network_slugs(self) -> list[str]:
        return [membership.network.slug for membership in self.memberships]


class Email(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_point_id: Mapped[int] = mapped_column(
        ForeignKey("contact_point.id", ondelete="CASCADE"), index=True
    )
    # Stored lower-cased: an e-mail identifies one person across the networks' lists.
    address: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    contact_point: Mapped[ContactPoint] = relationship(back_populates="emails")


class Phone(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_point_id: Mapped[int] = mapped_column(
        ForeignKey("contact_point.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(PHONE_NUMBER_LENGTH))  # E.164
    kind: Mapped[str] = mapped_column(String(20), default="office")
    position: Mapped[int] = mapped_column(default=0)
    contact_point: Mapped[ContactPoint] = relationship(back_populates="phones")


class Membership(db.Model):
    __table_args__ = (
        UniqueConstraint("contact_point_id", "network_id"),
        UniqueConstraint("network_id", "external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_point_id: Mapped[int] = mapped_column(
        ForeignKey("contact_point.id", ondelete="CASCADE"), index=True
    )
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id"), index=True)
    role: Mapped[str] = mapped_column(String(60))
    external_id: Mapped[str | None] = mapped_column(String(TEXTS["external_id"].max_length))
    contact_point: Mapped[ContactPoint] = relationship(back_populates="memberships")
    network: Mapped[Network] = relationship(lazy="joined")
