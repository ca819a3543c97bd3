from flask import Blueprint

bp = Blueprint("selfassessment", __name__, url_prefix="/self-assessment")
