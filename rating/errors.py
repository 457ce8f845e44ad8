"""Error pages in French (HTML) or JSON under /api/."""

from flask import current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .msgids import N_

MESSAGES = {
    400: N_("La requête est invalide."),
    403: N_("Vous n'avez pas accès à cette page."),
    404: N_("Cette page n'existe pas."),
    405: N_("Cette méthode n'est pas permise ici."),
    413: N_("Le fichier envoyé est trop volumineux."),
    429: N_("Trop de tentatives. Merci de patienter avant de réessayer."),
    500: N_("Une erreur est survenue de notre côté. Elle a été enregistrée."),
}


def _render(code: int, message: str, headers=()):
    if request.path.startswith("/api/"):
        return {"error": {"status": code, "message": message}}, code, list(headers)
    try:
        page = render_template("errors/error.html", code=code, message=message)
    except Exception:  # noqa: BLE001 - the error page must answer, whatever broke
        # The layout reads the database (a signed-in member's menu); when that is what
        # failed, a page that needs nothing but the message, still in our words and headers.
        current_app.logger.exception("error page %s could not be rendered", code)
        page = render_template("errors/bare.html", code=code, message=message)
    return page, code, list(headers)


def handle_http_error(exc: HTTPException):
    """Render any HTTP error with our page and the French message for its code."""
    code = exc.code or 500
    message = MESSAGES.get(code, exc.description or MESSAGES[400])
    # The API names the parameter it refused (abort(400, description="page")).
    if code == 400 and request.path.startswith("/api/") and len(exc.description or "") < 40:
        message = f"Paramètre invalide : {exc.description}"
    # What the exception says about the answer (`Allow` on a 405, `Retry-After` on a 429),
    # but not its own Content-Type: ours is HTML or JSON.
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return _render(code, message, headers)


def handle_csrf_error(exc: CSRFError):
    return _render(400, N_("Le formulaire a expiré ou n'est pas valide : rechargez la page."))


def handle_unexpected(exc: Exception):
    """A bug: roll back what the request started, log it, answer 500 without a trace.

    The session stays open (rolled back): the page's layout may still read the signed-in
    member's memberships through it; teardown closes it as for any request."""
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # noqa: BLE001 - a dead connection: the bare page needs no database
            current_app.logger.exception("rollback failed after an error")
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return _render(500, MESSAGES[500])


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
