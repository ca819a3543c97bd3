from flask import Blueprint

bp = Blueprint("statements", __name__, url_prefix="/statements")
