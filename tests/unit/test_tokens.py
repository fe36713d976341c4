"""JWT issue and verification: pinned algorithm, required claims, explicit leeway (P2, P3)."""

import base64
import datetime as dt
import json
import time

import jwt
import pytest

from hub.auth.tokens import TokenService
from hub.errors import Unauthorized

SECRET = "unit-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-ABCDEFGHIJ"  # 64+ bytes: fine for HS512 too


def service(**overrides) -> TokenService:
    values = dict(secret=SECRET, algorithm="HS256", issuer="clinic-hub", audience="clinic-hub",
                  leeway_seconds=10, access_minutes=60)
    return TokenService(**{**values, **overrides})


def claims(**overrides):
    now = int(time.time())
    base = {"sub": "u1", "role": "reception", "iat": now, "exp": now + 600, "iss": "clinic-hub", "aud": "clinic-hub"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload, key=SECRET, algorithm="HS256"):
    return jwt.encode(payload, key, algorithm=algorithm)


def refusal(tokens: TokenService, token) -> Unauthorized:
    with pytest.raises(Unauthorized) as info:
        tokens.verify(token)
    return info.value


def test_issue_then_verify_round_trips_string_sub_role_and_lifetime():
    tokens = service()
    token, lifetime = tokens.issue(1001, "doctor")
    verified = tokens.verify(token)
    assert verified.sub == "1001"
    assert verified.role == "doctor"
    assert lifetime == 3600
    assert verified.exp - verified.raw["iat"] == 3600
    assert verified.jti


def test_issue_header_uses_the_configured_algorithm():
    token, _ = service(algorithm="HS384").issue("u1", "admin")
    assert jwt.get_unverified_header(token)["alg"] == "HS384"


@pytest.mark.parametrize("token", [None, ""])
def test_verify_missing_token_is_missing_token(token):
    assert refusal(service(), token).code == "missing_token"


def test_verify_expired_beyond_leeway_is_token_expired():
    now = int(time.time())
    assert refusal(service(), sign(claims(iat=now - 700, exp=now - 60))).code == "token_expired"


def test_verify_expired_within_leeway_is_accepted():
    now = int(time.time())
    assert service().verify(sign(claims(iat=now - 700, exp=now - 2))).sub == "u1"


def test_verify_iat_two_seconds_in_the_future_is_accepted():
    now = int(time.time())
    assert service().verify(sign(claims(iat=now + 2))).sub == "u1"


def test_verify_iat_far_in_the_future_is_refused():
    now = int(time.time())
    assert refusal(service(), sign(claims(iat=now + 600, exp=now + 1200))).code == "invalid_token"


def _none_token(payload) -> str:
    def b64(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}."


def _forgeries():
    return {
        "alg_none": _none_token(claims()),
        "wrong_key": sign(claims(), key="another-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-ABCDEFG"),
        "hs512": sign(claims(), algorithm="HS512"),
        "no_exp": sign(claims(exp=None)),
        "no_iat": sign(claims(iat=None)),
        "no_sub": sign(claims(sub=None)),
        "int_sub": sign(claims(sub=1001)),
        "wrong_issuer": sign(claims(iss="someone-else")),
        "wrong_audience": sign(claims(aud="someone-else")),
        "no_role": sign(claims(role=None)),
        "role_not_string": sign(claims(role=["admin"])),
        "garbage": "not.a.jwt",
        "not_a_string": 12345,
    }


@pytest.mark.parametrize("name", list(_forgeries()))
def test_verify_forged_or_incomplete_token_is_the_same_generic_invalid_token(name):
    error = refusal(service(), _forgeries()[name])
    assert error.to_payload() == {"code": "invalid_token", "message": "Authentication failed."}


def test_verify_hs256_token_when_hs512_is_configured_is_refused():
    assert refusal(service(algorithm="HS512"), sign(claims())).code == "invalid_token"


def test_issue_negative_lifetime_gives_an_already_expired_token():
    token, _ = service().issue("u1", "admin", minutes=-1)
    assert refusal(service(), token).code == "token_expired"


def test_issue_extra_claims_are_carried():
    token, _ = service().issue("u1", "display", device="screen-1")
    assert service().verify(token).raw["device"] == "screen-1"


def test_verify_exp_is_an_int_timestamp():
    verified = service().verify(service().issue("u1", "admin")[0])
    assert isinstance(verified.exp, int)
    assert verified.exp > dt.datetime.now(dt.UTC).timestamp()
