"""A key too large for the database's integer columns is an unknown object (404), never a server error.

Every routed URL with an integer in its path is requested with keys past 2**63 - 1, by GET and by POST, as a
signed-in officer and as an anonymous visitor.
"""

import re

import pytest
from django.test import Client
from django.urls.resolvers import RoutePattern

from tests.test_url_permissions import SAMPLE_VALUES, all_routes

# 20 digits (past the converter's digit bound) and 19 digits just past the largest signed 64-bit integer.
OUT_OF_RANGE = ["99999999999999999999", str(2**63)]


def _is_integer(converter) -> bool:
    return re.fullmatch(converter.regex, "987654") is not None and re.fullmatch(converter.regex, "x") is None


def _integer_routes():
    routes = []
    for route in all_routes():
        if any(
            isinstance(p, RoutePattern) and any(_is_integer(c) for c in p.converters.values())
            for p in route.patterns
        ):
            routes.append(route)
    return routes


def _with_key(route, key: str) -> str:
    """The route's sample URL with `key` in place of each integer parameter."""
    pieces = []
    for pattern in route.patterns:
        text = str(pattern)
        for name, converter in pattern.converters.items():
            value = key if _is_integer(converter) else _sample(converter)
            text = re.sub(rf"<(?:[^>:]+:)?{re.escape(name)}>", value, text, count=1)
        pieces.append(text)
    return "/" + "".join(pieces)


def _sample(converter) -> str:
    return next(v for v in SAMPLE_VALUES if re.fullmatch(converter.regex, v))


def test_the_walk_finds_the_routes_with_ids():
    routes = {r.route for r in _integer_routes()}
    assert "evaluation/rounds/<id:round_pk>/results/" in routes
    assert len(routes) >= 60


@pytest.mark.parametrize("signed_in", [True, False], ids=["officer", "anonymous"])
def test_no_route_answers_an_out_of_range_id_with_a_server_error(olivia, signed_in):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(olivia)
    errors = []
    for route in _integer_routes():
        for key in OUT_OF_RANGE:
            url = _with_key(route, key)
            for method in (client.get, client.post):
                status = method(url).status_code
                if status >= 500:
                    errors.append(f"{method.__name__.upper()} {url} -> {status}")
    assert errors == []


def test_the_results_page_of_an_unknown_huge_round_is_not_found(client, olivia):
    client.force_login(olivia)
    response = client.get("/evaluation/rounds/99999999999999999999/results/")
    assert response.status_code == 404
