"""Moderation (stub, replaced by the reviews feature)."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
