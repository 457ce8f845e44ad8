"""JSON Schemas (OpenAPI 3.1 dialect) of every body the public API returns.

Written out by hand, field by field: the document is the contract, and the tests check
each real response against it, so a field added or changed in the code without being
documented here fails the suite. Objects are closed (`additionalProperties: false`).
"""

from rating.models.audit import AUDIT_CHANNELS, LETTERS
from rating.models.company import CONTACT_CHANNELS, PHONE_COSTS
from rating.models.review import CRITERIA, ORIGINS, REVIEW_CHANNELS, SOLVED_VALUES
from rating.scores.buckets import REFUSAL_CODES
from rating.vocabulary import ANSWERED_FROM, COMMUNITY_CHANNELS, DECISION_GROUNDS

HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
HEX128 = {"type": "string", "pattern": "^[0-9a-f]{128}$"}
CHAIN_METADATA_V1 = (
    "sequence",
    "campaign_id",
    "period",
    "methodology",
    "methodology_sha256",
    "approved_by_id",
    "published_at",
    "supersedes_id",
    "correction_reason",
)
DATE_TIME = {"type": "string", "format": "date-time"}
KPI_NAMES = (
    "accessibility_rate",
    "median_phone_wait_seconds",
    "median_email_response_hours",
    "complete_rate",
    "mean_courtesy",
)


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, description: str = "") -> dict:
    """A closed object whose every listed property is required (null when unknown)."""
    schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def nullable(schema: dict) -> dict:
    """OpenAPI 3.1: `type: [..., "null"]` (an enum must list null too)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    out = {**schema, "type": [schema["type"], "null"]}
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def text(description: str = "") -> dict:
    return {"type": "string", "description": description} if description else {"type": "string"}


def integer(minimum: int | None = None, maximum: int | None = None) -> dict:
    schema: dict = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def number(minimum: float, maximum: float | None = None, description: str = "") -> dict:
    schema: dict = {"type": "number", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    if description:
        schema["description"] = description
    return schema


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def page_of(item: str, description: str) -> dict:
    return obj(
        {
            "items": array(ref(item)),
            "total": integer(0),
            "page": integer(1),
        },
        description,
    )


COMPANY_ITEM = {
    "slug": text("Identifiant stable dans les URL."),
    "name": text(),
    "sector": text("Slug du secteur."),
    "sector_name": text(),
    "city": text("Vide si inconnue."),
    "region": text("Vide si inconnue."),
}

PUBLICATION_FIELDS = {
    "id": integer(1),
    "sequence": integer(1),
    "period": text(),
    "methodology": text(),
    "published_at": DATE_TIME,
    "supersedes_id": nullable(integer(1)),
    "correction_reason": nullable(text()),
    "grades_sha256": HEX64,
    "tests_sha256": HEX64,
    "previous_hash": HEX64,
    "chain_hash": HEX64,
}
GRADE = {
    "company_slug": text(),
    "company_name": text(),
    "sector": text(),
    "period": text("Par exemple 2026-T4."),
    "grade20": nullable(number(0, 20, "Note sur 20 ; null : données insuffisantes.")),
    "letter": nullable({"type": "string", "enum": list(LETTERS)}),
    "status": {"type": "string", "enum": ["published", "insufficient"]},
    "methodology": text("Version de la méthodologie, par exemple v1."),
    "publication_id": integer(1),
    "chain_hash": HEX64,
    "channels": {
        "type": "object",
        "propertyNames": {"enum": list(AUDIT_CHANNELS)},
        "additionalProperties": ref("ChannelResult"),
    },
    "kpis": ref("Kpis"),
}
DIVERGENCE = {
    "type": "boolean",
    "description": "Lettre A ou B avec une note des clients (non arrondie) sous 2,5, ou D ou E "
    "au-dessus de 4,0, sur au moins 10 avis des 36 derniers mois.",
}

SCHEMAS = {
    "Error": obj(
        {
            "error": obj(
                {
                    "status": integer(400, 599),
                    "message": text("Message en français, destiné à un humain."),
                }
            )
        },
        "Toute erreur de l'API (400, 404, 429…).",
    ),
    "CompanyItem": obj(COMPANY_ITEM, "Une entreprise, forme courte des listes."),
    "CompanyList": page_of("CompanyItem", "Une page de 20 entreprises au plus."),
    "ContactPoint": obj(
        {
            "channel": {"type": "string", "enum": list(CONTACT_CHANNELS)},
            "label": text(),
            "value": text("Numéro, adresse, URL ou identifiant."),
            "hours": text("Horaires déclarés, texte libre."),
            "open_evenings": {"type": "boolean", "description": "Ouvert après 19 h."},
            "open_saturday": {"type": "boolean"},
            "open_sunday": {"type": "boolean"},
            "phone_cost": nullable({"type": "string", "enum": list(PHONE_COSTS)}),
            "declared_at": nullable(DATE_TIME),
        },
        "Moyen de contact déclaré par l'entreprise.",
    ),
    "ContactCentre": obj(
        {
            "city": text(),
            "country": text(),
            "languages": text(),
            "declared": {"const": True, "description": "Toujours auto-déclaré."},
        }
    ),
    "Mediator": obj({"name": text(), "url": nullable(text())}),
    "Community": obj(
        {
            "score": nullable(
                number(1, 5, "Note sur 5 (une décimale) ; null sans avis publié sur 36 mois.")
            ),
            "count": integer(0),
            "distribution": obj({str(n): integer(0) for n in range(1, 6)}),
            "reception": nullable(number(1, 5)),
            "after_sales": nullable(number(1, 5)),
            "reply_rate": nullable(number(0, 1)),
            "median_reply_hours": nullable(number(0)),
            "solved_after_reply_rate": nullable(number(0, 1)),
            "channels": {
                "type": "object",
                "properties": {name: ref("ChannelCommunity") for name in COMMUNITY_CHANNELS},
                "additionalProperties": False,
                "description": (
                    "Par canal, à partir de 5 avis publiés du canal sur 36 mois (canaux "
                    "absents en dessous) ; même formule que la note globale."
                ),
            },
        },
        "Note de la communauté (méthodologie v1, avis publiés des 36 derniers mois).",
    ),
    "Facts": obj(
        {
            "median_hold_minutes": nullable(number(0, description="Minutes d'attente.")),
            "median_contacts_count": nullable(number(1, description="Contacts nécessaires.")),
            "median_resolution_days": nullable(number(0, description="Jours jusqu'à la solution.")),
            "human_reached_rate": nullable(number(0, 1, "Part des avis : un humain a répondu.")),
            "human_reached_answers": integer(0),
            "surcharged_rate": nullable(number(0, 1, "Part des avis : numéro surtaxé.")),
            "phone_cost_answers": integer(0),
        },
        "Ce que déclarent les clients (médianes et parts), avis publiés des 36 derniers mois ; "
        "null sans réponse.",
    ),
    "ModerationLedger": obj(
        {
            "received": integer(0),
            "published": integer(0),
            "held": {**integer(0), "description": "En attente de modération."},
            "rejected": integer(0),
            "removed": {
                **integer(0),
                "description": "Retirés par la modération après publication.",
            },
            "withdrawn": {**integer(0), "description": "Retirés par leur auteur."},
            "refused_by_reason": array(
                obj(
                    {
                        "reason": {
                            "type": "string",
                            "enum": [code or "other" for code in REFUSAL_CODES],
                        },
                        "ground": nullable({"type": "string", "enum": list(DECISION_GROUNDS)}),
                        "count": integer(1),
                    }
                )
            ),
            "reported_by_company": integer(0),
            "reported_upheld": integer(0),
        },
        "Registre public de modération de l'entreprise (depuis toujours), comme sur sa page.",
    ),
    "ChannelCommunity": obj(
        {
            "score": number(1, 5, "Note sur 5 (une décimale), même formule que la note globale."),
            "count": integer(5),
            "reception": nullable(number(1, 5)),
            "after_sales": nullable(number(1, 5)),
            "median_hold_minutes": nullable(number(0)),
            "human_reached_rate": nullable(
                number(0, 1, "Part des avis qui disent avoir parlé à une personne.")
            ),
        },
        "Chiffres de la communauté pour un canal.",
    ),
    "AnsweredFrom": obj(
        {
            "answers": integer(0),
            "min_answers": integer(1),
            "shares": nullable(
                obj(
                    {code: number(0, 1) for code in ANSWERED_FROM},
                    "Parts ; null sous `min_answers` réponses.",
                )
            ),
            "countries": array(
                obj(
                    {
                        "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                        "answers": integer(1),
                    },
                    "Pays cité (ISO 3166-1 alpha-2) par les réponses « à l'étranger ».",
                )
            ),
            "divergence": {
                "type": "boolean",
                "description": (
                    "L'entreprise ne déclare que des centres en France et au moins 30 % d'au "
                    "moins 20 réponses disent « à l'étranger »."
                ),
            },
        },
        "Où les clients pensent avoir été servis (téléphone, chat), 36 mois : des "
        "perceptions, pas des faits vérifiés.",
    ),
    "ChannelResult": obj(
        {
            "tests": integer(1),
            "score": number(0, 100),
            "counts": {"type": "boolean", "description": "Au moins 5 tests : compte dans la note."},
            "weight": number(0, 1),
        }
    ),
    "Kpis": obj({name: nullable(number(0)) for name in KPI_NAMES}),
    "Grade": obj(GRADE, "Note d'audit publiée d'une entreprise pour une période."),
    "GradeItem": obj(
        {**GRADE, "divergence": DIVERGENCE},
        "Note d'audit publiée, et si elle diverge fortement de la note des clients.",
    ),
    "CompanyDetail": obj(
        {
            **COMPANY_ITEM,
            "legal_name": text(),
            "aliases": array(text()),
            "siren": nullable({"type": "string", "pattern": "^[0-9]{9}$"}),
            "website_domain": nullable(text()),
            "description": text(),
            "mediator": nullable(ref("Mediator")),
            "contact_points": array(ref("ContactPoint")),
            "contact_centres": array(ref("ContactCentre")),
            "community": ref("Community"),
            "facts": ref("Facts"),
            "moderation": ref("ModerationLedger"),
            "answered_from": ref("AnsweredFrom"),
            "audit": obj(
                {
                    "latest": nullable(ref("Grade")),
                    "history": array(ref("Grade")),
                    "divergence": DIVERGENCE,
                },
                "Dernière note et historique, de la plus ancienne à la plus récente.",
            ),
        }
    ),
    "Reply": obj(
        {"text": text(), "created_at": DATE_TIME, "updated_at": nullable(DATE_TIME)},
        "Réponse publique de l'entreprise.",
    ),
    "Review": obj(
        {
            "id": integer(1),
            "author": text("Pseudonyme."),
            "stars": integer(1, 5),
            "title": text(),
            "text": text("Numéros de téléphone et adresses e-mail masqués."),
            "channel": {"type": "string", "enum": list(REVIEW_CHANNELS)},
            "solved": {"type": "string", "enum": list(SOLVED_VALUES)},
            "solved_after_reply": nullable({"type": "boolean"}),
            "experience_date": {"type": "string", "format": "date"},
            "published_at": nullable(DATE_TIME),
            "updated_at": nullable(DATE_TIME),
            "origin": {"type": "string", "enum": list(ORIGINS)},
            "criteria": obj({name: nullable(integer(1, 5)) for name in CRITERIA}),
            "reply": nullable(ref("Reply")),
        },
        "Un avis publié.",
    ),
    "ReviewList": page_of("Review", "Une page de 20 avis au plus, les plus récents d'abord."),
    "GradeList": obj(
        {
            "period": nullable(text("Période affichée ; null si rien n'est publié.")),
            "periods": array(text()),
            "total": integer(0),
            "items": array(ref("GradeItem")),
        }
    ),
    "Publication": obj(
        {
            **PUBLICATION_FIELDS,
            "url": {"type": "string", "format": "uri", "description": "Le détail vérifiable."},
            "tests_csv": {"type": "string", "format": "uri"},
        },
        "Une publication figée, chaînée par hachage à la précédente.",
    ),
    "PublicationList": obj({"items": array(ref("Publication"))}),
    "Draw": obj(
        {
            "seed": text("Graine du tirage."),
            "per_sector": integer(1),
            "candidates": {
                "type": "object",
                "description": "Slugs des candidates de chaque secteur, figés au tirage.",
                "additionalProperties": array(text()),
            },
            "drawn": array({"type": "array", "items": text(), "minItems": 2, "maxItems": 2}),
        },
        "Le tirage figé à la création de la campagne : [secteur, entreprise] dans l'ordre.",
    ),
    "ChainMetadata": {
        "type": "object",
        "description": "Exactement les métadonnées hachées (JSON canonique) dans chain_hash.",
        "required": list(CHAIN_METADATA_V1),
        "properties": {
            **{name: {} for name in CHAIN_METADATA_V1},
            "chain_version": integer(2),
            "draw_sha256": nullable(HEX64),
        },
        "additionalProperties": False,
    },
    "PublicationDetail": obj(
        {
            **PUBLICATION_FIELDS,
            "chain_version": integer(1, 2),
            "campaign_id": integer(1),
            "chain_metadata": ref("ChainMetadata"),
            "methodology_parameters": {
                "type": "object",
                "description": "Paramètres ; SHA-256 de leur JSON canonique : methodology_sha256.",
            },
            "draw": nullable(ref("Draw")),
            "signature": nullable(HEX128),
            "public_key": nullable(HEX64),
            "grades_json": {"type": "string", "format": "uri"},
            "tests_json": {"type": "string", "format": "uri"},
            "tests_csv": {"type": "string", "format": "uri"},
        },
        "Une publication avec tout ce que couvre son hachage de chaîne.",
    ),
    "PublicationHead": obj(
        {
            "sequence": integer(1),
            "chain_hash": HEX64,
            "signature": nullable(HEX128),
            "published_at": DATE_TIME,
        },
        "La dernière publication, signée : gardez-la ailleurs pour vérifier plus tard.",
    ),
    "PublicKeys": obj(
        {
            "algorithm": {"const": "Ed25519"},
            "signed_message": text(),
            "keys": array(
                obj(
                    {
                        "algorithm": {"const": "Ed25519"},
                        "public_key": HEX64,
                        "from_sequence": integer(1),
                        "until_sequence": nullable(integer(1)),
                    }
                )
            ),
        },
        "Les clés publiques, anciennes comprises, et les publications que chacune signe.",
    ),
}
