"""Input that pages echo without storing it: what the address holds, CSV cells quoted back.

Shared by tests/security/test_xss.py and tests/browser/test_xss.py, like xss_writes.py.
"""

import csv
import io
from urllib.parse import quote, urlencode

from rating.audit.testrows import CSV_COLUMNS
from tests.security.xss_corpus import fitting, pack
from tests.security.xss_site import Check, Seed


def reflected(seed: Seed) -> list[Check]:
    """Pages that echo what the address holds: the search form (its query also in <title>),
    a 404 page, the login form's `next`, review filters, the grades' sector filter, and the
    review form's invitation token (a hidden field)."""
    checks = []
    for group in pack(200, " "):
        q = " ".join(group)
        checks.append(Check("", "/search?" + urlencode({"q": q, "region": q}), values=[q]))
    for group in pack(600, ""):
        checks.append(Check("", "/" + quote("".join(group), safe=""), status=404))
    texts = [" ".join(g) for g in pack(600, " ")]
    pages = {
        "/login": ["next"],
        "/grades": ["sector"],
        f"/companies/{seed.reviewed[0]}/avis": ["sort", "channel", "stars", "aspect", "autre"],
    }
    for path, names in pages.items():
        for start in range(0, len(texts), len(names)):
            params = {name: texts[(start + i) % len(texts)] for i, name in enumerate(names)}
            checks.append(Check("", f"{path}?{urlencode(params)}"))
    review_form = f"/companies/{seed.operator}/review?"
    for text in texts:
        query = urlencode({"invitation": text})
        checks.append(Check(seed.shoppers[0], review_form + query, values=[text]))
    return checks


def bad_tests_csv(company_slug: str) -> tuple[bytes, list[str]]:
    """A CSV whose cells the import errors quote back: unknown companies, unreadable yes/no."""
    texts = [p.text for p in fitting(300)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for text in texts:
        writer.writerow([text, "phone", "2026-01-14T10:00", "Appel", "oui", 30, "", 4, 4, 2, ""])
        writer.writerow([company_slug, "phone", "2026-01-14T10:00", "Appel", text, 30, ""])
    return out.getvalue().encode(), texts
