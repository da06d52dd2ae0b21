"""``/terms``: semesters and their holidays. A recurring room search or a series can run
"through the term", skipping its holidays. Staff write; everyone signed in reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._params import body, query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource, versioned

__all__ = ["AsyncTerms", "Holiday", "HolidayInput", "Term", "Terms"]


class Holiday(Model):
    start: date
    end: date
    """The last day (inclusive)."""
    name: str = ""


HolidayInput = Holiday | Mapping[str, Any]
"""A ``Holiday``, or a mapping ``{"start": date, "end": date, "name": str}`` (``end`` may be
left out for one day)."""


class Term(Model):
    id: int
    name: str
    campus: str = ""
    start_date: date
    end_date: date
    holidays: list[Holiday] = []
    version: int = 0
    created_at: AwareDatetime
    updated_at: AwareDatetime


class TermUpdated(Term):
    """A changed term, with the occurrences its new holidays cover (cancelled or kept)."""

    booking_ids: list[int] = []


HolidayPolicy = Literal["refuse", "cancel", "keep"]


def _holidays(items: Sequence[HolidayInput] | NotGiven | None) -> list[Any] | NotGiven | None:
    if items is None or isinstance(items, NotGiven):
        return items
    return [h.model_dump() if isinstance(h, Holiday) else dict(h) for h in items]


def _term_body(
    name: str | NotGiven,
    start_date: date | NotGiven,
    end_date: date | NotGiven,
    holidays: Sequence[HolidayInput] | NotGiven | None,
    campus: str | NotGiven | None,
    on_bookings: HolidayPolicy | NotGiven = NOT_GIVEN,
) -> dict[str, object]:
    return body(
        {
            "on_bookings": on_bookings,
            "name": name,
            "campus": campus,
            "start_date": start_date,
            "end_date": end_date,
            "holidays": _holidays(holidays),
        }
    )


class Terms(SyncResource):
    def list(
        self,
        *,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[Term]:
        params = query({"limit": limit})
        return self._list(Term, "/terms", params=params, headers=extra_headers, timeout=timeout)

    def create(
        self,
        *,
        name: str,
        start_date: date,
        end_date: date,
        holidays: Sequence[HolidayInput] | None = None,
        campus: str | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Term:
        """A term from ``start_date`` to ``end_date`` (inclusive); holidays lie inside it.
        The name is unique per ``campus`` (``AlreadyExistsError``)."""
        return self._call(
            Term,
            "POST",
            "/terms",
            json=_term_body(name, start_date, end_date, holidays, campus),
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    def get(
        self,
        term_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Term:
        return self._call(Term, "GET", f"/terms/{term_id}", headers=extra_headers, timeout=timeout)

    def update(
        self,
        term: Term | int,
        *,
        version: int | str | None = None,
        name: str | NotGiven = NOT_GIVEN,
        start_date: date | NotGiven = NOT_GIVEN,
        end_date: date | NotGiven = NOT_GIVEN,
        holidays: Sequence[HolidayInput] | NotGiven = NOT_GIVEN,
        campus: str | NotGiven = NOT_GIVEN,
        on_bookings: HolidayPolicy | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> TermUpdated:
        """Only what you pass changes; ``holidays`` replaces the whole list. New holidays
        over occurrences of series that skip the term's holidays raise
        ``ClosureHitsBookingsError`` (listing them) unless ``on_bookings`` is ``"cancel"``
        or ``"keep"``; ``booking_ids`` in the answer names them. Pass the ``Term`` you read
        (its version goes in ``If-Match``), or an id and ``version=``."""
        term_id, headers = versioned(term, version)
        return self._call(
            TermUpdated,
            "PATCH",
            f"/terms/{term_id}",
            json=_term_body(name, start_date, end_date, holidays, campus, on_bookings),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    def delete(
        self,
        term_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        self._call_no_content("DELETE", f"/terms/{term_id}", headers=extra_headers, timeout=timeout)


class AsyncTerms(AsyncResource):
    def list(
        self,
        *,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[Term]:
        params = query({"limit": limit})
        return self._list(Term, "/terms", params=params, headers=extra_headers, timeout=timeout)

    async def create(
        self,
        *,
        name: str,
        start_date: date,
        end_date: date,
        holidays: Sequence[HolidayInput] | None = None,
        campus: str | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Term:
        """A term from ``start_date`` to ``end_date`` (inclusive); holidays lie inside it.
        The name is unique per ``campus`` (``AlreadyExistsError``)."""
        return await self._call(
            Term,
            "POST",
            "/terms",
            json=_term_body(name, start_date, end_date, holidays, campus),
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    async def get(
        self,
        term_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Term:
        return await self._call(
            Term, "GET", f"/terms/{term_id}", headers=extra_headers, timeout=timeout
        )

    async def update(
        self,
        term: Term | int,
        *,
        version: int | str | None = None,
        name: str | NotGiven = NOT_GIVEN,
        start_date: date | NotGiven = NOT_GIVEN,
        end_date: date | NotGiven = NOT_GIVEN,
        holidays: Sequence[HolidayInput] | NotGiven = NOT_GIVEN,
        campus: str | NotGiven = NOT_GIVEN,
        on_bookings: HolidayPolicy | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> TermUpdated:
        """Only what you pass changes; ``holidays`` replaces the whole list. New holidays
        over occurrences of series that skip the term's holidays raise
        ``ClosureHitsBookingsError`` (listing them) unless ``on_bookings`` is ``"cancel"``
        or ``"keep"``; ``booking_ids`` in the answer names them. Pass the ``Term`` you read
        (its version goes in ``If-Match``), or an id and ``version=``."""
        term_id, headers = versioned(term, version)
        return await self._call(
            TermUpdated,
            "PATCH",
            f"/terms/{term_id}",
            json=_term_body(name, start_date, end_date, holidays, campus, on_bookings),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    async def delete(
        self,
        term_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        await self._call_no_content(
            "DELETE", f"/terms/{term_id}", headers=extra_headers, timeout=timeout
        )
