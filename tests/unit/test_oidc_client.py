"""The relying party's side of OpenID Connect (``services.oidc_client``) against a real HTTP
server on a loopback port that answers what each test tells it: discovery and its checks,
what is kept and for how long, the key set, the token endpoint's answers and refusals, and
the authorization URL. (The whole flows against a certified provider: tests/sso.)"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from compax_server import runtime
from compax_server.errors import SsoIdTokenInvalid, SsoProviderUnavailable
from compax_server.oidc import OidcProvider
from compax_server.services import oidc_client
from compax_server.services.oidc_client import Metadata, ProviderRefused


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"{}"


@dataclass
class Idp:
    """What the server answers per path, and every request it got (method, path, headers,
    form)."""

    url: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str], dict[str, str]]] = field(default_factory=list)

    def json(self, path: str, value: Any, status: int = 200) -> None:
        self.answers[path] = Answer(status, json.dumps(value).encode())

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r[1] == path)


@pytest.fixture
def idp() -> Iterator[Idp]:
    state = Idp()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, form: dict[str, str]) -> None:
            path = urlsplit(self.path).path
            state.requests.append((self.command, path, dict(self.headers), form))
            answer = state.answers.get(path, Answer(404, b'{"error": "not_found"}'))
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def do_GET(self) -> None:
            self._answer({})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
            self._answer({k: v[0] for k, v in parse_qs(raw).items()})

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        state.url = f"http://127.0.0.1:{server.server_address[1]}"
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def nothing_kept() -> Iterator[None]:
    for name in ("oidc_metadata", "oidc_keys"):
        runtime.memo(name).clear()
    yield
    for name in ("oidc_metadata", "oidc_keys"):
        runtime.memo(name).clear()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(oidc_client, "clock", lambda: now[0])
    return now


def provider(issuer: str, **changes: Any) -> OidcProvider:
    values: dict[str, Any] = {
        "name": "campus",
        "issuer": issuer,
        "client_id": "compax",
        "client_secret": "s3cret",
        **changes,
    }
    return OidcProvider(**values)


def discovery(issuer: str, **changes: Any) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/auth",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
        **changes,
    }


WELL_KNOWN = "/.well-known/openid-configuration"


# -- discovery --------------------------------------------------------------------------------


async def test_discovery_reads_the_endpoints_and_keeps_only_asymmetric_algorithms(idp: Idp):
    idp.json(
        WELL_KNOWN,
        discovery(
            idp.url,
            device_authorization_endpoint=f"{idp.url}/device",
            id_token_signing_alg_values_supported=["HS256", "none", "ES256", "RS256"],
        ),
    )
    meta = await oidc_client.metadata(provider(idp.url))
    assert meta == Metadata(
        issuer=idp.url,
        authorization_endpoint=f"{idp.url}/auth",
        token_endpoint=f"{idp.url}/token",
        jwks_uri=f"{idp.url}/jwks",
        device_authorization_endpoint=f"{idp.url}/device",
        algorithms=("ES256", "RS256"),
    )
    [(method, path, headers, _)] = idp.requests
    assert (method, path, headers["Accept"]) == ("GET", WELL_KNOWN, "application/json")


async def test_discovery_without_algorithms_or_device_endpoint(idp: Idp):
    idp.json(WELL_KNOWN, discovery(idp.url))
    meta = await oidc_client.metadata(provider(idp.url))
    assert (meta.algorithms, meta.device_authorization_endpoint) == (("RS256",), None)


async def test_each_issuer_has_its_own_discovery(idp: Idp):
    for realm in ("a", "b"):
        idp.json(f"/{realm}{WELL_KNOWN}", discovery(f"{idp.url}/{realm}"))
    a = await oidc_client.metadata(provider(f"{idp.url}/a"))
    b = await oidc_client.metadata(provider(f"{idp.url}/b", name="library"))
    assert (a.token_endpoint, b.token_endpoint) == (f"{idp.url}/a/token", f"{idp.url}/b/token")


async def test_discovery_is_kept_for_an_hour_per_issuer(idp: Idp, clock: list[float]):
    idp.json(WELL_KNOWN, discovery(idp.url))
    chosen = provider(idp.url)
    await oidc_client.metadata(chosen)
    clock[0] += oidc_client.DISCOVERY_SECONDS - 1
    await oidc_client.metadata(chosen)
    assert idp.hits(WELL_KNOWN) == 1
    clock[0] += 2
    await oidc_client.metadata(chosen)
    assert idp.hits(WELL_KNOWN) == 2


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        (
            Answer(200, json.dumps(discovery("https://evil.example")).encode()),
            "The discovery document at {url}/.well-known/openid-configuration names the issuer "
            "'https://evil.example', not the configured '{url}'.",
        ),
        (
            Answer(200, json.dumps({"issuer": "{url}"}).encode()),
            "The discovery document at {url}/.well-known/openid-configuration lacks "
            "'authorization_endpoint'.",
        ),
        (
            Answer(503, b"{}"),
            "The identity provider's discovery document "
            "({url}/.well-known/openid-configuration) answered 503.",
        ),
        (
            Answer(200, b" " * (oidc_client.MAX_RESPONSE + 1)),
            "The identity provider's discovery document "
            "({url}/.well-known/openid-configuration) answered 200.",
        ),
        (Answer(200, b"<html>"), "The identity provider's discovery document is not JSON."),
        (
            Answer(200, b"[1, 2]"),
            "The identity provider's discovery document is not a JSON object.",
        ),
    ],
)
async def test_a_broken_discovery_is_a_precise_503_and_nothing_is_kept(
    idp: Idp, answer: Answer, detail: str
):
    idp.answers[WELL_KNOWN] = Answer(answer.status, answer.body.replace(b"{url}", idp.url.encode()))
    with pytest.raises(SsoProviderUnavailable) as raised:
        await oidc_client.metadata(provider(idp.url))
    assert raised.value.detail == detail.format(url=idp.url)
    assert runtime.memo("oidc_metadata") == {}


async def test_a_provider_that_does_not_answer_is_named(idp: Idp):
    gone = "http://127.0.0.1:9"  # discard: nothing listens
    with pytest.raises(SsoProviderUnavailable) as raised:
        await oidc_client.metadata(provider(gone))
    assert raised.value.detail == (
        f"The identity provider's discovery document ({gone}{WELL_KNOWN}) does not answer: "
        "ConnectError."
    )


# -- keys ---------------------------------------------------------------------------------------


def key_set(*kids: str) -> dict[str, Any]:
    keys = []
    for kid in kids:
        key = RSAKey.generate_key(2048, {"kid": kid})
        keys.append(key.as_dict(private=False))
    return {"keys": keys}


async def test_keys_are_kept_and_fetched_again_only_after_their_times(idp: Idp, clock: list[float]):
    meta = Metadata(idp.url, "", "", f"{idp.url}/jwks", None, ("RS256",))
    idp.json("/jwks", key_set("k1"))
    first = await oidc_client._keys(meta)
    assert [k.kid for k in first.keys] == ["k1"]
    clock[0] += oidc_client.KEYS_REFRESH_SECONDS - 1
    assert await oidc_client._keys(meta, refresh=True) is first  # too soon to ask again
    clock[0] += 1  # exactly KEYS_REFRESH_SECONDS later: asked again
    idp.json("/jwks", key_set("k2"))
    second = await oidc_client._keys(meta, refresh=True)
    assert [k.kid for k in second.keys] == ["k2"]
    clock[0] += oidc_client.KEYS_SECONDS - 1
    assert await oidc_client._keys(meta) is second
    clock[0] += 1
    idp.json("/jwks", key_set("k3"))
    assert [k.kid for k in (await oidc_client._keys(meta)).keys] == ["k3"]
    assert idp.hits("/jwks") == 3


@pytest.mark.parametrize("doc", [{"keys": [{"kty": "nonsense"}]}, {"nope": 1}])
async def test_a_key_set_that_is_not_one_is_a_503(idp: Idp, doc: dict[str, Any]):
    meta = Metadata(idp.url, "", "", f"{idp.url}/jwks", None, ("RS256",))
    idp.json("/jwks", doc)
    with pytest.raises(SsoProviderUnavailable) as raised:
        await oidc_client._keys(meta)
    assert raised.value.detail.startswith("The provider's key set is not valid: ")
    assert runtime.memo("oidc_keys") == {}


# -- the token and device endpoints -------------------------------------------------------------


def padded(value: Any) -> bytes:
    """``value`` as JSON of exactly ``MAX_RESPONSE`` bytes (spaces after it)."""
    text = json.dumps(value).encode()
    return text + b" " * (oidc_client.MAX_RESPONSE - len(text))


PADDED = padded({"id_token": "x"})


def meta_of(idp: Idp) -> Metadata:
    return Metadata(idp.url, f"{idp.url}/auth", f"{idp.url}/token", "", f"{idp.url}/dev", ())


async def test_a_confidential_client_posts_its_credentials_as_basic_auth(idp: Idp):
    idp.json("/token", {"access_token": "a", "id_token": "i"})
    tokens = await oidc_client.exchange_code(
        provider(idp.url), meta_of(idp), code="c1", redirect_uri="https://cb", code_verifier="v"
    )
    assert tokens == {"access_token": "a", "id_token": "i"}
    [(method, path, headers, form)] = idp.requests
    assert (method, path) == ("POST", "/token")
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"compax:s3cret").decode()
    assert headers["Accept"] == "application/json"
    assert form == {
        "grant_type": "authorization_code",
        "code": "c1",
        "redirect_uri": "https://cb",
        "code_verifier": "v",
    }


async def test_a_public_client_sends_its_id_in_the_form(idp: Idp):
    idp.json("/dev", {"device_code": "d"})
    public = provider(idp.url, client_secret="", scopes="openid email")
    assert await oidc_client.start_device(public, meta_of(idp)) == {"device_code": "d"}
    [(_, path, headers, form)] = idp.requests
    assert path == "/dev" and "Authorization" not in headers
    assert form == {"scope": "openid email", "client_id": "compax"}
    idp.json("/token", {"id_token": "i"})
    await oidc_client.poll_device(public, meta_of(idp), "dc")
    assert idp.requests[-1][3] == {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": "dc",
        "client_id": "compax",
    }


@pytest.mark.parametrize(
    ("status", "body", "error", "description", "interval"),
    [
        (
            400,
            {"error": "invalid_grant", "error_description": "used"},
            "invalid_grant",
            "used",
            None,
        ),
        (400, {"error": "slow_down", "interval": 10}, "slow_down", "", 10),
        (400, {"error": "slow_down", "interval": "10"}, "slow_down", "", None),
        (200, {"error": "access_denied"}, "access_denied", "", None),  # an error, whatever status
        (500, {"message": "boom"}, "error", "", None),
        (400, {"error": "e" * 200, "error_description": "d" * 500}, "e" * 100, "d" * 300, None),
    ],
)
async def test_an_oauth_error_answer_is_a_refusal_bounded(
    idp: Idp, status: int, body: dict[str, Any], error: str, description: str, interval: Any
):
    idp.json("/token", body, status)
    with pytest.raises(ProviderRefused) as raised:
        await oidc_client.poll_device(provider(idp.url), meta_of(idp), "dc")
    refused = raised.value
    assert (refused.error, refused.description, refused.interval) == (error, description, interval)
    assert str(refused) == (f"{error}: {description}" if description else error)


async def test_an_answer_of_the_largest_size_is_read(idp: Idp):
    idp.answers["/token"] = Answer(200, PADDED)
    assert await oidc_client.poll_device(provider(idp.url), meta_of(idp), "dc") == {"id_token": "x"}
    idp.answers[WELL_KNOWN] = Answer(200, padded(discovery(idp.url)))
    assert (await oidc_client.metadata(provider(idp.url))).issuer == idp.url


@pytest.mark.parametrize(
    "answer",
    [
        Answer(502, b"<html>Bad gateway</html>"),
        Answer(200, b"[]"),
        Answer(200, PADDED + b" "),  # a JSON object, one byte too long
    ],
)
async def test_an_answer_without_a_json_object_is_a_503(idp: Idp, answer: Answer):
    idp.answers["/token"] = answer
    with pytest.raises(SsoProviderUnavailable) as raised:
        await oidc_client.poll_device(provider(idp.url), meta_of(idp), "dc")
    assert raised.value.detail == (
        f"The identity provider ({idp.url}/token) answered {answer.status} without JSON."
    )


async def test_a_token_endpoint_that_does_not_answer_is_a_503():
    gone = "http://127.0.0.1:9"
    meta = Metadata(gone, "", f"{gone}/token", "", None, ())
    with pytest.raises(SsoProviderUnavailable) as raised:
        await oidc_client.poll_device(provider(gone), meta, "dc")
    assert raised.value.detail == (
        f"The identity provider ({gone}/token) does not answer: ConnectError."
    )


# -- the authorization URL -----------------------------------------------------------------------


def test_the_authorization_url_carries_pkce_state_and_nonce(idp: Idp):
    chosen = provider(idp.url, scopes="openid email groups")
    url = oidc_client.authorization_url(
        chosen,
        meta_of(idp),
        redirect_uri="https://compax.example/cb",
        state="st",
        nonce="no",
        code_verifier="v" * 64,
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{idp.url}/auth"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        "response_type": "code",
        "client_id": "compax",
        "redirect_uri": "https://compax.example/cb",
        "scope": "openid email groups",
        "state": "st",
        "nonce": "no",
        "code_challenge": create_s256_code_challenge("v" * 64),
        "code_challenge_method": "S256",
    }


# -- the ID token ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signing_key() -> RSAKey:
    return RSAKey.generate_key(2048, {"kid": "k1"})


def id_token(key: Any, alg: str = "RS256", **claims: Any) -> str:
    now = int(time.time())
    values = {
        "iss": ISSUER,
        "aud": "compax",
        "sub": "ann",
        "iat": now,
        "exp": now + 300,
        "nonce": "n1",
        **claims,
    }
    values = {k: v for k, v in values.items() if v is not None}
    header = {"alg": alg, **({"kid": key.kid} if getattr(key, "kid", None) else {})}
    return jwt.encode(header, values, key, algorithms=[alg])


ISSUER = "https://idp.campus.example"


@pytest.fixture
def keys_of(idp: Idp, signing_key: RSAKey) -> Metadata:
    """The metadata of a provider whose key set (served by ``idp``) holds ``signing_key``."""
    idp.json("/jwks", {"keys": [signing_key.as_dict(private=False)]})
    return Metadata(ISSUER, "", "", f"{idp.url}/jwks", None, ("RS256",))


async def claims_of(meta: Metadata, token: Any, nonce: str | None = "n1") -> dict[str, Any]:
    return await oidc_client.id_token_claims(
        provider(ISSUER), meta, {"id_token": token}, nonce=nonce
    )


async def test_a_good_id_token_gives_its_claims(keys_of: Metadata, signing_key: RSAKey):
    claims = await claims_of(keys_of, id_token(signing_key, email="ann@campus.example"))
    assert (claims["sub"], claims["email"], claims["iss"]) == ("ann", "ann@campus.example", ISSUER)


async def test_a_device_login_has_no_nonce_to_check(keys_of: Metadata, signing_key: RSAKey):
    assert (await claims_of(keys_of, id_token(signing_key, nonce=None), nonce=None))["sub"] == "ann"


@pytest.mark.parametrize("token", [None, "", 5])
async def test_a_token_answer_without_an_id_token(keys_of: Metadata, token: Any):
    with pytest.raises(SsoIdTokenInvalid) as raised:
        await claims_of(keys_of, token)
    assert raised.value.detail == "The provider's token response carries no ID token."


@pytest.mark.parametrize(
    ("claims", "nonce", "detail"),
    [
        ({"exp": int(time.time()) - 120}, "n1", "The ID token has expired."),
        ({"iss": "https://evil.example"}, "n1", "The ID token is not valid: "),
        ({"iss": None}, "n1", "The ID token is not valid: "),
        ({"aud": None}, "n1", "The ID token is not valid: "),
        ({"aud": "someone-else"}, "n1", "The ID token is not valid: "),
        ({"nonce": "other"}, "n1", "The ID token is not valid: "),
        ({"nonce": None}, "n1", "The ID token is not valid: "),
        ({"sub": None}, "n1", "The ID token is not valid: "),
        ({"sub": ""}, "n1", "The ID token is not valid: "),
        ({"sub": "s" * 256}, "n1", "The ID token is not valid: its subject is longer than 255"),
    ],
)
async def test_a_doctored_id_token_is_refused_saying_why(
    keys_of: Metadata, signing_key: RSAKey, claims: dict[str, Any], nonce: str, detail: str
):
    with pytest.raises(SsoIdTokenInvalid) as raised:
        await claims_of(keys_of, id_token(signing_key, **claims), nonce)
    assert raised.value.detail.startswith(detail), raised.value.detail


async def test_clock_skew_is_tolerated_up_to_a_minute(keys_of: Metadata, signing_key: RSAKey):
    late = id_token(signing_key, exp=int(time.time()) - oidc_client.CLOCK_SKEW + 10)
    assert (await claims_of(keys_of, late))["sub"] == "ann"
    assert (await claims_of(keys_of, id_token(signing_key, sub="s" * 255)))["sub"] == "s" * 255


async def test_a_token_signed_with_the_client_secret_or_unsigned_is_refused(keys_of: Metadata):
    secret = OctKey.import_key("s3cret" * 6)
    with pytest.raises(SsoIdTokenInvalid):
        await claims_of(keys_of, id_token(secret, alg="HS256"))
    header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(
        json.dumps({"iss": ISSUER, "aud": "compax", "sub": "ann", "nonce": "n1"}).encode()
    ).rstrip(b"=")
    with pytest.raises(SsoIdTokenInvalid):
        await claims_of(keys_of, f"{header}.{body.decode()}.")


async def test_a_key_of_an_algorithm_not_announced_is_refused(idp: Idp, signing_key: RSAKey):
    idp.json("/jwks", {"keys": [signing_key.as_dict(private=False)]})
    only_es = Metadata(ISSUER, "", "", f"{idp.url}/jwks", None, ("ES256",))
    with pytest.raises(SsoIdTokenInvalid):
        await claims_of(only_es, id_token(signing_key))
    nothing_announced = Metadata(ISSUER, "", "", f"{idp.url}/jwks", None, ())
    assert (await claims_of(nothing_announced, id_token(signing_key)))["sub"] == "ann"


async def test_a_new_key_is_fetched_when_a_token_names_it(
    idp: Idp, keys_of: Metadata, signing_key: RSAKey, clock: list[float]
):
    assert (await claims_of(keys_of, id_token(signing_key)))["sub"] == "ann"
    rotated = RSAKey.generate_key(2048, {"kid": "k2"})
    idp.json("/jwks", {"keys": [rotated.as_dict(private=False)]})
    clock[0] += oidc_client.KEYS_REFRESH_SECONDS + 1
    assert (await claims_of(keys_of, id_token(rotated)))["sub"] == "ann"
    assert idp.hits("/jwks") == 2


async def test_an_access_token_that_does_not_match_at_hash_is_refused(
    keys_of: Metadata, signing_key: RSAKey
):
    token = id_token(signing_key, at_hash="not-the-hash")
    with pytest.raises(SsoIdTokenInvalid):
        await oidc_client.id_token_claims(
            provider(ISSUER), keys_of, {"id_token": token, "access_token": "a1"}, nonce="n1"
        )
