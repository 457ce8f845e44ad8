"""Validation of one mystery-shopping test and parsing of a CSV of tests (pure).

CSV columns (header required, comma or semicolon, UTF-8): company_slug, channel
(phone, email, chat, social), performed_at (2026-10-14T09:30 or 2026-10-14 09:30, Paris time
unless an offset is given), scenario, reached (oui/non, 1/0, true/false), wait_seconds
(phone and chat), response_hours (email and social, decimal), courtesy (0–4),
understanding (0–4), accuracy (0–2) — the three scores are left empty when not reached —
and notes (optional, never published). Optional too, for phone and chat, when the agent
said so: answered_from (france, abroad, unknown), answered_country (ISO 3166-1 alpha-2, when
abroad) and transfers (0–20); published with the test.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rating.msgids import N_
from rating.scores.calls import check_answered
from rating.vocabulary import ANSWERED_CHANNELS, AUDIT_CHANNELS, TEST_CALL_FIELDS, TEST_MEASURES

from .methodology import CHANNELS

PARIS = ZoneInfo("Europe/Paris")
REQUIRED_COLUMNS = ("company_slug", "channel", "performed_at", "scenario", *TEST_MEASURES)
CSV_COLUMNS = (*REQUIRED_COLUMNS, "notes", *TEST_CALL_FIELDS)
MAX_ROWS = 5000
FIRST_YEAR = 2000  # no mystery-shopping test of this site's methodology is older
MEASURE = {"phone": "wait_seconds", "chat": "wait_seconds"}
SCALES = {"courtesy": 4, "understanding": 4, "accuracy": 2}
TRUE, FALSE = {"oui", "1", "true", "vrai", "o", "yes"}, {"non", "0", "false", "faux", "n", "no"}


@dataclass(frozen=True)
class AuditTestDraft:
    """A test as entered, before it is stored."""

    company_id: int
    channel: str
    performed_at: datetime
    scenario: str
    reached: bool
    wait_seconds: int | None = None
    response_hours: float | None = None
    courtesy: int | None = None
    understanding: int | None = None
    accuracy: int | None = None
    notes: str = ""
    answered_from: str | None = None
    answered_country: str | None = None
    transfers: int | None = None


def measure_of(channel: str) -> str:
    """The speed measure of a channel: wait_seconds (phone, chat) or response_hours."""
    return MEASURE.get(channel, "response_hours")


def validate_draft(draft: AuditTestDraft, now: datetime) -> list[tuple[str, str]]:
    """Business rules of one test, as (field, French message) pairs; empty when valid."""
    errors = []
    if draft.channel not in CHANNELS:
        return [("channel", N_("Canal inconnu : phone, email, chat ou social."))]
    label = AUDIT_CHANNELS[draft.channel].lower()
    # Checked first: comparing a date of the year 1 (or 9999 with an offset) with now
    # overflows on the way to UTC, and no database stores it.
    if not FIRST_YEAR <= draft.performed_at.year <= now.year:
        errors.append(
            ("performed_at", N_("La date du test doit être entre %(first)d et aujourd'hui.",
                                first=FIRST_YEAR))
        )  # fmt: skip
    elif draft.performed_at > now + timedelta(minutes=5):
        errors.append(("performed_at", N_("La date du test ne peut pas être dans le futur.")))
    if not draft.scenario.strip():
        errors.append(("scenario", N_("Décrivez le scénario du test.")))
    elif len(draft.scenario) > 200:
        errors.append(("scenario", N_("Le scénario fait au plus 200 caractères.")))
    if len(draft.notes) > 2000:
        errors.append(("notes", N_("Les notes font au plus 2 000 caractères.")))
    measure = measure_of(draft.channel)
    other = "response_hours" if measure == "wait_seconds" else "wait_seconds"
    if getattr(draft, other) is not None:
        errors.append(
            (other, N_("Ce champ ne s'applique pas au canal %(channel)s.", channel=label))
        )
    value = getattr(draft, measure)
    # `not 0 <= value` also refuses NaN, which compares false with everything.
    if value is not None and not 0 <= value <= (86400 if measure == "wait_seconds" else 2000):
        errors.append((measure, N_("Valeur hors limites.")))
    errors.extend(_check_calls(draft, label))
    if draft.reached:
        if value is None:
            message = (
                N_(
                    "Indiquez l'attente en secondes pour un contact %(channel)s abouti.",
                    channel=label,
                )
                if measure == "wait_seconds"
                else N_(
                    "Indiquez le délai en heures pour un contact %(channel)s abouti.", channel=label
                )
            )
            errors.append((measure, message))
        for name, top in SCALES.items():
            score = getattr(draft, name)
            if score is None:
                errors.append(
                    (name, N_("Note de 0 à %(top)d requise pour un contact abouti.", top=top))
                )
            elif not 0 <= score <= top:
                errors.append((name, N_("La note va de 0 à %(top)d.", top=top)))
    else:
        if measure == "response_hours" and value is not None:
            errors.append((measure, N_("Pas de délai de réponse : le contact n'a pas abouti.")))
        for name in SCALES:
            if getattr(draft, name) is not None:
                errors.append((name, N_("Pas de note pour un contact qui n'a pas abouti.")))
    return errors


def _check_calls(draft: AuditTestDraft, label: str) -> list[tuple[str, str]]:
    """Where the agent was: phone and chat only, checked like a shopper's answer."""
    given = [name for name in TEST_CALL_FIELDS if getattr(draft, name) is not None]
    if draft.channel not in ANSWERED_CHANNELS:
        message = N_("Ce champ ne s'applique pas au canal %(channel)s.", channel=label)
        return [(name, message) for name in given]
    return check_answered(draft.answered_from, draft.answered_country, draft.transfers)


def _number(text: str, kind):
    text = text.strip().replace(",", ".")
    return kind(text) if text else None


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE | FALSE:
        return value in TRUE
    raise ValueError(text)


PARSERS = {
    "performed_at": _when,
    "reached": _bool,
    "wait_seconds": lambda t: _number(t, int),
    "response_hours": lambda t: _number(t, float),
    "courtesy": lambda t: _number(t, int),
    "understanding": lambda t: _number(t, int),
    "accuracy": lambda t: _number(t, int),
    "answered_from": lambda t: t.strip().lower() or None,
    "answered_country": lambda t: t.strip().upper() or None,
    "transfers": lambda t: _number(t, int),
}


def parse_row(raw: dict, companies: dict[str, int], now: datetime):
    """(draft, []) for a good row, (None, [messages]) for a bad one."""
    slug = (raw.get("company_slug") or "").strip()
    if slug not in companies:
        return None, [f"entreprise « {slug} » absente de cette campagne"]
    values, problems = {}, []
    for name, parse in PARSERS.items():
        try:
            values[name] = parse(raw.get(name) or "")
        except ValueError:
            problems.append(f"{name} : valeur « {raw.get(name) or ''} » illisible")
    if problems:
        return None, problems
    draft = AuditTestDraft(
        company_id=companies[slug],
        channel=(raw.get("channel") or "").strip().lower(),
        scenario=(raw.get("scenario") or "").strip(),
        notes=(raw.get("notes") or "").strip(),
        **values,
    )
    errors = validate_draft(draft, now)
    return (None, [f"{field} : {message}" for field, message in errors]) if errors else (draft, [])


def parse_csv(text: str, companies: dict[str, int], now: datetime):
    """All drafts of a file, or every bad row as (line number, reason); never a partial list."""
    text = text.lstrip("\ufeff")
    if "\x00" in text:  # a binary file, or a text no database stores (PostgreSQL refuses NUL)
        line = text.count("\n", 0, text.index("\x00")) + 1
        return [], [(line, N_("caractère nul (\\0) : ce fichier n'est pas un CSV texte"))]
    first = text.split("\n", 1)[0]
    if not first.strip():
        return [], [(1, "fichier vide ou sans en-tête")]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        return [], [(1, "colonnes manquantes : " + ", ".join(missing))]
    reader.fieldnames = header
    drafts, errors = [], []
    try:
        for count, raw in enumerate(reader, start=1):
            line = reader.line_num  # physical line, right even when a quoted note spans lines
            if count > MAX_ROWS:
                return [], [(line, f"plus de {MAX_ROWS} lignes : découpez le fichier")]
            if None in raw:
                errors.append((line, "trop de valeurs sur la ligne"))
                continue
            draft, problems = parse_row(raw, companies, now)
            errors.extend((line, problem) for problem in problems)
            if draft:
                drafts.append(draft)
    except csv.Error as exc:
        return [], [(reader.line_num, f"CSV illisible ({exc})")]
    if not drafts and not errors:
        errors.append((2, "aucune ligne de test"))
    return (drafts, []) if not errors else ([], errors)
