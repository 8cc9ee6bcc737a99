"""The installation's password rules beyond Django's own (等保2.0 level 2 / OWASP ASVS level 2): a password
mixes at least three of the four kinds of character and never contains the account's user name. Both are
listed in settings.AUTH_PASSWORD_VALIDATORS, so every password form (registration, activation, change) shows
their help text and applies them."""

import unicodedata

from django.core.exceptions import ValidationError

CHARACTER_CLASSES = ("大写字母", "小写字母", "数字", "符号")


def _classes(password: str) -> set[str]:
    found = set()
    for ch in password:
        if ch.isupper():
            found.add("大写字母")
        elif ch.islower():
            found.add("小写字母")
        elif ch.isdigit():
            found.add("数字")
        else:  # punctuation, spaces, Chinese characters: anything not a letter or a digit
            found.add("符号")
    return found


class CharacterClassesValidator:
    """At least `min_classes` of upper-case letters, lower-case letters, digits and symbols."""

    def __init__(self, min_classes: int = 3):
        if not 1 <= min_classes <= len(CHARACTER_CLASSES):
            raise ValueError("min_classes must be between 1 and 4")
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        found = _classes(password)
        if len(found) < self.min_classes:
            missing = "、".join(c for c in CHARACTER_CLASSES if c not in found)
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}种（还可加入：{missing}）。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"你的密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}种。"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class UsernameNotContainedValidator:
    """The user name may not appear anywhere in the password, whatever the case or width of its letters."""

    def validate(self, password: str, user=None) -> None:
        username = getattr(user, "username", "") or ""
        if username and _fold(username) in _fold(password):
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "你的密码不能包含用户名（不区分大小写）。"
