from datetime import date

from flask import render_template, request

from app.permissions import roles_required
from app.activity import bp, queries
from app.paging import page_arg
from app.ids import number_arg


def _date_arg(name: str) -> tuple[date | None, str | None]:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return None, f"Enter a real date for “{name}”, like 2026-11-05"


@bp.route("/")
@roles_required("admin")
def index():
    since, since_error = _date_arg("since")
    until, until_error = _date_arg("until")
    errors = [e for e in (since_error, until_error) if e]
    object_id = number_arg("object_id")
    results = queries.search_events(
        actor=request.args.get("actor"),
        verb=request.args.get("verb") or None,
        object_type=request.args.get("object_type") or None,
        object_id=object_id,
        since=since,
        until=until,
        page=page_arg(),
    )
    return render_template(
        "activity/index.html",
        events=results.items,
        total=results.total,
        page=results.page,
        last_page=results.last_page,
        verbs=queries.verbs(),
        object_types=queries.object_types(),
        errors=errors,
        args=request.args,
    )
