"""Company profile pages."""

from flask import Blueprint

bp = Blueprint("companies", __name__)
