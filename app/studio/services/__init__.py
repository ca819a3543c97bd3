"""Every change to a studio draft: starting one, each edit (saved as it is made), publishing.

Each edit carries the lock_version of the page it was made on; a stale or missing one is refused with StaleEdit,
so two people editing the same draft never silently overwrite each other. Only partnership staff (admins and the
QA sub-group) may use the studio: every function here checks it.

- `drafts`: finding, starting, publishing and discarding drafts;
- `editing`: a draft's details, sections and questions;
- `options`: scales and answer options.
"""

from app.studio.services._common import FieldProblems, all_question_keys
from app.studio.services.drafts import (
    PublishProblems,
    discard,
    get_draft,
    get_version,
    list_drafts,
    problems_of,
    publish,
    publish_plan,
    start_blank,
    start_copy,
    start_from_definition,
    start_new_version,
)
from app.studio.services.editing import (
    delete_question,
    delete_section,
    move_question,
    move_section,
    question_fields,
    save_question,
    save_section,
    update_details,
)
from app.studio.services.options import (
    add_scale,
    delete_option,
    delete_scale,
    move_option,
    save_option,
)

__all__ = [
    "FieldProblems",
    "PublishProblems",
    "add_scale",
    "all_question_keys",
    "delete_option",
    "delete_question",
    "delete_scale",
    "delete_section",
    "discard",
    "get_draft",
    "get_version",
    "list_drafts",
    "move_option",
    "move_question",
    "move_section",
    "problems_of",
    "publish",
    "publish_plan",
    "question_fields",
    "save_option",
    "save_question",
    "save_section",
    "start_blank",
    "start_copy",
    "start_from_definition",
    "start_new_version",
    "update_details",
]
