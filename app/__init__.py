"""Application factory."""

from __future__ import annotations

import gc
import importlib
import logging
import os

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from app.ids import IdConverter
from config import BASE_DIR, config_for, trusted_hosts

FEATURES = (
    "main",
    "accounts",
    "activity",
    "jobs",
    "questionnaire",
    "studio",
    "actions",
    "audits",
    "selfassessment",
    "statements",
    "findings",
    "reports",
    "briefings",
    "notifications",
)


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_path=str(BASE_DIR / "instance"), static_folder="static", static_url_path="/static")
    app.url_map.converters["int"] = IdConverter  # before any route: ids within the database's range
    config_cls = config_for(config_name)
    app.config.from_object(config_cls)
    app.config.update(overrides)
    config_cls.validate(app.config)
    check_file_storage_url(app.config)
    if "TRUSTED_HOSTS" not in overrides:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    configure_logging(app)
    configure_proxies(app)
    configure_templates(app)
    configure_extensions(app)
    configure_blueprints(app)
    configure_cli(app)
    configure_errors(app)
    configure_security(app)
    configure_template_globals(app)
    if not app.testing:
        freeze_startup_objects()
    return app


def check_file_storage_url(app_config: dict) -> None:
    """Refuse to start with a FILE_STORAGE_URL that cannot be used (the message never repeats the URL)."""
    from app.filestore_s3 import StorageUrlError, storage_place

    try:
        storage_place(app_config.get("FILE_STORAGE_URL"))
    except StorageUrlError as exc:
        raise RuntimeError(str(exc)) from None


def freeze_startup_objects() -> None:
    """Move everything built at start-up (models, mappers, routes, parsed instruments) out of the garbage
    collector's sight. They live as long as the process, yet each full collection walked all of them: under
    load, pauses of about 100 ms whenever a request had built a few thousand rows (bench/RESULTS.md)."""
    gc.collect()
    gc.freeze()


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)


def configure_templates(app: Flask) -> None:
    from app.templating import AppEnvironment, Components, Fragments

    app.jinja_environment = AppEnvironment  # before app.jinja_env is first made, just below
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    components = Components(app.jinja_env)
    app.jinja_env.globals["component"] = components
    app.jinja_env.globals["cached_component"] = components.macro
    app.jinja_env.globals["fragment"] = Fragments()


def configure_extensions(app: Flask) -> None:
    from app.db import init_app as init_database
    from app.extensions import csrf, db, limiter, login_manager, migrate

    init_database(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    import app.models  # every model registered on the metadata


def configure_blueprints(app: Flask) -> None:
    for feature in FEATURES:
        module = importlib.import_module(f"app.{feature}")
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
        for extra in getattr(module, "extra_blueprints", ()):
            app.register_blueprint(extra)
        init = getattr(module, "init_app", None)
        if init is not None:
            init(app)


def configure_cli(app: Flask) -> None:
    from app import cli

    cli.register(app)


def configure_errors(app: Flask) -> None:
    from app.errors import configure_errors as _configure

    _configure(app)


def configure_proxies(app: Flask) -> None:
    from app.security import configure_proxy_fix

    configure_proxy_fix(app)


def configure_security(app: Flask) -> None:
    from app.security import configure_security_headers, guard_public_secret_key

    configure_security_headers(app)
    guard_public_secret_key(app)


def configure_template_globals(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from app.accounts.models import ORG_TYPE_LABELS, ROLE_LABELS, SIGNATORY_CAPACITIES
    from app.urls import here
    from app.utils import alpha_text, govuk_date, govuk_datetime, percent

    WTFormsHelpers(app)

    app.jinja_env.filters["govuk_date"] = govuk_date
    app.jinja_env.filters["govuk_datetime"] = govuk_datetime
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["alpha_text"] = alpha_text
    app.jinja_env.globals.update(
        partnership_name=lambda: app.config["PARTNERSHIP_NAME"],
        service_phase=lambda: app.config["SERVICE_PHASE"],
        org_type_labels=ORG_TYPE_LABELS,
        role_labels=ROLE_LABELS,
        capacity_labels=SIGNATORY_CAPACITIES,
        here=here,
    )
