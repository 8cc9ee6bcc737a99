"""Out-of-range and foreign keys on the new routes: a key past a 64-bit integer, zero or another round's
object is a 404 for every signed-in role that may open the page, never a 500."""

import pytest

HUGE = "99999999999999999999"
ROUTES = [
    "/selection/rounds/{a}/dossiers/{b}/",
    "/selection/rounds/{a}/dossiers/{b}/evidence/{c}/",
    "/evaluation/rounds/{a}/results/",
    "/evaluation/rounds/{a}/committee-record.pdf",
    "/publicity/manage/rounds/{a}/objections/",
    "/publicity/manage/objections/{a}/",
    "/publicity/manage/objections/{a}/evidence/{b}/",
    "/publicity/manage/rounds/{a}/approval/form-leadership.pdf",
    "/publicity/manage/rounds/{a}/approval/form-government.pdf",
    "/publicity/manage/rounds/{a}/approval/signed-document/",
    "/publicity/manage/rounds/{a}/notice/enterprise-{b}.pdf",
    "/publicity/manage/notices/{a}/copy.pdf",
]


NOTICE_ROUTES = ROUTES[-2:]
# A key past a 64-bit integer matches no route (404 for everyone); a key in range that names nothing is
# a 404 too, except on the pages a role may never open, which answer 403 before any key is read.
FORBIDDEN = {
    "leo": NOTICE_ROUTES,
    "gina": NOTICE_ROUTES,
    "olivia": [ROUTES[0], ROUTES[1], ROUTES[-1]],
    "alice": ROUTES[:-2],
}


@pytest.mark.parametrize("key", [HUGE, "9223372036854775808", "0"])
@pytest.mark.parametrize("who", sorted(FORBIDDEN))
def test_an_out_of_range_key_on_a_new_route_is_not_found(client, request, who, key):
    client.force_login(request.getfixturevalue(who))

    statuses = {route: client.get(route.format(a=key, b=key, c=key)).status_code for route in ROUTES}

    in_range = key == "0"
    assert statuses == {route: 403 if in_range and route in FORBIDDEN[who] else 404 for route in ROUTES}
