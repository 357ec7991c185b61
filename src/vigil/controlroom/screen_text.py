"""Tokens of a control-room log, normalised for the screener, with their place in the text.

A log is free typing: capitals, abbreviations ("IP", "SUSP", "NFS", "c/o"), missing
apostrophes ("didnt"), and misspellings ("seperated", "strangeled"). The screener's
patterns run over a normalised copy of the text, one word per token joined by single
spaces; every normalised word keeps the offsets of the original token it came from, so
a match is always reported with the words the log really used.

Misspellings are corrected towards the screener's own keywords only when the typed word
is not itself a common English word (or is far rarer than the keyword), so "talking"
never becomes "stalking" and "refuse" never becomes "refuge"; a word no English list
knows is read as the commonest English word one edit from it, and "sayin" as "saying".
Word frequencies come from pyspellchecker's English list, shipped inside that package
(no download). Entry times ("2314", "[23:14]") break a run-on log into its entries.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

# Letters (with an inner apostrophe) or digits, or any single other visible character.
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w\s]", re.UNICODE)
BOUNDARY = "|"  # a sentence break in the normalised text (end of line, full stop, !, ?)
# A log entry's time ("2314", "23:14", "[23:14]") starts a new entry even when the
# entries run on in one line, as storm logs pasted into one field do.
_TIME_RE = re.compile(r"(?<![\w:/.])\[?(?:(?:[01]\d|2[0-3]):?|\d:)[0-5]\d(?::[0-5]\d)?\]?"
                      r"(?![\w:/.])")

# One token -> the words the patterns see. Police and control-room shorthand.
ABBREVIATIONS: dict[str, str] = {
    "ip": "victim", "i/p": "victim", "vic": "victim", "vict": "victim", "vctm": "victim",
    "ipp": "victim", "aggrieved": "victim", "ap": "victim", "ag": "victim",
    "rp": "caller", "inft": "informant", "infmt": "informant", "mop": "caller",
    "susp": "suspect", "suspt": "suspect", "sus": "suspect", "perp": "suspect",
    "offender": "suspect", "oic": "oic", "ch": "handler", "handler": "handler",
    "nfs": "non fatal strangulation", "ttk": "threats to kill", "ttks": "threats to kill",
    "rq": "risk questions", "rqs": "risk questions", "rqu": "risk questions",
    "chn": "children", "chldrn": "children", "chldn": "children", "childs": "children",
    "cyp": "children", "kiddies": "children", "kiddy": "child",
    "kid": "child", "kids": "children", "dtr": "daughter", "dau": "daughter",
    "gf": "girlfriend", "bf": "boyfriend",
    "preg": "pregnant", "pregnent": "pregnant",
    "seperated": "separated", "seperation": "separation",
    "re": "about", "regarding": "about", "wrt": "about",
    "abt": "about", "w/": "with", "w": "with", "u": "you", "ur": "your", "r": "are",
    "yrs": "years", "yr": "years", "yo": "years old", "y/o": "years old", "yoa": "years old",
    "mths": "months", "mnths": "months", "wks": "weeks", "wk": "week",
    "advsd": "advised", "adv": "advised", "advd": "advised", "asked": "asked",
    "askd": "asked", "qs": "questions", "q's": "questions", "ques": "questions",
    "refd": "referred", "ref'd": "referred", "signposted": "signposted",
    "no1": "no one", "noone": "no one", "nobody": "no one",
    "nil": "nil", "n/a": "n/a", "nk": "not known", "dk": "not known", "unk": "not known",
    "womensaid": "womens aid", "helpline": "helpline",
    # Storm-log shorthand: questions, statements, parties and DASH answers.
    "q'd": "asked", "qd": "asked", "q'ed": "asked", "sts": "states", "stts": "states",
    "xp": "ex partner", "expartner": "ex partner", "husb": "husband", "hsbnd": "husband",
    "wpn": "weapon", "wpns": "weapons", "esc": "escalation", "strang": "strangulation",
    "sep": "separation", "rng": "ring", "bk": "back", "til": "until", "till": "until",
    "arr": "arrival", "arrvl": "arrival", "tel": "telephone", "ph": "phone",
    "addr": "address", "hse": "house", "veh": "vehicle", "inj": "injury",
    "txt": "text", "txts": "texts", "msg": "message", "msgs": "messages",
    # Text-speak and phonetic spellings typed at speed.
    "wiv": "with", "wid": "with", "cos": "because", "coz": "because", "cuz": "because",
    "sed": "said", "sez": "says", "wud": "would", "cud": "could", "shud": "should",
    "wudnt": "would not", "cudnt": "could not", "shudnt": "should not", "dint": "did not",
    "thru": "through", "tho": "though", "b4": "before", "tonite": "tonight",
    "rite": "right", "alot": "a lot", "gunna": "going to", "gonna": "going to",
    "wanna": "want to", "y'day": "yesterday", "yday": "yesterday", "2day": "today",
}
_NOT_FORMS = {"dont", "didnt", "doesnt", "wasnt", "werent", "hasnt", "havent", "hadnt",
              "cant", "wont", "couldnt", "wouldnt", "shouldnt", "isnt", "arent", "aint"}
_NOT_BASES = {"can": "can", "won": "will", "ai": "is", "sha": "shall"}
# Multi-token shorthand, joined before the word map: "c/o", "y/o", "i/p", "n/a", "w/".
_JOINS = {("c", "/", "o"): "complains of", ("y", "/", "o"): "years old",
          ("i", "/", "p"): "victim", ("n", "/", "a"): "n/a", ("y", "/", "n"): "y/n",
          ("b", "/", "f"): "boyfriend", ("g", "/", "f"): "girlfriend",
          ("s", "/", "o"): "someone", ("w", "/"): "with", ("p", "/", "ship"): "partner",
          ("ex", "/", "p"): "ex partner"}


@dataclass(frozen=True)
class Text:
    """The normalised words of a log and where each came from."""

    original: str
    words: list[str]            # normalised words (BOUNDARY marks a sentence break)
    spans: list[tuple[int, int]]  # per word, the original (start, end) it came from
    joined: str                 # words joined by single spaces
    starts: list[int]           # per word, its offset in `joined`

    def word_range(self, start: int, end: int) -> tuple[int, int]:
        """The words [i, j) covering characters [start, end) of `joined`."""
        i = bisect.bisect_right(self.starts, start) - 1
        j = bisect.bisect_left(self.starts, end)
        return max(i, 0), max(j, i + 1)

    def source(self, i: int, j: int) -> tuple[int, int, str]:
        """Original offsets and text of words [i, j)."""
        s, e = self.spans[i][0], self.spans[j - 1][1]
        return s, e, self.original[s:e]


def tokenise(text: str) -> Text:
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    raw = [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    times = {m.start() for m in _TIME_RE.finditer(text)}
    last_end = 0
    k = 0
    n = len(raw)
    while k < n:
        tok, s, e = raw[k]
        if ("\n" in text[last_end:s] or s in times) and words and words[-1] != BOUNDARY:
            words.append(BOUNDARY)
            spans.append((last_end, last_end))
        low = tok.lower().replace("’", "'")
        if (low in ("-", "–") and k + 1 < n and s == last_end and raw[k + 1][1] == e
                and words and words[-1].isalnum() and raw[k + 1][0].isalnum()):
            # An inner hyphen ("non-fatal", "self-harm", "ex-partner") joins words.
            last_end = e
            k += 1
            continue
        joined = None
        for size in ((3, 2) if k + 1 < n and raw[k + 1][0] == "/" else ()):
            key = tuple(t[0].lower() for t in raw[k:k + size])
            if len(key) == size and key in _JOINS and raw[k + size - 1][1] - s <= size:
                joined, e = _JOINS[key], raw[k + size - 1][2]
                k += size - 1
                break
        out = joined.split() if joined else _normalise(low)
        for w in out:
            words.append(w)
            spans.append((s, e))
        # "?strangulation", or "? preg" opening a line, is shorthand for a query, not
        # the end of a sentence.
        # A question mark ends a sentence when it follows its word ("pregnant?"); one
        # standing before a word ("? preg", "?NFS") marks a query.
        query = low == "?" and e < len(text) and text[e] != "\n" and (
            not text[e].isspace() or s == 0 or text[s - 1].isspace())
        if low in (".", "!", "?") and not joined and not query:
            words.append(BOUNDARY)
            spans.append((e, e))
        last_end = e
        k += 1
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    return Text(text, words, spans, " ".join(words), starts)


# Longer "words" (a pasted hash, a key held down) are not spelling mistakes: correcting
# costs the square of the length, and a 100 KB log may be one such word.
MAX_CORRECTED = 30


@functools.lru_cache(maxsize=65536)
def _normalise(low: str) -> tuple[str, ...]:
    if low in ABBREVIATIONS:
        return tuple(ABBREVIATIONS[low].split())
    if low in _NOT_FORMS:
        base = low[:-2]
        return (_NOT_BASES.get(base, base), "not")
    if "'" in low:
        head, _, tail = low.partition("'")
        if tail == "t" and head.endswith("n"):  # didn't, can't, won't
            base = head[:-1]
            return (_NOT_BASES.get(base, base), "not")
        if tail in ("s", ""):  # caller's, womens'
            return _normalise(head + ("s" if head in ("women", "men", "children") else ""))
        if tail in ("ll", "d", "re", "ve", "m"):
            return (head, {"ll": "will", "d": "would", "re": "are", "ve": "have",
                           "m": "am"}[tail])
        return (low.replace("'", ""),)
    if low.isalpha() and 5 <= len(low) <= MAX_CORRECTED:
        return (correct(low),)
    if low.isalpha() and len(low) == 4 and low.endswith("in"):
        return (_g_dropped(low),)
    return (low,)


# --- spelling --------------------------------------------------------------------------

# Words the patterns key on; a misspelling of one of these (one edit away) is read as it.
_KEYWORD_TEXT = """
strangled strangle strangling strangulation strangulated throttled choked choking
suffocated suffocate smothered pregnant pregnancy expecting separated separation separating
split threatened threatening threats threat kill killed stalking stalked stalker harassment
harassing harassed escalating escalated escalation worse frequent controlling coercive
jealous jealousy suicidal suicide weapons weapon knife knives frightened scared afraid
isolated isolating children child toddler newborn daughter dependants infant baby babies
reassured reassurance reassuring reassure signposted signposting signpost referred
referral refuge helpline support services advised informed enquired questions asked
offered provided details leaflet advocate provoked provoking provocation deserved deserves
hysterical attention timewaster exaggerating overreacting winding nagging fault blame
blaming instigated strangulation pregnant encompass safeguarding independent domestic
suspect victim caller handler husband boyfriend girlfriend partner officers informant
neighbour arrival service attending completed refused declined unknown
established establish explored questioned clarified enquiries discussed checked check
remained stayed advised seeking present nothing possible police
"""
KEYWORDS: set[str] = set(_KEYWORD_TEXT.split())


def register_keywords(words) -> None:
    """Add the screener's own pattern words to the words misspellings are read as."""
    KEYWORDS.update(w for w in words if len(w) >= 5 and w.isalpha())
    _deletions_index.cache_clear()
    correct.cache_clear()
    _normalise.cache_clear()
    _long_keywords.cache_clear()

_SUFFIXES = frozenset({"s", "es", "ed", "d", "ing", "er", "ers", "ly", "ment", "ments"})
_STOP = frozenset({"about", "asked", "there", "their", "where", "which", "would", "could",
                   "should", "other"})


@functools.cache
def _deletions_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for k in KEYWORDS:
        if len(k) < 5:
            continue
        for d in _deletes(k) | {k}:
            index.setdefault(d, set()).add(k)
    return {d: frozenset(ks) for d, ks in index.items()}


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _common_start(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1:]
    return a[i + 1:] == b[i + 1:] or (
        i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:])


@functools.cache
def _long_keywords() -> tuple[str, ...]:
    return tuple(k for k in KEYWORDS if len(k) >= 5)


@functools.cache
def _frequencies():
    return _spelling().word_frequency


def _g_dropped(word: str) -> str:
    """"sayin", "bleedin", "lettin": the spoken "-in'" for "-ing", when the typed word
    is not itself a word and the "-ing" form is."""
    if not word.endswith("in") or word in KEYWORDS:
        return word
    freq = _frequencies()
    full = word + "g"
    if freq[word] * 50 < freq[full] or (full in KEYWORDS and not freq[word]):
        return full
    return word


@functools.lru_cache(maxsize=65536)
def correct(word: str) -> str:
    """`word`, or the word it misspells.

    First towards the screener's keywords (one insertion, deletion, substitution or
    swap); then a word no English list knows is read as the commonest English word
    one edit from it ("nieghbour", "folowing"), and a dropped g is put back ("sayin").
    """
    if word in _DOMAIN_WORDS:
        return word
    freq = _frequencies()
    best = _keyword_for(word)
    if best != word:
        return best
    dropped = _g_dropped(word)
    if dropped != word:
        return dropped
    if freq[word] or word in KEYWORDS or any(
            word.endswith(x) and freq[word[:-len(x)]] for x in _INFLECTIONS):
        return word  # a word, or an inflection of one the list lacks ("taker")
    return _english_for(word)


# Control-room words the English list lacks, which must not be "corrected".
_DOMAIN_WORDS = frozenset({"taker", "takers", "despatcher", "dispatcher", "signposting",
                           "safeguarding", "callback", "resourced", "grading", "regrade",
                           "regraded", "storm", "niche", "athena", "idvas", "isvas"})
_INFLECTIONS = ("s", "es", "d", "ed", "r", "er", "ers", "ing", "ly", "y")


@functools.cache
def _spelling():
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


def _english_for(word: str) -> str:
    """The commonest English word one edit from an unknown word, or the word itself."""
    spell = _spelling()
    candidates = spell.known(spell.edit_distance_1(word))
    if not candidates:
        return word
    freq = _frequencies()
    # The longest shared start first, as for keywords: a typo is seldom in the first letter.
    return max(sorted(candidates), key=lambda k: (_common_start(word, k), freq[k]))


def _keyword_for(word: str) -> str:
    """`word`, or the keyword it misspells (one insertion, deletion, substitution or swap)."""
    if word in KEYWORDS or word in _STOP or any(
            word.startswith(k) and word[len(k):] in _SUFFIXES for k in _long_keywords()):
        return word  # an inflection of a keyword ("supports"), not a misspelling
    index = _deletions_index()
    candidates: set[str] = set(index.get(word, ()))
    for d in _deletes(word):
        candidates |= index.get(d, frozenset())
    candidates = {k for k in candidates if _one_edit(word, k)}
    if not candidates:
        return word
    freq = _frequencies()
    # The keyword sharing the longest start with the typed word, then the commonest:
    # "chocked" is "choked", not "checked".
    best = max(sorted(candidates), key=lambda k: (_common_start(word, k), freq[k]))
    # A real word is left alone unless the keyword is far more common than it.
    if freq[word] * 50 >= max(freq[best], 1):
        return word
    return best
