"""The app as `make run` serves it, plus the floor route the page benchmarks compare against: a bare Flask view
doing one `SELECT 1`. Only the benchmark's own gunicorn loads this module; the product has no such route."""

import sqlalchemy as sa

from app.extensions import db
from wsgi import app


@app.route("/_bench/select1")
def bench_select1():
    db.session.execute(sa.text("SELECT 1")).scalar_one()
    return "1"
