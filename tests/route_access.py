"""Expected access for every route. tests/test_permissions.py fails for any route not listed here, and
calls every route with real objects from the demo partnership (tests/demo_world.py) for every role.

One line per route. The value is either the access alone, or `route(access, ok=..., <argument>=<sample>)`:
  PUBLIC  - anyone, signed in or not
  TOKEN   - anyone holding a valid emailed/shared token (the matrix uses a real one)
  LOGIN   - any signed-in user (object-level checks happen inside)
  a set of role codes - only users holding one of these roles; everyone else gets 403 (or 404)
  ok=     - what an allowed user's GET answers when it is not 200 (e.g. 302, or (200, 302))
  post=   - who may POST, when that is fewer than may GET (the others are refused)
  <argument>=<sample> - which real object goes in the URL, when the default sample for the argument's name
            (tests/demo_world.py SAMPLES) is not the one the page needs, e.g. route(STAFF, round_id="open_round")
For a URL naming an object of one organisation (a return, assignment, statement, risk, action, evidence file), users
of the allowed organisation roles from another organisation are refused too. Each feature keeps its entries in its
own block, so edits don't collide.
"""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC = "public"
TOKEN = "token"
LOGIN = "login"
ADMIN = frozenset({"admin"})
STAFF = frozenset({"admin", "qa"})
AUDITOR = frozenset({"auditor"})
LEAD = frozenset({"org_lead"})
SIGNATORY = frozenset({"signatory"})


@dataclass(frozen=True)
class Route:
    access: object
    ok: tuple[int, ...] = (200,)
    samples: tuple[tuple[str, str], ...] = ()  # (URL argument, sample name)
    post: object = None  # who may POST, when fewer than may GET

    def sample_for(self, argument: str) -> str:
        return dict(self.samples).get(argument, argument)


def route(access, ok: int | tuple[int, ...] = 200, post=None, **samples: str) -> Route:
    return Route(access, ok if isinstance(ok, tuple) else (ok,), tuple(sorted(samples.items())), post)


def entry(endpoint: str) -> Route:
    value = ROUTE_ACCESS[endpoint]
    return value if isinstance(value, Route) else Route(value)


ROUTE_ACCESS: dict[str, object] = {}

# --- foundation (main, accounts, activity) ---
ROUTE_ACCESS.update(
    {
        "static": route(PUBLIC, filename="govuk_file"),
        "main.index": route(PUBLIC, ok=(200, 302)),
        "main.healthz": PUBLIC,
        "main.accessibility": PUBLIC,
        "main.privacy": PUBLIC,
        "main.cookies": PUBLIC,
        "main.dashboard": LOGIN,
        "accounts.login": route(PUBLIC, ok=(200, 302)),
        "accounts.logout": LOGIN,
        "activity.index": ADMIN,
    }
)
# --- end foundation ---

# --- accounts admin ---
ROUTE_ACCESS.update(
    {
        "accounts.organisations": ADMIN,
        "accounts.organisation_new": ADMIN,
        "accounts.organisation_edit": ADMIN,
        "accounts.users": ADMIN,
        "accounts.settings_page": ADMIN,
        "accounts.user_new": ADMIN,
        "accounts.user_detail": ADMIN,
        "accounts.user_edit": ADMIN,
        "accounts.user_deactivate": ADMIN,
        "accounts.user_reactivate": route(ADMIN, ok=(200, 302)),
        "accounts.user_resend_invitation": route(ADMIN, user_id="pending_user"),
        "accounts.import_accounts": ADMIN,
        "accounts.import_template": ADMIN,
        "accounts.forgot_password": route(PUBLIC, ok=(200, 302)),
        "accounts.invitation": route(TOKEN, token="invitation_token"),
        "accounts.reset_password": route(TOKEN, token="reset_token"),
        "accounts.my_account": LOGIN,
        "accounts.change_password": LOGIN,
    }
)
# --- end accounts admin ---

# --- questionnaire ---
ROUTE_ACCESS.update(
    {
        "questionnaire.index": STAFF,
        "questionnaire.preview": STAFF,
        "questionnaire.download": STAFF,
    }
)
# --- end questionnaire ---

# --- studio ---
ROUTE_ACCESS.update(
    {
        "studio.add_question": STAFF,
        "studio.add_question_option": STAFF,
        "studio.add_scale": STAFF,
        "studio.add_scale_option": STAFF,
        "studio.add_section": STAFF,
        "studio.change_question_option": STAFF,
        "studio.change_scale_option": STAFF,
        "studio.copy_version": STAFF,
        "studio.delete_question": STAFF,
        "studio.delete_scale": STAFF,
        "studio.delete_section": STAFF,
        "studio.discard": STAFF,
        "studio.download_draft": STAFF,
        "studio.download_version": STAFF,
        "studio.draft": STAFF,
        "studio.drafts": STAFF,
        "studio.edit_details": STAFF,
        "studio.edit_question": STAFF,
        "studio.edit_question_option": STAFF,
        "studio.edit_scale_option": STAFF,
        "studio.edit_section": STAFF,
        "studio.move_question": STAFF,
        "studio.move_section": STAFF,
        "studio.new_draft": STAFF,
        "studio.new_version": STAFF,
        "studio.preview": STAFF,
        "studio.preview_check": STAFF,
        "studio.preview_section": route(STAFF, section_key="studio_section"),
        "studio.publish": STAFF,
        "studio.question_options": STAFF,
        "studio.question_type": STAFF,
        "studio.scale": STAFF,
        "studio.upload": STAFF,
    }
)
# --- end studio ---

# --- audits ---
ROUTE_ACCESS.update(
    {
        "audits.rounds": STAFF,
        "audits.new_round": STAFF,
        "audits.round": STAFF,
        "audits.edit_round": route(STAFF, round_id="open_round"),
        "audits.change_state": route(STAFF, round_id="open_round", action="round_action"),
        "audits.close_round": route(STAFF, round_id="open_round"),
        "audits.add_case": route(STAFF, round_id="open_round"),
        "audits.import_cases": route(STAFF, round_id="open_round"),
        "audits.case": STAFF,
        "audits.edit_assignments": route(STAFF, case_id="open_case"),
        "audits.remove_case": route(STAFF, case_id="open_case"),
        "audits.link_previous_case": route(STAFF, case_id="open_case"),
        "audits.unlink_previous_case": route(STAFF, case_id="open_case"),
        "audits.response": STAFF,
        "audits.return_response": STAFF,
        "audits.disagreements": STAFF,
        "audits.moderate": STAFF,
        "audits.my_tasks": AUDITOR,
        "audits.task_list": AUDITOR,
        "audits.section": route(AUDITOR, assignment_id="open_assignment", section_key="audit_section"),
        "audits.check_answers": AUDITOR,
        "audits.submitted": AUDITOR,
        "audits.case_responses": route(AUDITOR, assignment_id="audited_case"),
        # panel record and live concerns
        "audits.new_meeting": route(STAFF, round_id="open_round"),
        "audits.edit_meeting": STAFF,
        "audits.raise_concern": route(STAFF | AUDITOR, case_id="concern_case"),
        "audits.lead_agency": route(STAFF, case_id="open_case"),
        "audits.concern": STAFF | AUDITOR | LEAD,
        "audits.concern_outcome": route(STAFF, ok=302),
        "audits.close_concern": route(STAFF, ok=302),
    }
)
# --- end audits ---

# --- selfassessment ---
_SA_RETURN_VIEWERS = frozenset({"org_lead", "admin", "qa"})
_SA_RETURN_READERS = _SA_RETURN_VIEWERS | SIGNATORY  # signatories read their organisation's return, change nothing
ROUTE_ACCESS.update(
    {
        "selfassessment.campaigns": STAFF,
        "selfassessment.new_campaign": STAFF,
        "selfassessment.campaign": STAFF,
        "selfassessment.open_campaign": STAFF,
        "selfassessment.close_campaign": STAFF,
        "selfassessment.triangulation": STAFF,
        "selfassessment.campaign_due_date": STAFF,
        "selfassessment.extension": STAFF,
        "selfassessment.remove_extension": STAFF,
        "selfassessment.ratings": _SA_RETURN_VIEWERS,
        "selfassessment.rerate": _SA_RETURN_VIEWERS,
        "selfassessment.my_returns": LEAD | SIGNATORY,
        "selfassessment.task_list": _SA_RETURN_READERS,
        "selfassessment.section": route(_SA_RETURN_READERS, post=_SA_RETURN_VIEWERS, section_key="return_section"),
        "selfassessment.check_answers": route(_SA_RETURN_READERS, post=LEAD, return_id="open_return"),
        "selfassessment.confirmation": _SA_RETURN_READERS,
        "selfassessment.changes": _SA_RETURN_READERS,
        "selfassessment.survey_results": _SA_RETURN_READERS,
        "selfassessment.survey_codes": _SA_RETURN_VIEWERS,
        "selfassessment.close_survey": _SA_RETURN_VIEWERS,
        "selfassessment.download_file": _SA_RETURN_READERS,
        "selfassessment.sign_off": SIGNATORY,
        "selfassessment.withdraw": route(LEAD, return_id="awaiting_return"),
        "selfassessment.review": STAFF,
        "selfassessment.challenge": STAFF,
        "selfassessment.accept_reply": route(STAFF, return_id="event_return"),
        "selfassessment.reply_to_challenge": route(LEAD, return_id="event_return"),
        "selfassessment.challenge_reply_file": _SA_RETURN_READERS,
        "selfassessment.challenge_events": STAFF,
        "selfassessment.challenge_event": STAFF,
        "selfassessment.return_to_organisation": STAFF,
        "selfassessment.accept": STAFF,
        "survey.respond": route(TOKEN, token="survey_token"),
        "survey.thanks": route(TOKEN, token="survey_token"),
    }
)
# --- end selfassessment ---

# --- statements ---
ROUTE_ACCESS.update(
    {
        "statements.static": PUBLIC,
        "statements.public_register": PUBLIC,
        "statements.public_statement": PUBLIC,
        "statements.signed_copy": PUBLIC,
        "statements.seal_chain": PUBLIC,
        "statements.manage": frozenset({"org_lead", "signatory"}),
        "statements.risk_assessment": LEAD,
        "statements.add_risk": LEAD,
        "statements.edit_risk": LEAD,
        "statements.remove_risk": LEAD,
        "statements.no_risks": LEAD,
        "statements.start": route(LEAD, ok=(200, 302)),
        "statements.statement": frozenset({"org_lead", "signatory"}),
        "statements.edit_section": route(LEAD, statement_id="draft_statement", section_key="statement_section"),
        "statements.preview": frozenset({"org_lead", "signatory"}),
        "statements.send_for_signatures": route(LEAD, statement_id="draft_statement"),
        "statements.make_changes": LEAD,
        "statements.sign": route(SIGNATORY, statement_id="awaiting_statement"),
        "statements.signed": SIGNATORY,
        "statements.material_change": route(LEAD, ok=(200, 302)),
        "statements.admin_register": STAFF,
        "statements.checks": STAFF,
        "statements.check": STAFF,
        "statements.approve": STAFF,
        "statements.send_back": STAFF,
        "statements.replace_risks": route(LEAD, statement_id="draft_statement"),
        "statement_reads.confirm": route(PUBLIC, code="read_code"),
        "statement_reads.thanks": route(PUBLIC, code="read_code"),
    }
)
# --- end statements ---

# --- findings ---
FINDINGS_READERS = frozenset({"admin", "qa", "auditor", "org_lead"})
ROUTE_ACCESS.update(
    {
        "findings.index": FINDINGS_READERS,
        "findings.round_findings": FINDINGS_READERS,
        "findings.round_export": FINDINGS_READERS,
        "findings.round_csv": FINDINGS_READERS,
        "findings.campaign_findings": FINDINGS_READERS,
        "findings.campaign_export": FINDINGS_READERS,
        "findings.campaign_csv": FINDINGS_READERS,
        # a download is its asker's alone: the demo's is the QA user's, so everyone else (admin too) gets 404
        "jobs.status": route(frozenset({"qa"})),
        "jobs.download": route(frozenset({"qa"})),
        "findings.trends": route(FINDINGS_READERS, key="instrument_key"),
        "findings.theme": route(FINDINGS_READERS, key="theme_key"),
        "findings.organisation": FINDINGS_READERS,
        "findings.new_round_finding": STAFF,
        "findings.new_campaign_finding": STAFF,
        "findings.edit_finding": STAFF,
        "findings.delete_finding": STAFF,
        "findings.new_action": STAFF,
        "findings.contradictions_view": STAFF | LEAD,
        "findings.contradiction_challenge": route(STAFF, ok=302),
        "findings.contradiction_action": route(STAFF, ok=302),
        "actions.tracker": frozenset({"admin", "qa", "org_lead", "signatory"}),
        "actions.action": route(frozenset({"admin", "qa", "org_lead", "signatory"}), post=STAFF | LEAD),
    }
)
# --- end findings ---

# --- board reports (partnership staff only; a PDF answers 503 where LibreOffice is not installed) ---
ROUTE_ACCESS.update(
    {
        "reports.round_docx": STAFF,
        "reports.round_pdf": route(STAFF, ok=(200, 503)),
        "reports.campaign_docx": STAFF,
        "reports.campaign_pdf": route(STAFF, ok=(200, 503)),
        "reports.year": STAFF,
        "reports.year_docx": STAFF,
        "reports.year_pdf": route(STAFF, ok=(200, 503)),
    }
)
# --- end board reports ---

# --- actions ---
ROUTE_ACCESS.update(
    {
        "actions.complete": route(LEAD, ok=(200, 302)),
        "actions.verify": route(STAFF, ok=(200, 302)),
        "actions.evidence": frozenset({"admin", "qa", "org_lead", "signatory"}),
        "actions.action_priorities": frozenset({"admin", "qa", "org_lead"}),
        "actions.priorities_page": ADMIN,
        "actions.edit_priority": ADMIN,
        "actions.delete_priority": ADMIN,
    }
)
# --- end actions ---

# --- briefings ---
ROUTE_ACCESS.update(
    {
        "briefings.index": LOGIN,
        "briefings.new": STAFF,
        "briefings.view": LOGIN,
        "briefings.print_view": LOGIN,
        "briefings.edit": route(STAFF, briefing_id="draft_briefing"),
        "briefings.publish": route(STAFF, briefing_id="draft_briefing"),
        "briefings.published": STAFF,
        "briefings.send": STAFF,
        # a lead of an organisation the briefing was sent to; one of an organisation it was not sent to is refused
        "briefings.confirm": route(LEAD, ok=302),
    }
)
# --- end briefings ---
