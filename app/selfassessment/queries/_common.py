"""RAG labels and ranks, and the return states the self-assessment read models share."""

from __future__ import annotations

from app.selfassessment.models import ReturnState

RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
RAG_RANK = {"green": 1, "amber": 2, "red": 3}
RANK_RAG = {rank: rag for rag, rank in RAG_RANK.items()}
NEEDS_ACTION = ("amber", "red")
SUBMITTED_STATES = (ReturnState.submitted, ReturnState.accepted)
EDITABLE_STATES = (ReturnState.not_started, ReturnState.in_progress, ReturnState.returned)
OPEN_ACTION_STATUSES = ("not_started", "in_progress")
SECTION_STATUS_LABELS = {
    "not_started": "Not yet started",
    "in_progress": "In progress",
    "to_reconfirm": "To re-confirm",
    "completed": "Completed",
}
