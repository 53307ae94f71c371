"""Who may do what (SPEC section 2), checked here so pages and API cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from directory.models import User
from directory.services.errors import PermissionDenied


def can_log_contacts(actor: User) -> bool:
    return actor.role in ("prosecutor", "secretariat", "admin")


def require_log_contacts(actor: User) -> None:
    if not can_log_contacts(actor):
        raise PermissionDenied(_("Your role cannot log initial contacts."))


def maintained_networks(actor: User) -> set[str] | None:
    """The networks whose entries the actor may change; None means all of them."""
    if actor.role == "admin":
        return None
    if actor.role == "secretariat":
        return actor.network_slugs
    return set()


def can_maintain(actor: User, networks: Iterable[str] | None = None) -> bool:
    """May the actor change an entry belonging to these networks (any role's own: yes)."""
    allowed = maintained_networks(actor)
    if allowed is None:
        return True
    if not allowed:
        return False
    return networks is None or bool(allowed & set(networks))


def require_maintain(actor: User, networks: Iterable[str] | None = None) -> None:
    if not can_maintain(actor, networks):
        raise PermissionDenied(_("You may only change entries of the networks you maintain."))


def can_change_shared(actor: User, networks: Iterable[str]) -> bool:
    """May the actor change an entry's shared fields (everything but the memberships) alone?
    Only when it maintains every network the entry belongs to (SPEC section 2): networks
    share entries, and one network's secretariat does not overwrite another's."""
    allowed = maintained_networks(actor)
    if allowed is None:
        return True
    networks = set(networks)
    return bool(networks) and networks <= allowed


def can_decide(actor: User, entry_networks: Iterable[str], on_behalf_of: Iterable[str],
               proposer_id: int | None) -> bool:
    """May the actor accept or reject a proposal about an entry of `entry_networks`, made on
    behalf of the networks `on_behalf_of` by the user `proposer_id` (None: by the contact
    point themselves)? Administrators may; a secretariat when it maintains one of the entry's
    other networks (any of its networks when no other is left, or for the contact point's
    own proposals). Nobody decides their own proposal."""
    if proposer_id is not None and proposer_id == actor.id:
        return False
    allowed = maintained_networks(actor)
    if allowed is None:
        return True
    networks = set(entry_networks)
    deciding = networks - set(on_behalf_of) or networks
    return bool(allowed & deciding)


def require_network(actor: User, network: str) -> None:
    """For imports, exports and membership changes: one specific network."""
    allowed = maintained_networks(actor)
    if allowed is not None and network not in allowed:
        raise PermissionDenied(_("You do not maintain the network '%(network)s'.", network=network))


def require_importer(actor: User) -> None:
    """Lists are imported by network secretariats and administrators."""
    if actor.role not in ("secretariat", "admin"):
        raise PermissionDenied(_("Only network secretariats and administrators may import "
                                 "lists."))


def require_admin(actor: User) -> None:
    if actor.role != "admin":
        raise PermissionDenied(_("Only administrators may do this."))


def require_campaign(actor: User | None, network: str) -> None:
    """A verification campaign for `network` (SPEC section 11): its secretariat or an
    administrator; None is the operator at the command line."""
    if actor is None:
        return
    allowed = maintained_networks(actor)
    if allowed is None:
        return
    if not allowed:
        raise PermissionDenied(_("Only network secretariats and administrators run "
                                 "verification campaigns."))
    if network not in allowed:
        raise PermissionDenied(_("You do not maintain the network '%(network)s'.",
                                 network=network))


def freshness_networks(actor: User) -> set[str] | None:
    """The networks whose freshness the actor reads: those it maintains, every one (None)
    for administrators and reporters; prosecutors read none."""
    if actor.role == "reporter":
        return None
    allowed = maintained_networks(actor)
    if allowed is not None and not allowed:
        raise PermissionDenied(_("The freshness report is for network secretariats, "
                                 "reporters and administrators."))
    return allowed


def can_read_freshness(actor: User) -> bool:
    return actor.role in ("secretariat", "reporter", "admin")
