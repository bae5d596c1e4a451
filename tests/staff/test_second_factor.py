"""The second factor: TOTP codes once each, recovery codes hashed and once each, any typed text
handled, the QR code drawn locally; API token lifetimes parsed strictly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app.runtime import Runtime
from bot.staff import accounts, second_factor, tokens
from bot.store.models import RecoveryCode, Staff
from tests.support.dashboard_helpers import PASSWORD, cheap_argon2
from tests.support.factories import make_runtime

T0 = datetime(2026, 3, 2, 15, 0, 5, tzinfo=UTC)


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    made = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path)
    with cheap_argon2(), made.sessions() as db, db.begin():
        org = accounts.create_organization(
            db, slug="la-72", name="La 72", city=None, states=["MX-TAB"], now=T0
        )
        for email in ("a@la-72.example.org", "b@la-72.example.org"):
            accounts.create_staff(
                db, made.vault, org=org, email=email, roles="caseworker", password=PASSWORD, now=T0
            )
    yield made
    made.close()


def staff(db, email: str) -> Staff:  # type: ignore[no-untyped-def]
    return db.scalars(select(Staff).where(Staff.email == email)).one()


def test_totp_codes_work_once_with_one_step_of_drift(runtime: Runtime) -> None:
    with runtime.sessions() as db, db.begin():
        member = staff(db, "a@la-72.example.org")
        secret, uri = second_factor.start_totp(runtime.vault, member)
        assert uri.startswith("otpauth://totp/Camino:") and secret not in str(
            member.totp_secret_enc
        )
        code = pyotp.TOTP(secret).at(T0)
        assert second_factor.check_totp(runtime.vault, member, code, T0)
        assert not second_factor.check_totp(runtime.vault, member, code, T0)  # replayed
        late = T0 + timedelta(seconds=30)
        assert second_factor.check_totp(runtime.vault, member, pyotp.TOTP(secret).at(late), late)
        far = T0 + timedelta(minutes=5)
        assert not second_factor.check_totp(runtime.vault, member, pyotp.TOTP(secret).at(T0), far)


def test_recovery_codes_are_hashed_each_works_once_and_only_for_its_account(
    runtime: Runtime,
) -> None:
    with runtime.sessions() as db, db.begin():
        a, b = staff(db, "a@la-72.example.org"), staff(db, "b@la-72.example.org")
        codes = second_factor.new_recovery_codes(db, a, T0)
        assert len(set(codes)) == 10
        stored = [row.code_hash for row in db.scalars(select(RecoveryCode))]
        assert not any(code.replace("-", "") in h for code in codes for h in stored)
        assert not second_factor.use_recovery_code(db, b, codes[0], T0)  # not b's
        assert second_factor.use_recovery_code(db, a, codes[0].upper().replace("-", " "), T0)
        assert not second_factor.use_recovery_code(db, a, codes[0], T0)  # used up
        assert second_factor.recovery_codes_left(db, a) == 9
        assert second_factor.new_recovery_codes(db, a, T0) != codes  # a new set replaces them
        assert not second_factor.use_recovery_code(db, a, codes[1], T0)
        second_factor.disable(db, a)
        assert second_factor.recovery_codes_left(db, a) == 0 and not a.totp_confirmed


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=40))
def test_any_typed_code_is_refused_without_error(runtime: Runtime, typed: str) -> None:
    with runtime.sessions() as db, db.begin():
        member = staff(db, "b@la-72.example.org")
        if member.totp_secret_enc is None:
            second_factor.start_totp(runtime.vault, member)
            second_factor.new_recovery_codes(db, member, T0)
        assert second_factor.check_second_factor(db, runtime.vault, member, typed, T0) is None


def test_the_qr_code_is_an_inline_svg_with_nothing_from_outside() -> None:
    svg = second_factor.qr_svg("otpauth://totp/Camino:a%40b.org?secret=ABC&issuer=Camino", "QR")
    assert svg.startswith("<svg") and "<title>QR</title>" in svg
    assert "href" not in svg and "<script" not in svg and "style=" not in svg


@given(st.text(max_size=12))
def test_token_lifetimes_are_whole_days_from_1_to_365(text: str) -> None:
    try:
        days = tokens.parse_days(text)
    except accounts.AccountError as exc:
        assert str(exc) == "A token lasts 1 to 365 days."
    else:
        assert 1 <= days <= tokens.MAX_DAYS
        assert int(text) == days if text.strip() else days == tokens.DEFAULT_DAYS
