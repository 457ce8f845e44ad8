"""Languages: French first, English second (Flask-Babel)."""

from flask import current_app, request
from flask_babel import Babel, get_locale

babel = Babel()
LOCALE_COOKIE = "lang"


def select_locale() -> str:
    """An explicit ?lang= or the cookie, else the browser's preference, else French."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())

    @app.after_request
    def remember_locale(response):
        chosen = request.args.get("lang")
        if chosen in app.config["LANGUAGES"]:
            response.set_cookie(
                LOCALE_COOKIE,
                chosen,
                max_age=365 * 86400,
                samesite="Lax",
                httponly=True,
                secure=app.config.get("SESSION_COOKIE_SECURE", False),
            )
        return response
