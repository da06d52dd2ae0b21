"""The pure domain core: rules that decide, with no I/O.

Nothing here reads the database, the cache, the clock of a request or the settings: the
services load the facts and pass them in, and these functions answer. That keeps them fast
to test on their own (tests/domain/), and the same answer for a write, a dry run and a plan.
"""
