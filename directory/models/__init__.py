"""The database models, one module per aggregate."""

from directory.models.access_log import AccessLogEntry
from directory.models.audit import AuditEntry
from directory.models.change import Change, ChangeCounter
from directory.models.contact_point import ContactPoint, Email, Membership, Phone
from directory.models.freshness import Campaign, ConfirmationLink, OutdatedReport
from directory.models.import_run import ImportRun
from directory.models.initial_contact import DirectoryUse, InitialContact
from directory.models.job import BackgroundJob
from directory.models.network import Network, NetworkRole, Specialism
from directory.models.organisation import Organisation
from directory.models.outbox import OutboxMessage
from directory.models.proposal import Proposal
from directory.models.user import ApiToken, LoginAttempt, RecoveryCode, User, utcnow

__all__ = [
    "AccessLogEntry", "ApiToken", "AuditEntry", "BackgroundJob", "Campaign", "Change",
    "ChangeCounter", "ConfirmationLink", "ContactPoint", "DirectoryUse", "Email", "ImportRun",
    "InitialContact", "LoginAttempt", "Membership", "Network", "NetworkRole", "Organisation",
    "OutboxMessage", "OutdatedReport", "Phone", "Proposal", "RecoveryCode", "Specialism",
    "User", "utcnow",
]
