"""Independent audits (stub, replaced by the audit feature)."""

from flask import Blueprint
from flask.cli import AppGroup

bp = Blueprint("audit", __name__)
audit_cli = AppGroup("audit", help="Audits et publications.")
