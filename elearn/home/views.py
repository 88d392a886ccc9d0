"""The home page of each role."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from elearn.accounts.models import Role
from elearn.classes.sessions import officer_home, trainer_home
from elearn.courses.services import my_courses
from elearn.db import get_session, utcnow
from elearn.officers.services import own_positions
from elearn.orgs.services import children_with_counts, default_unit_for, subtree_count
from elearn.web import public, roles_required, today

bp = Blueprint("home", __name__)


@bp.route("/")
@roles_required()
def index():
    db = get_session()
    role = current_user.role
    if role == Role.OFFICER:
        positions = own_positions(db, current_user, today())
        learning = my_courses(db, current_user.officer_id) if current_user.officer_id else []
        classes = officer_home(db, current_user.officer_id, utcnow()) if current_user.officer_id else []
        return render_template(
            "home/officer.html", positions=positions, today=today(), my_courses=learning, my_classes=classes
        )
    if role == Role.TRAINER:
        return render_template("home/trainer.html", **trainer_home(db, current_user, utcnow()))
    unit = default_unit_for(db, current_user)
    return render_template(
        "home/staff.html",
        unit=unit,
        unit_count=subtree_count(db, unit),
        children=children_with_counts(db, unit, today()),
    )


@bp.route("/healthz")
@public
def healthz():
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        get_session().rollback()
        return {"status": "error", "database": "unavailable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.route("/favicon.ico")
@public
def favicon():
    return redirect(url_for("static", filename="favicon.svg"))
