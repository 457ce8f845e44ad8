"""Every CSV the site serves is valid against its Table Schema descriptor (frictionless), and
the descriptors are served at /api/v1/schemas/<name>.json."""

import frictionless
import pytest

from rating.opendata.descriptors import NAMES, columns, descriptor
from rating.vocabulary import AUDIT_CHANNELS, CHANNELS, ORIGINS, PHONE_COSTS, SOLVED


def valid(tmp_path, name: str, body: bytes) -> frictionless.Report:
    """The frictionless report of `body` read as the CSV `name`, with its served schema."""
    path = tmp_path / f"{name}.csv"
    path.write_bytes(body)
    schema = frictionless.Schema.from_descriptor(descriptor(name))
    resource = frictionless.Resource(
        path=path.name, basepath=str(tmp_path), schema=schema, encoding="utf-8"
    )
    return resource.validate()


def served(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.get_data()
    response.close()
    return body


def test_every_csv_the_site_serves_matches_its_descriptor(
    client,
    runner,
    tmp_path,
    api_world,
    opendata_world,
):
    assert runner.invoke(args=["opendata", "export"]).exit_code == 0
    publications = client.get("/api/v1/publications").json["items"]
    assert len(publications) == 2
    files = [("reviews", "/api/v1/reviews.csv"), ("grades", "/api/v1/grades.csv")]
    files += [("tests", p["tests_csv"].removeprefix("http://localhost")) for p in publications]
    for name, url in files:
        body = served(client, url)
        report = valid(tmp_path, name, body)
        assert report.valid, (url, report.flatten(["rowNumber", "fieldName", "type", "note"]))
        assert len(body.splitlines()) >= 3, url  # real rows were checked, not a bare header


def test_a_file_that_breaks_its_descriptor_is_caught(tmp_path):
    header = ",".join(columns("grades"))
    row = "banque-a,2026-T4,25,Z,v1,1" + "," * (len(columns("grades")) - 6)
    report = valid(tmp_path, "grades", f"{header}\n{row}\n".encode())
    assert not report.valid
    assert {"grade20", "letter"} <= {field for (field,) in report.flatten(["fieldName"])}


def test_descriptors_are_served_as_kept_beside_the_code(client):
    for name in NAMES:
        response = client.get(f"/api/v1/schemas/{name}.json")
        assert response.status_code == 200
        assert response.json == descriptor(name)
    missing = client.get("/api/v1/schemas/users.json")
    assert missing.status_code == 404 and "message" in missing.json["error"]


@pytest.mark.parametrize(
    ("name", "field", "codes"),
    [
        ("reviews", "channel", CHANNELS),
        ("reviews", "origin", ORIGINS),
        ("reviews", "solved", SOLVED),
        ("reviews", "phone_cost", PHONE_COSTS),
        ("tests", "channel", AUDIT_CHANNELS),
    ],
)
def test_descriptor_enums_are_the_vocabulary(name, field, codes):
    fields = {f["name"]: f for f in descriptor(name)["fields"]}
    assert fields[field]["constraints"]["enum"] == list(codes)
