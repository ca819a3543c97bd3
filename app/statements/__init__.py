"""Child Safeguarding Statements: risk assessment, drafting, signing, public register and review."""

from flask import Blueprint

# The blueprint's static folder holds the one script the public page needs (the print link).
bp = Blueprint("statements", __name__, url_prefix="/statements", static_folder="static")
# Staff and volunteers reach the read confirmation page through a short public link printed on the statement.
read_bp = Blueprint("statement_reads", __name__)
extra_blueprints = [read_bp]


def init_app(app) -> None:
    from app.accounts.settings import declare_setting
    from app.main.dashboard import register_panel_provider
    from app.notifications.services import register_reminder_provider
    from app.statements import action_sources, keys
    from app.statements.panels import checker_panel, lead_panel, signatory_panel
    from app.statements.reminders import statement_reminders
    from app.statements.rendering import statement_html

    declare_setting(
        "statements.qa_check",
        label="QA checks statements before they are published",
        hint="When on, the quality assurance group approves each Child Safeguarding Statement, or sends it back "
        "with reasons, before its signatories can sign it, so only approved text reaches the public register. When "
        "off, statements go straight to their signatories.",
        kind="bool",
        default=True,
    )
    register_panel_provider(lead_panel)
    register_panel_provider(signatory_panel)
    register_panel_provider(checker_panel)
    register_reminder_provider(statement_reminders)
    action_sources.register()
    app.add_template_filter(statement_html, "statement_html")
    if keys.configured(app.config):
        keys.keyring(app)  # a key that cannot be read stops the start, not the first signing


from app.statements import check_routes, public, reads_routes, risk_routes, routes  # noqa: E402,F401
