"""Processes for the search tests: `python -m tests.search.worker MODE DB_URL INDEX_DIR [ARGS]`.

crash   — create a company, commit, start draining and hang inside the index writer
          (the parent kills it with SIGKILL there: after the commit, before the index commit)
writer  — create N companies one by one, each committed then drained (concurrent writers)
search  — search in a loop until killed, printing one line per answer
"""

import sys
import time

from rating import create_app
from rating.db import get_session
from rating.outbox import queue_company
from rating.search import drain_outbox, outbox, search_companies
from tests.conftest import TEST_SECRET
from tests.factories import make_company, make_sector


def app_for(db_url: str, index_dir: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": db_url,
            "SEARCH_INDEX_DIR": index_dir,
        }
    )


def crash(app, name: str) -> None:
    session = get_session()
    company = make_company(session, name=name)
    queue_company(session, company.id)
    session.commit()
    print("committed", flush=True)
    real = outbox.documents_for

    def hang(*args, **kwargs):
        docs = real(*args, **kwargs)
        print("indexing", flush=True)
        time.sleep(120)
        return docs

    outbox.documents_for = hang
    drain_outbox(app)


def writer(app, tag: str, count: int) -> None:
    session = get_session()
    sector = make_sector(session, slug=f"secteur-{tag}", name=f"Secteur {tag}")
    session.commit()
    for i in range(count):
        company = make_company(
            session, sector=sector, slug=f"{tag}-{i}", name=f"Concurrente {tag} numéro {i}"
        )
        queue_company(session, company.id)
        session.commit()
        drain_outbox(app)
    print("done", flush=True)


def search(app, q: str) -> None:
    while True:
        print(len(search_companies(q).ids), flush=True)


def main(argv) -> None:
    mode, db_url, index_dir, *rest = argv
    app = app_for(db_url, index_dir)
    with app.app_context():
        if mode == "crash":
            crash(app, rest[0])
        elif mode == "writer":
            writer(app, rest[0], int(rest[1]))
        elif mode == "search":
            search(app, rest[0])


if __name__ == "__main__":
    main(sys.argv[1:])
