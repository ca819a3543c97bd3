from flask import Blueprint

bp = Blueprint("audits", __name__, url_prefix="/audits")
