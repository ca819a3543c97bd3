from flask import Blueprint

bp = Blueprint("findings", __name__, url_prefix="/findings")
