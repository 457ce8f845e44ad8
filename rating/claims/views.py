"""Routes of the claim feature (filled in by the claims work)."""

from flask import Blueprint

bp = Blueprint("claims", __name__)
