"""Every string a person reads exists, complete and well-formed, in every supported locale."""

from __future__ import annotations

import re

import pytest

from bot.core import i18n
from bot.core.catalogs import extract, read
from bot.core.config import SUPPORTED_LANGUAGES

PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
REQUIRED = ("es", "en")


def test_required_catalogs_exist() -> None:
    for lang in REQUIRED:
        assert i18n.catalog_path(lang).exists(), lang


def test_template_is_up_to_date_with_the_code() -> None:
    in_code = {m.id for m in extract() if m.id}
    template = {m.id for m in read(i18n.LOCALES / "messages.pot") if m.id}
    assert in_code - template == set(), "run `make i18n`: messages missing from the template"
    assert template - in_code == set(), "run `make i18n`: the template has stale messages"


@pytest.mark.parametrize(
    "lang", [lang for lang in SUPPORTED_LANGUAGES if i18n.catalog_path(lang).exists()]
)
def test_catalog_is_complete_and_consistent(lang: str) -> None:
    in_code = {m.id for m in extract() if m.id}
    catalog = read(i18n.catalog_path(lang), lang)
    ids = {m.id for m in catalog if m.id}
    assert in_code - ids == set(), f"{lang}: messages missing, run `make i18n`"
    assert ids - in_code == set(), f"{lang}: stale messages, run `make i18n`"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if not message.string:
            problems.append(f"untranslated: {message.id!r}")
        elif lang != "es" and message.string == message.id and len(str(message.id)) > 12:
            problems.append(f"still in Spanish: {message.id!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif sorted(PLACEHOLDER.findall(str(message.id))) != sorted(
            PLACEHOLDER.findall(str(message.string))
        ):
            problems.append(f"placeholders differ: {message.id!r}")
    assert problems == [], f"{lang}: {len(problems)} problems, first: {problems[:5]}"
