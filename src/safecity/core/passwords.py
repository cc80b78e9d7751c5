"""Password checks beyond Django's (CJIS IA-5(1)(a), NIST SP 800-63B-4 §3.1.1.2).

* a compromised-password list: a packaged one (Django's and zxcvbn's common-password lists, ~40,000 entries)
  plus one an operator loads with `safecity passwords update FILE` (e.g. Have I Been Pwned's SHA-1 download).
  Both are files of sorted 8-byte SHA-1 prefixes searched in place (mmap + binary search), so even a list of
  a billion hashes costs no memory. The candidate is checked with the case and leetspeak undone and leading
  or trailing digits and symbols removed, so `P@ssw0rd123456` counts as `password`;
* a strength estimate (zxcvbn) with a minimum score, fed the person's names, e-mail and the city name;
* refusal of passwords that are mostly repeats (`aaaa`, `abcabc`) or sequences (`123456`, `abcdef`, `qwerty`);
* Django's common-password and all-digits validators with messages that say what to do instead;
* a generous maximum length.
"""

from __future__ import annotations

import hashlib
import mmap
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ImproperlyConfigured, ValidationError

DATA_DIR = Path(__file__).resolve().parent / "data"
PACKAGED_FILE = DATA_DIR / "compromised-sha1.bin"
OPERATOR_FILE_NAME = "compromised-sha1.bin"
PREFIX_BYTES = 8  # 64-bit prefixes: a chance match against a billion entries is about 1 in 20 billion

ADVICE = "Use a pass-phrase of three or four unrelated words instead."


def operator_list_path() -> Path:
    """Where `safecity passwords update` writes the operator's list (outside the package, kept on upgrade)."""
    return Path(settings.VAR_DIR) / OPERATOR_FILE_NAME


class HashList:
    """A file of sorted, distinct big-endian SHA-1 prefixes, searched in place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        size = path.stat().st_size if path.exists() else 0
        if size % PREFIX_BYTES:
            raise ValueError(f"{path}: not a list of {PREFIX_BYTES}-byte hash prefixes (size {size})")
        if size:
            with path.open("rb") as fh:
                self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self.count = size // PREFIX_BYTES

    def __len__(self) -> int:
        return self.count

    def __contains__(self, digest: bytes) -> bool:
        if self._map is None:
            return False
        key = digest[:PREFIX_BYTES]
        lo, hi = 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            at = self._map[mid * PREFIX_BYTES:(mid + 1) * PREFIX_BYTES]
            if at < key:
                lo = mid + 1
            elif at > key:
                hi = mid
            else:
                return True
        return False


@lru_cache(maxsize=4)
def _open_list(path: Path, mtime_ns: int, size: int) -> HashList:
    """One open mapping per file version: a list replaced by `passwords update` is picked up without a restart."""
    return HashList(path)


def hash_list(path: Path) -> HashList:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return HashList(path)
    return _open_list(path, stat.st_mtime_ns, stat.st_size)


def sha1(text: str) -> bytes:
    return hashlib.sha1(text.encode(), usedforsecurity=False).digest()


# Leetspeak as people type it; "1" and "|" stand for both "i" and "l", hence two tables.
_LEET_I = str.maketrans({"@": "a", "4": "a", "8": "b", "(": "c", "3": "e", "6": "g", "9": "g", "1": "i", "!": "i",
                         "|": "i", "0": "o", "$": "s", "5": "s", "7": "t", "+": "t", "2": "z"})
_LEET_L = str.maketrans({"@": "a", "4": "a", "8": "b", "(": "c", "3": "e", "6": "g", "9": "g", "1": "l", "!": "i",
                         "|": "l", "0": "o", "$": "s", "5": "s", "7": "t", "+": "t", "2": "z"})
_TRAILING = re.compile(r"[\d\W_]+$")
_LEADING = re.compile(r"^[\d\W_]+")
_WHOLE_REPEAT = re.compile(r"^(.+?)\1+$", re.DOTALL)


def leet_forms(text: str) -> set[str]:
    """`text` and its readings with leetspeak undone (only when it has a letter: "123456" is not leet)."""
    if not any(c.isalpha() for c in text):
        return {text}
    return {text, text.translate(_LEET_I), text.translate(_LEET_L)}


def variants(password: str) -> set[str]:
    """The forms an attacker's guessing rules reach from a listed password: case, leetspeak, padding, doubling."""
    lower = password.lower()
    found = {password, lower}
    stems = {lower, _TRAILING.sub("", lower), _LEADING.sub("", _TRAILING.sub("", lower))}
    stems |= {repeat.group(1) for stem in stems if (repeat := _WHOLE_REPEAT.match(stem))}
    for stem in stems:
        if len(stem) >= 3:
            found.update(leet_forms(stem))
    return found


class CompromisedPasswordValidator:
    """Refuses passwords (or their obvious variants) on the packaged or the operator's compromised list."""

    def validate(self, password: str, user: Any = None) -> None:
        lists = [hash_list(PACKAGED_FILE), hash_list(operator_list_path())]
        for candidate in variants(password):
            digest = sha1(candidate)
            if any(digest in hashes for hashes in lists):
                same = candidate == password
                raise ValidationError(
                    "This password has appeared in a data breach or on a list of common passwords"
                    + ("" if same else " (changing letters to look-alike symbols or adding digits does not help)")
                    + f"; choose another. {ADVICE}",
                    code="password_compromised")

    def get_help_text(self) -> str:
        return "Your password can't be one that is commonly used or has appeared in a data breach."


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    """Django's 20,000 common passwords, with a message that says what to do."""

    def get_error_message(self) -> str:
        return f"This password is one of the most common passwords; choose another. {ADVICE}"


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    """Django's all-digits check, with a message that says what to do."""

    def get_error_message(self) -> str:
        return f"This password is only digits, which are guessed quickly; use words. {ADVICE}"


class StrengthValidator:
    """zxcvbn's estimate of guessing effort must reach `min_score` (0 = trivial … 4 = very strong).

    Score 3 means roughly 10^8 guesses or more (hours of offline cracking at argon2 cost; safely beyond any
    online attack, which AC-7 stops after five tries). zxcvbn reads only the first 72 characters: a longer
    pass-phrase is judged by its start, which is the part an attacker guesses first.
    """

    MAX_INPUT = 72
    _lock = threading.Lock()  # zxcvbn keeps the user inputs in a module-level dictionary

    def __init__(self, min_score: int = 3) -> None:
        if not 0 <= int(min_score) <= 4:
            raise ImproperlyConfigured(f"SAFECITY_PASSWORD_MIN_SCORE must be 0–4, not {min_score!r}")
        self.min_score = int(min_score)

    @staticmethod
    def user_inputs(user: Any) -> list[str]:
        words = [str(getattr(settings, "CITY_NAME", "")), "safecity"]
        if user is not None:
            for attr in ("username", "first_name", "last_name", "email"):
                value = str(getattr(user, attr, "") or "")
                words.append(value)
                if attr == "email" and "@" in value:
                    words.extend(re.split(r"[@.]", value))
            agency = getattr(user, "home_agency", None)
            if agency is not None:
                words.extend([str(getattr(agency, "name", "")), str(getattr(agency, "ori", "")),
                              str(getattr(agency, "jurisdiction", ""))])
                words.extend(str(getattr(agency, "name", "")).split())
        return [w for w in words if len(w) >= 3]

    def validate(self, password: str, user: Any = None) -> None:
        from zxcvbn import zxcvbn

        with self._lock:
            result = zxcvbn(password[:self.MAX_INPUT], user_inputs=self.user_inputs(user),
                            max_length=self.MAX_INPUT)
        if int(result["score"]) >= self.min_score:
            return
        feedback = result.get("feedback") or {}
        hints = [str(feedback.get("warning") or "")] + [str(s) for s in feedback.get("suggestions") or []]
        detail = " ".join(h for h in hints if h)
        raise ValidationError(
            "This password is too easy to guess" + (f": {detail}" if detail else ".") + f" {ADVICE}",
            code="password_too_weak")

    def get_help_text(self) -> str:
        return "Your password must be hard to guess: avoid names, places, dates and common words or patterns."


# Ordered runs people type: the alphabet, digits and keyboard rows (US, German and French layouts).
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "1234567890", "`1234567890-=", "~!@#$%^&*()_+",
             "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./", "qwertzuiopü", "asdfghjklöä", "yxcvbnm",
             "azertyuiop", "qsdfghjklm", "wxcvbn", "qazwsxedcrfvtgbyhnujmikolp", "1qaz2wsx3edc4rfv5tgb6yhn7ujm")
_REPEAT = re.compile(r"(.+?)\1+", re.DOTALL)


def patterned(password: str) -> list[tuple[int, int]]:
    """Spans (start, end) of runs of at least three characters that are repeats or sequences."""
    text = password.lower()
    spans = [(m.start(), m.end()) for m in _REPEAT.finditer(text) if m.end() - m.start() >= 3]
    for seq in SEQUENCES:
        for order in (seq, seq[::-1]):
            nxt = {a: b for a, b in zip(order, order[1:], strict=False)}
            start = 0
            for i in range(1, len(text) + 1):
                if i < len(text) and nxt.get(text[i - 1]) == text[i]:
                    continue
                if i - start >= 3:
                    spans.append((start, i))
                start = i
    return spans


class RepeatSequenceValidator:
    """Refuses passwords made mostly of repeats or sequences (NIST 800-63B-4: 'repetitive or sequential')."""

    def __init__(self, max_share: float = 0.5) -> None:
        self.max_share = float(max_share)

    def validate(self, password: str, user: Any = None) -> None:
        if not password:
            return
        covered: set[int] = set()
        for start, end in patterned(password):
            covered.update(range(start, end))
        if len(covered) > self.max_share * len(password):
            raise ValidationError(
                "This password is mostly repeated or sequential characters (like “aaaa”, “abcabc”, “123456” or "
                f"“qwerty”), which are guessed first. {ADVICE}",
                code="password_pattern")

    def get_help_text(self) -> str:
        return "Your password can't be mostly repeated or sequential characters such as “aaaa” or “123456”."


class MaximumLengthValidator:
    """Allow long pass-phrases (NIST 800-63B-4: at least 64) but refuse absurd lengths that cost hashing time."""

    max_length = 256

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(f"Passwords can be at most {self.max_length} characters; shorten it.",
                                  code="password_too_long")

    def get_help_text(self) -> str:
        return f"Long pass-phrases with spaces are welcome (up to {self.max_length} characters)."
