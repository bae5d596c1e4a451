"""API tokens: a bearer header names a live token of one organization, or is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.staff import accounts, tokens
from bot.staff.bearer import TokenRefused, authenticate
from bot.store.models import ApiToken
from tests.support.factories import make_runtime


def test_a_bearer_header_names_a_live_token_and_marks_it_used(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path)
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        org = accounts.create_organization(
            db, slug="la-72", name="La 72", city=None, states=["MX-TAB"], now=now
        )
        secret, record = tokens.create_api_token(
            db, org=org, name="t", scopes=["stats:read", "cases:read"], now=now
        )
        token_id, org_id = record.id, org.id
    with runtime.sessions() as db, db.begin():
        for header in ("", "Basic abc", "Bearer", "Bearer cmn_unknown", secret):
            with pytest.raises(TokenRefused):
                authenticate(db, header, now)
        context = authenticate(db, f"bearer {secret} ", now)
    assert (context.token_id, context.org_id) == (token_id, org_id)
    assert context.scopes == ["cases:read", "stats:read"]
    with runtime.sessions() as db:
        used = db.get(ApiToken, token_id)
        assert used is not None and used.last_used_at is not None
    runtime.close()
