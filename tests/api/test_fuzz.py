"""Property-based fuzzing of every parameter of every endpoint of the OpenAPI document.

Whatever the input: never a 500, only a documented status, a body that matches the
document for that status, and errors in French. Bounded (EXAMPLES per endpoint) to stay fast.
"""

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rating.security import limiter
from tests.api.contract import check

EXAMPLES = 60
# The database is built once per test and only read by the examples.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANY_TEXT = st.text(max_size=40)  # any code point but surrogates: controls, NUL, emoji, RTL…
QUERY_SYNTAX = st.sampled_from(
    [
        "*",
        '"',
        "AND(",
        "OR",
        "NOT",
        "(",
        ")",
        "name:x",
        "~2",
        "^3",
        "?",
        "\\",
        "[a TO z]",
        "{",
        "}",
        "-",
        "+",
        "'",
        "%",
        "_",
        "\x00",
        "\u202e",
        "٣",
        "²",
    ]  # fmt: skip
)
QUERIES = st.one_of(ANY_TEXT, st.lists(st.one_of(QUERY_SYNTAX, ANY_TEXT), max_size=6).map(" ".join))
PAGES = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "2",
            "10000",
            "10001",
            "201",
            "²",
            "٣",
            "1e3",
            " 1",
            "+1",
            "1.0",
            "0x10",
            "1\x00",
            "१",
        ]
    ),  # fmt: skip
    ANY_TEXT,
)
PERIODS = st.one_of(
    st.from_regex(r"[0-9]{4}-T[0-9]", fullmatch=True),
    st.sampled_from(["2026-T4", "2026-T4\n", " 2026-T4 ", "٢٠٢٦-T4", "2026-t4", "2026-T4\x00"]),
    ANY_TEXT,
)
NO_SLASH = ANY_TEXT.filter(lambda s: s and "/" not in s)


def _slugs(world) -> st.SearchStrategy:
    real = [c.slug for c in world["companies"]]
    known = st.sampled_from(real)
    odd = st.tuples(known, NO_SLASH).map("".join)
    return st.one_of(known, odd, known.map(str.upper), NO_SLASH, st.sampled_from([".", "%", "~"]))


def _params(**values) -> dict:
    return {k: v for k, v in values.items() if v is not None}


def _get(client, url, **kwargs):
    limiter.reset()  # the fuzzing would otherwise hit the 120/minute limit
    return client.get(url, **kwargs)


@FUZZ
@given(data=st.data())
def test_fuzz_company_list(app, client, doc, api_world, data):
    sectors = st.one_of(st.just(api_world["sector"].slug), ANY_TEXT)
    params = _params(
        q=data.draw(st.none() | QUERIES, "q"),
        sector=data.draw(st.none() | sectors, "sector"),
        page=data.draw(st.none() | PAGES, "page"),
    )
    with app.app_context():
        response = _get(client, "/api/v1/companies", query_string=params)
    check(doc, "/api/v1/companies", response, {200, 400, 404})


@FUZZ
@given(data=st.data())
def test_fuzz_company_and_reviews(app, client, doc, api_world, data):
    slug = quote(data.draw(_slugs(api_world), "slug"), safe="")
    page = data.draw(st.none() | PAGES, "page")
    with app.app_context():
        detail = _get(client, f"/api/v1/companies/{slug}")
        reviews = _get(client, f"/api/v1/companies/{slug}/reviews", query_string=_params(page=page))
    check(doc, "/api/v1/companies/{slug}", detail, {200, 404})
    check(doc, "/api/v1/companies/{slug}/reviews", reviews, {200, 400, 404})


@FUZZ
@given(period=st.none() | PERIODS)
def test_fuzz_grades_json_and_csv(app, client, doc, api_world, period):
    with app.app_context():
        grades = _get(client, "/api/v1/grades", query_string=_params(period=period))
        table = _get(client, "/api/v1/grades.csv", query_string=_params(period=period))
    check(doc, "/api/v1/grades", grades, {200, 400})
    check(doc, "/api/v1/grades.csv", table, {200, 400})
    assert grades.status_code == table.status_code


@FUZZ
@given(
    publication_id=st.one_of(
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.integers(min_value=0, max_value=3).map(str),
        st.sampled_from(["2147483647", "2147483648", "9223372036854775808", "01", "١"]),
        NO_SLASH,
    )
)
def test_fuzz_publication_tests(app, client, doc, api_world, publication_id):
    url = f"/api/v1/publications/{quote(publication_id, safe='')}/tests.csv"
    with app.app_context():
        response = _get(client, url)
    check(doc, "/api/v1/publications/{publication_id}/tests.csv", response, {200, 404})


@FUZZ
@given(data=st.data())
def test_fuzz_badge(app, client, doc, api_world, data):
    slug = quote(data.draw(_slugs(api_world), "slug"), safe="")
    etag = data.draw(st.none() | st.text(st.characters(min_codepoint=32, max_codepoint=126)))
    headers = _params(**{"If-None-Match": etag})
    response = client.get(f"/companies/{slug}/badge.svg", headers=headers)
    check(doc, "/companies/{slug}/badge.svg", response, {200, 304, 404})


def test_parameterless_endpoints_ignore_any_query(app, client, doc, api_world):
    for path in ("/api/v1/publications", "/api/v1/publications.atom", "/api/v1/openapi.json"):
        with app.app_context():
            # (A NUL anywhere is refused site-wide with a 400, before any view: not used here.)
            response = _get(client, path, query_string={"page": "x", "q": "\x01*"})
        check(doc, path, response, {200})
