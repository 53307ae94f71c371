"""The direct-contacts indicators of Action 4.1 (SPEC section 8), and the use of the directory.

A-4.1 "Number of initial contacts": events of plan A, not voided, occurred in the period.
B-4.1 "Contacts established": events of plan B, not voided, established, occurred in the period.
Both bounds of the period are included.

The numbers come from three GROUP BY queries, each answered from its own covering index
(migration 0002) in index order, so no query sorts and none reads the table itself:

- by day (`occurred_on`): the totals and the month / quarter / year breakdowns, bucketed here
  from the dates, which is the same on every database and cheaper than extract() in SQL;
- by network, matter and channel together: the three breakdowns at once;
- by requesting and counterpart country: the country pairs and both country breakdowns.

Visibility (SPEC section 2): a prosecutor counts their own events, a secretariat the events of
its networks, a reporter or an administrator all of them. The page, the API and the
`counterpart indicators` command all call `build_report`, so they cannot disagree.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cached_property
from typing import Any

from babel.dates import format_date
from flask_babel import gettext, ngettext
from sqlalchemy import ColumnElement, false, func, literal_column, select, true

from directory import vocabulary
from directory.extensions import db
from directory.models import DirectoryUse, InitialContact, Network, User
from directory.services.errors import ServiceError
from imports.formulas import neutralise

PERIODS = ("quarter", "month", "year")
DIMENSIONS = ("country", "counterpart-country", "network", "matter", "channel")
BY = PERIODS + DIMENSIONS + ("country-pair",)
DEFAULT_BY = "quarter"
MAX_YEARS = 50
LABELS = {"A-4.1": "Number of initial contacts", "B-4.1": "Contacts established"}


# --- the period ------------------------------------------------------------------------------

def parse_period(start: Any, end: Any, by: Any = None,
                 today: date | None = None) -> tuple[date, date, str]:
    """(from, to, by) from what a user typed; a clear 400 naming each bad value.

    Missing dates default to the current year up to today.
    """
    today = today or date.today()
    errors: dict[str, str] = {}
    parsed: dict[str, date] = {}
    for name, value, default in (("from", start, date(today.year, 1, 1)), ("to", end, today)):
        if value in (None, ""):
            parsed[name] = default
            continue
        try:
            parsed[name] = value if isinstance(value, date) else date.fromisoformat(
                str(value).strip())
        except ValueError:
            errors[name] = gettext(
                "'%(value)s' is not a date: write it YYYY-MM-DD, e.g. 2025-01-31.", value=value)
    by = by or DEFAULT_BY
    if by not in BY:
        errors["by"] = gettext("'%(value)s' is not one of %(choices)s.", value=by,
                                choices=", ".join(BY))
    if not errors and parsed["from"] > parsed["to"]:
        errors["to"] = gettext("The end of the period (%(end)s) is before its start "
                               "(%(start)s).", end=parsed["to"], start=parsed["from"])
    if not errors and (parsed["to"] - parsed["from"]).days > MAX_YEARS * 366:
        errors["to"] = ngettext("The period is at most %(num)s year.",
                                 "The period is at most %(num)s years.", MAX_YEARS)
    if errors:
        raise ServiceError(" ".join(errors.values()), errors)
    return parsed["from"], parsed["to"], by


def period_key(day: date, period: str) -> str:
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


def period_keys(start: date, end: date, period: str) -> list[str]:
    """Every bucket of the period, in order, so that empty months still show as zeros."""
    keys = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        key = period_key(date(year, month, 1), period)
        if not keys or keys[-1] != key:
            keys.append(key)
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return keys


# --- counting --------------------------------------------------------------------------------

@dataclass
class Tally:
    """Initiated and established events of each plan in one group."""

    a_initiated: int = 0
    a_established: int = 0
    b_initiated: int = 0
    b_established: int = 0

    def add(self, plan: str, established: bool, count: int) -> None:
        if plan == "A":
            self.a_initiated += count
            self.a_established += count if established else 0
        elif plan == "B":
            self.b_initiated += count
            self.b_established += count if established else 0

    def merge(self, other: Tally) -> None:
        self.a_initiated += other.a_initiated
        self.a_established += other.a_established
        self.b_initiated += other.b_initiated
        self.b_established += other.b_established

    @property
    def initiated(self) -> int:
        return self.a_initiated + self.b_initiated

    @property
    def established(self) -> int:
        return self.a_established + self.b_established

    def plan(self, plan: str) -> dict[str, Any]:
        initiated, established = ((self.a_initiated, self.a_established) if plan == "A"
                                  else (self.b_initiated, self.b_established))
        return {"initiated": initiated, "established": established,
                "rate": rate(established, initiated)}

    def row(self) -> dict[str, Any]:
        return {"A-4.1": self.a_initiated, "B-4.1": self.b_established,
                "initiated": self.initiated, "established": self.established,
                "rate": rate(self.established, self.initiated),
                "plans": {"A": self.plan("A"), "B": self.plan("B")}}


def rate(established: int, initiated: int) -> float | None:
    """Share of initiated contacts that were established, None when nothing was initiated.

    Rounded once, from the counts, to a tenth of a percent, half up: 18 of 33 (54.545...%) is
    0.545, 54.5%. The page, the CSV and XLSX files, the API and the command line all show this
    value, so none of them rounds an already rounded number (0.5455 would show as 54.6%).
    """
    if not initiated:
        return None
    thousandths = int(Fraction(1000 * established, initiated) + Fraction(1, 2))
    return thousandths / 1000


def _likely(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """SQLite's likelihood(): the planner's hint that a condition is true for most rows."""
    return func.likelihood(condition, literal_column("0.9"))


@dataclass
class Scope:
    """Whose events the actor may count."""

    kind: str  # own | networks | all
    user_id: int | None = None
    networks: list[str] = field(default_factory=list)

    def condition(self, sqlite: bool) -> ColumnElement[bool]:
        if self.kind == "own":
            return InitialContact.user_id == self.user_id
        if self.kind == "networks":
            if not self.networks:
                return false()
            condition = InitialContact.network.in_(self.networks)
            # Usually most events: SQLite then walks the breakdown's index, not the network's.
            return _likely(condition) if sqlite else condition
        return true()

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "networks": self.networks}


def scope_of(actor: User | None) -> Scope:
    """None (the command line, run by whoever runs the server) sees everything."""
    if actor is None or actor.role in ("reporter", "admin"):
        return Scope("all")
    if actor.role == "secretariat":
        return Scope("networks", networks=sorted(actor.network_slugs))
    return Scope("own", user_id=actor.id)


def _grouped(columns: list, start: date, end: date, scope: Scope) -> list[tuple]:
    sqlite = db.engine.dialect.name == "sqlite"
    in_period = InitialContact.occurred_on.between(start, end)
    if sqlite:
        # A report's period usually covers most events. Saying so lets SQLite's planner read
        # the breakdown's covering index in order (no sort) instead of the date index.
        in_period = _likely(in_period)
    query = (select(*columns, InitialContact.plan, InitialContact.established,
                    func.count().label("n"))
             .where(in_period, InitialContact.voided == false(), scope.condition(sqlite))
             .group_by(*columns, InitialContact.plan, InitialContact.established))
    return [tuple(row) for row in db.session.execute(query)]


# --- the report ------------------------------------------------------------------------------

class Report:
    """The indicators of one period for one actor.

    The totals and the period breakdowns come from the by-day query, run at once; the other
    breakdowns run their query the first time they are asked for, so the API answers a
    breakdown by quarter with one query and the page, which shows everything, with three.
    """

    def __init__(self, actor: User | None, start: date, end: date, by: str = DEFAULT_BY):
        self.actor, self.start, self.end, self.by = actor, start, end, by
        self.scope = scope_of(actor)
        self.total = Tally()
        self.by_day: dict[date, Tally] = defaultdict(Tally)
        for day, plan, established, count in _grouped([InitialContact.occurred_on], start, end,
                                                      self.scope):
            self.by_day[day].add(plan, established, count)
            self.total.add(plan, established, count)

    @cached_property
    def _kinds(self) -> dict[str, dict[str, Tally]]:
        groups: dict[str, dict[str, Tally]] = {name: defaultdict(Tally)
                                               for name in ("network", "matter", "channel")}
        for network, matter, channel, plan, established, count in _grouped(
                [InitialContact.network, InitialContact.matter, InitialContact.channel],
                self.start, self.end, self.scope):
            groups["network"][network].add(plan, established, count)
            groups["matter"][matter].add(plan, established, count)
            groups["channel"][channel].add(plan, established, count)
        return groups

    @cached_property
    def _pairs(self) -> dict[tuple[str | None, str], Tally]:
        pairs: dict[tuple[str | None, str], Tally] = defaultdict(Tally)
        for requesting, counterpart, plan, established, count in _grouped(
                [InitialContact.requesting_country, InitialContact.counterpart_country],
                self.start, self.end, self.scope):
            pairs[(requesting or None, counterpart)].add(plan, established, count)
        return pairs

    def _countries(self, side: int) -> dict[str | None, Tally]:
        groups: dict[str | None, Tally] = defaultdict(Tally)
        for pair, tally in self._pairs.items():
            groups[pair[side]].merge(tally)
        return groups

    def periods(self, period: str) -> list[tuple[str, Tally]]:
        buckets = {key: Tally() for key in period_keys(self.start, self.end, period)}
        for day, tally in self.by_day.items():
            buckets[period_key(day, period)].merge(tally)
        return list(buckets.items())

    def breakdown(self, by: str | None = None) -> list[tuple[str | None, Tally]]:
        """(group, tally) rows: periods in order, anything else the largest first."""
        by = by or self.by
        if by in PERIODS:
            return self.periods(by)
        if by == "country-pair":
            groups = {pair_key(*pair): tally for pair, tally in self._pairs.items()}
        elif by in ("country", "counterpart-country"):
            groups = self._countries(0 if by == "country" else 1)
        else:
            groups = self._kinds[by]
        return sorted(groups.items(), key=lambda item: (-item[1].initiated, item[0] or "~"))

    def country_pairs(self) -> list[tuple[str | None, str, Tally]]:
        return [(*split_pair(key), tally) for key, tally in self.breakdown("country-pair")]

    @cached_property
    def use(self) -> dict[str, Any] | None:
        return directory_use(self.actor, self.start, self.end,
                             self.by if self.by in PERIODS else DEFAULT_BY)

    def as_json(self, locale: str = "en") -> dict[str, Any]:
        rows = []
        for key, tally in self.breakdown():
            row = {"group": key, "label": group_label(self.by, key, locale), **tally.row()}
            if self.by == "country-pair":
                row["requesting_country"], row["counterpart_country"] = split_pair(key)
            rows.append(row)
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "by": self.by,
            "scope": self.scope.as_json(),
            "indicators": {
                "A-4.1": {"label": LABELS["A-4.1"], "value": self.total.a_initiated},
                "B-4.1": {"label": LABELS["B-4.1"], "value": self.total.b_established},
            },
            "plans": {"A": self.total.plan("A"), "B": self.total.plan("B")},
            "totals": {"initiated": self.total.initiated, "established": self.total.established,
                       "rate": rate(self.total.established, self.total.initiated)},
            "breakdown": rows,
            "use": self.use,
        }


def pair_key(requesting: str | None, counterpart: str) -> str:
    """`FR-MA`: requesting country, counterpart country (`-MA` when the first is unknown)."""
    return f"{requesting or ''}-{counterpart}"


def split_pair(key: str | None) -> tuple[str | None, str]:
    requesting, _, counterpart = (key or "").partition("-")
    return requesting or None, counterpart


def build_report(actor: User | None, start: date, end: date, by: str = DEFAULT_BY) -> Report:
    return Report(actor, start, end, by)


# --- use of the directory --------------------------------------------------------------------

def directory_use(actor: User | None, start: date, end: date,
                  period: str = DEFAULT_BY) -> dict[str, Any] | None:
    """Searches and entry views in the period, per network and per period bucket.

    Counts only (never the query text). A reporter or an administrator sees all of them, a
    secretariat those of its networks; a prosecutor's report is about their own contacts and
    has no use figures. A view counts once for each network of the entry viewed; a search
    without a network filter is counted under "" (all networks).
    """
    scope = scope_of(actor)
    if scope.kind == "own":
        return None
    query = (select(DirectoryUse.day, DirectoryUse.kind, DirectoryUse.network,
                    func.sum(DirectoryUse.count))
             .where(DirectoryUse.day >= start, DirectoryUse.day <= end)
             .group_by(DirectoryUse.day, DirectoryUse.kind, DirectoryUse.network))
    if scope.kind == "networks":
        query = query.where(DirectoryUse.network.in_(scope.networks))
    totals = {"searches": 0, "views": 0}
    by_network: dict[str, dict[str, int]] = defaultdict(lambda: {"searches": 0, "views": 0})
    by_period = {key: {"searches": 0, "views": 0} for key in period_keys(start, end, period)}
    for day, kind, network, count in db.session.execute(query):
        measure = "searches" if kind == "search" else "views"
        count = int(count or 0)
        totals[measure] += count
        by_network[network or ""][measure] += count
        by_period[period_key(day, period)][measure] += count
    return {
        **totals,
        "by_network": [{"network": network or None, **counts}
                       for network, counts in sorted(by_network.items())],
        "by_period": [{"period": key, **counts} for key, counts in by_period.items()],
        "period": period,
    }


# --- labels and exports ----------------------------------------------------------------------

def _network_labels() -> dict[str, Network]:
    return {network.slug: network for network in db.session.scalars(select(Network))}


def group_label(by: str, key: str | None, locale: str = "en",
                networks: dict[str, Network] | None = None) -> str:
    if key is None or key == "":
        return {"fr": "Non renseigné", "ar": "غير محدد"}.get(locale[:2], "Not recorded")
    if by == "quarter":
        year, quarter = key.split("-")
        number = quarter.removeprefix("Q")
        return {"fr": f"T{number} {year}", "ar": f"الربع {number} من {year}"}.get(
            locale[:2], f"{year} {quarter}")
    if by == "month":
        year, month = key.split("-")
        return format_date(date(int(year), int(month), 1), "LLLL y", locale=locale)
    if by == "year":
        return key
    if by in ("country", "counterpart-country"):
        return vocabulary.country_name(key, locale)
    if by == "country-pair":
        requesting, counterpart = split_pair(key)
        return (f"{group_label('country', requesting, locale)} → "
                f"{vocabulary.country_name(counterpart, locale)}")
    if by == "network":
        networks = networks if networks is not None else _network_labels()
        return networks[key].label(locale) if key in networks else key
    terms = {"matter": vocabulary.SPECIALISMS, "channel": vocabulary.CHANNELS}[by]
    return terms[key].label(locale) if key in terms else key


HEADER = ["group", "label", "A-4.1", "B-4.1", "A initiated", "A established", "A rate",
          "B initiated", "B established", "B rate", "initiated", "established", "rate"]


def table_rows(groups: Iterable[tuple[str | None, Tally]], by: str,
               locale: str = "en") -> list[list[Any]]:
    networks = _network_labels() if by == "network" else None
    return [[key or "", group_label(by, key, locale, networks)] + numbers(tally)
            for key, tally in groups]


def numbers(tally: Tally) -> list[Any]:
    """The numeric columns of HEADER for one group."""
    a, b = tally.plan("A"), tally.plan("B")
    return [tally.a_initiated, tally.b_established, a["initiated"], a["established"],
            a["rate"], b["initiated"], b["established"], b["rate"], tally.initiated,
            tally.established, rate(tally.established, tally.initiated)]


def to_csv(report: Report, locale: str = "en") -> str:
    """The report's chosen breakdown, with a first row for the whole period."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    total_label = {"fr": "Total", "ar": "المجموع"}.get(locale[:2], "Total")
    rows = [["total", total_label] + numbers(report.total)]
    rows += table_rows(report.breakdown(), report.by, locale)
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    return buffer.getvalue()
