"""Path converters for the project's URLs.

Django's own `int` converter accepts any run of digits; a key past what the database's integer columns hold
(2**63 - 1) then reaches the ORM, which raises OverflowError on SQLite and DataError on PostgreSQL: a 500
instead of the 404 of any other unknown key. `id` matches the same digits but declines such a key, so the
URL simply does not resolve.
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            # A converter's ValueError means "no match": the resolver goes on and ends in a 404.
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register_converters() -> None:
    register_converter(IdConverter, "id")
