"""domain.versions: If-Match preconditions (428 when missing, 412 when stale)."""

from __future__ import annotations

import pytest

from compax_server.domain import versions
from compax_server.domain.versions import Expected
from compax_server.errors import PreconditionFailed, PreconditionRequired


def test_expected_allows_its_versions_or_any():
    assert Expected(frozenset({2, 3})).allows(3)
    assert not Expected(frozenset({2, 3})).allows(4)
    assert not Expected().allows(0)
    assert Expected(any=True).allows(41)
    assert Expected(frozenset(), any=True) == versions.ANY
    assert versions.ANY.allows(7)


def test_required_is_a_428_when_no_version_was_named():
    versions.required(Expected(frozenset({1})), noun="room", ident="B1-101")
    with pytest.raises(PreconditionRequired) as caught:
        versions.required(None, noun="room", ident="B1-101")
    assert caught.value.detail == (
        "Send If-Match (the ETag of the version you saw) to change room B1-101."
    )


def test_ensure_names_the_current_version():
    assert versions.ensure(3, Expected(frozenset({3})), noun="booking", ident=12) is None
    assert versions.ensure(3, versions.ANY, noun="booking", ident=12) is None
    with pytest.raises(PreconditionRequired) as required:
        versions.ensure(3, None, noun="booking", ident=12)
    assert required.value.detail == (
        'Send If-Match: "3" (the ETag of the version you saw) to change booking 12.'
    )
    with pytest.raises(PreconditionFailed) as failed:
        versions.ensure(3, Expected(frozenset({2})), noun="booking", ident=12)
    assert failed.value.detail == (
        "The booking 12 has changed since you read it (now version 3); read it again and retry."
    )
    assert failed.value.extra == {"current_version": 3}
