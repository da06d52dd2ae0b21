"""Safe concurrent edits: a change names the versions it was made against.

The API reads them from ``If-Match`` (``"3"``, ``W/"3"``, a list, or ``*``) into an
``Expected``; the services compare it with the version they loaded under lock. A missing
precondition is a 428, a stale one a 412 that says the current version: never a silent
overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass

from compax_server.errors import PreconditionFailed, PreconditionRequired


@dataclass(frozen=True)
class Expected:
    """The versions a change was made against: ``any`` (``*``) or one of ``versions``."""

    versions: frozenset[int] = frozenset()
    any: bool = False

    def allows(self, version: int) -> bool:
        return self.any or version in self.versions


# What an in-process caller (a test, a server command) that read nothing may pass: any
# version. The API never uses it: it passes what If-Match said, None when it said nothing.
ANY = Expected(any=True)


def required(expected: Expected | None, *, noun: str, ident: object) -> None:
    """A 428 before any work, when no version was named (a change that checks its input,
    or hashes a password, before it loads the object)."""
    if expected is None:
        raise PreconditionRequired(
            f"Send If-Match (the ETag of the version you saw) to change {noun} {ident}."
        )


def ensure(version: int, expected: Expected | None, *, noun: str, ident: object) -> None:
    """A 428 when no version was named; a 412 when it is not the current ``version``."""
    if expected is None:
        raise PreconditionRequired(
            f'Send If-Match: "{version}" (the ETag of the version you saw) to change '
            f"{noun} {ident}."
        )
    if not expected.allows(version):
        raise PreconditionFailed(
            f"The {noun} {ident} has changed since you read it (now version "
            f"{version}); read it again and retry.",
            current_version=version,
        )
