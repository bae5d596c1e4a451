"""Merge the families, dashboard and retention branches; encrypt evidence digests.

A bare SHA-256 of a photo or of a shared location lets anyone with the database confirm a
guessed file or place, so the digest moves under the case key like the file itself. Existing
digests are encrypted in place, which needs the master key: `camino db upgrade` has it.

Revision ID: 0400
Revises: 0100, 0200, 0300
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0400"
down_revision: str | Sequence[str] | None = ("0100", "0200", "0300")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch_op:
        batch_op.add_column(sa.Column("digest_enc", sa.LargeBinary(), nullable=True))
    _encrypt_existing_digests()
    with op.batch_alter_table("evidence") as batch_op:
        batch_op.alter_column("digest_enc", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("sha256")


def _encrypt_existing_digests() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "select e.id, e.sha256, c.id, c.wrapped_key from evidence e join cases c on c.id = e.case_id"
    )).fetchall()
    if not rows:
        return
    from bot.store import crypto
    from bot.core.config import get_settings
    from bot.store.keys import next_master_key
    from bot.store.vault import Vault

    settings = get_settings()
    master = crypto.load_master_key(settings.data_key, settings.key_file,
                                    production=settings.is_production)
    vault = Vault(master, next_key=next_master_key(settings))
    for evidence_id, digest, case_id, wrapped in rows:
        key = vault.open_key(wrapped, f"case:{case_id}")
        blob = crypto.encrypt(key, digest.encode(), aad=f"evidence:{evidence_id}:sha256")
        connection.execute(sa.text("update evidence set digest_enc = :blob where id = :id"),
                           {"blob": blob, "id": evidence_id})


def downgrade() -> None:
    raise NotImplementedError("digests cannot be decrypted back into a plain column here")
