"""Schemathesis against the WSGI app, every check: the OpenAPI document and the API cannot
drift apart (status codes, media types, bodies and headers such as `Allow` on a 405, data
the document calls invalid refused and data it calls valid accepted).

Bounded and seeded so that `make test` stays fast and repeatable: EXAMPLES per operation and
phase, a fixed seed. The document is the one the app serves (built without an app, as
/api/v1/openapi.json does); each operation runs against a database with every kind of data
(tests/api/conftest.py). tests/api/test_fuzz.py adds what a schema cannot say (French error
messages, control characters, huge numbers).
"""

import schemathesis
from hypothesis import HealthCheck, seed, settings

from rating.api import openapi
from rating.security import limiter

EXAMPLES = 25
SEED = 20261205

schema = schemathesis.openapi.from_dict(openapi.document("http://localhost"))


@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_api_answers_what_its_document_says(app, api_world, case):
    limiter.reset()  # hundreds of calls a minute: the per-address limit is not under test
    case.call_and_validate(app=app)  # every check the configuration enables: all by default
