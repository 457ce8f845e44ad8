"""Observatoire: the app factory."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import (
    check_production,
    check_secret,
    check_site_url,
    load_or_create_secret,
    settings_from_environment,
    shared_stores,
)

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, database, search, security, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object("rating.config.Config")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(settings_from_environment())
    else:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret(app.instance_path)
    check_secret(app.config)
    check_site_url(app.config)
    shared_stores(app.config)
    check_production(app.config)
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        # The client's address (limits, fraud signals) and scheme from N proxies; never the
        # Host (x_host=0): absolute links come from SITE_URL.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'observatoire.sqlite'}"

    from . import (
        admin,
        api,
        audit,
        auth,
        claims,
        cli,
        companies,
        dashboard,
        db,
        dsa,
        errors,
        i18n,
        legal,
        mail,
        main,
        moderation,
        notifications,
        opendata,
        pagecache,
        palmares,
        reviews,
        search,
        security,
        static,
        suggestions,
        worker,
    )

    db.init_app(app)
    search.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    pagecache.init_app(app)
    static.init_app(app)
    mail.init_app(app)
    worker.init_app(app)
    auth.init_app(app)
    cli.init_app(app)
    features = (main, auth, companies, search, reviews, moderation, audit, api)
    for feature in (
        *features,
        claims,
        dashboard,
        palmares,
        dsa,
        notifications,
        legal,
        admin,
        suggestions,
        opendata,
    ):
        app.register_blueprint(feature.bp)
    errors.register_error_handlers(app)
    return app
