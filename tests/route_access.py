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
# --- end accounts admin ---

# --- questionnaire ---
# --- end questionnaire ---

# --- audits ---
# --- end audits ---

# --- selfassessment ---
# --- end selfassessment ---

# --- statements ---
# --- end statements ---

# --- findings ---
# --- end findings ---
