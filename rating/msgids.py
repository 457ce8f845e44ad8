"""`N_(message)` marks a message for extraction (`pybabel extract -k N_`, see babel.cfg) where
it is stored untranslated and translated later, at display (error pages, dashboard labels).
Plain Python, usable by the modules that must not import Flask."""


def N_(message: str) -> str:  # noqa: N802 - the gettext tradition's name for this marker
    return message
