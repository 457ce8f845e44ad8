"""Routes of the dashboard (filled in by the dashboard work)."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
