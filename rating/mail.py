"""Outgoing mail (stub)."""


def init_app(app):
    pass
