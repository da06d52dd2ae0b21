"""The pages a problem's ``type`` points at: ``/problems/<code>`` and ``/problems``, read as
a browser reads them (parsed, entities decoded)."""

from __future__ import annotations

from compax_server.api.problem_pages import page
from compax_server.api.problems import PROBLEMS
from tests.html_page import Page


async def test_a_problem_page_says_what_it_means_and_what_to_do(client, database):
    """The title, the code and status, both texts with their inline code (a `<` in it is
    text, not markup), a link to the list; cached an hour, like the list."""
    r = await client.get("/problems/unauthenticated")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["cache-control"] == "public, max-age=3600"
    read = Page(r.text)
    assert read.blocks == [
        ("title", "unauthenticated: Authentication required"),
        ("h1", "Authentication required"),
        ("p", "`unauthenticated`, HTTP 401"),
        ("h2", "What it means"),
        ("p", PROBLEMS["unauthenticated"].means),
        ("h2", "What to do"),
        (
            "p",
            "Send `Authorization: Bearer <access token or API key>`; log in at "
            "`POST /api/v1/auth/token`.",
        ),
        ("p", "All problems"),
    ]
    assert read.codes == [
        "unauthenticated",
        "Authorization: Bearer <access token or API key>",
        "POST /api/v1/auth/token",
    ]
    assert read.links == ["/problems"]


def test_every_problem_page_reads_as_its_kind():
    for code, kind in PROBLEMS.items():
        read = Page(page(code))
        assert read.blocks == [
            ("title", f"{code}: {kind.title}"),
            ("h1", kind.title),
            ("p", f"`{code}`, HTTP {kind.status}"),
            ("h2", "What it means"),
            ("p", kind.means),
            ("h2", "What to do"),
            ("p", kind.todo),
            ("p", "All problems"),
        ], code
        in_backticks = kind.means.split("`")[1::2] + kind.todo.split("`")[1::2]
        assert read.codes == [code, *in_backticks], code


async def test_the_list_has_every_problem_by_status_then_code(client, database):
    r = await client.get("/problems")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["cache-control"] == "public, max-age=3600"
    read = Page(r.text)
    ordered = sorted(PROBLEMS.items(), key=lambda item: (item[1].status, item[0]))
    assert read.blocks[:2] == [("title", "Compax problems"), ("h1", "Compax problems")]
    assert read.blocks[2] == (
        "p",
        "Errors are RFC 9457 `application/problem+json`; the `code` member is one of these.",
    )
    assert read.blocks[3:] == [
        ("li", f"`{code}` ({kind.status}): {kind.title}") for code, kind in ordered
    ]
    assert read.codes == ["application/problem+json", "code", *(code for code, _ in ordered)]
    assert read.links == [f"/problems/{code}" for code, _ in ordered]


async def test_an_unknown_problem_page_is_a_404_problem_that_names_it(client, database):
    r = await client.get("/problems/Not_Found")  # codes are snake_case, in lower case
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "There is no problem type 'Not_Found'; see /problems."
