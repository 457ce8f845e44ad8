"""The OpenAPI 3.1 document of the public API, served at /api/v1/openapi.json.

It describes every /api/v1 route (rating/api/views.py and the audit's open data in
rating/api/grades.py) and the embeddable badge. tests/api checks the document with
openapi-spec-validator and every real response against it.
"""

import copy

from rating.db import MAX_PAGE
from rating.msgids import N_
from rating.opendata.descriptors import NAMES, columns

from .schemas import SCHEMAS, ref

MAX_ID = 2**31 - 1  # PostgreSQL integer
MAX_SLUG = 120  # Company.slug and Sector.slug are String(120)
GRADES_CSV_COLUMNS = list(columns("grades"))
TESTS_CSV_COLUMNS = list(columns("tests"))
REVIEWS_CSV_COLUMNS = list(columns("reviews"))


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _csv(columns: list[str], description: str) -> dict:
    return {
        "description": description,
        "content": {"text/csv": {"schema": {"type": "string"}, "x-csv-columns": columns}},
    }


def _param(name: str, where: str, schema: dict, description: str, **extra) -> dict:
    return {"name": name, "in": where, "schema": schema, "description": description, **extra}


PARAMETERS = {
    "page": _param(
        "page",
        "query",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        N_("Numéro de page, à partir de 1 (20 éléments par page). Autre valeur : 400."),
    ),
    "slug": _param("slug", "path", {"type": "string"}, N_("Slug de l'entreprise."), required=True),
    "period": _param(
        "period",
        "query",
        {"type": "string", "pattern": "^[0-9]{4}-T[1-4]$"},
        N_(
            "Période, par exemple 2026-T4 ; la dernière publiée si absente. Mal formée (ou vide) : "
            "400."
        ),
    ),
    "publication_id": _param(
        "publication_id",
        "path",
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        N_("Identifiant de la publication (voir /api/v1/publications)."),
        required=True,
    ),
}
CANONICAL = {"type": "array", "items": {"type": "object"}}
BAD = {"400": {"$ref": "#/components/responses/BadRequest"}}
MISSING = {"404": {"$ref": "#/components/responses/NotFound"}}
LIMITED = {"429": {"$ref": "#/components/responses/TooManyRequests"}}
MOVED = {"301": {"$ref": "#/components/responses/Merged"}}
PARAM = {name: {"$ref": f"#/components/parameters/{name}"} for name in PARAMETERS}


def _get(operation_id: str, summary: str, responses: dict, parameters=(), **extra) -> dict:
    operation = {"operationId": operation_id, "summary": summary, "responses": responses, **extra}
    if parameters:
        operation["parameters"] = list(parameters)
    return {"get": operation}


PATHS = {
    "/api/v1/companies": _get(
        "listCompanies",
        N_("Entreprises, de A à Z ou par pertinence quand `q` est donné."),
        {"200": _json(ref("CompanyList")), **BAD, **MISSING, **LIMITED},
        [
            _param(
                "q",
                "query",
                {"type": "string"},
                N_(
                    "Recherche plein texte (nom, marque, SIREN, fautes de frappe tolérées). "
                    "Aucune syntaxe de requête n'est interprétée."
                ),
            ),
            _param(
                "sector",
                "query",
                {"type": "string", "maxLength": MAX_SLUG},
                N_("Slug d'un secteur ; vide : tous. Aucun secteur de ce nom : 404."),
            ),
            PARAM["page"],
        ],
    ),
    "/api/v1/companies/{slug}": _get(
        "getCompany",
        N_("Une entreprise : moyens de contact, note de la communauté et notes d'audit."),
        {"200": _json(ref("CompanyDetail")), **MOVED, **MISSING, **LIMITED},
        [PARAM["slug"]],
    ),
    "/api/v1/companies/{slug}/reviews": _get(
        "listCompanyReviews",
        N_("Avis publiés d'une entreprise, les plus récents d'abord."),
        {"200": _json(ref("ReviewList")), **MOVED, **BAD, **MISSING, **LIMITED},
        [PARAM["slug"], PARAM["page"]],
    ),
    "/api/v1/grades": _get(
        "listGrades",
        N_("Notes d'audit publiées d'une période (la dernière par défaut)."),
        {"200": _json(ref("GradeList")), **BAD, **LIMITED},
        [PARAM["period"]],
    ),
    "/api/v1/grades.csv": _get(
        "listGradesCsv",
        N_("Les mêmes notes en CSV, une ligne par entreprise."),
        {"200": _csv(GRADES_CSV_COLUMNS, "CSV (UTF-8, virgules)."), **BAD, **LIMITED},
        [PARAM["period"]],
    ),
    "/api/v1/reviews.csv": _get(
        "getReviewsCsv",
        N_(
            "Tous les avis publiés des 36 derniers mois (données ouvertes, Licence Ouverte 2.0), "
            "un par ligne ; régénéré chaque jour (Last-Modified : sa date de génération). "
            "Schéma : /api/v1/schemas/reviews.json."
        ),
        {
            "200": {
                **_csv(REVIEWS_CSV_COLUMNS, "CSV (UTF-8, virgules), en pièce jointe."),
                "headers": {
                    "Last-Modified": {
                        "schema": {"type": "string"},
                        "description": "Date de génération du fichier.",
                    },
                    "ETag": {"schema": {"type": "string"}},
                },
            },
            "304": {"description": "Inchangé depuis If-None-Match ou If-Modified-Since."},
            **LIMITED,
        },
        [
            _param("If-None-Match", "header", {"type": "string"}, N_("ETag déjà reçu.")),
            _param(
                "If-Modified-Since",
                "header",
                {"type": "string"},
                N_("Date de la copie déjà reçue."),
            ),
        ],
    ),
    "/api/v1/schemas/{name}.json": _get(
        "getCsvSchema",
        N_("Le schéma Table Schema (frictionless) d'un fichier CSV publié."),
        {"200": _json({"type": "object"}, "Descripteur Table Schema."), **MISSING, **LIMITED},
        [
            _param(
                "name",
                "path",
                {"type": "string", "enum": list(NAMES)},
                N_(
                    "Le fichier : reviews (avis), grades (notes d'audit), tests (tests d'une "
                    "publication)."
                ),
                required=True,
            )
        ],
    ),
    "/api/v1/publications": _get(
        "listPublications",
        N_("La chaîne des publications : de quoi recalculer chaque empreinte."),
        {"200": _json(ref("PublicationList")), **LIMITED},
    ),
    "/api/v1/publications/{publication_id}": _get(
        "getPublication",
        N_(
            "Une publication : tous les champs couverts par son hachage de chaîne, la "
            "méthodologie, le tirage figé et la signature Ed25519."
        ),
        {"200": _json(ref("PublicationDetail")), **MISSING, **LIMITED},
        [PARAM["publication_id"]],
    ),
    "/api/v1/publications/{publication_id}/grades.json": _get(
        "getPublicationGradesJson",
        N_("Les notes d'une publication : exactement les octets hachés dans grades_sha256."),
        {"200": _json(CANONICAL, "JSON canonique, octet pour octet."), **MISSING, **LIMITED},
        [PARAM["publication_id"]],
    ),
    "/api/v1/publications/{publication_id}/tests.json": _get(
        "getPublicationTestsJson",
        N_("Les tests d'une publication : exactement les octets hachés dans tests_sha256."),
        {"200": _json(CANONICAL, "JSON canonique, octet pour octet."), **MISSING, **LIMITED},
        [PARAM["publication_id"]],
    ),
    "/api/v1/publications/{publication_id}/tests.csv": _get(
        "getPublicationTestsCsv",
        N_("Les tests anonymisés d'une publication : de quoi recalculer chacune de ses notes."),
        {"200": _csv(TESTS_CSV_COLUMNS, "CSV (UTF-8, virgules)."), **MISSING, **LIMITED},
        [PARAM["publication_id"]],
    ),
    "/api/v1/publications/head": _get(
        "getPublicationHead",
        N_("La tête signée de la chaîne (dernière publication). 404 : rien n'est publié."),
        {"200": _json(ref("PublicationHead")), **MISSING, **LIMITED},
    ),
    "/api/v1/publications/public-key": _get(
        "getPublicationPublicKeys",
        N_(
            "Les clés publiques Ed25519 des signatures, chacune avec la première publication "
            "qu'elle signe ; les anciennes restent publiées."
        ),
        {"200": _json(ref("PublicKeys")), **LIMITED},
    ),
    "/api/v1/publications.atom": _get(
        "publicationsFeed",
        N_("Flux Atom des 50 dernières publications."),
        {
            "200": {
                "description": "Flux Atom.",
                "content": {"application/atom+xml": {"schema": {"type": "string"}}},
            },
            **LIMITED,
        },
    ),
    "/api/v1/openapi.json": _get(
        "getOpenApi",
        N_("Ce document."),
        {"200": _json({"type": "object"})},
    ),
    "/companies/{slug}/badge.svg": _get(
        "getBadge",
        N_("Badge SVG à intégrer : note des avis, nombre d'avis et dernière lettre d'audit."),
        {
            "200": {
                "description": "Image SVG (en français), avec un lien vers la page de "
                "l'entreprise. Mise en cache une heure ; ETag fort.",
                "headers": {
                    "ETag": {"schema": {"type": "string"}},
                    "Cache-Control": {"schema": {"type": "string"}},
                },
                "content": {"image/svg+xml": {"schema": {"type": "string"}}},
            },
            "304": {"description": "Inchangé depuis l'ETag envoyé dans If-None-Match."},
            "404": {
                "description": "Entreprise inconnue : page d'erreur HTML en français.",
                "content": {"text/html": {"schema": {"type": "string"}}},
            },
        },
        [
            PARAM["slug"],
            _param("If-None-Match", "header", {"type": "string"}, N_("ETag déjà reçu.")),
        ],
    ),
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Observatoire du service client — API publique",
        "version": "1.0.0",
        "summary": "Entreprises, avis, notes d'audit et données ouvertes, en lecture seule.",
        "description": (
            "API en lecture seule, sans clé, lisible depuis n'importe quel site (CORS). "
            "Les erreurs sont en JSON avec un message en français. Les entreprises ne "
            "peuvent ni acheter ni modifier un avis, une note ou un classement."
        ),
    },
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "parameters": PARAMETERS,
        "responses": {
            "BadRequest": _error("Paramètre invalide (son nom est dans le message)."),
            "NotFound": _error("Ressource inconnue."),
            "Merged": {
                "description": "Entreprise fusionnée dans une autre : Location donne la même "
                "ressource de l'entreprise qui reste.",
                "headers": {"Location": {"schema": {"type": "string"}}},
            },
            "TooManyRequests": _error("Trop de requêtes : réessayez plus tard (Retry-After)."),
        },
    },
}


def document(site_url: str) -> dict:
    """The document, with this site as its server."""
    doc = copy.deepcopy(DOCUMENT)
    doc["servers"] = [{"url": site_url.rstrip("/") or "/"}]
    return doc


def endpoints() -> list[dict]:
    """Path, summary and parameters (references resolved) of each route, for the /api page."""
    listed = []
    for path, item in PATHS.items():
        operation = item["get"]
        params = [
            PARAMETERS[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
            for p in operation.get("parameters", [])
        ]
        listed.append(
            {
                "path": path,
                "summary": operation["summary"],
                "parameters": [
                    (p["name"], p["description"]) for p in params if p["in"] != "header"
                ],
            }
        )
    return listed
