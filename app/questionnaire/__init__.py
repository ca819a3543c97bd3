"""The questionnaire engine: instrument files, versions, section forms, answer rules and scoring.

Other features use only the names exported here.
"""

from flask import Blueprint

bp = Blueprint("questionnaire", __name__, url_prefix="/admin/instruments")

from app.questionnaire.answers import (  # noqa: E402
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    AnswerProblem,
    display_value,
    section_status,
    validate_answers,
    visibility,
    visible_answers,
)
from app.questionnaire.catalogue import Catalogue, QuestionInfo, build_catalogue  # noqa: E402
from app.questionnaire.definition import (  # noqa: E402
    ORG_TYPE_CODES,
    Instrument,
    Question,
    Scale,
    ScaleOption,
    Section,
)
from app.questionnaire.errors import InstrumentError, LoadError  # noqa: E402
from app.questionnaire.flow import (  # noqa: E402
    SectionFlow,
    Step,
    check_version,
    from_check,
    return_marker,
)
from app.questionnaire.forms import (  # noqa: E402
    SectionForm,
    build_section_form,
    error_summary_items,
    form_answers,
)
from app.questionnaire.loader import (  # noqa: E402
    Problem,
    Theme,
    content_hash,
    definition_problems,
    load_themes,
    theme_titles,
    validate_file,
)
from app.questionnaire.models import InstrumentModel, InstrumentVersion  # noqa: E402
from app.questionnaire.scoring import (  # noqa: E402
    AnswerScore,
    OverallJudgement,
    Summary,
    Tally,
    score_answer,
    summarise,
)
from app.questionnaire.storage import (  # noqa: E402
    AnswerColumns,
    AnswerNotes,
    decode_answer,
    encode_answer,
    read_answers,
    write_answer,
    write_answers,
)
from app.questionnaire.summary import change_link, summary_rows  # noqa: E402
from app.questionnaire.store import (  # noqa: E402
    all_catalogues,
    catalogue_for_key,
    catalogue_for_version,
    get_version,
    get_version_or_404,
    latest_version,
    load_files,
    versions_of_kind,
)
from app.questionnaire.types import QuestionType, question_type, register  # noqa: E402


def init_app(app) -> None:
    """Template helpers used by templates/questionnaire/_fields.html and the features' pages."""
    app.add_template_global(error_summary_items, "error_summary_items")
    app.add_template_global(summary_rows, "questionnaire_summary_rows")
    app.add_template_global(change_link, "questionnaire_change_link")
    app.add_template_global(from_check, "questionnaire_from_check")
    app.add_template_global(display_value, "questionnaire_display_value")


from app.questionnaire import routes  # noqa: E402,F401

__all__ = [
    "AnswerColumns",
    "AnswerNotes",
    "QuestionType",
    "decode_answer",
    "encode_answer",
    "question_type",
    "read_answers",
    "register",
    "write_answer",
    "write_answers",
    "AnswerProblem",
    "AnswerScore",
    "COMPLETED",
    "Catalogue",
    "QuestionInfo",
    "all_catalogues",
    "build_catalogue",
    "catalogue_for_key",
    "catalogue_for_version",
    "IN_PROGRESS",
    "Instrument",
    "InstrumentError",
    "InstrumentModel",
    "InstrumentVersion",
    "LoadError",
    "NOT_STARTED",
    "ORG_TYPE_CODES",
    "OverallJudgement",
    "Question",
    "Scale",
    "ScaleOption",
    "Section",
    "SectionForm",
    "Summary",
    "Tally",
    "Theme",
    "bp",
    "Problem",
    "build_section_form",
    "content_hash",
    "definition_problems",
    "display_value",
    "error_summary_items",
    "form_answers",
    "get_version",
    "get_version_or_404",
    "latest_version",
    "load_files",
    "load_themes",
    "score_answer",
    "section_status",
    "summarise",
    "summary_rows",
    "theme_titles",
    "validate_answers",
    "validate_file",
    "versions_of_kind",
    "visibility",
    "visible_answers",
    "SectionFlow",
    "Step",
    "check_version",
    "from_check",
    "return_marker",
]
