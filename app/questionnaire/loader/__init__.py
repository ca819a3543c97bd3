"""Validate instrument files and report every problem as `file:line: message`.

Validation is pure: it reads files and returns data or raises `InstrumentError` carrying all the
problems found in one pass. Storing versions is `app.questionnaire.store.load_files`.

- `themes`: themes.yaml, loaded and validated;
- `files`: instrument files and texts checked into a `CheckedFile`;
- `checker`: the definition checker, built from `schema`, `options` (scales and option lists),
  `questions` (sections and questions) and `references` (show_if, renamed);
- `problems`: a `Problem` placed by its path, for definitions held as data (the studio).
"""

from app.questionnaire.errors import InstrumentError, LoadError
from app.questionnaire.loader.checker import definition_problems
from app.questionnaire.loader.files import (
    CheckedFile,
    check_definition,
    check_file,
    check_text,
    content_hash,
    is_themes_file,
    validate_file,
)
from app.questionnaire.loader.problems import Problem
from app.questionnaire.loader.schema import schema
from app.questionnaire.loader.themes import (
    Theme,
    default_themes_file,
    load_themes,
    theme_titles,
    validate_themes_file,
)

__all__ = [
    "CheckedFile",
    "InstrumentError",
    "LoadError",
    "Problem",
    "Theme",
    "check_definition",
    "check_file",
    "check_text",
    "content_hash",
    "default_themes_file",
    "definition_problems",
    "is_themes_file",
    "load_themes",
    "schema",
    "theme_titles",
    "validate_file",
    "validate_themes_file",
]
