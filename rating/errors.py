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


def _render(code: int, message: str):
    if request.path.startswith("/api/"):
        return {"error": {"status": code, "message": message}}, code
    return render_template("errors/error.html", code=code, message=message), code


def handle_http_error(exc: HTTPException):
    """Render any HTTP error with our page and the French message for its code."""
    code = exc.code or 500
    message = MESSAGES.get(code, exc.description or MESSAGES[400])
    # The API names the parameter it refused (abort(400, description="page")).
    if code == 400 and request.path.startswith("/api/") and len(exc.description or "") < 40:
        message = f"Paramètre invalide : {exc.description}"
    return _render(code, message)


def handle_csrf_error(exc: CSRFError):
    return _render(400, N_("Le formulaire a expiré ou n'est pas valide : rechargez la page."))


def handle_unexpected(exc: Exception):
    """A bug: roll back what the request started, log it, answer 500 without a trace."""
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return _render(500, MESSAGES[500])


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
