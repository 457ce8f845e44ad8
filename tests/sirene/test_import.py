"""`flask companies import-sirene`: files generated in INSEE's layout, read end to end."""

import multiprocessing
import os
import re
import signal

import pytest
from sqlalchemy import func, select

from bench.sirene_rows import luhn_complete, person, unit, write_stock
from rating.models import Company, CompanyDeclaration, SearchChange, Sector, SireneImport
from rating.sirene import ImportFailed, import_stock
from tests.factories import World

BANK, SHOP, TELCO = luhn_complete("55208131"), luhn_complete("54210765"), luhn_complete("38012986")


@pytest.fixture
def db(app):
    """A reading session (SQLite WAL: it never blocks the import's writes)."""
    session = app.extensions["rating.db.read"]()
    yield session
    session.close()


@pytest.fixture
def world(app):
    session = app.extensions["rating.db.write"]()
    yield World(session)
    session.close()


def run(runner, path, *options):
    return runner.invoke(args=["companies", "import-sirene", str(path), *options])


def figure(output: str, label: str) -> int:
    """A count printed by the command ("Créées   1 234")."""
    match = re.search(rf"{label}\s+([\d\u202f]+)\n", output)
    assert match, output
    return int(match.group(1).replace("\u202f", ""))


def companies(db) -> dict[str, Company]:
    db.rollback()  # a fresh snapshot
    return {c.siren: c for c in db.scalars(select(Company))}


def count(db, model) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "layout, bom, zipped",
    [(33, False, False), (35, False, False), (35, True, False), (33, True, True)],
)
def test_both_layouts_plain_or_zipped_with_or_without_bom(
    runner, db, tmp_path, layout, bom, zipped
):
    rows = [unit(BANK, denominationUniteLegale="BANQUE DU NORD", sigleUniteLegale="BDN")]
    path = write_stock(tmp_path / "stock.bin", rows, layout=layout, bom=bom, zipped=zipped)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert f"({layout} colonnes)" in result.output
    company = companies(db)[BANK]
    assert (company.name, company.legal_name, company.alias_list) == (
        "BANQUE DU NORD",
        "BANQUE DU NORD",
        ["BDN"],
    )
    assert company.slug == "banque-du-nord"
    assert db.scalar(select(Sector.slug).where(Sector.id == company.sector_id)) == "banque"


def test_quoted_and_empty_fields_and_every_skip_reason(runner, db, tmp_path):
    ids = [luhn_complete(f"{n:08d}") for n in range(30_000_001, 30_000_010)]
    rows = [
        unit(ids[0], denominationUniteLegale='BANQUE "POPULAIRE", DU SUD'),  # quotes, comma
        unit(
            ids[1],
            denominationUniteLegale="",
            denominationUsuelle1UniteLegale="LE COMPTOIR",
            activitePrincipaleUniteLegale="47.11D",
        ),
        unit(ids[2], denominationUniteLegale="", denominationUsuelle1UniteLegale=""),
        person(ids[3]),
        unit(ids[4], statutDiffusionUniteLegale="P"),
        unit(ids[5], activitePrincipaleUniteLegale="62.01Z"),  # software: out of scope
        unit(ids[6], etatAdministratifUniteLegale="C"),  # ceased, never seen here
        unit("123456789"),  # fails the Luhn check
        unit(ids[7], nomenclatureActivitePrincipaleUniteLegale="NAFRev1"),  # old code: no map
        unit(
            ids[8],
            activitePrincipaleUniteLegale="65.12Z",
            categorieJuridiqueUniteLegale="8210",
            denominationUniteLegale="MUTUELLE DES ARTISANS",
        ),
    ]
    result = run(runner, write_stock(tmp_path / "stock.csv", rows))
    assert result.exit_code == 0, result.output
    found = companies(db)
    assert sorted(found) == sorted([ids[0], ids[1], ids[8]])
    assert found[ids[0]].name == 'BANQUE "POPULAIRE", DU SUD'
    assert found[ids[1]].name == "LE COMPTOIR"
    assert found[ids[8]].sector.slug == "sante-mutuelles"
    printed = ("Lignes lues", "personnes physiques", "non diffusibles", "hors du champ")
    printed += ("cessées, absentes", "SIREN invalide", "sans dénomination")
    for line in printed:
        assert line in result.output
    db.rollback()
    record = db.scalar(select(SireneImport))
    assert (record.status, record.rows_read, record.created) == ("done", 10, 3)
    assert record.skipped == {
        "bad_siren": 1,
        "ceased_unknown": 1,
        "natural_person": 1,
        "no_name": 1,
        "not_diffusible": 1,
        "unmapped": 2,
    }


def test_all_puts_unmapped_codes_in_a_catch_all_sector(runner, db, tmp_path):
    path = write_stock(tmp_path / "stock.csv", [unit(BANK, activitePrincipaleUniteLegale="62.01Z")])
    assert run(runner, path).exit_code == 0
    assert companies(db) == {}
    assert run(runner, path, "--all").exit_code == 0
    assert companies(db)[BANK].sector.slug == "autres"


def test_update_close_reopen_and_what_a_representative_declared(runner, db, world, tmp_path):
    banks = world.sector(slug="banque", name="Banque")
    kept = world.company(
        banks,
        siren=BANK,
        name="Ma Banque",
        legal_name="MA BANQUE SA",
        description="Déclaré par l'entreprise.",
        aliases="Ma Banque en ligne",
    )
    follows = world.company(banks, siren=SHOP, name="VIEUX NOM", legal_name="VIEUX NOM")
    declared = world.company(banks, siren=TELCO, name="Déclaré", legal_name="Déclaré")
    world.session.add(
        CompanyDeclaration(company_id=declared.id, field="legal_name", old_value="", new_value="x")
    )
    world.commit()
    rows = [
        unit(BANK, denominationUniteLegale="MA BANQUE", sigleUniteLegale="MB"),
        unit(SHOP, denominationUniteLegale="NOUVEAU NOM"),
        unit(TELCO, denominationUniteLegale="REGISTRE", etatAdministratifUniteLegale="C"),
    ]
    result = run(runner, write_stock(tmp_path / "stock.csv", rows))
    assert result.exit_code == 0, result.output
    found = companies(db)
    assert found[BANK].name == "Ma Banque"  # renamed by a person: the register does not undo it
    assert found[BANK].legal_name == "MA BANQUE"
    assert found[BANK].alias_list == ["Ma Banque en ligne", "MB"]
    assert found[BANK].description == "Déclaré par l'entreprise."
    assert found[SHOP].name == found[SHOP].legal_name == "NOUVEAU NOM"
    assert found[TELCO].closed_at is not None and found[TELCO].legal_name == "Déclaré"
    assert found[BANK].slug == kept.slug and found[SHOP].slug == follows.slug  # slugs stable
    db.rollback()
    queued = set(db.scalars(select(SearchChange.company_id)))
    assert queued == {kept.id, follows.id, declared.id}
    # The unit comes back to life: the company reopens (a declared legal name still stays).
    rows[2] = unit(TELCO, denominationUniteLegale="REGISTRE")
    assert run(runner, write_stock(tmp_path / "again.csv", rows)).exit_code == 0
    found = companies(db)
    assert found[TELCO].closed_at is None and found[TELCO].legal_name == "Déclaré"


def test_second_run_changes_nothing_and_slugs_stay_unique(runner, db, tmp_path):
    twins = [
        unit(luhn_complete(f"{n:08d}"), denominationUniteLegale="ÉNERGIE VERTE")
        for n in (40_000_001, 40_000_002)
    ]
    rows = [*twins, unit(BANK, sigleUniteLegale="SB"), unit(SHOP, etatAdministratifUniteLegale="C")]
    path = write_stock(tmp_path / "stock.csv", rows)
    assert run(runner, path).exit_code == 0
    slugs = sorted(c.slug for c in companies(db).values())
    assert slugs == sorted(
        ["energie-verte", f"energie-verte-{twins[1]['siren']}", f"societe-{BANK}"]
    )
    stamps = {c.siren: c.updated_at for c in companies(db).values()}
    outbox = count(db, SearchChange)
    second = run(runner, path)
    assert (figure(second.output, "Créées"), figure(second.output, "Mises à jour")) == (0, 0)
    assert figure(second.output, "Inchangées") == 3
    assert {c.siren: c.updated_at for c in companies(db).values()} == stamps
    assert count(db, SearchChange) == outbox
    db.rollback()
    runs = db.scalars(select(SireneImport).order_by(SireneImport.id)).all()
    assert [(r.created, r.unchanged) for r in runs] == [(3, 0), (0, 3)]


def test_dry_run_writes_nothing(runner, db, tmp_path):
    path = write_stock(tmp_path / "stock.csv", [unit(BANK), unit(SHOP, sigleUniteLegale="X")])
    result = run(runner, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "essai à blanc" in result.output
    assert figure(result.output, "Créées") == 2
    assert [count(db, m) for m in (Company, Sector, SearchChange, SireneImport)] == [0, 0, 0, 0]


@pytest.mark.parametrize("parallel", [True, False], ids=["forked reader", "one process"])
def test_truncated_last_line_rolls_back_its_batch_only(app, runner, db, tmp_path, parallel):
    rows = [unit(luhn_complete(f"{50_000_000 + n:08d}")) for n in range(25)]
    path = write_stock(tmp_path / "stock.csv", rows)
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b",")])  # the last line cut in its last fields
    with app.app_context():
        from rating.db import get_session

        with pytest.raises(ImportFailed) as failed:
            import_stock(get_session(), path, batch_size=10, parallel=parallel)
    message = failed.value.message
    assert "ligne 26" in message
    assert "lignes 22 à 26) a été annulé" in message
    assert "les lignes 2 à 21 sont importées" in message
    assert count(db, Company) == 20
    db.rollback()
    record = db.scalar(select(SireneImport))
    assert (record.status, record.created, record.error) == ("failed", 20, message)
    # The CLI says the same, exits non-zero, and prints what was kept.
    result = run(runner, path, "--batch", "10")
    assert result.exit_code == 1
    assert "ligne 26" in result.output and "Déjà importé avant l'erreur" in result.output


def test_a_dry_run_on_a_cut_file_does_not_say_it_imported(runner, db, tmp_path):
    rows = [unit(luhn_complete(f"{50_000_000 + n:08d}")) for n in range(25)]
    path = write_stock(tmp_path / "stock.csv", rows)
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b",")])
    result = run(runner, path, "--batch", "10", "--dry-run")
    assert result.exit_code == 1
    assert "Déjà importé" not in result.output
    assert "compté avant l'erreur (rien n'a été écrit)" in result.output
    assert figure(result.output, "Créées") == 20
    assert [count(db, m) for m in (Company, Sector, SearchChange, SireneImport)] == [0, 0, 0, 0]


def test_a_file_cut_mid_field_or_mid_quote_is_refused(runner, db, tmp_path):
    last = unit(SHOP, denominationUniteLegale="A, B", activitePrincipaleNAF25UniteLegale="64.19Z")
    path = write_stock(tmp_path / "stock.csv", [unit(BANK), last])
    data = path.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[:-2])  # "…,64.19" : the same number of fields, but no end of line
    result = run(runner, cut)
    assert result.exit_code == 1 and "ligne 3" in result.output and "saut de ligne" in result.output
    quoted = tmp_path / "quoted.csv"
    quoted.write_bytes(data[: data.index(b'"A, B"') + 3])  # an unclosed quote
    result = run(runner, quoted)
    assert result.exit_code == 1 and "ligne 3" in result.output
    assert count(db, Company) == 0


def test_a_file_that_is_not_the_stock_is_refused(runner, db, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("siret,nom\n55208131700017,X\n", encoding="utf-8")
    result = run(runner, other)
    assert result.exit_code == 1 and "Colonnes absentes" in result.output
    assert run(runner, tmp_path / "absent.csv").exit_code != 0
    assert count(db, Company) == 0


def test_imports_command_lists_past_runs(runner, tmp_path):
    path = write_stock(tmp_path / "StockUniteLegale_utf8.csv", [unit(BANK)])
    assert "Aucun import" in runner.invoke(args=["companies", "imports"]).output
    run(runner, path)
    listing = runner.invoke(args=["companies", "imports"]).output
    assert "StockUniteLegale_utf8.csv" in listing and "terminé" in listing and "créées 1" in listing


@pytest.mark.parametrize("options", [[], ["--parallel"]], ids=["one process", "forked reader"])
def test_a_siren_met_again_in_a_later_batch_updates_the_company(runner, db, tmp_path, options):
    rows = [unit(BANK, denominationUniteLegale="PREMIER"), unit(SHOP), unit(TELCO)]
    rows.append(unit(BANK, denominationUniteLegale="SECOND"))
    result = run(runner, write_stock(tmp_path / "stock.csv", rows), "--batch", "2", *options)
    assert result.exit_code == 0, result.output
    assert (figure(result.output, "Créées"), figure(result.output, "Mises à jour")) == (3, 1)
    assert companies(db)[BANK].name == "SECOND"
    assert count(db, Company) == 3


def test_a_bad_line_in_the_middle_is_named_by_its_own_number(runner, db, tmp_path):
    rows = [unit(BANK, denominationUniteLegale="BANQUE\nSUR DEUX LIGNES"), unit(SHOP)]
    path = write_stock(tmp_path / "stock.csv", rows)  # header, the bank on lines 2-3, shop 4
    last = write_stock(tmp_path / "last.csv", [unit(TELCO)]).read_bytes().split(b"\n", 1)[1]
    path.write_bytes(path.read_bytes() + b"1,2,3\n" + last)
    result = run(runner, path)
    assert result.exit_code == 1
    assert "ligne 5 : 3 champ(s) au lieu de 35" in result.output
    assert count(db, Company) == 0


def test_bytes_that_are_not_utf8_are_named_by_their_line(runner, db, tmp_path):
    rows = [unit(luhn_complete(f"{60_000_000 + n:08d}")) for n in range(700)]  # past 64 KiB
    path = write_stock(tmp_path / "stock.csv", rows)
    lines = path.read_bytes().split(b"\n")
    lines[650] = lines[650].replace(b"SOCIETE", b"SOCI\xc9T\xc9")  # Latin-1, line 651
    path.write_bytes(b"\n".join(lines))
    result = run(runner, path)
    assert result.exit_code == 1
    assert "ligne 651 : octets qui ne sont pas de l'UTF-8" in result.output


def mixed_rows() -> list[dict]:
    """Creates, a unit met twice, skips of every kind: 40 rows for batches of 3."""
    rows = []
    for n in range(8):
        siren = luhn_complete(f"{70_000_000 + n:08d}")
        rows += [unit(siren, denominationUniteLegale=f"SOCIETE {n % 3}"), person(siren)]
        rows += [unit(siren, etatAdministratifUniteLegale="C"), unit(siren, sigleUniteLegale="S")]
        rows.append(unit(siren, activitePrincipaleUniteLegale="62.01Z"))
    return rows


def imported(app, path, **options):
    """import_stock's counts and the companies it left (siren, name, slug, aliases, open)."""
    with app.app_context():
        from rating.db import get_session

        session = get_session()
        counts = import_stock(session, path, batch_size=3, **options)
        stored = session.execute(
            select(Company.siren, Company.name, Company.slug, Company.aliases, Company.closed_at)
        )
        return counts, sorted((*row[:4], row[4] is None) for row in stored)


def figures(counts) -> tuple:
    return (counts.read, counts.created, counts.updated, counts.closed, counts.unchanged,
            dict(counts.skipped))  # fmt: skip


def test_a_forked_reader_dry_run_counts_what_one_process_does(app, tmp_path):
    path = write_stock(tmp_path / "stock.csv", mixed_rows())
    forked = figures(imported(app, path, parallel=True, dry_run=True)[0])
    assert forked == figures(imported(app, path, parallel=False, dry_run=True)[0])
    skipped = {"natural_person": 8, "ceased_unknown": 8, "unmapped": 8}
    assert forked == (40, 11, 0, 0, 0, skipped)  # nothing written: met again, created again


@pytest.mark.parametrize("parallel", [True, False], ids=["forked reader", "one process"])
def test_batches_of_three_with_units_met_again(app, tmp_path, parallel):
    path = write_stock(tmp_path / "stock.csv", mixed_rows())
    counts, stored = imported(app, path, parallel=parallel)
    skipped = {"natural_person": 8, "ceased_unknown": 8, "unmapped": 8}
    assert figures(counts) == (40, 8, 3, 0, 0, skipped)
    sirens = [luhn_complete(f"{70_000_000 + n:08d}") for n in range(8)]
    # Created under the batch's name ("SOCIETE 0"…); a later batch renames, keeps the slug.
    assert [(siren, name) for siren, name, *_ in stored] == [(s, f"SOCIETE {s}") for s in sirens]
    assert {slug for _, _, slug, *_ in stored} >= {"societe-0", "societe-1", "societe-2"}
    assert all(aliases == "S" and is_open for *_, aliases, is_open in stored)


def three_big_batches(path):
    """3,000 units with long names: batches of 1,000 far larger than a pipe's buffer, so the
    reader cannot send them all and stop: it waits on the pipe until the importer reads."""
    long_name = "SOCIETE " + "X" * 190
    rows = [
        unit(luhn_complete(f"{80_000_000 + n:08d}"), denominationUniteLegale=long_name)
        for n in range(3000)
    ]
    return write_stock(path, rows)


def test_a_reader_that_dies_fails_the_import_clearly(app, db, tmp_path):
    path = three_big_batches(tmp_path / "stock.csv")

    def kill_the_reader(counts):
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)

    with app.app_context():
        from rating.db import get_session

        with pytest.raises(ImportFailed) as failed:
            import_stock(
                get_session(), path, batch_size=1000, progress=kill_the_reader, parallel=True
            )
    message = failed.value.message
    assert "s'est arrêté sans finir (tué par le signal 9)" in message
    assert "les lignes 2 à" in message and "Relancez l'import" in message
    kept = count(db, Company)
    assert kept == failed.value.counts.created and 1000 <= kept < 3000
    record = db.scalar(select(SireneImport))
    assert (record.status, record.error) == ("failed", message)
    assert multiprocessing.active_children() == []


def test_an_error_of_the_writer_ends_the_reader(app, db, tmp_path):
    path = three_big_batches(tmp_path / "stock.csv")

    def fail(counts):
        raise RuntimeError("panne")

    with app.app_context():
        from rating.db import get_session

        with pytest.raises(RuntimeError, match="panne"):
            import_stock(get_session(), path, batch_size=1000, progress=fail, parallel=True)
    assert multiprocessing.active_children() == []  # nobody left waiting on the pipe
    assert count(db, Company) == 1000
    db.rollback()
    assert db.scalar(select(SireneImport.status)) == "failed"
