"""The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`."""

from __future__ import annotations

from typing import Any

from directory import fields
from directory.services.numbers import MAX_ID
from directory.services.search import MAX_PER_PAGE

ERROR = {"$ref": "#/components/schemas/Error"}
# Any request may be malformed (a NUL character, JSON that is no JSON), unsigned, or meet an
# unavailable database: every operation documents these answers.
COMMON_ERRORS = (400, 401, 503)


def _response(description: str, schema: dict | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"description": description}
    if schema:
        body["content"] = {"application/json": {"schema": schema}}
    return body


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _response("Error", ERROR) for code in codes}


def _query(*names: str, array: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string"}} if name in array
         else {"type": "string"},
         **({"style": "form", "explode": True} if name in array else {})}
        for name in names
    ]


def _paging(max_per_page: int) -> list[dict[str, Any]]:
    return [{"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID, "default": 1}},
            {"name": "per_page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": max_per_page}}]


def _with_common_errors(paths: dict[str, Any]) -> dict[str, Any]:
    for operations in paths.values():
        for method, operation in operations.items():
            if method != "parameters":
                for code in COMMON_ERRORS:
                    operation["responses"].setdefault(str(code), _response("Error", ERROR))
                operation["responses"]["414"] = _response(
                    "The address is longer than the WSGI server takes (gunicorn: a request "
                    "line of 4,094 bytes); it answers before the application")
    return paths


ID = [{"name": "id", "in": "path", "required": True,
       "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}]
VERSION = [{"name": "version", "in": "query", "required": False,
            "description": "The version the change was made on (409 when stale)",
            "schema": {"type": "integer", "minimum": 1}}]
IF_MATCH = [{"name": "If-Match", "in": "header", "required": False,
             "description": "The entry's version, as `version` in the body says it",
             "schema": {"type": "string"}}]
VERSION_BODY = {"required": False, "content": {"application/json": {"schema": {
    "type": "object", "properties": {"version": {"type": "integer"}}}}}}


_LIMITS = ("Limits come from one definition (directory/fields.py). Texts: in a one-line "
           "field white space runs become one space; address, urgent_instructions and notes "
           "keep line breaks. No text may hold a control character, U+2028/U+2029 or a "
           "bidirectional override, embedding or isolate (U+202A-U+202E, U+2066-U+2069): "
           "such a value is refused with 422 naming the field.")


def _text(name: str, kind: str | list[str] = ("string", "null")) -> dict[str, Any]:
    return {"type": kind if isinstance(kind, str) else list(kind),
            "maxLength": fields.TEXTS[name].max_length}


def _list(name: str) -> dict[str, Any]:
    spec = fields.LISTS[name]
    return {"type": "array", "maxItems": spec.max_items,
            "items": {"type": "string", "maxLength": spec.max_length}}


ENTRY = {"$ref": "#/components/schemas/ContactPoint"}
PROPOSAL = {"$ref": "#/components/schemas/Proposal"}
# 200 with the entry, or 202 with it and the proposal made instead of (part of) the change.
PROPOSED = _response("Proposed to the secretariats of the entry's other networks: the entry "
                     "as it is (unchanged but for its memberships) and `proposal`",
                     {"allOf": [ENTRY, {"type": "object", "required": ["proposal"],
                                        "properties": {"proposal": PROPOSAL}}]})
EVENT = {"$ref": "#/components/schemas/ContactEvent"}
ACCESS_LOG = {"$ref": "#/components/schemas/AccessLog"}
FILTERS = ("country", "network", "specialism", "language", "kind")
REPORT = {"$ref": "#/components/schemas/OutdatedReport"}
CAMPAIGN = {"$ref": "#/components/schemas/Campaign"}
REPORT_REASONS = ["wrong-phone", "wrong-email", "left-post", "other"]


def openapi_document() -> dict[str, Any]:
    string_list = {"type": "array", "items": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Counterpart API", "version": "1.0.0",
                 "description": "The contact-point directory of the cross-Mediterranean "
                                "judicial cooperation action plans."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": _with_common_errors({
            "/search": {"get": {
                "summary": "Full-text search with filters and facets",
                "parameters": _query("q", *FILTERS, "urgent", "verified", "sort",
                                     array=FILTERS) + _paging(MAX_PER_PAGE),
                "responses": {"200": _response("Results",
                                               {"$ref": "#/components/schemas/SearchPage"}),
                              **_errors(400, 401, 503)}}},
            "/find": {"get": {
                "summary": "Find a counterpart: country + matter, the fitting networks first",
                "description": "When nobody in the country has the matter, everyone in the "
                               "country is listed (the fitting networks first) and `broadened` "
                               "is true, with a `notice` saying so; `fallback` is then "
                               "`country`. When the country has nobody at all, the nearest "
                               "alternatives are listed: the region's contact points for the "
                               "matter (`region`), else Eurojust's liaison prosecutors "
                               "(`liaison`), else nothing (`nothing`).",
                "parameters": [{**parameter, "required": True}
                               for parameter in _query("country", "matter")]
                + _query("network", "language", "kind", "urgent", "verified", "sort",
                         array=("network", "language", "kind"))
                + _paging(MAX_PER_PAGE),
                "responses": {"200": _response("Results", {"allOf": [
                    {"$ref": "#/components/schemas/SearchPage"},
                    {"type": "object", "properties": {
                        "country": {"type": "string"}, "matter": {"type": "string"},
                        "broadened": {"type": "boolean"}, "notice": {"type": "string"},
                        "fallback": {"type": ["string", "null"], "enum": [
                            "country", "region", "liaison", "nothing", None]}}}]}),
                              **_errors(400, 401)}}},
            "/suggest": {"get": {
                "summary": "As-you-type: the best few people for a partial query, each once",
                "description": "The filters of /search apply, so `total` is what the search "
                               "would show. `details` tells namesakes apart: title, "
                               "organisation and country (in the reader's language); "
                               "`see_all` and `status` are texts for the list and for screen "
                               "readers.",
                "parameters": _query("q", *FILTERS, "urgent", "verified", array=FILTERS),
                "responses": {"200": _response("Suggestions", {"type": "object", "properties": {
                    "suggestions": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "name": {"type": "string"},
                        "details": {"type": "array", "items": {"type": "string"}}}}},
                    "total": {"type": "integer"}, "see_all": {"type": "string"},
                    "status": {"type": "string"}}}),
                              **_errors(400, 401)}}},
            "/contact-points": {
                "get": {"summary": "List entries by id",
                        "parameters": _query("network", "country", "status",
                                             array=("network", "country", "status"))
                        + _paging(500),
                        "responses": {"200": _response("A page of entries", {
                            "type": "object", "required": ["total", "page", "per_page", "results"],
                            "properties": {
                                "total": {"type": "integer"}, "page": {"type": "integer"},
                                "per_page": {"type": "integer"},
                                "results": {"type": "array", "items": ENTRY}}}),
                            **_errors(400, 401)}},
                "post": {"summary": "Create an entry (or add a network to the same person)",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": {"allOf": [ENTRY, {"required": ["family_name",
                                                                       "country"]}]}}}},
                         "description": "A person whose e-mail is already in the directory "
                                        "gets the new networks as memberships of their "
                                        "entry (200); the details the request adds or "
                                        "spells differently are applied by those who "
                                        "maintain every network of the entry, else "
                                        "proposed (202).",
                         "responses": {"201": _response("Created", ENTRY),
                                       "200": _response("Added a membership to an existing "
                                                        "entry", ENTRY),
                                       "202": PROPOSED,
                                       **_errors(400, 401, 403, 409, 422)}}},
            "/contact-points/{id}": {
                "parameters": ID,
                "get": {"summary": "One entry",
                        "responses": {"200": _response("The entry", ENTRY), **_errors(401, 404)}},
                "patch": {"summary": "Change an entry; send its version (409 when stale)",
                          "parameters": IF_MATCH,
                          "description": "A secretariat that does not maintain every network "
                                         "of the entry changes its own networks' "
                                         "memberships; its change to the other fields is "
                                         "proposed (202), the entry unchanged.",
                          "requestBody": {"required": True,
                                          "content": {"application/json": {"schema": ENTRY}}},
                          "responses": {"200": _response("Changed", ENTRY),
                                        "202": PROPOSED,
                                        **_errors(400, 401, 403, 404, 409, 422)}},
                "delete": {"summary": "Archive an entry",
                           "parameters": VERSION + IF_MATCH, "requestBody": VERSION_BODY,
                           "description": "A secretariat that shares the entry with networks "
                                          "it does not maintain removes its own networks' "
                                          "memberships; the entry stays for the others.",
                           "responses": {"200": _response("Archived, or left by the "
                                                          "secretariat's networks", ENTRY),
                                         **_errors(401, 403, 404, 409, 422)}}},
            "/contact-points/{id}/verify": {"parameters": ID, "post": {
                "summary": "Mark verified today",
                "parameters": VERSION + IF_MATCH, "requestBody": VERSION_BODY,
                "responses": {"200": _response("Verified", ENTRY),
                              **_errors(401, 403, 404, 409, 422)}}},
            "/contact-points/{id}/vcard": {"parameters": ID, "get": {
                "summary": "vCard 4.0",
                "responses": {"200": {"description": "vCard",
                                      "content": {"text/vcard": {"schema": {"type": "string"}}}},
                              **_errors(401, 404)}}},
            "/contact-points/{id}/access-log": {"parameters": ID, "get": {
                "summary": "Administrators: who read this entry, when and how (newest first)",
                "description": "Every read of the entry (its page, the API, its vCard), every "
                               "listing, search result page and export that showed it. Kept "
                               "COUNTERPART_ACCESS_LOG_DAYS days.",
                "parameters": _query("page"),
                "responses": {"200": _response("A page of reads", ACCESS_LOG),
                              **_errors(400, 401, 403, 404)}}},
            "/contact-points/{id}/subject-report": {"parameters": ID, "get": {
                "summary": "Administrators: everything the directory holds about this person",
                "description": "The entry, its history, proposals, reports of outdated "
                               "details, mails, the events that name the person, the access "
                               "log and import files that mention them (SPEC section 13). "
                               "Producing it is audited.",
                "responses": {"200": _response("The subject report", {
                    "type": "object", "required": ["subject_report", "entry"],
                    "properties": {"subject_report": {"type": "object"},
                                   "entry": ENTRY,
                                   "history": {"type": "array", "items": {"type": "object"}},
                                   "proposals": {"type": "array", "items": PROPOSAL},
                                   "events": {"type": "array", "items": {"type": "object"}},
                                   "access_log": {"type": "array",
                                                  "items": {"type": "object"}}}}),
                              **_errors(401, 403, 404)}}},
            "/contact-points/{id}/erase": {"parameters": ID, "post": {
                "summary": "Administrators: erase everything held about this person",
                "description": "The person's data leaves the database, the search index, the "
                               "outbox and the import files; events keep their counts without "
                               "the person, the audit keeps who did what when without the "
                               "values. Audited with the reason. `pending` names what is "
                               "finished once the answer has gone (the search index's "
                               "folder is rewritten; the person is out of search results "
                               "at once); `unfinished` what could not be erased (logged).",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"reason": {"type": "string",
                                                                "minLength": 1,
                                                                "maxLength": 500}},
                    "required": ["reason"]}}}},
                "responses": {"200": _response("Erased", {
                    "type": "object", "required": ["erased", "counts"],
                    "properties": {"erased": {"type": "integer"},
                                   "counts": {"type": "object",
                                              "additionalProperties": {"type": "integer"}},
                                   "unfinished": {"type": "array",
                                                  "items": {"type": "string"}},
                                   "pending": {"type": "array",
                                               "items": {"type": "string"}}}}),
                              **_errors(400, 401, 403, 404, 422)}}},
            "/users/{id}/access-log": {"parameters": ID, "get": {
                "summary": "Administrators: which entries this user read, when and how",
                "parameters": _query("page"),
                "responses": {"200": _response("A page of reads", ACCESS_LOG),
                              **_errors(400, 401, 403, 404)}}},
            "/contact-points/{id}/reports": {"parameters": ID, "post": {
                "summary": "Report the entry's outdated details (anyone signed in)",
                "description": "The same reason reported again by the same user while the "
                               "report is open answers 200 with that report.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["reason"], "properties": {
                        "reason": {"enum": REPORT_REASONS},
                        "note": {"type": ["string", "null"], "maxLength": 500}}}}}},
                "responses": {"201": _response("Reported", REPORT),
                              "200": _response("Already reported, still open", REPORT),
                              **_errors(400, 401, 404, 409, 422)}}},
            "/reports": {"get": {
                "summary": "Reports about entries of the networks the reader maintains",
                "parameters": [
                    {"name": "status", "in": "query", "required": False,
                     "schema": {"enum": ["open", "resolved", "all"], "default": "open"}},
                    {"name": "network", "in": "query", "required": False,
                     "schema": {"type": "string"}}],
                "responses": {"200": _response("Reports", {
                    "type": "object", "properties": {
                        "results": {"type": "array", "items": REPORT}}}),
                    **_errors(401, 403, 422)}}},
            "/reports/{id}/resolve": {"parameters": ID, "post": {
                "summary": "Resolve a report, saying how",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["resolution"], "properties": {
                        "resolution": {"enum": ["corrected", "confirmed", "archived"]}}}}}},
                "responses": {"200": _response("Resolved", REPORT),
                              **_errors(400, 401, 404, 409, 422)}}},
            "/campaigns": {"post": {
                "summary": "Start a verification campaign for a network",
                "description": "Secretariats for their own networks, administrators for any. "
                               "Answers 202 at once: the personal links and their messages "
                               "are prepared in the background (`status` queued, sending, "
                               "sent, or stopped when given up); follow the counts at the "
                               "`Location`.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["network"], "properties": {
                        "network": {"type": "string"},
                        "only_stale": {"type": "boolean", "default": False}}}}}},
                "responses": {"202": _response("Started", CAMPAIGN),
                              **_errors(400, 401, 403, 422)}}},
            "/campaigns/{id}": {"parameters": ID, "get": {
                "summary": "A verification campaign and its counts",
                "responses": {"200": _response("The campaign", CAMPAIGN),
                              **_errors(401, 404)}}},
            "/freshness": {"get": {
                "summary": "The freshness report: per network the reader maintains (every "
                           "one for administrators and reporters)",
                "responses": {"200": _response("Per network", {
                    "type": "object", "properties": {"networks": {"type": "array", "items": {
                        "type": "object", "properties": {
                            "network": {"type": "string"}, "label": {"type": "string"},
                            "active": {"type": "integer"},
                            "verified_12m": {"type": "integer"},
                            "verified_12m_share": {"type": ["number", "null"]},
                            "never_verified": {"type": "integer"},
                            "median_days_since_verification": {"type": ["number", "null"]},
                            "open_reports": {"type": "integer"},
                            "pending_proposals": {"type": "integer"},
                            "last_campaign": {"oneOf": [CAMPAIGN, {"type": "null"}]}}}}}}),
                    **_errors(401, 403)}}},
            "/proposals": {"get": {
                "summary": "Proposals the reader made or may decide, the newest first",
                "parameters": [
                    {"name": "status", "in": "query", "required": False,
                     "schema": {"enum": ["pending", "accepted", "rejected", "superseded"]}},
                    {"name": "network", "in": "query", "required": False,
                     "schema": {"type": "string"}}],
                "responses": {"200": _response("Proposals", {
                    "type": "object", "properties": {
                        "results": {"type": "array", "items": PROPOSAL}}}),
                    **_errors(401, 422)}}},
            "/proposals/{id}": {"parameters": ID, "get": {
                "summary": "One proposal",
                "responses": {"200": _response("The proposal", PROPOSAL),
                              **_errors(401, 404)}}},
            "/proposals/{id}/accept": {"parameters": ID, "post": {
                "summary": "Accept: the change is applied as the decider's own edit",
                "description": "409 when a field it changes was changed since it was "
                               "proposed (reject it; it may be proposed again).",
                "responses": {"200": _response("Accepted", PROPOSAL),
                              **_errors(400, 401, 403, 404, 409, 422)}}},
            "/proposals/{id}/reject": {"parameters": ID, "post": {
                "summary": "Reject, with a reason the proposer reads",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"reason": {"type": "string",
                                                                "minLength": 1,
                                                                "maxLength": 1000}},
                    "required": ["reason"]}}}},
                "responses": {"200": _response("Rejected", PROPOSAL),
                              **_errors(400, 401, 403, 404, 409, 422)}}},
            "/contact-events": {
                "get": {"summary": "My initial contacts, the latest first (voided ones marked)",
                        "parameters": _paging(500),
                        "responses": {"200": _response("A page of initial contacts", {
                            "type": "object", "properties": {
                                "total": {"type": "integer"}, "page": {"type": "integer"},
                                "per_page": {"type": "integer"},
                                "results": {"type": "array", "items": EVENT}}}),
                            **_errors(400, 401, 403)}},
                "post": {
                    "summary": "Log an initial contact (idempotent by idempotency_key)",
                    "description": "network defaults to the entry's only network (or its only "
                                   "network fitting the matter), plan to the matter's plan, "
                                   "occurred_on to today, established_on to occurred_on. "
                                   "The same idempotency_key again returns the first event "
                                   "with 200.",
                    "requestBody": {"required": True,
                                    "content": {"application/json": {"schema": EVENT}}},
                    "responses": {"201": _response("Logged", EVENT),
                                  "200": _response("Already logged with this key", EVENT),
                                  **_errors(400, 401, 403, 422)}}},
            "/contact-events/{id}": {"parameters": ID, "get": {
                "summary": "One of my initial contacts (any, for an administrator)",
                "responses": {"200": _response("The initial contact", EVENT),
                              **_errors(401, 403, 404)}}},
            "/contact-events/{id}/void": {"parameters": ID, "post": {
                "summary": "Void an initial contact with a reason (it stays, no longer counted)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"reason": {"type": "string",
                                                                "maxLength": 500}},
                    "required": ["reason"]}}}},
                "responses": {"200": _response("Voided", EVENT),
                              **_errors(400, 401, 403, 404, 409, 422)}}},
            "/contact-events/{id}/established": {"parameters": ID, "post": {
                "summary": "Mark an initial contact established later (default: today)",
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "established_on": {"type": "string", "format": "date"}}}}}},
                "responses": {"200": _response("Established", EVENT),
                              **_errors(400, 401, 403, 404, 409, 422)}}},
            "/indicators": {"get": {
                "summary": "The direct-contacts indicators A-4.1 and B-4.1",
                "description": "Both bounds included; from defaults to 1 January, to to today. "
                               "A prosecutor counts their own events, a secretariat those of "
                               "its networks, a reporter or an administrator all.",
                "parameters": [
                    {"name": "from", "in": "query", "required": False,
                     "schema": {"type": "string", "format": "date"}},
                    {"name": "to", "in": "query", "required": False,
                     "schema": {"type": "string", "format": "date"}},
                    {"name": "by", "in": "query", "required": False,
                     "schema": {"enum": ["quarter", "month", "year", "country",
                                         "counterpart-country", "network", "matter",
                                         "channel", "country-pair"],
                                "default": "quarter"}}],
                "responses": {"200": _response("Indicators",
                                               {"$ref": "#/components/schemas/Indicators"}),
                              **_errors(400, 401)}}},
        }),
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description":
                           "A token from `counterpart create-token EMAIL [--days N] [--name "
                           "TEXT]`: it expires (90 days by default), is revoked on My account, "
                           "by an administrator or with `counterpart revoke-token`, and with "
                           "its user's deactivation. No second-factor code is asked."},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {
                    "type": "object", "required": ["code", "message", "fields"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                   "fields": {"type": "object",
                                              "additionalProperties": {"type": "string"}}}}}},
                "ContactPoint": {"type": "object", "description": _LIMITS, "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "given_name": _text("given_name", "string"),
                    "family_name": _text("family_name", "string"),
                    "native_name": _text("native_name"), "name_variants": _list("name_variants"),
                    "title": _text("title"),
                    "organisation": {"type": ["object", "null"], "properties": {
                        "id": {"type": "integer"}, "name": _text("organisation", "string"),
                        "kind": {"type": ["string", "null"]}}},
                    "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
                    "city": _text("city"), "address": _text("address"),
                    "emails": _list("emails"),
                    "phones": {"type": "array", "maxItems": fields.LISTS["phones"].max_items,
                               "items": {"type": "object", "properties": {
                                   "number": {"type": "string",
                                              "maxLength": fields.LISTS["phones"].max_length},
                                   "kind": {"enum": ["office", "mobile", "24-7"]}}}},
                    "languages": _list("languages"), "specialisms": _list("specialisms"),
                    "urgent": {"type": "boolean"},
                    "urgent_instructions": _text("urgent_instructions"),
                    "notes": _text("notes"),
                    "status": {"enum": ["active", "inactive", "archived"]},
                    "last_verified_on": {"type": ["string", "null"], "format": "date"},
                    "stale": {"type": "boolean", "readOnly": True},
                    "version": {"type": "integer"},
                    "memberships": {"type": "array", "items": {"type": "object", "properties": {
                        "network": {"type": "string"}, "role": {"type": "string"},
                        "external_id": {"type": ["string", "null"]}}}},
                }},
                "Proposal": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "contact_point_id": {"type": "integer"},
                    "kind": {"enum": ["change", "leave"]},
                    "changes": {"type": "object", "description":
                                "field → {\"from\": value when proposed, \"to\": proposed "
                                "value}, in the entry's JSON shape (organisation as "
                                "{\"name\", \"kind\"})",
                                "additionalProperties": {"type": "object", "properties": {
                                    "from": {}, "to": {}}}},
                    "network": {"type": ["string", "null"],
                                "description": "the network left (kind leave)"},
                    "source": {"enum": ["secretariat", "import", "contact-point"]},
                    "status": {"enum": ["pending", "accepted", "rejected", "superseded"]},
                    "proposed_by": {"type": "string"}, "on_behalf_of": string_list,
                    "created_at": {"type": "string", "format": "date-time"},
                    "decided_by": {"type": ["string", "null"]},
                    "decided_at": {"type": ["string", "null"], "format": "date-time"},
                    "reason": {"type": ["string", "null"]}}},
                "OutdatedReport": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "contact_point_id": {"type": "integer"},
                    "reason": {"enum": REPORT_REASONS}, "note": {"type": ["string", "null"]},
                    "reported_by": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "status": {"enum": ["open", "resolved"]},
                    "resolution": {"enum": ["corrected", "confirmed", "archived", None]},
                    "resolved_by": {"type": ["string", "null"]},
                    "resolved_at": {"type": ["string", "null"], "format": "date-time"}}},
                "Campaign": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "network": {"type": "string"},
                    "only_stale": {"type": "boolean"},
                    "status": {"enum": ["queued", "sending", "sent", "stopped"]},
                    "started_by": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "finished_at": {"type": ["string", "null"], "format": "date-time"},
                    "reminded_at": {"type": ["string", "null"], "format": "date-time"},
                    "targeted": {"type": "integer",
                                 "description": "entries aimed at, with or without e-mail"},
                    "without_email": {"type": "integer"},
                    "sent": {"type": "integer", "description": "personal links sent"},
                    "confirmed": {"type": "integer"}, "corrected": {"type": "integer"},
                    "left": {"type": "integer"}, "no_answer": {"type": "integer"},
                    "failed": {"type": "integer", "description": "deliveries given up"},
                    "waiting": {"type": "integer",
                                "description": "messages not yet delivered"}}},
                "SearchPage": {"type": "object", "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"},
                    "results": {"type": "array", "items": ENTRY},
                    "facets": {"type": "object"}}},
                "ContactEvent": {"type": "object", "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "contact_point_id": {"type": "integer"}, "network": {"type": "string"},
                    "plan": {"enum": ["A", "B"]},
                    "occurred_on": {"type": "string", "format": "date"},
                    "matter": {"type": "string"},
                    "channel": {"enum": ["email", "phone", "video", "meeting",
                                         "secure-platform", "other"]},
                    "purpose": {"enum": ["pre-mla-advice", "mla-request", "request-follow-up",
                                         "operational-coordination", "other"]},
                    "established": {"type": "boolean"},
                    "established_on": {"type": ["string", "null"], "format": "date"},
                    "note": {"type": ["string", "null"], "maxLength": 500},
                    "idempotency_key": {"type": ["string", "null"], "maxLength": 100},
                    "counterpart_country": {"type": "string", "readOnly": True},
                    "requesting_country": {"type": ["string", "null"], "readOnly": True},
                    "requesting_organisation": {"type": ["string", "null"], "readOnly": True},
                    "voided": {"type": "boolean", "readOnly": True},
                    "voided_at": {"type": ["string", "null"], "format": "date-time",
                                  "readOnly": True},
                    "void_reason": {"type": ["string", "null"], "readOnly": True},
                    "created_at": {"type": "string", "format": "date-time", "readOnly": True}},
                    "required": ["contact_point_id", "matter", "channel", "purpose"]},
                "AccessLog": {"type": "object", "properties": {
                    "contact_point_id": {"type": "integer"}, "user_id": {"type": "integer"},
                    "total": {"type": "integer"}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"},
                    "results": {"type": "array", "items": {"type": "object", "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "user": {"type": "string", "description": "the reader's e-mail, or "
                                 "operator for the command line"},
                        "user_id": {"type": ["integer", "null"]},
                        "contact_point_id": {"type": "integer"},
                        "how": {"enum": ["page", "api", "vcard", "search", "listing",
                                         "suggest", "export"]},
                        "channel": {"enum": ["web", "api", "cli"]}}}}}},
                "PlanTally": {"type": "object", "properties": {
                    "initiated": {"type": "integer"}, "established": {"type": "integer"},
                    "rate": {"type": ["number", "null"]}}},
                "IndicatorRow": {"type": "object", "properties": {
                    "group": {"type": ["string", "null"], "description":
                              "2025-Q1, 2025-01, 2025, a country code, a network, matter or "
                              "channel slug, or FR-MA for by=country-pair (null: not "
                              "recorded)"},
                    "label": {"type": "string"},
                    "requesting_country": {"type": ["string", "null"],
                                           "description": "by=country-pair only"},
                    "counterpart_country": {"type": "string",
                                            "description": "by=country-pair only"},
                    "A-4.1": {"type": "integer"}, "B-4.1": {"type": "integer"},
                    "initiated": {"type": "integer"}, "established": {"type": "integer"},
                    "rate": {"type": ["number", "null"]},
                    "plans": {"type": "object", "properties": {
                        "A": {"$ref": "#/components/schemas/PlanTally"},
                        "B": {"$ref": "#/components/schemas/PlanTally"}}}}},
                "Indicators": {"type": "object", "properties": {
                    "from": {"type": "string", "format": "date"},
                    "to": {"type": "string", "format": "date"}, "by": {"type": "string"},
                    "scope": {"type": "object", "properties": {
                        "kind": {"enum": ["own", "networks", "all"]}, "networks": string_list}},
                    "indicators": {"type": "object", "properties": {
                        "A-4.1": {"type": "object", "properties": {
                            "label": {"type": "string"}, "value": {"type": "integer"}}},
                        "B-4.1": {"type": "object", "properties": {
                            "label": {"type": "string"}, "value": {"type": "integer"}}}}},
                    "plans": {"type": "object", "properties": {
                        "A": {"$ref": "#/components/schemas/PlanTally"},
                        "B": {"$ref": "#/components/schemas/PlanTally"}}},
                    "totals": {"$ref": "#/components/schemas/PlanTally"},
                    "breakdown": {"type": "array",
                                  "items": {"$ref": "#/components/schemas/IndicatorRow"}},
                    "use": {"type": ["object", "null"], "description":
                            "Searches and entry views (null in a prosecutor's report)",
                            "properties": {
                                "searches": {"type": "integer"}, "views": {"type": "integer"},
                                "by_network": {"type": "array"}, "by_period": {"type": "array"},
                                "period": {"type": "string"}}}}},
            },
        },
    }
