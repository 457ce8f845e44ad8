"""Routes of the palmarès and badge (filled in by the palmarès work)."""

from flask import Blueprint

bp = Blueprint("palmares", __name__)
