"""Password rules beyond Django's: not the username, not one character over and over.

Django's own validators (settings.AUTH_PASSWORD_VALIDATORS) already refuse short,
common, all-digit and username-like passwords; these close the gaps they leave:
the username inside a longer password, and "aaaaaaaaaaaa" or "abababababab".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

# Fewer distinct characters than this is a pattern, not a password.
MIN_DISTINCT = 5


class NotUsernameValidator:
    """Refuse a password that contains the username (ignoring case and separators)."""

    def validate(self, password, user=None):
        name = _squash(getattr(user, "username", "") or "")
        if len(name) >= 3 and name in _squash(password):
            raise ValidationError("Your password must not contain your username.",
                                  code="password_contains_username")

    def get_help_text(self):
        return "Your password must not contain your username."


class RepeatedCharacterValidator:
    """Refuse a password made of one character repeated, or a short pattern repeated."""

    def validate(self, password, user=None):
        if len(set(password.lower())) < MIN_DISTINCT or _is_repeated_pattern(password.lower()):
            raise ValidationError(
                "Your password must not be a character or short pattern repeated.",
                code="password_repeated")

    def get_help_text(self):
        return f"Your password must use at least {MIN_DISTINCT} different characters."


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _is_repeated_pattern(text: str) -> bool:
    """'abcabcabcabc' is 'abc' four times; a pattern up to a third of the length counts."""
    n = len(text)
    return any(n % k == 0 and text == text[:k] * (n // k) for k in range(1, n // 3 + 1))
