"""Languages: French first, English second (Flask-Babel)."""

import functools
from contextlib import contextmanager

from babel import support
from flask import current_app, has_request_context, request
from flask_babel import Babel, LazyString, force_locale, get_locale, get_translations
from markupsafe import Markup, escape
from wtforms.i18n import messages_path

from rating import formatting, vocabulary
from rating.msgids import Message

babel = Babel()
LOCALE_COOKIE = "lang"
LOCALE_COOKIE_DAYS = 365


def select_locale(req=None) -> str:
    """An explicit ?lang= or the cookie, else the browser's preference, else French (chosen
    once per request: the page cache's keys ask for it several times). `req`: the request
    object, when the caller holds it (saves a context lookup)."""
    req = req or request._get_current_object()
    chosen = getattr(req, "_locale_choice", None)
    if chosen is None:
        chosen = req._locale_choice = _choose_locale()
    return chosen


def _choose_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = _present(request.args, "lang") or _present(request.cookies, LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def _present(values, name: str) -> str | None:
    """values.get(name), asked only when the name is there: werkzeug's MultiDict.get raises
    and catches an HTTP exception for a missing one, on every request here."""
    return values.get(name) if name in values else None


def catalogue():
    """The translations of this request's language, looked up once per request.

    Flask-Babel walks four context lookups and formats the locale for each message; a page
    shows ~180 of them (the company page's profile). The locale of a request is
    fixed once chosen (we never call `force_locale` or `refresh`), so keeping it is safe.
    """
    if not has_request_context():
        return get_translations()
    found = getattr(request, "_catalogue", None)
    if found is None:
        found = request._catalogue = get_translations()
    return found


@contextmanager
def in_locale(locale: str | None):
    """Translate and format in `locale` (a mail in its recipient's language) for a moment,
    whatever the request's own language; an unknown or missing locale means French."""
    languages = current_app.config["LANGUAGES"]
    chosen = locale if locale in languages else languages[0]
    # The request's cached catalogue (see `catalogue`) is set aside, then put back.
    cache = vars(request._get_current_object()) if has_request_context() else {}
    kept = cache.pop("_catalogue", None)
    try:
        with force_locale(chosen):
            yield
    finally:
        cache.pop("_catalogue", None)
        if kept is not None:
            cache["_catalogue"] = kept


def translate(text) -> str:
    """A message marked in Python (`N_`, `NC_`, a vocabulary label) in this request's language,
    its parameters filled in; lazy strings and "" pass through."""
    if not isinstance(text, str):
        return str(text)
    if not text:
        return text
    if isinstance(text, Message):
        found = (
            catalogue().upgettext(text.context, text.msgid)
            if text.context
            else catalogue().ugettext(text.msgid)
        )
        return found % text.params if text.params else found
    return catalogue().ugettext(text)


class LazyText(LazyString):
    """A message translated when shown; unlike Flask-Babel's LazyString, whose `__html__`
    declares it safe HTML, it is escaped (form choices hold company names, for one)."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy(text) -> LazyText:
    """`translate(text)`, looked up when the value is rendered (form labels and choices)."""
    return LazyText(translate, text)


def label(code, kind: str) -> str:
    """`{{ review.channel|label("channel") }}`: the translated label of a vocabulary code."""
    return translate(vocabulary.label(kind, code))


@functools.cache
def _wtforms_catalogue(locale: str):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: catalogue().ugettext(message),
        ngettext=lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        pgettext=lambda context, message: catalogue().upgettext(context, message),
        npgettext=lambda context, s, p, n: catalogue().unpgettext(context, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.filters["label"] = label
    formatting.init_app(app)

    @app.before_request
    def wtforms_messages():
        # Flask-WTF reads WTForms' own messages ("Not a valid choice"…) from this attribute
        # and, when it is missing, parses the catalogue file again on each request (0.3 ms
        # of every page with a form): the catalogue is read once per language instead.
        request.wtforms_translations = _wtforms_catalogue(str(get_locale()))

    @app.after_request
    def remember_locale(response):
        chosen = _present(request.args, "lang")
        if chosen in app.config["LANGUAGES"]:
            response.set_cookie(
                LOCALE_COOKIE,
                chosen,
                max_age=LOCALE_COOKIE_DAYS * 86400,
                samesite="Lax",
                httponly=True,
                secure=app.config.get("SESSION_COOKIE_SECURE", False),
            )
        return response
