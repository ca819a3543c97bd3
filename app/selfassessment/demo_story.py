"""The story the demo self-assessment tells (built by app/selfassessment/demo.py): each organisation's return and
how it rates itself, the challenges, the challenge event and the replies to it, evidence, gaps, actions and their
updates."""

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
