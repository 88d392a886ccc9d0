"""officer standing: valid certificate types and first term per officer, with triggers that drop a row on any change

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 19:17:50.681404
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Any insert, update or delete of a certificate or a position drops its officer's standing row (both
# officers' if an update moves it), so that a dashboard never reads a stale row: without a row it asks the
# certificates and positions.
TABLES = ("certificate", "position")
SQLITE_TRIGGERS = [
    statement
    for table in TABLES
    for statement in (
        f"""CREATE TRIGGER {table}_standing_insert AFTER INSERT ON "{table}" BEGIN
            DELETE FROM officer_standing WHERE officer_id = NEW.officer_id; END""",
        f"""CREATE TRIGGER {table}_standing_update AFTER UPDATE ON "{table}" BEGIN
            DELETE FROM officer_standing WHERE officer_id IN (OLD.officer_id, NEW.officer_id); END""",
        f"""CREATE TRIGGER {table}_standing_delete AFTER DELETE ON "{table}" BEGIN
            DELETE FROM officer_standing WHERE officer_id = OLD.officer_id; END""",
    )
]
POSTGRESQL_TRIGGERS = [
    """CREATE FUNCTION officer_standing_stale() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM officer_standing WHERE officer_id = OLD.officer_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            DELETE FROM officer_standing WHERE officer_id = NEW.officer_id;
        END IF;
        RETURN NULL;
    END $$""",
    *(
        f"""CREATE TRIGGER {table}_standing_stale AFTER INSERT OR UPDATE OR DELETE ON "{table}"
            FOR EACH ROW EXECUTE FUNCTION officer_standing_stale()"""
        for table in TABLES
    ),
]


def upgrade() -> None:
    op.create_table(
        "officer_standing",
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("cert_mask", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("expires_first", sa.Date(), nullable=True),
        sa.Column("next_issue", sa.Date(), nullable=True),
        sa.Column("first_term_start", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officer.id"],
            name=op.f("fk_officer_standing_officer_id_officer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("officer_id", name=op.f("pk_officer_standing")),
    )
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgresql:
            op.execute(f"DROP TRIGGER {table}_standing_stale ON \"{table}\"")
        else:
            for name in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_standing_{name}")
    if postgresql:
        op.execute("DROP FUNCTION officer_standing_stale()")
    op.drop_table("officer_standing")
