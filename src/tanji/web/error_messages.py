"""CodedError codes → messages in the user's language (the web layer translates, HA-style).

Services raise :class:`~tanji.errors.CodedError` with a stable code and parameters; this table
holds one translatable template per code, formatted with the error's parameters. A code missing
here falls back to the English ``str(error)``; ``tests/web/test_error_messages.py`` checks that
every code the services raise has an entry.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tanji.errors import CodedError

FIELD_ERROR = _("{field}: {detail}")
NOT_EDITABLE = _("{field} cannot be changed here")

#: Refusals of a record signed with the submitter's own key (``tanji.ingest.signed_lab``).
SIGNED_ENTRY_MESSAGES: dict[str, Promise] = {
    "signed_entry.malformed": _("Not a signed envelope: {detail}"),
    "signed_entry.unknown_type": _(
        "Payload type {type} is not accepted here; expected {expected}."
    ),
    "signed_entry.unknown_key": _("Key {key_id} is not registered."),
    "signed_entry.foreign_key": _("Key {key_id} belongs to another user."),
    "signed_entry.revoked_key": _("Key {key_id} was revoked at {at}."),
    "signed_entry.bad_signature": _(
        "The signature of key {key_id} does not verify: the payload was altered or another key"
        " signed it."
    ),
    "signed_entry.bad_payload": _("Not a signed lab record: {detail}"),
    "signed_entry.other_tenant": _(
        "Key {key_id} is registered for enterprise {key_enterprise}, not {enterprise}."
    ),
    "signed_entry.other_user": _("The record names {named} as submitter; you are {username}."),
    "signed_entry.forbidden": _("{username} may not enter lab data for enterprise {enterprise}."),
    "signed_entry.replayed": _("Nonce {nonce} was already accepted from you: a replay."),
}

MESSAGES: dict[str, Promise] = {
    "tenancy.invalid_field": FIELD_ERROR,
    "plant.invalid_field": FIELD_ERROR,
    "metrology.invalid_field": FIELD_ERROR,
    "tenancy.field_not_editable": NOT_EDITABLE,
    "plant.field_not_editable": NOT_EDITABLE,
    "metrology.field_not_editable": NOT_EDITABLE,
    "tenancy.access_denied": _("You may not do this here."),
    "tenancy.not_found": _("No {what} with id {pk} is visible to you."),
    "tenancy.credit_code_length": _(
        "Credit code {value} has {length} characters; 18 are expected."
    ),
    "tenancy.credit_code_division": _(
        "Credit code {value}: positions 3–8 must be a six-digit division code."
    ),
    "tenancy.credit_code_check": _(
        "Credit code {value}: the check character is {found}, expected {expected}."
    ),
    "tenancy.credit_code_character": _(
        "Credit code {value}: character {char} at position {position} is not allowed."
    ),
    "tenancy.membership_scope": _("Role {role} cannot be granted on this scope."),
    "tenancy.password_too_short": _(
        "The password has {length} characters; at least {minimum} are required."
    ),
    "tenancy.unknown_role": _("Unknown role {role}."),
    "tenancy.weak_password_hash": _(
        "The password hash for {username} is not of the {algorithm} hasher at its current"
        " parameters."
    ),
    "tenancy.token_needs_user": _("Only a signed-in user may hold API tokens."),
    "tenancy.token_name": _("An API token needs a name."),
    "tenancy.totp_already_enabled": _("Two-factor sign-in is already enabled."),
    "tenancy.totp_invalid": _("The one-time code is not valid."),
    "plant.unknown_boundary": _("Unknown boundary {boundary} (clinker or enterprise)."),
    "plant.unknown_source_kind": _("Unknown emission-source kind {kind}."),
    "plant.unknown_node": _("Diagram {diagram}: {role} {key} names no node."),
    "plant.other_enterprise": _("Source {source} belongs to another enterprise."),
    "plant.lab_no_results": _("Analysis {sample} has no results."),
    "plant.lab_result_invalid": _("Analysis {sample}, result {row} ({parameter}): {detail}"),
    "plant.lab_correction_reason": _("Correcting a lab result needs a reason."),
    "metrology.tag_other_enterprise": _(
        "Tag {tag} belongs to another enterprise than instrument {instrument}."
    ),
    "metrology.responsible_not_staff": _(
        "The responsible person must hold a staff role in {enterprise}."
    ),
    "api.bad_window": _("The end {end} must be after the start {start}."),
    "api.bad_boundary": _("Unknown boundary {b} (clinker or enterprise)."),
    "api.bad_level": _("Unknown level {level} (line or enterprise)."),
    "analytics.short_history": _(
        "Too little history: at least {minimum} daily values are needed, {count} are stored."
    ),
    "analytics.no_production": _("No clinker was produced or planned in the period."),
    "analytics.bad_target": _("The target must be a positive total, not {target}."),
    "analytics.bad_lever": _("{name}: a fraction between 0 and 1 is expected, not {value}."),
    "analytics.bad_coverage": _("The coverage must be a fraction between 0 and 1, not {c}."),
    "analytics.heat_shape": _("{field}: {expected} daily values are expected, not {got}."),
    "analytics.short_series": _("A trend test needs at least 3 values, not {n}."),
    "metrology.bad_transition": _(
        "Review {review} is {state}: the action {action} is not allowed."
    ),
    "metrology.bad_window": _("The number of days must not be negative (got {n})."),
    "metrology.certificate_field": _("Certificate field {field} is missing or not valid."),
    "metrology.chain_open": _(
        "Standard {name}: name the standard it traces to, or the national standard."
    ),
    "metrology.diagram_format": _("{path}: expected {expected}, got {got}."),
    "metrology.finding_incomplete": _("A finding names its clause and its text."),
    "metrology.findings_required": _("Returning a review needs at least one finding."),
    "metrology.ledger_header": _("The ledger lacks the columns {missing}."),
    "metrology.already_submitted": _("Snapshot {snapshot} is already submitted for review."),
    "metrology.bad_choice": _("{field}: expected one of {expected}, not {got}."),
    "metrology.bad_year": _("Year {year} is outside {first}–{last}."),
    "metrology.before_install": _("{on} precedes the installation on {installed}."),
    "metrology.diagram_cell": _(
        "Sheet {sheet}, row {row}, column {column}: expected {expected}, got {got}."
    ),
    "metrology.diagram_not_xlsx": _("The diagram is not an .xlsx workbook."),
    "metrology.diagram_sheet": _("The workbook has no sheet named {sheet}."),
    "metrology.qualification_not_expirable": _(
        "Qualification {number} is valid from {issued_on} to {valid_until}; it cannot end "
        "before {on}."
    ),
    "metrology.person_not_reviewer": _(
        "User {user} is no metrology reviewer of province {province}."
    ),
    "metrology.plan_retired": _("Plan {plan} was retired on {on}."),
    "metrology.reviewer_not_qualified": _(
        "{username} holds no reviewer qualification valid on {at} in this province."
    ),
    "metrology.ledger_not_xlsx": _("The ledger is not an .xlsx workbook."),
    "metrology.ledger_rows": _("{count} faulty cells; the first: row {row}, {column}: {detail}"),
    "metrology.ledger_sheet": _("The workbook has no sheet named {sheet}."),
    "metrology.no_period_rule": _(
        "No verification period is on record for instrument type {instrument_type}."
    ),
    "metrology.no_uncertainty_basis": _(
        "Tag {tag}: no instrument fitted at {at} has a certificate U or an accuracy class."
    ),
    "metrology.not_qualified": _(
        "{username} holds no valid appointment and {scope} qualification on {at}."
    ),
    "metrology.note_required": _("A rejection states its reason."),
    "metrology.payload_other_enterprise": _("{key} belongs to another enterprise."),
    "metrology.period_exceeds_regulation": _(
        "A period of {months} months exceeds the {limit} months of {regulation}."
    ),
    "metrology.person_not_member": _("User {user} holds no role in {enterprise}."),
    "metrology.qc_input": _("The expanded uncertainties must not both be 0."),
    "metrology.responses_required": _("Every open finding needs a response (missing: {missing})."),
    "metrology.unknown_class": _("Unknown required class {cls}."),
    "metrology.use_retire": _("To retire an instrument use the retire action."),
    "metrology.acquisition.driver": _("Unknown acquisition driver {driver}."),
    "metrology.acquisition.shape": _(
        "The connection must be an object and the points a non-empty object."
    ),
    "metrology.acquisition.scan_s": _("The scan period must be 1 to 3600 s, not {got}."),
    "metrology.acquisition.connection": _(
        "Connection settings: missing {missing}, unknown {unknown}; allowed are {allowed}."
    ),
    "metrology.acquisition.points": _(
        "{where}: missing {missing}, unknown {unknown}; allowed are {allowed}."
    ),
    "metrology.acquisition.tag": _("Tag {tag} is not an active tag of instrument {instrument}."),
    "metrology.acquisition.point": _("The point of tag {tag} must be an object."),
    "metrology.acquisition.register": _("Register map of tag {tag}: {error}"),
    "metrology.acquisition.data_commands": _(
        "The HJ 212 data commands must be a non-empty list of {allowed}, not {got}."
    ),
    "metrology.acquisition.mn": _("The MN must be a list of HJ 212 device identifiers, not {got}."),
    "metrology.acquisition.factor": _(
        "Tag {tag}: the HJ 212 factor must read like a21026-Avg, not {got}."
    ),
    "metrology.acquisition.factor_twice": _("HJ 212 factor {factor} feeds both {tag} and {other}."),
    "metrology.acquisition.scale": _("Tag {tag}: the scale must be a positive number."),
    "metrology.acquisition.shared_upload": _(
        "Instrument {other} on port {port} already takes HJ 212 factor {factor} from {mn}; "
        "one value must feed one tag."
    ),
    "metrology.acquisition.device": _("{device} is not a terminal of this enterprise."),
    "metrology.acquisition.instrument": _("Instrument {instrument} is not read by {device}."),
    "web.read_only": _("This object cannot be edited."),
    "web.import_header": _("The file lacks the columns: {missing}."),
    "web.import_value": _("Row {row}, column {column}: {value} is not {expected}."),
    "web.import_format": _("The file is neither CSV nor Excel (.xlsx)."),
    "web.chart_param": _("{field} must be a whole number, not {value}."),
    "log.bad_figure": _("Figure {kind} is unknown: expected process or electricity with a line."),
    "tenancy.key_needs_user": _("Only a signed-in user may register signing keys."),
    "tenancy.key_label": _("A signing key needs a label."),
    "tenancy.key_enterprise": _("You hold no role on enterprise {enterprise}."),
    "tenancy.key_invalid": _("Not an Ed25519 or SM2 public key in PEM form: {detail}"),
    "tenancy.key_registered": _("Key {key_id} is already registered."),
    **SIGNED_ENTRY_MESSAGES,
}


#: Parameter values that are words, not data: shown in the user's language.
PARAM_WORDS: dict[str, Promise] = {
    "a number": _("a number"),
    "a date and time (ISO 8601)": _("a date and time (ISO 8601)"),
    "a line code": _("a production-line code of this enterprise"),
    "any terminal": _("any terminal"),
    "any data logger": _("any data logger"),
    "device": _("device"),
    "instrument": _("instrument"),
}


def field_label(params: dict[str, Any], app_label: str) -> str:
    """The verbose name of the field an ``invalid_field`` error names (or its attribute name)."""
    field = str(params.get("field", ""))
    try:
        model = apps.get_model(app_label, str(params.get("model", "")))
        return str(model._meta.get_field(field.split(",")[0].strip()).verbose_name)
    except (LookupError, FieldDoesNotExist, ValueError):
        return field


def translate(error: CodedError) -> str:
    """The error in the active language, its parameters filled in."""
    template = MESSAGES.get(error.code)
    if template is None:
        return str(error)
    params = {
        k: PARAM_WORDS.get(v, v) if isinstance(v, str) else v for k, v in error.params.items()
    }
    if error.code.endswith((".invalid_field", ".field_not_editable")):
        params["field"] = field_label(params, error.code.split(".")[0])
    try:
        return str(template).format(**params)
    except (KeyError, IndexError):
        return str(error)
