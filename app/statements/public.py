"""The public pages: the register of statements in force with the keys that seal them, each statement with its
seal, its signed copy, and the seal chain. Anyone may read them; nobody needs to sign in."""

from __future__ import annotations

import json
import re

from flask import Response, abort, current_app, render_template, request

from app.statements import bp, chain, keys, queries, seals, verification
from app.statements.reads_routes import read_link, read_qr_svg


@bp.route("/")
def public_register():
    search = (request.args.get("q") or "").strip()[:100]
    return render_template(
        "statements/public_register.html",
        entries=queries.public_register(search or None),
        search=search,
        public_keys=keys.keyring().public_keys,
        chain=chain.summary(),
    )


def _public_statement_checked(slug: str):
    """The statement on display for this organisation and why it fails its seal check ([] when it passes)."""
    statement = queries.public_statement_for_slug(slug)
    if statement is None:
        abort(404)
    problems = verification.public_problems(statement)
    if problems:
        current_app.logger.error(
            "Withheld %s from the public: %s", verification.describe(statement), "; ".join(problems)
        )
    return statement, problems


@bp.route("/<slug>")
def public_statement(slug: str):
    # A statement that fails its seal check is withheld: its words may not be the ones that were signed.
    statement, problems = _public_statement_checked(slug)
    if problems:
        return render_template("statements/public_withheld.html", statement=statement)
    link = read_link(statement)
    return render_template(
        "statements/public_statement.html",
        read_link=link,
        read_qr=read_qr_svg(link) if link else None,
        statement=statement,
        sections=queries.statement_sections(statement),
        print_requested="print" in request.args,
        key=keys.keyring().trusted(statement.seal_key_id),
        fingerprint=seals.fingerprint(seals.statement_payload(statement)),
    )


@bp.route("/<slug>/signed.json")
def signed_copy(slug: str):
    statement, problems = _public_statement_checked(slug)
    if problems:
        return Response(
            "This statement failed its seal check, so no signed copy is offered.\n", status=409, mimetype="text/plain"
        )
    name = f"{re.sub(r'[^a-z0-9-]', '', slug)}-statement-v{statement.version_number}-signed.json"
    return Response(
        seals.signed_copy(statement),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/seal-chain.json")
def seal_chain():
    """Every event of the seal chain, as sealed, so anyone can check the head shown on the register."""
    events = [
        {
            "record": chain.record(event).decode("utf-8"),
            "event_hash": event.event_hash,
            "signature": event.seal_signature,
        }
        for event in chain.events()
    ]
    body = json.dumps({"algorithm": seals.ALGORITHM, "events": events}, indent=2, ensure_ascii=False) + "\n"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="statement-seal-chain.json"'},
    )
