"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.store import db
from bot.store.models import Base


def test_models_match_migrations(database_url: str) -> None:
    db.upgrade(database_url)
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_existing_evidence_digests_are_encrypted_on_upgrade(
    database_url: str, camino_data_key: str, tmp_path: object
) -> None:
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import text

    from bot import cases
    from bot.store import crypto
    from bot.store.models import Case, Evidence
    from bot.store.vault import Vault

    config = db.alembic_config(database_url)
    for revision in ("0100", "0200", "0300"):
        command.upgrade(config, revision)
    vault = Vault(crypto.decode_master_key(camino_data_key))
    _, wrapped = vault.new_key("case:c1")
    now = datetime(2026, 11, 28, tzinfo=UTC)
    engine = db.make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "insert into cases (id, wrapped_key, status, urgent, channel, language, created_at,"
                " updated_at) values ('c1', :w, 'submitted', false, 'sms', 'es', :n, :n)"
            ),
            {"w": wrapped, "n": now},
        )
        connection.execute(
            text(
                "insert into evidence (id, case_id, kind, content_type, size, sha256, data_enc,"
                " created_at) values ('e1', 'c1', 'photo', 'image/jpeg', 3, :h, :d, :n)"
            ),
            {"h": "ab" * 32, "d": b"x", "n": now},
        )
    db.upgrade(database_url)
    sessions = db.make_sessionmaker(engine)
    with sessions() as session:
        case = session.get(Case, "c1")
        evidence = session.get(Evidence, "e1")
        assert case is not None and evidence is not None
        assert b"ab" * 8 not in evidence.digest_enc
        assert cases.evidence_sha256(vault, case, evidence) == "ab" * 32
    engine.dispose()
