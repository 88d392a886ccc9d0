"""Recording audit events; services call record() in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from elearn.audit.models import AuditEvent


def record(session: Session, actor, action: str, obj_type: str, obj_id, **details) -> AuditEvent:
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        details=details,
    )
    session.add(event)
    return event
