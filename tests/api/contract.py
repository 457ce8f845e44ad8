"""Checks a real response against the OpenAPI document: status, media type, body schema."""

import csv
import io
import xml.etree.ElementTree as ET

from jsonschema import Draft202012Validator

from rating.errors import MESSAGES

FORMATS = Draft202012Validator.FORMAT_CHECKER


def resolve(doc: dict, item: dict) -> dict:
    """Follow a local "$ref" of the document (parameters, responses)."""
    while "$ref" in item:
        node = doc
        for part in item["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        item = node
    return item


def schema_errors(doc: dict, schema: dict, body) -> list[str]:
    """Every way `body` breaks `schema`, whose $refs point into the document's components."""
    validator = Draft202012Validator(
        {**schema, "components": doc["components"]}, format_checker=FORMATS
    )
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)
    ]


def is_french_error(message: str) -> bool:
    return message in MESSAGES.values() or message.startswith("Paramètre invalide : ")


def check(doc: dict, path: str, response, statuses: set[int] | None = None) -> None:
    """Assert that `response` is what the document says `GET path` may answer."""
    operation = doc["paths"][path]["get"]
    status = response.status_code
    assert str(status) in operation["responses"], f"{path}: undocumented status {status}"
    if statuses is not None:
        assert status in statuses, f"{path}: {status} not in {statuses}"
    spec = resolve(doc, operation["responses"][str(status)])
    content = spec.get("content")
    if not content:
        assert response.data == b"", f"{path}: {status} must have no body"
        return
    media = response.mimetype
    assert media in content, f"{path}: {status} answered {media}, documented {list(content)}"
    if media == "application/json":
        body = response.get_json()
        errors = schema_errors(doc, content[media]["schema"], body)
        assert not errors, f"{path} {status}: {errors[:5]}"
        if status >= 400:
            assert is_french_error(body["error"]["message"]), body
            assert body["error"]["status"] == status
    elif media == "text/csv":
        header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert header == content[media]["x-csv-columns"]
    elif media in ("application/atom+xml", "image/svg+xml"):
        ET.fromstring(response.data)  # noqa: S314 - well-formed XML (our own, in a test)
