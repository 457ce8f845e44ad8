"""`N_(message)` marks a message for extraction (`pybabel extract -k N_`, see babel.cfg) where
it is stored untranslated and translated later, at display (error pages, form errors,
vocabulary labels). Plain Python, usable by the modules that must not import Flask.

`N_("Au plus %(max)s caractères.", max=120)` keeps its parameters: the value reads as the
French text, and `rating.i18n.translate` looks the msgid up before filling them in.
"""


class Message(str):
    """French text (what `str()` gives) that remembers its msgid and parameters."""

    msgid: str
    params: dict
    context: str | None

    def __new__(cls, msgid: str, params: dict, context: str | None = None):
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid, text.params, text.context = msgid, params, context
        return text


def N_(message: str, **params) -> str:  # noqa: N802 - the gettext tradition's name for this marker
    return Message(message, params) if params else message


def NC_(context: str, message: str) -> str:  # noqa: N802 - pgettext's marker (-k NC_:1c,2)
    """A word whose English depends on its use: "Accueil" is Home in the menu, Reception here."""
    return Message(message, {}, context)
