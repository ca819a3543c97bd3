"""An organisation's own results against the partnership's, over its latest rounds and campaigns."""

from __future__ import annotations

from app.accounts.models import Organisation
from app.findings import queries
from app.findings.figures.campaigns import _kept_campaign_figures
from app.findings.figures.rounds import round_figures
from app.findings.figures.tallies import spread


def organisation_figures(organisation: Organisation) -> dict:
    """The organisation's own results against the partnership: median and quartiles across organisations."""
    org = str(organisation.id)
    rounds_out = []
    for row in queries.visible_rounds(organisation_id=organisation.id)[:3]:
        figures = round_figures(row.AuditRound)
        themes = []
        for theme in figures["themes"]:
            values = [t["pct"] for t in theme.get("by_org", {}).values()]
            own = theme.get("by_org", {}).get(org)
            themes.append(
                {
                    "key": theme["key"],
                    "title": theme["title"],
                    "own": own["pct"] if own else None,
                    "own_n": own["scored"] if own else 0,
                    "partnership": theme["pct"],
                    **spread(values),
                }
            )
        own_agency = next((a for a in figures["agencies"] if str(a["id"]) == org), None)
        rounds_out.append(
            {
                "kind": "round",
                "id": row.AuditRound.id,
                "title": row.AuditRound.title,
                "themes": themes,
                "own": own_agency["pct"] if own_agency else None,
                "partnership": figures["summary"]["pct"],
                "spread": spread([a["pct"] for a in figures["agencies"]]),
            }
        )
    campaigns_out = []
    for row in queries.visible_campaigns(organisation_id=organisation.id)[:2]:
        campaign = row.Campaign
        figures = _kept_campaign_figures(campaign)  # (the page shows no statement coverage)
        standards = []
        for standard in figures["standards"]:
            own = standard["by_org"].get(org, {})
            standards.append(
                {
                    "key": standard["key"],
                    "title": standard["title"],
                    "own_self": own.get("self"),
                    "own_moderated": own.get("moderated"),
                    "partnership_pct_green": standard["moderated"]["pct_green"],
                }
            )
        themes = []
        for theme in figures["themes"]:
            values = [t["pct"] for t in theme["by_org"].values()]
            own = theme["by_org"].get(org)
            themes.append(
                {
                    "key": theme["key"],
                    "title": theme["title"],
                    "own": own["pct"] if own else None,
                    "partnership": theme["moderated"]["pct_green"],
                    **spread(values),
                }
            )
        survey = None
        if figures["survey"]:
            survey = next((o for o in figures["survey"]["organisations"] if o["id"] == organisation.id), None)
        campaigns_out.append(
            {
                "kind": "campaign",
                "id": campaign.id,
                "title": campaign.title,
                "cycle": campaign.cycle,
                "standards": standards,
                "themes": themes,
                "survey": survey,
                "survey_themes": figures["survey_partnership"] or [],
            }
        )
    return {
        "organisation": {"id": organisation.id, "name": organisation.name, "org_type": organisation.org_type},
        "rounds": rounds_out,
        "campaigns": campaigns_out,
    }
