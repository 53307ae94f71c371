"""Networks, their membership roles, and the specialism vocabulary (admin-editable)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import db


class Network(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str | None] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000), default="")
    roles: Mapped[list[NetworkRole]] = relationship(
        back_populates="network", order_by="NetworkRole.id", cascade="all, delete-orphan"
    )

    def label(self, locale: str = "en") -> str:
        return {"fr": self.name_fr, "ar": self.name_ar}.get(locale[:2]) or self.name

    def role(self, slug: str) -> NetworkRole | None:
        return next((role for role in self.roles if role.slug == slug), None)


class NetworkRole(db.Model):
    __table_args__ = (UniqueConstraint("network_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(60))
    label_en: Mapped[str] = mapped_column(String(200))
    label_fr: Mapped[str | None] = mapped_column(String(200))
    label_ar: Mapped[str | None] = mapped_column(String(200))
    network: Mapped[Network] = relationship(back_populates="roles")

    def label(self, locale: str = "en") -> str:
        return {"fr": self.label_fr, "ar": self.label_ar}.get(locale[:2]) or self.label_en


class Specialism(db.Model):
    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    label_en: Mapped[str] = mapped_column(String(200))
    label_fr: Mapped[str] = mapped_column(String(200))
    label_ar: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    def label(self, locale: str = "en") -> str:
        return {"fr": self.label_fr, "ar": self.label_ar}.get(locale[:2]) or self.label_en
