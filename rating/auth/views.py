"""Account pages (stub, to be replaced by the auth feature)."""

from flask import Blueprint
from flask_login import LoginManager

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


def init_app(app):
    login_manager.init_app(app)


@login_manager.user_loader
def load_user(token):
    return None


@bp.route("/login")
def login():
    return "login"


@bp.route("/register")
def register():
    return "register"


@bp.route("/account")
def account():
    return "account"


@bp.route("/logout", methods=["POST"])
def logout():
    return "logout"
