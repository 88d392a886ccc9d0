"""officer sort key: the registry lists officers by given name in Vietnamese order

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from elearn.vietnamese import SORT_KEY_LENGTH, name_sort_key

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    key_type = sa.String(SORT_KEY_LENGTH).with_variant(sa.String(SORT_KEY_LENGTH, collation="C"), "postgresql")
    # A plain ALTER TABLE and CREATE INDEX (no batch mode): SQLite would otherwise rebuild the officer table,
    # which the foreign keys of every table that names an officer forbid once there are officers.
    op.add_column("officer", sa.Column("sort_key", key_type, nullable=False, server_default=""))
    # Every existing officer's key, computed as the model computes it (the rule lives in Python).
    officer = sa.table("officer", sa.column("id", sa.Integer), sa.column("full_name"), sa.column("sort_key"))
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(officer.c.id, officer.c.full_name)
            .where(officer.c.id > last_id)
            .order_by(officer.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            officer.update().where(officer.c.id == sa.bindparam("officer_id")),
            [{"officer_id": row.id, "sort_key": name_sort_key(row.full_name)} for row in rows],
        )
        last_id = rows[-1].id
    op.create_index(op.f("ix_officer_sort_key"), "officer", ["sort_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_officer_sort_key"), table_name="officer")
    op.drop_column("officer", "sort_key")
