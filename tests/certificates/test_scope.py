"""Which issued certificates a user manages: one rule for the staff list, its search, detail and revoke.

The world: the city federation issues for classes its branches organise (the demo's case), and a branch with
its own serial prefix issues by itself.
  for_a  issued by the city for a class of TEST-A1       managed by staff_a
  for_b  issued by the city for a class of TEST-B2       managed by staff_b
  by_a   issued by TEST-A itself, no class               managed by staff_a
Admins manage all three; trainers and officers none (they see their classes' or their own elsewhere).
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from elearn.certificates import access, issuing, lifecycle
from elearn.certificates.models import Certificate
from elearn.db import utcnow
from elearn.errors import Forbidden
from tests import factories
from tests.certificates.world import TODAY, cert_type, complete, issuer, setup_class


def _certificates(db: Session, world, instance) -> dict[str, Certificate]:
    made = {}
    for key, code, unit in (("for_a", "K.SA", world.a1), ("for_b", "K.SB", world.b2)):
        _, ctype, klass, (officer,) = setup_class(db, world, code=code, names=(f"Học Viên {key}",))
        klass.unit_id = unit.id
        db.flush()
        made[key], _ = issuing.issue(
            db, None, type_id=ctype.id, officer_id=officer.id, class_id=klass.id, issuer=issuer(instance)
        )
    world.a.serial_prefix = "KCN"
    course = klass.course
    own = cert_type(db, world, course=course, code="T-KCN")
    own.issuing_unit_id = world.a.id
    db.flush()
    db.expire(own, ["issuing_unit"])
    holder = factories.officer(db, world.a2, name="Học Viên by_a")
    complete(db, holder.id, course)
    made["by_a"], _ = issuing.issue(
        db, None, type_id=own.id, officer_id=holder.id, class_id=None, issuer=issuer(instance)
    )
    assert made["by_a"].serial.startswith("KCN-")
    return made


def _listed(db, actor, certs, q: str = "") -> set[str]:
    listed = lifecycle.list_certificates(db, actor, lifecycle.ListFilter(q=q, limit=10**6), TODAY)
    return {key for key, cert in certs.items() if cert in listed}


EXPECTED = {
    "admin": {"for_a", "for_b", "by_a"},
    "staff_a": {"for_a", "by_a"},
    "staff_b": {"for_b"},
    "trainer": set(),
    "officer_user": set(),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_list_detail_and_revoke_follow_one_rule(db, world, instance, role):
    certs = _certificates(db, world, instance)
    actor = getattr(world, role)
    assert _listed(db, actor, certs) == EXPECTED[role]
    for key, cert in certs.items():
        manages = key in EXPECTED[role]
        assert access.can_manage(db, actor, cert) is manages, key
        if role.startswith("staff"):  # staff open exactly what they manage
            assert access.can_view(db, actor, cert) is manages, key
        savepoint = db.begin_nested()
        if manages:
            assert lifecycle.revoke(db, actor, cert.serial, "Kiểm tra phạm vi", utcnow()).status == "revoked"
        else:
            with pytest.raises(Forbidden):
                lifecycle.revoke(db, actor, cert.serial, "Kiểm tra phạm vi", utcnow())
        savepoint.rollback()


def test_search_by_name_and_serial_stays_in_scope(db, world, instance):
    certs = _certificates(db, world, instance)
    assert _listed(db, world.staff_a, certs, q="Học Viên for_a") == {"for_a"}
    assert _listed(db, world.staff_a, certs, q=certs["for_a"].serial.lower()) == {"for_a"}
    assert _listed(db, world.staff_a, certs, q="Học Viên for_b") == set()
    assert _listed(db, world.staff_a, certs, q=certs["for_b"].serial) == set()
    assert _listed(db, world.staff_b, certs, q=certs["for_b"].serial) == {"for_b"}
    assert _listed(db, None, certs) == {"for_a", "for_b", "by_a"}  # the command line


def test_staff_pages_list_and_open_what_they_manage(db, world, auth, client, instance):
    certs = _certificates(db, world, instance)
    auth.login("staff-a@test.vn")
    page = client.get("/certificates/").get_data(as_text=True)
    assert certs["for_a"].serial in page and certs["by_a"].serial in page
    assert certs["for_b"].serial not in page
    found = client.get("/certificates/", query_string={"q": "Học Viên for"})
    assert certs["for_a"].serial in found.get_data(as_text=True)
    assert certs["for_b"].serial not in found.get_data(as_text=True)
    detail = client.get(f"/certificates/{certs['for_a'].serial}").get_data(as_text=True)
    assert "Thu hồi chứng chỉ" in detail
    assert client.get(f"/certificates/{certs['for_b'].serial}").status_code == 403


@pytest.mark.parametrize("email", ["trainer@test.vn", "officer@test.vn"])
def test_the_staff_list_is_for_staff(db, world, auth, client, email):
    auth.login(email)
    assert client.get("/certificates/").status_code == 403
