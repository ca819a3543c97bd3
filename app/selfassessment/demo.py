"""Demo self-assessment: a closed 2024-25 campaign carried forward into an open 2025-26 campaign with returns in
every state (each submitted one signed off by its organisation’s leaders with their password; Millbrook Medical Practice’s still
waiting for its chief executive), a challenge event whose panel challenged three returns and the organisations'
structured replies (one accepted), QA challenges, Amber and Red criteria with actions (some with progress updates), and practitioner
survey responses, each given with a one-time response code its organisation created (enough for Oakfield School and
Riverside Youth Trust to pass MIN_CELL_SIZE, whose leads then close their surveys so their frozen results show; too few
for the police, whose survey stays open). The 2025-26 due date was moved back two weeks, St Columba's has an
extension, and the youth trust re-rated a criterion once its actions were done (current rating beside the one
submitted).

Deterministic: ratings, evidence and survey answers are chosen by a hash of fixed strings, and dates are relative to
the demo's `today` (the noise in the frozen survey results is random, as it always is). Built through the services,
so the activity log tells the story too.
"""

from __future__ import annotations

import zlib
from datetime import timedelta

import sqlalchemy as sa

from app.actions.queries import is_closed
from app.actions.services import update_action
from app.actions.verification import complete_action, verify_action
from app.extensions import db
from app.questionnaire import latest_version
from app.selfassessment import services, survey_services
from app.selfassessment.models import Campaign, Return, SurveyLink
from app.selfassessment.queries import min_cell_size, rerating_problem, return_view

PREVIOUS_CYCLE, CURRENT_CYCLE = "2024-25", "2025-26"
TITLE = "Annual safeguarding self-assessment {cycle}"
QA = "qa@riverside.example"

# State of each demo organisation's 2025-26 return, and how it tends to rate itself: (% green, % amber).
CURRENT = {
    "oakfield-school": ("submitted", (100, 0)),
    "youth-trust": ("accepted", (85, 15)),
    "riverside-council": ("accepted", (70, 25)),
    "riverside-police": ("returned", (55, 30)),
    "riverside-health": ("submitted", (75, 20)),
    "brookside-primary": ("in_progress", (70, 25)),
    "northgate-college": ("in_progress", (65, 25)),
    "riverside-juniors-fc": ("in_progress", (50, 35)),
    "riverside-homes": ("not_started", (60, 30)),
    "st-columbas": ("not_started", (60, 30)),
    "millbrook-practice": ("awaiting_signoff", (60, 30)),
}
# Organisations that completed last cycle too, so their 2025-26 return starts from it.
PREVIOUS = (
    "oakfield-school",
    "youth-trust",
    "riverside-council",
    "riverside-police",
    "riverside-health",
    "riverside-homes",
)
# Oakfield rates itself Green on leadership, which its practitioners do not echo: a triangulation mismatch.
FIXED_RATINGS = {"oakfield-school": {"s11_5_training_impact": "amber", "edu_online_parents": "amber"}}
# In 2025-26 Riverside Health rates itself Green on timeliness, which its moderated case audits do not bear out, and
# on outcomes, where too few of its cases were audited to compare: the assurance contradictions view shows both.
FIXED_CURRENT_RATINGS = {
    "riverside-health": {
        "s11_7_meetings_and_reports": "green",
        "s11_8_secure_and_timely": "green",
        "s11_1_learning_from_reviews": "green",
        "s11_3_quality_assurance": "green",
        "s11_4_views_change_services": "green",
        "s11_5_training_impact": "green",
        "s11_7_partnership_contribution": "green",
    },
}
IN_PROGRESS_SECTIONS = 2

CHALLENGES = {
    # org slug: [(criterion, moderated RAG, comment)]
    "youth-trust": [
        (
            "s11_5_training_up_to_date",
            "amber",
            "Training records provided cover paid staff only; volunteers' training is not evidenced.",
        )
    ],
    "riverside-council": [
        (
            "s11_3_supervision",
            "amber",
            "The supervision audit shows 71% compliance, below the 90% the evidence claims.",
        ),
        (
            "s11_4_children_involved",
            "red",
            "No examples of children being involved in designing services were provided.",
        ),
    ],
    "riverside-police": [
        (
            "s11_8_secure_and_timely",
            "red",
            "MASH response-time data shows a third of requests answered after the agreed timescale.",
        )
    ],
    "riverside-health": [
        (
            "s11_1_board_reporting",
            "amber",
            "Board minutes show the annual report was noted without discussion or challenge.",
        )
    ],
}
EXTENDED = "st-columbas"
EXTENSION_REASON = "The designated safeguarding lead has been on long-term sick leave; the new lead starts next month."
RERATED = "youth-trust"
RERATE_REASON = (
    "Volunteers' safeguarding training is now complete and recorded: the spring audit of training records found "
    "every volunteer in date."
)

# The 2025-26 challenge event: its panel reviewed these returns together.
EVENT_TITLE = "Spring challenge panel"
EVENT_PANEL = (
    "Quinn Assurance, QA sub-group chair\n"
    "Dr Sam Patel, designated doctor for safeguarding\n"
    "DI Alex Moore, police safeguarding lead\n"
    "Jess Clarke, independent scrutineer"
)
EVENT_RETURNS = ("riverside-council", "riverside-police", "riverside-health")
# The organisations' replies: (org slug, criterion, kind, rating now given, text, evidence link, QA accepts it)
REPLIES = (
    (
        "riverside-council",
        "s11_3_supervision",
        "agree",
        "amber",
        "We agree: the supervision audit figure was 71%. We have re-rated it Amber and added a monthly compliance report.",
        None,
        True,
    ),
    (
        "riverside-council",
        "s11_4_children_involved",
        "disagree",
        None,
        "The Children in Care Council co-designed the new leaving-care offer in June; the minutes show their changes.",
        "https://riverside-council.example/children-in-care-council/minutes-june",
        False,
    ),
    (
        "riverside-health",
        "s11_1_board_reporting",
        "disagree",
        None,
        "The board discussed the report for 40 minutes at its March meeting; the draft minutes under-record it.",
        "https://riverside-health.example/board/march-minutes-addendum",
        False,
    ),
)
RETURNED_REASON = (
    "Please add evidence for the information-sharing standard (response times to MASH requests) and "
    "re-consider the rating of secure and timely information sharing, which we have challenged."
)

EVIDENCE = (
    "Safeguarding policy approved by the board on 12 March; next review due in March. Published on the website.",
    "Training matrix (April) shows 94% of staff in date for their required level of safeguarding training.",
    "Board minutes of 4 February record the annual safeguarding report and the questions trustees asked.",
    "The designated safeguarding lead and two deputies are named on the intranet, in the induction pack and on "
    "posters in every building.",
    "Single-agency audit of 20 case files in January; findings and actions reported to the senior leadership team.",
    "Supervision records audited each quarter; 88% of practitioners had safeguarding supervision in the last month.",
    "Recruitment files sampled in May: all had references, identity checks and an enhanced DBS check before start.",
    "Feedback from the youth forum in June led to changes to the drop-in sessions, reported back to the forum.",
)
GAPS = (
    " Partly in place: the review is overdue and has been scheduled.",
    " Not all teams are covered yet; volunteers are the main gap.",
    " Evidence is patchy and we have not yet checked it is working in practice.",
)
ACTIONS = (
    ("Refresh the policy and ask every member of staff to confirm they have read it", "Designated safeguarding lead"),
    ("Run targeted training for staff and volunteers who are out of date", "Head of HR"),
    ("Add safeguarding as a standing item on every board agenda", "Chair of the board"),
    ("Audit a sample of records and report the findings to the board", "Quality lead"),
    ("Set up a young people's panel to review how services are designed", "Participation officer"),
)
UPDATES = (
    "Scoping meeting held; plan agreed with the senior team.",
    "Half of the teams covered so far; the rest are booked for next month.",
)


def _pick(*parts: str) -> int:
    return zlib.crc32(":".join(parts).encode())


def _rating(slug: str, key: str, cycle: str, profile: tuple[int, int]) -> str:
    fixed = FIXED_RATINGS.get(slug, {}).get(key)
    if cycle == CURRENT_CYCLE:
        fixed = FIXED_CURRENT_RATINGS.get(slug, {}).get(key, fixed)
    if fixed:
        return fixed
    roll = _pick(slug, key, cycle) % 100
    green, amber = profile
    return "green" if roll < green else "amber" if roll < green + amber else "red"


def load(demo) -> None:
    version = latest_version("self-assessment")
    if version is None:
        demo.say("self-assessment skipped: load the instruments first")
        return
    if db.session.execute(sa.select(Campaign.id).where(Campaign.cycle == CURRENT_CYCLE)).first():
        return
    survey = latest_version("practitioner-survey")
    qa = demo.user(QA)

    previous = services.create_campaign(
        title=TITLE.format(cycle=PREVIOUS_CYCLE),
        instrument_version_id=version.id,
        survey_version_id=survey.id if survey else None,
        cycle=PREVIOUS_CYCLE,
        due_date=demo.today - timedelta(days=240),
        org_types=_org_types(demo),
        actor=qa,
    )
    services.open_campaign(previous, actor=qa)
    for slug in PREVIOUS:
        ret = _return(previous, demo.org(slug))
        lead = _lead(demo, slug)
        _fill(demo, ret, slug, PREVIOUS_CYCLE, CURRENT[slug][1], lead)
        _submit(demo, ret, lead)
        services.accept_return(ret, actor=qa)
        _progress_actions(ret, lead, finish_first=True, qa=qa)
    services.close_campaign(previous, actor=qa)
    demo.say(f"self-assessment campaign {PREVIOUS_CYCLE}")

    current = services.create_campaign(
        title=TITLE.format(cycle=CURRENT_CYCLE),
        instrument_version_id=version.id,
        survey_version_id=survey.id if survey else None,
        cycle=CURRENT_CYCLE,
        due_date=demo.today + timedelta(days=31),
        org_types=_org_types(demo),
        actor=qa,
    )
    services.open_campaign(current, actor=qa)
    services.change_due_date(current, demo.today + timedelta(days=45), actor=qa)
    event = services.create_event(
        current, title=EVENT_TITLE, held_on=demo.today - timedelta(days=5), panel=EVENT_PANEL, actor=qa
    )
    for slug, (state, profile) in CURRENT.items():
        _play(demo, current, slug, state, profile, qa, event)
    _replies(demo, current, qa)
    services.extend_return(
        _return(current, demo.org(EXTENDED)), demo.today + timedelta(days=75), reason=EXTENSION_REASON, actor=qa
    )
    _rerate(_return(current, demo.org(RERATED)), _lead(demo, RERATED), qa)
    demo.say(f"self-assessment campaign {CURRENT_CYCLE}, with a challenge event and replies")
    _survey_responses(demo, current)
    db.session.flush()


def _org_types(demo) -> list[str]:
    return sorted({org.org_type for org in demo.organisations.values()})


def _lead(demo, slug: str):
    return demo.user(f"lead@{slug}.riverside.example")


def _return(campaign: Campaign, org) -> Return:
    return db.session.execute(
        sa.select(Return).where(Return.campaign_id == campaign.id, Return.organisation_id == org.id)
    ).scalar_one()


def _fill(demo, ret: Return, slug: str, cycle: str, profile, lead, *, sections: int | None = None) -> None:
    instrument = ret.campaign.instrument_version.parsed
    for section in instrument.sections_for(ret.organisation.org_type)[:sections]:
        answers, actions = {}, {}
        for question in section.questions:
            rag = _rating(slug, question.key, cycle, profile)
            evidence = EVIDENCE[_pick(slug, question.key) % len(EVIDENCE)]
            if rag != "green":
                evidence += GAPS[_pick(question.key, cycle) % len(GAPS)]
                description, owner = ACTIONS[_pick(slug, question.key, cycle) % len(ACTIONS)]
                # Last cycle's actions fell due around now, so some open ones are overdue.
                first_due = -120 if cycle == PREVIOUS_CYCLE else 30
                due = demo.today + timedelta(days=first_due + _pick(question.key) % 150)
                actions[question.key] = [services.NewAction(description=description, owner_name=owner, due_date=due)]
            answers[question.key] = {"value": rag, "evidence": evidence, "comment": None}
        services.save_section(
            ret,
            section.key,
            services.SectionSave(
                answers=answers, expected_version=ret.lock_version, reconfirm=set(answers), new_actions=actions
            ),
            actor=lead,
        )


def _progress_actions(ret: Return, lead, *, finish_first: bool = False, qa=None) -> None:
    """A progress update on most actions; last cycle's first action completed and verified by QA, so not every one
    carries forward."""
    from app.selfassessment.queries import answer_rows, linked_actions

    actions = [
        linked.action for group in linked_actions(answer_rows(ret)).values() for linked in group if not linked.carried
    ]
    for index, action in enumerate(sorted(actions, key=lambda a: a.id)):
        if finish_first and index == 0:
            complete_action(action, note="Done: confirmed at the board meeting.", actor=lead)
            verify_action(action, outcome="verified", actor=qa)
        elif index % 3 != 2:
            update_action(action, note=UPDATES[index % len(UPDATES)], status="in_progress", actor=lead)


def _submit(demo, ret: Return, lead, *, sign: bool = True) -> None:
    """Send the return for sign-off and have each of its organisation's leaders sign it off with their password."""
    from app.accounts.signatories import signatory_users

    services.send_for_signoff(
        ret, confirmed=True, declaration_name=lead.name, expected_version=ret.lock_version, actor=lead
    )
    if not sign:
        return
    leaders = {u.signatory_capacity: u for u in signatory_users(ret.organisation_id)}
    for capacity in list(ret.signoff_capacities):
        services.sign_off_return(ret, leaders[capacity], password=demo.password)


def _play(demo, campaign: Campaign, slug: str, state: str, profile, qa, event) -> None:
    ret = _return(campaign, demo.org(slug))
    lead = _lead(demo, slug)
    if state == "not_started":
        return
    _fill(
        demo, ret, slug, CURRENT_CYCLE, profile, lead, sections=IN_PROGRESS_SECTIONS if state == "in_progress" else None
    )
    if state == "in_progress":
        return
    _submit(demo, ret, lead, sign=state != "awaiting_signoff")
    if state == "awaiting_signoff":
        return
    _progress_actions(ret, lead)
    in_event = slug in EVENT_RETURNS
    if in_event:
        services.add_returns_to_event(event, [ret.id], actor=qa)
    for key, moderated, comment in CHALLENGES.get(slug, []):
        services.challenge_answer(
            ret, key, moderated_rag=moderated, comment=comment, event=event if in_event else None, actor=qa
        )
    if state == "accepted":
        services.accept_return(ret, actor=qa)
    elif state == "returned":
        services.return_to_organisation(ret, reason=RETURNED_REASON, actor=qa)


def _rerate(ret: Return, lead, qa) -> None:
    """The first Amber criterion with only this cycle's actions: its actions completed and verified by QA, then
    re-rated Green."""
    for section_view in return_view(ret).sections:
        for criterion in section_view.criteria:
            if criterion.rag != "amber" or not criterion.actions or any(a.carried for a in criterion.actions):
                continue
            for linked in criterion.actions:
                if not is_closed(linked.action):
                    complete_action(linked.action, note="Done: checked at the spring audit.", actor=lead)
                    verify_action(linked.action, outcome="verified", actor=qa)
            if rerating_problem(ret, return_view(ret).criterion(criterion.key)) is None:
                services.rerate_criterion(ret, criterion.key, rag="green", reason=RERATE_REASON, actor=lead)
                return


def _replies(demo, campaign: Campaign, qa) -> None:
    """The organisations' structured replies to the event's challenges; QA accepts the council's agreement."""
    from app.selfassessment.queries import answer_rows

    for slug, key, kind, rag, text, link, accept in REPLIES:
        ret = _return(campaign, demo.org(slug))
        challenge = next(row.challenge for row in answer_rows(ret) if row.question_key == key)
        services.reply_to_challenge(
            ret, challenge, kind=kind, reply_rag=rag, text=text, link=link, actor=_lead(demo, slug)
        )
        if accept:
            services.accept_reply(ret, challenge, actor=qa)


def _survey_responses(demo, campaign: Campaign) -> None:
    """Oakfield's practitioners doubt its leadership; the youth trust's agree; the police have too few to show.
    Each organisation with enough responses closes its survey, freezing its (noised) results."""
    if campaign.survey_version is None:
        return
    survey = campaign.survey_version.parsed
    doubted = {"know_safeguarding_lead", "leaders_prioritise_safeguarding", "safe_to_raise_concerns"}
    plan = {"oakfield-school": (9, doubted), "youth-trust": (7, set()), "riverside-police": (3, set())}
    roles = ("frontline", "frontline", "manager", "support_staff", "volunteer", "prefer_not_to_say")
    for slug, (count, low) in plan.items():
        link = db.session.execute(
            sa.select(SurveyLink).where(
                SurveyLink.campaign_id == campaign.id, SurveyLink.organisation_id == demo.org(slug).id
            )
        ).scalar_one()
        lead = _lead(demo, slug)
        codes = survey_services.create_response_codes(link, count + 3, actor=lead)
        for n in range(count):
            answers = {"role_group": {"value": roles[_pick(slug, str(n)) % len(roles)]}}
            for question in survey.questions():
                if not question.kind.is_rating:
                    continue
                roll = _pick(slug, str(n), question.key) % 100
                if question.key in low:
                    value = "agree" if roll < 25 else "disagree" if roll < 80 else "strongly_disagree"
                else:
                    value = (
                        "strongly_agree"
                        if roll < 35
                        else "agree"
                        if roll < 85
                        else "disagree"
                        if roll < 95
                        else "dont_know"
                    )
                answers[question.key] = {"value": value}
            survey_services.record_survey_response(link, answers, code=codes[n], on=demo.today - timedelta(days=n % 12))
        if count >= min_cell_size():
            survey_services.close_survey(link, actor=lead)
    demo.say("practitioner survey responses")
