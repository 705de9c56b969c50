"""``@api``: the Python snippet binds the real arguments, renamed keywords warn, retries follow read/write."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from wallaroo_widgets import Session, errors
from wallaroo_widgets.api import Area, api

from .loopback import make_jwt


class Things(Area):
    area = "things"

    @api(read=True, renamed={"thing_id": "thing_name"})
    def get(self, thing_name: str, n: int = 1, *, since=None, password: str | None = None, opts: dict | None = None):
        return self._post("get", {"name": thing_name, "n": n})

    @api(read=False)
    def make(self, config: dict | None = None, /, **fields):
        return self._post("make", {**(config or {}), **fields})

    def sneak(self):
        return self._post("sneak", {})


@pytest.fixture
def things(loopback):
    srv = loopback(lambda seen: (503, {"msg": "busy", "code": 503}) if "busy" in seen.path else (200, {"ok": 1}))
    s = Session.token(srv.url, make_jwt({"exp": 4_000_000_000}), retries=2)
    s._sleep = lambda _d: None
    return Things(s), srv


def test_python_text_shows_the_arguments_as_passed(things):
    t, _ = things
    t.get("a")
    assert t.session.last_call.api_call == "things.get('a')"
    t.get("a", 1, since=dt.datetime(2024, 1, 2, 3, tzinfo=dt.timezone.utc), password="Hunter-22",
          opts={"token": "T0ken-X", "k": [1]})
    text = t.session.last_call.api_call
    assert text == ("things.get('a', since='2024-01-02T03:00:00+00:00', password='***', "
                    "opts={'token': '***', 'k': [1]})")
    t.get(thing_name="b", n=3)
    assert t.session.last_call.api_call == "things.get('b', 3)"
    t.make({"x": 1}, name="m")
    assert t.session.last_call.api_call == "things.make({'x': 1}, name='m')"


def test_renamed_keyword_warns_and_still_works(things):
    t, srv = things
    with pytest.warns(DeprecationWarning, match=r"things.get\(thing_id=...\) is deprecated; use thing_name="):
        t.get(thing_id="old")
    assert srv.requests[-1].json() == {"name": "old", "n": 1}
    assert t.session.last_call.api_call == "things.get('old')"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.get(thing_name="new")  # the new name does not warn
    with pytest.raises(TypeError, match="both thing_id= .deprecated. and thing_name="):
        t.get(thing_id="a", thing_name="b")


def test_bad_arguments_are_a_type_error_before_any_request(things):
    t, srv = things
    with pytest.raises(TypeError):
        t.get("a", bogus=1)
    assert srv.requests == []


def test_sending_outside_an_api_method_is_refused(things):
    t, srv = things
    with pytest.raises(RuntimeError, match="outside an @api method"):
        t.sneak()
    assert srv.requests == []


def test_read_flag_decides_retries(things, loopback):
    t, srv = things
    t.area = "busy"
    with pytest.raises(errors.ServerError):
        t.get("a")
    assert len(srv.requests) == 3  # a read: first try + 2 retries
    with pytest.raises(errors.ServerError):
        t.make(name="m")
    assert len(srv.requests) == 4  # a write: sent once


def test_renamed_target_must_exist():
    with pytest.raises(TypeError, match="not parameters"):
        api(read=True, renamed={"a": "b"})(lambda self, c: None)
