"""URL converters shared by every app's urls.py."""

from django.urls import register_converter


class IdConverter:
    """A database id in a path: 1 to 18 digits.

    Django's ``int`` converter takes any run of digits, and a 20-digit id overflows the
    database driver (a 500) before the lookup can say "not found"; such a URL names nothing,
    so it does not match and the visitor gets the 404 page.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
