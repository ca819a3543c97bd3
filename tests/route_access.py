"""Expected access for every route (DESIGN §6). tests/test_permissions.py fails for any route not listed here.

Values:
  PUBLIC  - anyone, signed in or not
  TOKEN   - anyone holding a valid emailed/shared token (bogus tokens answer 404 or a clear page)
  LOGIN   - any signed-in user (object-level checks happen inside)
  a set of role codes - only users holding one of these roles; everyone else gets 403 (or 404)
Each feature keeps its entries in its own block, so edits don't collide.
"""
PUBLIC = "public"
TOKEN = "token"
LOGIN = "login"
ADMIN = frozenset({"admin"})
STAFF = frozenset({"admin", "qa"})

ROUTE_ACCESS: dict[str, object] = {}

# --- foundation (main, accounts, activity) ---
ROUTE_ACCESS.update({
    "static": PUBLIC,
    "main.index": PUBLIC,
    "main.healthz": PUBLIC,
    "main.accessibility": PUBLIC,
    "main.privacy": PUBLIC,
    "main.cookies": PUBLIC,
    "main.dashboard": LOGIN,
    "accounts.login": PUBLIC,
    "accounts.logout": LOGIN,
    "activity.index": ADMIN,
})
# --- end foundation ---

# --- accounts admin ---
ROUTE_ACCESS.update({
    "accounts.organisations": ADMIN,
    "accounts.organisation_new": ADMIN,
    "accounts.organisation_edit": ADMIN,
    "accounts.users": ADMIN,
    "accounts.user_new": ADMIN,
    "accounts.user_detail": ADMIN,
    "accounts.user_edit": ADMIN,
    "accounts.user_deactivate": ADMIN,
    "accounts.user_reactivate": ADMIN,
    "accounts.user_resend_invitation": ADMIN,
    "accounts.import_accounts": ADMIN,
    "accounts.import_template": ADMIN,
    "accounts.forgot_password": PUBLIC,
    "accounts.invitation": TOKEN,
    "accounts.reset_password": TOKEN,
    "accounts.my_account": LOGIN,
    "accounts.change_password": LOGIN,
})
# --- end accounts admin ---

# --- questionnaire ---
ROUTE_ACCESS.update({
    "questionnaire.index": STAFF,
    "questionnaire.preview": STAFF,
    "questionnaire.download": STAFF,
})
# --- end questionnaire ---

# --- studio ---
ROUTE_ACCESS.update({
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
    "studio.preview_section": STAFF,
    "studio.publish": STAFF,
    "studio.question_options": STAFF,
    "studio.question_type": STAFF,
    "studio.scale": STAFF,
    "studio.upload": STAFF,
})
# --- end studio ---

# --- audits ---
ROUTE_ACCESS.update({
    "audits.rounds": STAFF,
    "audits.new_round": STAFF,
    "audits.round": STAFF,
    "audits.edit_round": STAFF,
    "audits.change_state": STAFF,
    "audits.close_round": STAFF,
    "audits.add_case": STAFF,
    "audits.import_cases": STAFF,
    "audits.case": STAFF,
    "audits.edit_assignments": STAFF,
    "audits.remove_case": STAFF,
    "audits.response": STAFF,
    "audits.return_response": STAFF,
    "audits.disagreements": STAFF,
    "audits.moderate": STAFF,
    "audits.my_tasks": frozenset({"auditor"}),
    "audits.task_list": frozenset({"auditor"}),
    "audits.section": frozenset({"auditor"}),
    "audits.check_answers": frozenset({"auditor"}),
    "audits.submitted": frozenset({"auditor"}),
    "audits.case_responses": frozenset({"auditor"}),
})
# --- end audits ---

# --- selfassessment ---
_SA_RETURN_VIEWERS = frozenset({"org_lead", "admin", "qa"})
ROUTE_ACCESS.update({
    "selfassessment.campaigns": STAFF,
    "selfassessment.new_campaign": STAFF,
    "selfassessment.campaign": STAFF,
    "selfassessment.open_campaign": STAFF,
    "selfassessment.close_campaign": STAFF,
    "selfassessment.triangulation": STAFF,
    "selfassessment.my_returns": frozenset({"org_lead"}),
    "selfassessment.task_list": _SA_RETURN_VIEWERS,
    "selfassessment.section": _SA_RETURN_VIEWERS,
    "selfassessment.check_answers": _SA_RETURN_VIEWERS,
    "selfassessment.confirmation": _SA_RETURN_VIEWERS,
    "selfassessment.changes": _SA_RETURN_VIEWERS,
    "selfassessment.survey_results": _SA_RETURN_VIEWERS,
    "selfassessment.download_file": _SA_RETURN_VIEWERS,
    "selfassessment.review": STAFF,
    "selfassessment.challenge": STAFF,
    "selfassessment.return_to_organisation": STAFF,
    "selfassessment.accept": STAFF,
    "survey.respond": TOKEN,
    "survey.thanks": TOKEN,
})
# --- end selfassessment ---

# --- statements ---
ROUTE_ACCESS.update({
    "statements.static": PUBLIC,
    "statements.public_register": PUBLIC,
    "statements.public_statement": PUBLIC,
    "statements.manage": frozenset({"org_lead", "signatory"}),
    "statements.risk_assessment": frozenset({"org_lead"}),
    "statements.add_risk": frozenset({"org_lead"}),
    "statements.edit_risk": frozenset({"org_lead"}),
    "statements.remove_risk": frozenset({"org_lead"}),
    "statements.no_risks": frozenset({"org_lead"}),
    "statements.start": frozenset({"org_lead"}),
    "statements.statement": frozenset({"org_lead", "signatory"}),
    "statements.edit_section": frozenset({"org_lead"}),
    "statements.preview": frozenset({"org_lead", "signatory"}),
    "statements.send_for_signatures": frozenset({"org_lead"}),
    "statements.make_changes": frozenset({"org_lead"}),
    "statements.sign": frozenset({"signatory"}),
    "statements.signed": frozenset({"signatory"}),
    "statements.material_change": frozenset({"org_lead"}),
    "statements.admin_register": STAFF,
})
# --- end statements ---

# --- findings ---
FINDINGS_READERS = frozenset({"admin", "qa", "auditor", "org_lead"})
ROUTE_ACCESS.update({
    "findings.index": FINDINGS_READERS,
    "findings.round_findings": FINDINGS_READERS,
    "findings.round_export": FINDINGS_READERS,
    "findings.round_csv": FINDINGS_READERS,
    "findings.campaign_findings": FINDINGS_READERS,
    "findings.campaign_export": FINDINGS_READERS,
    "findings.campaign_csv": FINDINGS_READERS,
    "findings.trends": FINDINGS_READERS,
    "findings.theme": FINDINGS_READERS,
    "findings.organisation": FINDINGS_READERS,
    "findings.new_round_finding": STAFF,
    "findings.new_campaign_finding": STAFF,
    "findings.edit_finding": STAFF,
    "findings.delete_finding": STAFF,
    "findings.new_action": STAFF,
    "findings.actions": frozenset({"admin", "qa", "org_lead"}),
    "findings.action": frozenset({"admin", "qa", "org_lead"}),
})
# --- end findings ---
