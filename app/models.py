"""Import every model so the metadata is complete (migrations, drift test)."""

from app.accounts.models import AccountToken, Organisation, User, UserRole  # noqa: F401
from app.activity.models import ActivityEvent  # noqa: F401
from app.filestore import StoredFileChunk, StoredFileRecord  # noqa: F401
from app.jobs.models import BackgroundJob  # noqa: F401
from app.audits.models import (  # noqa: F401
    Assignment,
    AuditCase,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
)
from app.audits.panel_models import LiveConcern, PanelMeeting  # noqa: F401
from app.audits.tally_models import (  # noqa: F401
    CaseAgreementUnit,
    CaseDrift,
    CaseTally,
    RoundAgreementTally,
    RoundAnswerTally,
)
from app.actions.models import ActionItem, ActionUpdate  # noqa: F401
from app.actions.escalation_models import ActionEscalation  # noqa: F401
from app.findings.models import Finding  # noqa: F401
from app.briefings.models import Briefing, BriefingRecipient  # noqa: F401
from app.notifications.models import OutboxMessage, Reminder  # noqa: F401
from app.questionnaire.models import InstrumentModel, InstrumentVersion  # noqa: F401
from app.selfassessment.models import (  # noqa: F401
    Campaign,
    Challenge,
    CriterionRating,
    EvidenceFile,
    Return,
    ReturnAnswer,
    SurveyAnswer,
    SurveyCode,
    SurveyLink,
    SurveyResponse,
    SurveySnapshot,
)
from app.selfassessment.tally_models import CampaignRatingTally, CampaignSurveyTally, ReturnTally  # noqa: F401
from app.statements.models import Risk, RiskAssessment, SealEvent, Signature, Statement  # noqa: F401
from app.studio.models import InstrumentDraft  # noqa: F401
