"""Signals one feature sends and others subscribe to, so that a feature low in the stack need not import the
features that react to its changes (blinker, which Flask depends on).

`figures_changed` says that something the findings figures of a round or campaign are computed from has changed.
The service making the change sends it in the same transaction, before the commit, so the figures kept for that
period are out of date from the moment the change is visible:

    figures_changed.send("round", id=audit_round.id)
    figures_changed.send("campaign", id=campaign.id)
    figures_changed.send("everything")   # an organisation's name or type, an instrument version published or loaded

What counts as a change, and so which services send it, is listed in app/findings/freshness.py. Saving a draft
changes nothing anybody else sees, so draft saves do not send.

`round_purging` is sent with the round just before its case-level data is removed under the retention policy, so
that whoever keeps figures computed from that data can keep a copy first.

`organisation_changed` is sent by app.accounts, with the Organisation as sender, when an organisation is created,
re-activated or its type changes, so that features above it can invite it to what is already under way (an open
self-assessment campaign starts its return). Receivers may return a sentence for the administrator, or None:

    notes = [note for _, note in organisation_changed.send(org, actor=actor) if note]
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

ROUND = "round"
CAMPAIGN = "campaign"
EVERYTHING = "everything"

figures_changed = _signals.signal("figures-changed")
round_purging = _signals.signal("round-purging")
organisation_changed = _signals.signal("organisation-changed")
