"""evidence files in the database

Evidence files move from instance/evidence/ into the table evidence_files, so that every
web host sees them, a database backup includes them and a rolled-back report leaves no file
behind. The upgrade reads the existing files in; the downgrade writes them out again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25

"""
import hashlib
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from flask import current_app

from stash import restore_columns, restore_rows, stash_columns, stash_table

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

evidence_files = sa.table(
    'evidence_files',
    sa.column('id', sa.Integer),
    sa.column('size', sa.Integer),
    sa.column('sha256', sa.String),
    sa.column('content', sa.LargeBinary),
    sa.column('created_at', sa.DateTime(timezone=True)),
)


def _folder() -> Path:
    return Path(current_app.instance_path) / 'evidence'


def upgrade():
    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files'))
    )
    with op.batch_alter_table('status_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_file_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_status_updates_evidence_file_id_evidence_files'), 'evidence_files', ['evidence_file_id'], ['id'])
    # Files kept in the database before a downgrade come back as they were; only files
    # reported while at 0007 are read in from disk.
    restore_rows(revision, 'evidence_files')
    restore_columns(revision, 'status_updates', ['evidence_file_id'])

    connection = op.get_bind()
    updates = sa.table('status_updates', sa.column('id', sa.Integer),
                       sa.column('evidence_path', sa.String), sa.column('evidence_file_id', sa.Integer))
    rows = connection.execute(sa.select(updates.c.id, updates.c.evidence_path)
                              .where(updates.c.evidence_path.is_not(None), updates.c.evidence_file_id.is_(None))).all()
    now = datetime.now(UTC)
    if connection.dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)
    for update_id, relative in rows:
        path = _folder() / relative
        if not path.is_file():
            log.warning("Evidence file %s of status update %s is missing; the link is dropped.",
                        path, update_id)
            continue
        content = path.read_bytes()
        file_id = connection.execute(
            evidence_files.insert().values(size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                                           content=content, created_at=now)
            .returning(evidence_files.c.id)).scalar_one()
        connection.execute(updates.update().where(updates.c.id == update_id)
                           .values(evidence_file_id=file_id))

    with op.batch_alter_table('status_updates', schema=None) as batch_op:
        batch_op.drop_column('evidence_path')
    # The files stay on disk: removing them is the operator's call once the upgrade is checked.


def downgrade():
    with op.batch_alter_table('status_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_path', sa.String(length=255), nullable=True))

    connection = op.get_bind()
    updates = sa.table('status_updates', sa.column('id', sa.Integer), sa.column('item_id', sa.Integer),
                       sa.column('evidence_name', sa.String), sa.column('evidence_path', sa.String),
                       sa.column('evidence_file_id', sa.Integer))
    rows = connection.execute(
        sa.select(updates.c.id, updates.c.item_id, updates.c.evidence_name, evidence_files.c.content)
        .join(evidence_files, evidence_files.c.id == updates.c.evidence_file_id)).all()
    for update_id, item_id, name, content in rows:
        suffix = (name or 'evidence').rsplit('.', 1)[-1].lower()
        relative = f"{item_id}/{uuid.uuid4().hex}.{suffix}"
        target = _folder() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        connection.execute(updates.update().where(updates.c.id == update_id)
                           .values(evidence_path=relative))

    stash_columns(revision, 'status_updates', ['evidence_file_id'])
    with op.batch_alter_table('status_updates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_status_updates_evidence_file_id_evidence_files'), type_='foreignkey')
        batch_op.drop_column('evidence_file_id')
    stash_table(revision, 'evidence_files')
    op.drop_table('evidence_files')
