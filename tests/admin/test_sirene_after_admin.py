"""A SIRENE import run after administrators merged, closed or edited companies leaves their
work alone: merged companies stay merged, an admin's close stays, an admin's edit stays."""

import re

from sqlalchemy import func, select

from bench.sirene_rows import luhn_complete, unit, write_stock
from rating.models import Company, Review, Sector
from tests.factories import World
from tests.helpers import login, post_form

DUP, KEEP, SHUT = luhn_complete("71000001"), luhn_complete("71000002"), luhn_complete("71000003")
EDITED = "552081317"


def companies(app) -> dict[str, Company]:
    with app.extensions["rating.db.read"]() as db:
        return {c.siren: c for c in db.scalars(select(Company))}


def imported(runner, tmp_path, rows, name="stock.csv") -> str:
    result = runner.invoke(
        args=["companies", "import-sirene", str(write_stock(tmp_path / name, rows))]
    )
    assert result.exit_code == 0, result.output
    return result.output


def figure(output: str, label: str) -> int:
    """A count the command printed, before its label ("  1  fusionnées…") or after it."""
    match = re.search(rf"{label}\s+([\d\u202f]+)\n", output) or re.search(
        rf"([\d\u202f]+)\s+{label}", output
    )
    assert match, output
    return int(match.group(1).replace("\u202f", ""))


def two_companies(app, people) -> tuple[Company, Company]:
    with app.extensions["rating.db.write"]() as db:
        w = World(db)
        sector = db.get(Sector, people.sector_id)
        dup = w.company(sector, siren=DUP, slug="azur-doublon", name="AZUR BIS",
                        legal_name="AZUR BIS", aliases="")  # fmt: skip
        keep = w.company(sector, siren=KEEP, slug="azur", name="AZUR", legal_name="AZUR")
        w.commit()
        return dup, keep


def test_an_import_leaves_a_merged_company_merged_and_it_takes_no_review(
    app, admin, people, runner, tmp_path
):
    dup, keep = two_companies(app, people)
    url = f"/admin/companies/{dup.id}"
    data = {"into": "azur", "reason": "Même entreprise.", "confirm": "y"}
    assert post_form(admin, f"{url}/merge", data, form_url=url).status_code == 303
    rows = [unit(DUP, denominationUniteLegale="AZUR NOUVEAU", sigleUniteLegale="AZN")]
    output = imported(runner, tmp_path, rows)
    assert figure(output, "fusionnées dans une autre entreprise") == 1
    assert figure(output, "Mises à jour") == 0
    assert (
        "merged into another company (left as they are) : 1"
        in admin.get("/admin/companies?lang=en").text
    )
    merged = companies(app)[DUP]
    assert merged.closed_at is not None and merged.merged_into_id == keep.id
    assert (merged.legal_name, merged.aliases) == ("AZUR BIS", "")
    shopper = app.test_client()
    login(shopper, "cliente@example.org")
    form = shopper.get("/companies/azur-doublon/review?invitation=abc")
    assert form.status_code == 301
    assert form.headers["Location"].endswith("/companies/azur/review?invitation=abc")
    sent = post_form(shopper, "/companies/azur-doublon/review", {"stars": "5"},
                     form_url="/companies/azur/review")  # fmt: skip
    assert sent.status_code == 403 and "fusionnée" in sent.text
    listed = shopper.get("/companies/azur-doublon/avis")
    assert listed.status_code == 301 and listed.headers["Location"].endswith("/companies/azur/avis")
    with app.extensions["rating.db.read"]() as db:
        assert db.scalar(select(func.count()).select_from(Review)) == 0


def test_an_import_does_not_reopen_what_an_administrator_closed(
    app, admin, people, runner, tmp_path
):
    dup, keep = two_companies(app, people)
    url = f"/admin/companies/{dup.id}"
    closing = {"reason": "Liquidation publiée au BODACC."}
    assert post_form(admin, f"{url}/close", closing, form_url=url).status_code == 303
    rows = [
        unit(DUP, denominationUniteLegale="AZUR BIS"),
        unit(KEEP, denominationUniteLegale="AZUR", etatAdministratifUniteLegale="C"),
    ]
    output = imported(runner, tmp_path, rows)
    assert figure(output, "fermées par un administrateur") == 1
    assert figure(output, "Mises à jour") == 0 and figure(output, "Fermées \\(cessées\\)") == 1
    found = companies(app)
    assert found[DUP].closed_at is not None and found[KEEP].closed_at is not None
    # What the import closed, the register reopens; what an administrator reopened too.
    rows[1] = unit(KEEP, denominationUniteLegale="AZUR")
    assert post_form(admin, f"{url}/close", {"reason": "Erreur"}, form_url=url).status_code == 303
    output = imported(runner, tmp_path, rows, "again.csv")
    assert figure(output, "Mises à jour") == 1
    found = companies(app)
    assert found[DUP].closed_at is None and found[KEEP].closed_at is None


def test_an_import_keeps_what_an_administrator_edited(app, admin, people, runner, tmp_path):
    fields = {"name": "Banque Azur", "legal_name": "BANQUE AZUR", "aliases": "BAZ",
              "siren": EDITED, "city": "", "region": "", "website_domain": "",
              "mediator_name": "", "mediator_url": "",
              "sector_id": str(people.sector_id)}  # fmt: skip
    assert post_form(admin, "/admin/companies/new", fields).status_code == 303
    company = companies(app)[EDITED]
    url = f"/admin/companies/{company.id}"
    edit = {**fields, "legal_name": "Banque Azur SA (nom vérifié)", "aliases": ""}
    assert post_form(admin, url, edit).status_code == 303
    rows = [unit(EDITED, denominationUniteLegale="BANQUE AZUR", sigleUniteLegale="BAZ")]
    output = imported(runner, tmp_path, rows)
    assert figure(output, "Mises à jour") == 0 and figure(output, "Inchangées") == 1
    kept = companies(app)[EDITED]
    assert (kept.name, kept.legal_name, kept.aliases) == (
        "Banque Azur", "Banque Azur SA (nom vérifié)", ""
    )  # fmt: skip
