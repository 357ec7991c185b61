"""Log-text screening: what a control-room log shows, with the words that show it.

Rules over a lexicon, with a scope for negation, deferral and reported speech (NegEx in
spirit, written for how call handlers type). No model, no network; pure Python, so it
runs inside an import and in batch. `screen(text)` is the whole interface.

Marks (see docs/log-screening.md for their words and limits):

  risk_factors_asked  the log shows the handler asked about (or recorded the answer to) a
                      key DASH risk factor: separation, pregnancy, strangulation, threats
                      to kill, stalking, escalation, and the other high-risk questions
  children_mentioned  children are present in, live in or are otherwise involved with the
                      household ("no children at the address" is not a mention)
  children_asked      the log establishes whether there are children, either way
  support_offered     support services were asked about, offered, signposted or referred to
  reassurance_given   the handler reassured the caller (help coming, stay on the line,
                      safety advice, "not your fault")
  victim_blaming      the log's own words blame the victim (not a suspect's words reported)

A hit that does not count is kept too, with its reason ("negated", "not asked",
"deferred to officers", "reported speech", "mentioned, not asked"), so a reviewer sees
why the screener said no.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from vigil.controlroom.screen_text import BOUNDARY, Text, register_keywords, tokenise

VERSION = "rules-1.1"

RISK, CHILDREN, CHILDREN_ASKED, SUPPORT, REASSURANCE, BLAMING = (
    "risk_factors_asked", "children_mentioned", "children_asked", "support_offered",
    "reassurance_given", "victim_blaming")
MARKS: dict[str, str] = {
    RISK: "Key risk factors asked",
    CHILDREN: "Children mentioned",
    CHILDREN_ASKED: "Children asked about",
    SUPPORT: "Support services asked about or offered",
    REASSURANCE: "Reassurance given",
    BLAMING: "Victim-blaming language",
}
MAX_HITS_PER_MARK = 25  # a 100 KB log can repeat a phrase hundreds of times


@dataclass(frozen=True)
class Hit:
    mark: str
    text: str       # the words as the log has them
    start: int      # offsets into the log text
    end: int
    counts: bool    # whether this hit sets the mark
    reason: str     # why it counts or not
    factor: str = ""  # for risk factors: which one

    def as_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end,
                "counts": self.counts, "reason": self.reason, "factor": self.factor}


@dataclass(frozen=True)
class Screening:
    marks: dict[str, bool]
    hits: tuple[Hit, ...] = field(default=())
    version: str = VERSION

    def hits_for(self, mark: str) -> list[Hit]:
        return [h for h in self.hits if h.mark == mark]

    def words_for(self, mark: str) -> list[str]:
        """The words that set the mark, as the log has them."""
        return [h.text for h in self.hits if h.mark == mark and h.counts]


def rx(body: str) -> re.Pattern:
    """A pattern over the normalised text: whole words, separated by single spaces."""
    return re.compile(r"(?<![^ ])(?:" + body + r")(?![^ ])")


# --- the lexicon -------------------------------------------------------------------------

FACTORS: dict[str, re.Pattern] = {name: rx(body) for name, body in {
    "separation": r"separat\w*|split(ting)? up|recent(ly)? split|broken? up|break ?up|"
                  r"ended (the|their|her|his) relationship|"
                  r"relationship (has |had |have )?(ended|broken down|finished|over)|"
                  r"left (him|her|the relationship|suspect)|moved out|estranged|divorc\w*",
    "pregnancy": r"pregnan\w*|expecting (a |another |his |their )?baby|(weeks|months) gone|"
                 r"gave birth|given birth|(recently )?had a baby|baby under 18 months|"
                 r"new ?born|antenatal|midwife",
    "strangulation": r"strangl\w*|strangulat\w*|chok(e|ed|es|ing)|throttl\w*|suffocat\w*|"
                     r"smother\w*|non fatal strangulation|"
                     r"hands? a?round (her|his|my|your|the|victims|victim) (neck|throat)|"
                     r"by the (neck|throat)|(pressure|hands?|arm|forearm) (on|to|against|"
                     r"across|around) (her|his|the|victims) (neck|throat)|head ?lock|"
                     r"(could not|can not|cannot|unable to|couldnt) breathe|drown\w*",
    "threats_to_kill": r"threats? to kill|threat\w* (to )?(kill|murder|end her life|stab|"
                       r"shoot)|death threats?|threats? to (her |his |their )?life|"
                       r"threat\w* (her|his|their) life|(kill|murder) (her|him|you|me|them|"
                       r"victim|the victim)|(going to|gonna|will|would|wanted to) kill",
    "stalking": r"stalk\w*|harass\w*|follow(s|ed|ing)? (her|victim|the victim)|"
                r"turn(s|ed|ing)? up (at|outside)|loiter\w*|"
                r"track(s|ed|ing)? (her|victim|the victim|her phone)|tracker|"
                r"(constant|constantly|repeatedly|persistent\w*|incessant\w*) "
                r"(call\w*|text\w*|messag\w*|contact\w*)|bombard\w*",
    "escalation": r"(getting|got|gotten|become|becoming|became|is|has been) (worse|more "
                  r"(frequent|violent|serious|often))|escalat\w*|more (often|frequent\w*|"
                  r"serious|violent|severe)|increas\w* (in )?(frequency|severity)|"
                  r"happening more",
    "fear": r"(very )?(frightened|scared|afraid|fearful)|in fear|"
            r"fear\w* for (her|his|their) (life|safety)",
    "isolation": r"isolat\w*|stop\w* (her|victim|you) (from )?(seeing|contacting|going)|"
                 r"not allowed (to see|out)|cut (her|victim) off",
    "suicide": r"suicid\w*|self harm\w*|kill (him|her|them)sel(f|ves)|"
               r"take (his|her|their) own life|overdos\w*|depress\w*",
    "child_contact": r"child contact|contact (with|arrangements? for) (the )?(children|child)|"
                     r"custody (of|dispute|battle|arrangements?)|access to the (children|child)",
    "control": r"controll?(ing|s|ed)? (behaviour|her|everything|finances|money|what)|"
               r"coerci\w*|jealous\w*|possessive|monitor\w* (her|victim)|"
               r"check\w* (her|victims) phone",
    "sexual": r"sexual\w*|rape|raped|rapes|raping|forced (her )?(to have )?sex|"
              r"sex against",
    "weapons": r"weapons?|knife|knives|blades?|firearms?|guns?|machete|hammer|"
               r"baseball bat|armed",
    "substance": r"(drug|drugs|alcohol|substance|drink|drinking|mental health) (issues?|"
                 r"problems?|misuse|abuse|history|dependency)|problems with (drink|drugs|"
                 r"alcohol)|alcoholic|addict\w*",
    "criminal_history": r"criminal (history|record)|previous (convictions|dv|da|domestic\w*|"
                        r"violence|incidents?|assaults?|reports?)|history of (violence|dv|da|"
                        r"domestic\w*|abuse)|known to police",
    "breach": r"breach\w*|bail conditions|injunction|non mol\w*|nmo|restraining order|"
              r"dvpo|dvpn|dapo|protection order",
    "honour": r"honou?r based|hbv|hba|forced marriage|honou?r (abuse|violence)",
    "animals": r"(pets?|animals?|dog|cat) (hurt|harmed|abused|mistreated|killed)|"
               r"(hurt|harmed|abused|mistreated|killed|kicked) (the |a |her |their )?"
               r"(pets?|animals?|dog|cat)",
    "financial": r"financ\w* (issues?|problems?|abuse|control|dependen\w*)|(financially|"
                 r"economically) (dependent|abus\w*|control\w*)|economic abuse",
}.items()}
# One scan for every factor: a named group per factor (m.lastgroup names it).
_FACTOR_SCAN = re.compile(r"(?<![^ ])(?:" + "|".join(
    f"(?P<{name}>{p.pattern[len('(?<![^ ])(?:'):-len(')(?![^ ])')]})"
    for name, p in FACTORS.items()) + r")(?![^ ])")
# Officer-safety questions every log asks: they count only with an explicit question.
_NEEDS_QUESTION = frozenset({"weapons", "substance", "criminal_history", "breach", "fear"})
GENERIC_RISK = rx(r"risk questions?|risk (factors?|assessment|checklist|qs|q)|"
                  r"q \d{1,2}( -| to)? \d{1,2}|questions \d{1,2}( -| to)? \d{1,2}|"
                  r"dash( risk)?( questions?| assessment| form| checklist| risk)?|ric|"
                  r"safelives|dara|risk identification")

CHILD = rx(r"children|child|babies|baby|infants?|toddlers?|new ?borns?|dependants?|"
           r"dependents?|young (persons?|people)|juveniles?|minors|u18s?|under 18s|twins|"
           r"step ?(children|child|sons?|daughters?)|stepchildren|grandchildren|"
           r"childrens|(op|operation) encompass|"
           r"(sons?|daughters?|boys?|girls?|brothers?|sisters?|nephews?|nieces?|"
           r"grandsons?|granddaughters?) (, )?(\( )?(aged |age )?\d{1,2}( years old| years|"
           r" months| weeks)?( \))?|"
           r"\d{1,2} (years old|year old|months old|month old|years) (son|daughter|boy|girl)|"
           r"(little|young|baby|infant|toddler|school age|teenage) (sons?|daughters?|boys?|"
           r"girls?|brothers?|sisters?)")
_CHILD_NOT = rx(r"childrens (serv\w*|social care|social serv\w*|centre)|child "
                r"(protection|services?|minder|minding|care|carer|abuse images)|childminder\w*|"
                r"children (services?|social care)")
_AGE = re.compile(r"(\d{1,2})( years| months| weeks)?")

SUPPORT_WORDS = rx(r"womens aid|women ?s aid|refuges?|idvas?|isvas?|idva service|"
                   r"support (services?|workers?|agenc\w*|organisations?|groups?|line|"
                   r"agencies|details|numbers?)|helplines?|help line|"
                   r"national (dv|da|domestic abuse|domestic violence) helpline|"
                   r"respect (phone ?line|helpline)|victim support|citizens advice|"
                   r"samaritans|mens advice line|galop|karma nirvana|safe ?lives|"
                   r"(domestic abuse|domestic violence|da|dv) (services?|support|charity|"
                   r"advocates?|workers?|team|organisation)|specialist (services?|support)|"
                   r"(coventry )?haven|bswa|outreach|advocacy|advocates?|sanctuary scheme|"
                   r"safe ?house|leaflets?|bright sky|victim care|witness care|"
                   r"(independent )?domestic (violence|abuse) advis\w*|"
                   r"(shelter|crisis) (services?|accommodation|line)|emergency accommodation")
SUPPORT_ACTS = rx(r"signpost\w*|(refused|declined|accepted|turned down|did not want) "
                  r"(all |any |the )?(support|help offered)|"
                  r"(offered|offer|made|accepted|declined|refused|wants) (a |the |an )?"
                  r"(referral|idva referral)|referral (offered|made|accepted|declined)|"
                  r"(referred|referral|refer|referring) (her |victim |the victim "
                  r"|caller )?(to|into|for) (support|an? idva|idva|womens aid|refuge|"
                  r"specialist|victim)|(offered|given|provided|passed|gave|provide|offer) "
                  r"(her |victim |caller |the caller |the victim )?(the )?(details|number|"
                  r"numbers|contact details|information|info) (of|for) (support|local "
                  r"services|services|agencies|help)")
_SUPPORT_NOT = rx(r"(took|taking|takes|sought|seeking|take) refuge|refuge (in|inside|upstairs)"
                  r"|(his|suspects|(suspect|he) (has|had|have|sees|with)( a| an| his)?) "
                  r"(support workers?|advocates?|idva|key worker)")

REASSURANCE_WORDS = rx(r"reassur\w*|(stay\w*|stayed|kept|keep\w*|remain\w*|held|hold\w*) "
                       r"(\w+ ){0,3}on (the )?(line|phone|call)|"
                       r"(kept|keep|keeping) (\w+ ){0,2}calm|"
                       r"(locked|lockable|safe) (room|door|place)|(kept|keep|held|hold\w*) "
                       r"(the )?(line|call) open|"
                       r"(done|did|doing) (the )?right thing|"
                       r"(stay|wait|hide|remain|go|lock (herself|yourself|themselves)) (\w+ ){0,2}"
                       r"in (a |the |her |your |their )?(locked |lockable |safe )?(bedroom|"
                       r"bathroom|room|kitchen|car)|"
                       r"not (her|your|their|victims) fault|not to blame|"
                       r"you are safe|safety advice|safe(ty)? plan\w*|"
                       r"lock(ed|ing)? (\w+ ){0,2}(doors?|herself in|themselves in)|"
                       r"lockable|safe room|stay (safe|inside|indoors|in a room|in the room)|"
                       r"calm\w* (\w+ )?down|calmed|help is (coming|on (its|the) way)|"
                       r"(call|ring|phone|dial) (back|us|police|again|999)( on)?( 999)?( again)?"
                       r" (if|should|straight)")
_HELP_COMING = rx(r"(help|police|officers?|units?|patrols?|someone|resources?|an officer|"
                  r"a unit|the police|assistance|ambulance) (is |are |was |were |will be |would "
                  r"be |have been |has been )?(on (the|their|its) way|en ?route|coming|being "
                  r"(sent|dispatched|deployed)|attending|going to attend|will attend|"
                  r"dispatched|deployed|sent|be with (her|you|them))")
_TOLD = rx(r"advis\w*|told|tell|telling|inform\w*|assur\w*|explain\w*|updated|update|"
           r"let (her|caller|victim|him|them) know|confirmed (to|with)|reassur\w*")
_REASSURANCE_NOT = rx(r"reassurance (patrol|visit|visits|patrols)")

BLAME_WORDS = rx(
    r"why (do|did|does|would|didnt|dont|doesnt|has|have|is|are|was|were)( not)? (you|she|"
    r"u|victim|the victim|caller|the caller)( \w+){0,3} (let\w*|go(ing)? back|went back|"
    r"stay\w*|keep|keeps|kept|take|took|leave|left|provok\w*|wind\w*|wound|call\w*|ring\w*|"
    r"put up|still|answer\w*|open\w*|drink\w*|go round|invite\w*|allow\w*|return\w*)|"
    r"what (did|had|has|does) (you|she|victim|the victim|caller|the caller) (do|done|say|"
    r"said)( \w+){0,2} (to|that)|"
    r"what (you|she|victim|the victim|caller|the caller) (did|had done|has done|said|"
    r"had said) (to|that)|"
    r"(wind\w*|wound) (him|suspect|the suspect|her partner|partner) up|"
    r"(she|you|victim|caller|the victim|the caller) (had |must have |may have |might have "
    r"|has |probably )?(provoked|provokes|provoking|"
    r"instigated|started it|started the|asked for it|was asking for it|kicked off|"
    r"brought it on)|"
    r"(her|your|their|victims|the victims) (own )?fault|own fault|"
    r"brought (it|this) on (herself|yourself|themselves)|(asking|asked) for it|"
    r"deserved? (it|this|what)|had it coming|"
    r"(she|you|victim|caller) (should|shouldnt|should not|should have|shouldve|could have|"
    r"couldve|needs to|need to|ought to) (have )?(left|known|stopped|leave|stop|not|kept|"
    r"avoided|stay\w*|call\w*|learn)|"
    r"(keeps?|kept|keep on) (going|letting (him|suspect)|taking (him|suspect)) back|"
    r"(let|lets|letting) (him|suspect|the suspect) back in|"
    r"(chose|chooses|choosing|choice) to (stay|go back|return|let|remain)|"
    r"(serial|frequent|persistent|repeat) caller|always (ringing|calling|phoning)|"
    r"time ?wast\w*|wasting (police|our|officers) time|attention seek\w*|drama queen|"
    r"hysterical|over ?react\w*|exaggerat\w*|making it up|crying wolf|"
    r"as bad as (each other|him)|six of one|6 of one|both (as bad|to blame)|handbags|"
    r"mutual (combat|fight\w*|abuse|argument)|it takes two|(nag|nagging|nagged|nags) (him|"
    r"suspect|at him)|drunk again|what do you expect|what did (she|you) expect|"
    r"why (you|she|victim|the victim|caller|the caller) (had not|has not|did not|does not|"
    r"do not|would|keeps?|kept|still|stays?|stayed|let\w*|goes?|went|took|takes|allowed|"
    r"invited|answered|opened)( \w+){0,3}|"
    r"(she|you|victim|caller|the victim|the caller) (was|is|are|were|must be|may be)"
    r"( partly| partially| also| equally| as much| just as much)? to blame|"
    r"victim ?blam\w*|if (she|you) (just|had just|hadnt|had not|didnt|did not|had left|"
    r"would just|would only) ")
_REPORTING_PARTY = (r"(suspect|off|he|his|him|partner|ex|ex partner|boyfriend|husband|son|father|"
                    r"officers?|police|they|"
                    r"brother|mother in law|family|his family|his mother|neighbour|caller|"
                    r"victim|she|her|they|informant|friend)")
_REPORTED = rx(_REPORTING_PARTY + r" (\w+ )?(said|says|saying|states|stated|told|tells|"
               r"telling|claims?|claimed|claiming|blames?|blamed|blaming|accus\w*|shout\w*|"
               r"scream\w*|yell\w*|call(s|ed|ing) her|alleg\w*|thinks|believes|feels|felt|"
               r"text\w*|messag\w*|keeps saying|kept saying|is saying|has said|was saying|"
               r"maintains|insists)")
_PASSIVE_TOLD = rx(r"(was|were|been|being|is|get|got) (\w+ )?(told|advised|informed|asked)")
_BY_HANDLER = rx(r"by (the |a )?(call )?(handler|taker|operator|call taker|ch|control room)")
_HANDLER_VOICE = rx(r"handler|call handler|operator|i said|i asked|i told|told (caller|"
                    r"victim|her)|log notes|advised (caller|victim|her)|asked (caller|"
                    r"victim|her)|call taker|ct|ch")

# --- shared cues ------------------------------------------------------------------------

_ASK = rx(r"(has|have|did|does|is|was|had) (he|she|you|suspect|victim) ever|"
          r"ask\w*|enquir\w*|inquir\w*|quer(y|ied|ies)|question(ed|ing|s)?|check(ed|ing|s)?|"
          r"establish\w*|clarif\w*|explor\w*|covered|probed|went through|go through|"
          r"gone through|discuss\w*|raised|confirm\w*|den(y|ies|ied)|y/n|answer\w*|"
          r"replied|responded|risk questions")
_ASK_IGNORED = rx(r"(asked|ask|asking|asks) (what happened|what has happened|what is "
                  r"happening|for (her |his |the )?(name|details|address|location|dob|"
                  r"postcode|number))")
_PARTY_SUBJECT = frozenset({"caller", "victim", "she", "he", "suspect", "they", "informant",
                            "neighbour", "neighbours", "partner", "husband", "boyfriend"})
_PARTY_ASK_OBJECT = frozenset({"him", "suspect", "them", "police", "officers", "for", "to",
                               "me", "us", "why", "when", "how", "what", "the"})
_NEGATORS = frozenset({"not", "never", "no", "without", "unable", "failed", "forgot",
                       "neglected", "omitted", "nor", "neither"})
_ANSWER_PRE = frozenset({"no", "nil", "not", "never", "denies", "denied", "deny", "confirms",
                         "confirmed", "any", "none", "negative", "zero"})
_ANSWER_WORDS = frozenset({"yes", "y", "no", "n", "nil", "none", "neg", "negative", "positive",
                           "unknown", "denies", "denied", "confirmed", "confirms", "x", "y/n",
                           "not", "nk", "0", "ye", "yeah", "nope"})
_SEPARATORS = frozenset({":", "-", "=", "?", "/", "(", "–", ">"})
_DEFERRED = rx(r"to be (asked|completed|done|covered|offered|given|discussed|referred|"
               r"signposted|carried out|undertaken|provided|passed)|to follow|"
               r"(officers?|oic|attending|police|pc|pcs|unit|units|patrol|safeguarding|they|"
               r"the officers|attending officers|crew|response) (to|will|should|can|must|"
               r"would|need to) (ask|complete|cover|do|offer|discuss|refer|signpost|provide|"
               r"give|carry out|follow up|conduct|undertake|pass|make)|on arrival|"
               r"by (attending|the attending|the officers|officers|oic|police|safeguarding)|"
               r"at scene|when officers (attend|arrive)")
_CONSENTS = frozenset({"happy", "agreed", "agrees", "wants", "wanted", "wishes", "consented",
                       "consents", "willing", "keen", "asked", "asks", "would", "like"})


def _deferred(clause: str) -> bool:
    """Left for officers to do ("DASH to be completed by attending officers"); a victim
    agreeing to be referred is not a deferral."""
    for m in _DEFERRED.finditer(clause):
        before = clause[:m.start()].split()
        if m.group().startswith("to be") and before and before[-1] in _CONSENTS:
            continue
        return True
    return False


_CLAUSE_BREAKS = frozenset({BOUNDARY, ";", "but", "however", "although", "though",
                            "whereas", "except"})
_NOT_ASKED_AFTER = re.compile(
    r"^(?:\S+ ){0,3}(?:was |were |is |are |has been |have been |been )?(?:not|never) "
    r"(?:asked|covered|established|explored|discussed|checked|raised|completed|done|"
    r"mentioned|ascertained|confirmed|addressed|offered|given|provided|passed|made|"
    r"signposted|referred|identified|known|possible|able)"
    r"|^(?:- |: )?(?:not asked|n/a|not covered|unknown|not known)")


# --- the document ------------------------------------------------------------------------

class _Doc:
    """The normalised log with sentence and clause limits per word."""

    def __init__(self, text: Text):
        self.t = text
        w = text.words
        n = len(w)
        self.sent_start = [0] * n
        self.clause_start = [0] * n
        s = c = 0
        for i, word in enumerate(w):
            if word == BOUNDARY:
                s = c = i + 1
            elif word in _CLAUSE_BREAKS:
                c = i
            self.sent_start[i] = s
            self.clause_start[i] = c
        self.sent_end = [n] * n
        self.clause_end = [n] * n
        e = ce = n
        for i in range(n - 1, -1, -1):
            word = w[i]
            if word == BOUNDARY:
                e = ce = i
            elif word in _CLAUSE_BREAKS and i > 0:
                ce = i
            self.sent_end[i] = e
            self.clause_end[i] = ce
        self._blame: list[tuple[int, int]] | None = None

    def blame_spans(self) -> list[tuple[int, int]]:
        if self._blame is None:
            self._blame = list(_find(self, BLAME_WORDS))
        return self._blame

    def span(self, a: int, b: int) -> str:
        return " ".join(self.t.words[a:b])

    def pre(self, i: int, k: int = 8, clause: bool = True) -> list[str]:
        start = self.clause_start[i] if clause else self.sent_start[i]
        return self.t.words[max(start, i - k):i]

    def post(self, j: int, k: int = 6, clause: bool = True) -> list[str]:
        if j >= len(self.t.words):
            return []
        end = self.clause_end[j - 1] if clause else self.sent_end[j - 1]
        return self.t.words[j:min(end, j + k)]

    def clause(self, i: int) -> tuple[int, int]:
        return self.clause_start[i], self.clause_end[i]

    def sentence(self, i: int) -> tuple[int, int]:
        return self.sent_start[i], self.sent_end[i]

    def asks(self, a: int, b: int) -> list[int]:
        """Word indexes in [a, b) where the handler asks (not a party, not negated)."""
        words = self.t.words
        seg = self.span(a, b)
        out = []
        ignored = {self._idx(a, m.start()) for m in _ASK_IGNORED.finditer(seg)}
        for m in _ASK.finditer(seg):
            k = self._idx(a, m.start())
            if k in ignored:
                continue
            before = words[max(a, k - 3):k]
            if any(w in _NEGATORS for w in before):
                continue
            if k > a and words[k - 1] in _PARTY_SUBJECT and words[k].startswith("ask"):
                after = words[k + 1:k + 4]
                if after and (after[0] in _PARTY_ASK_OBJECT or (
                        after[0] in ("if", "whether") and any(
                            w in ("police", "officers", "someone", "he", "they")
                            for w in after[1:]))):
                    continue
            out.append(k)
        return out

    def _idx(self, a: int, char: int) -> int:
        """The word index of character `char` of span(a, ...)."""
        return bisect.bisect_right(self.t.starts, self.t.starts[a] + char) - 1

    def header_cue(self, i: int) -> bool:
        """The sentence before this one ends with ':' after a question cue (a list follows)."""
        s = self.sent_start[i]
        for _ in range(8):
            if s < 2:
                return False
            ps = self.sent_start[s - 2]
            prev = self.t.words[ps:s - 1]
            if prev and prev[-1] == ":":
                seg = " ".join(prev)
                return bool(_ASK.search(seg) or GENERIC_RISK.search(seg))
            if not prev or len(prev) > 12:
                return False
            s = ps
        return False


def _find(doc: _Doc, pattern: re.Pattern):
    """(i, j) word ranges of each match over the normalised text."""
    for m in pattern.finditer(doc.t.joined):
        yield doc.t.word_range(m.start(), m.end())


# A negation's scope ends at a conjunction or comma (NegEx's terminators): in "not her
# fault and help is on the way" the "not" does not reach "help".
_SCOPE_ENDS = frozenset({"and", "then", ",", "so", "because", "while", "when", "who",
                         "which", "whilst"})


def _negated_before(words: list[str], within: int = 3) -> bool:
    ends = [k for k, w in enumerate(words) if w in _SCOPE_ENDS]
    if ends:
        words = words[ends[-1] + 1:]
    return any(w in _NEGATORS or w in ("nil", "zero", "0", "none") for w in words[-within:]
               ) or _prevented(words)


def _prevented(words: list[str]) -> bool:
    """"before any reassurance could be given", "prior to any advice": it did not happen."""
    tail = words[-3:]
    return any(w in ("before", "prior") for w in tail) and any(
        w in ("any", "anything") for w in tail)


# "did not get to / onto / round to", "no chance to", "no time to": the question was
# never reached, which is "not asked" whatever follows.
_NOT_REACHED = rx(r"(get|got|getting) (on ?to|round to|to|as far as)|chance|time to|"
                  r"opportunity|manage\w* to")


def _fresh_ask(words: list[str]) -> bool:
    """A question starting after a break (",", "then", "and") ends a negation's scope."""
    return any(w in (",", "then", "and", "-") and k + 1 < len(words) and
               _ASK.match(" ".join(words[k + 1:])) for k, w in enumerate(words))


def _ask_negated(doc: _Doc, i: int, j: int) -> bool:
    """'did not ask about X', 'X not asked', 'but not X' after a question."""
    pre = doc.pre(i, 10)
    if re.search(r"(?<![^ ])(ask\w*|enquir\w*|check\w*) (nothing|none|no questions)(?![^ ])",
                 " ".join(pre)):
        return True
    neg = [k for k, w in enumerate(pre) if w in _NEGATORS]
    if neg and _fresh_ask(pre[neg[-1]:]):
        neg = []  # "he would not let her leave, asked has he ever ...": a new question
    if neg:
        tail = " ".join(pre[neg[-1]:])
        if _ASK.search(tail) or _NOT_REACHED.search(tail) or re.search(
                r"(?<![^ ])(questions?|enquir\w*|mention\w*|discussion|dash|risk questions)"
                r"(?![^ ])", tail):
            return True
        if pre[0] in ("but", "except") and all(
                w in _NEGATORS or w in ("but", "except", "about", "if", "whether", "on",
                                        "for", "did", "was", "were", "asked", "ask")
                for w in pre):
            return True
    post = " ".join(doc.post(j, 8))
    return bool(_NOT_ASKED_AFTER.search(post))


def _answer_form(doc: _Doc, i: int, j: int) -> bool:
    pre = doc.pre(i, 3)
    if any(w in _ANSWER_PRE for w in pre):
        return True
    post = doc.post(j, 4)
    if not post:
        return False
    if post[0] in (":", "=", "?", ">"):
        return True
    if post[0] in _SEPARATORS and len(post) > 1:
        rest = [w for w in post[1:] if w not in _SAYS and w not in (
            "reply", "answer", "victim", "caller", "she", "he", "a")]
        return bool(rest) and (rest[0] in _ANSWER_WORDS or rest[0].isdigit())
    return post[0] in ("yes", "y", "no", "n", "y/n", "nil", "confirmed", "denied", "x")


# --- marks ------------------------------------------------------------------------------

def _risk(doc: _Doc) -> list[Hit]:
    hits: list[Hit] = []
    for m in _FACTOR_SCAN.finditer(doc.t.joined):
        i, j = doc.t.word_range(m.start(), m.end())
        hits.append(_risk_hit(doc, i, j, m.lastgroup))
    for i, j in _find(doc, GENERIC_RISK):
        hits.append(_generic_risk_hit(doc, i, j))
    return hits


def _risk_hit(doc: _Doc, i: int, j: int, factor: str) -> Hit:
    s, e, text = doc.t.source(i, j)
    a, b = doc.clause(i)

    def hit(counts: bool, reason: str) -> Hit:
        return Hit(RISK, text, s, e, counts, reason, factor)

    if _ask_negated(doc, i, j):
        return hit(False, "not asked")
    if any(bi <= i < bj for bi, bj in doc.blame_spans()):
        return hit(False, "part of victim-blaming language")
    if _deferred(doc.span(a, b)):
        return hit(False, "deferred to officers")
    sa, sb = doc.sentence(i)
    # A cue inside the factor's own words ("checking her phone") does not ask about it.
    asked = [k for k in doc.asks(a, b) if not i <= k < j]
    questioned = bool(asked) or "?" in doc.t.words[sa:sb] or doc.header_cue(i)
    if questioned:
        return hit(True, "asked")
    if factor not in _NEEDS_QUESTION and _answer_form(doc, i, j):
        return hit(True, "answer recorded")
    return hit(False, "mentioned, not asked")


def _generic_risk_hit(doc: _Doc, i: int, j: int) -> Hit:
    s, e, text = doc.t.source(i, j)
    a, b = doc.clause(i)
    clause = doc.span(a, b)

    def hit(counts: bool, reason: str) -> Hit:
        return Hit(RISK, text, s, e, counts, reason, "risk questions")

    pre = doc.pre(i, 4)
    if _negated_before(pre) or _ask_negated(doc, i, j) or \
            _NOT_ASKED_AFTER.search(" ".join(doc.post(j, 8))) or \
            re.search(r"(?<![^ ])(unable|failed|could not|couldnt|not able|refused|declined "
                      r"to (do|complete))(?![^ ])", clause):
        return hit(False, "not asked")
    if _deferred(clause):
        return hit(False, "deferred to officers")
    done = re.search(r"(?<![^ ])(asked|ask|completed|complete|done|carried out|covered|"
                     r"went through|gone through|conducted|undertaken|answered|taken|"
                     r"submitted|scored?|ticks?|high|medium|standard|yes|no)(?![^ ])", clause)
    post = doc.post(j, 3)
    if done or doc.asks(a, b) or (post and post[0] in (":", "-", "=")):
        return hit(True, "asked")
    return hit(False, "mentioned, not asked")


def _hit_at(mark: str, counts: bool, reason: str, *, text: str, start: int, end: int
            ) -> Hit:
    return Hit(mark, text, start, end, counts, reason)


def _age_ok(phrase: str) -> bool:
    m = _AGE.search(phrase)
    if not m:
        return True
    n, unit = int(m.group(1)), (m.group(2) or "").strip()
    return unit in ("months", "weeks") or n <= 17


_CHILD_POSITIVE = frozenset({"yes", "y", "present", "upstairs", "asleep", "x", "one", "two",
                             "three", "four", "five", "both", "confirmed", "living", "live",
                             "lives", "resident", "aged", "ye", "yeah"})
# An answer that does not know: "asked if any children - unsure".
_UNSURE = re.compile(r"^(?:\S+ ){0,6}?(?:-|:|says|said|,) (?:unsure|not sure|unclear|unknown|"
                     r"not known|does not know|do not know|cannot say)(?![^ ])")
_CHILD_COUNT = frozenset({"yes", "y", "ye", "yeah", "one", "two", "three", "four", "five",
                          "six", "both"})
_CHILD_NEGATIVE = frozenset({"no", "none", "nil", "n", "0", "zero", "negative", "nobody",
                             "neg", "n/a", "nope"})
_CHILD_STATE = frozenset({"present", "at", "in", "the", "address", "house", "household",
                          "property", "home", "living", "resident", "residing", "on",
                          "scene", "there"})
_SAYS = frozenset({"says", "said", "states", "stated", "confirms", "confirmed", "replied",
                   "answered", "reports", "advises", "advised"})
_QUESTION_FRAME = frozenset({"any", "if", "whether", "about"})


def _children(doc: _Doc) -> list[Hit]:
    hits: list[Hit] = []
    excluded = {(i, j) for i, j in _find(doc, _CHILD_NOT)}
    excluded_words = {k for i, j in excluded for k in range(i, j)}
    for i, j in _find(doc, CHILD):
        s, e, text = doc.t.source(i, j)
        phrase = doc.span(i, j)
        if i in excluded_words or not _age_ok(phrase):
            continue
        pre = doc.pre(i, 4)
        post = doc.post(j, 6)
        if phrase in ("baby", "babies") and any(
                w in ("expecting", "pregnant", "having", "lost", "miscarried", "carrying")
                for w in pre):
            continue

        hit = functools.partial(_hit_at, text=text, start=s, end=e)

        if doc.post(j, 3)[-1:] == ["n/a"] and doc.post(j, 3)[0] in _SEPARATORS:
            hits.append(hit(CHILDREN, False, "negated"))
            hits.append(hit(CHILDREN_ASKED, True, "answer recorded (none)"))
            continue
        if _ask_negated(doc, i, j):
            hits.append(hit(CHILDREN, False, "not asked"))
            hits.append(hit(CHILDREN_ASKED, False, "not asked"))
            continue
        if any(w in ("unknown", "unsure", "unclear") for w in pre) or \
                (" ".join(post[:3]).startswith(("unknown", "not known"))) or \
                _UNSURE.search(" ".join(doc.post(j, 10, clause=False))):
            hits.append(hit(CHILDREN, False, "not known"))
            hits.append(hit(CHILDREN_ASKED, False, "not known"))
            continue
        negated = _negated_before(pre, 3) or " ".join(pre[-2:]) in (
            "has no", "have no", "not have", "got no") or pre[-1:] == ["childless"]
        # A child with an age ("boy age 6") is a child, whatever frames it.
        question = not any(c.isdigit() for c in phrase) and (
            any(w in _QUESTION_FRAME for w in pre[-3:]) or "?" in post[:2])
        # The answer to a question may be in the next clause ("asked about children;
        # there are three"), so it is looked for in the sentence.
        answer = _child_answer(doc.post(j, 10, clause=not question), question)
        if not negated and answer is False:
            negated = True
        if negated:
            hits.append(hit(CHILDREN, False, "negated"))
            hits.append(hit(CHILDREN_ASKED, True, "answer recorded (none)"))
            continue
        if question and answer is None:
            hits.append(hit(CHILDREN, False, "asked, no answer recorded"))
            hits.append(hit(CHILDREN_ASKED, True, "asked"))
            continue
        hits.append(hit(CHILDREN, True, "mentioned"))
        hits.append(hit(CHILDREN_ASKED, True, "mentioned"))
    return hits


def _child_answer(post: list[str], question: bool) -> bool | None:
    """What follows 'children': True for a positive answer, False for 'none', else None.

    After a question ("any children?", "asked if any children live there") the answer
    is the first answer word after a separator or "says"; after a plain mention only a
    field-like "children: none" / "children - nil" is a negative.
    """
    answer_zone = not question
    if not question:
        # "children present: none", "kids at address - nil": a field and its answer.
        k = 0
        while k < len(post) and k < 5 and post[k] in _CHILD_STATE:
            k += 1
        if 0 < k < len(post) - 1 and post[k] in _SEPARATORS:
            nxt = post[k + 1]
            if nxt in _CHILD_NEGATIVE:
                return False
            if nxt in _CHILD_POSITIVE or nxt.isdigit():
                return True
    if question and post and (post[0].isdigit() or post[0] in _CHILD_COUNT):
        return True  # "asked about kids 2", "any children? yes"
    for k, w in enumerate(post):
        if w in _SEPARATORS or w in _SAYS or (question and w in (",", ";", "there")):
            answer_zone = True
            continue
        if not answer_zone:
            continue
        if w in _CHILD_NEGATIVE or (w == "not" and k and post[k - 1] in (
                "are", "is", "were", "was", "has", "have", "does", "do")):
            return False
        if w in _CHILD_POSITIVE or w.isdigit():
            return True
        if not question:
            # A plain mention: only the word right after a separator answers it.
            return None
    return None


def _support(doc: _Doc) -> list[Hit]:
    hits: list[Hit] = []
    excluded = {k for i, j in _find(doc, _SUPPORT_NOT) for k in range(i, j)}
    for pattern in (SUPPORT_WORDS, SUPPORT_ACTS):
        for i, j in _find(doc, pattern):
            if i in excluded or (j - 1) in excluded:
                continue
            s, e, text = doc.t.source(i, j)
            a, b = doc.clause(i)
            clause = doc.span(a, b)
            pre = doc.pre(i, 8)
            post = " ".join(doc.post(j, 8))

            hit = functools.partial(_hit_at, SUPPORT, text=text, start=s, end=e)

            if pattern is SUPPORT_ACTS and any(w in _NEGATORS for w in pre[-3:]):
                hits.append(hit(False, "not offered"))
                continue
            offer_negated = re.search(
                r"(?<![^ ])(no|not|never|without|unable to|failed to|nor)( \S+){0,5} (offer\w*|"
                r"advice|advised|signpost\w*|refer\w*|given|gave|give|provided|provide|passed|pass|discuss\w*|"
                r"ask\w*|mention\w*|details|info\w*|numbers?)(?![^ ])", " ".join(pre) + " ")
            if offer_negated or _NOT_ASKED_AFTER.search(post) or (
                    pre and pre[-1] in ("no", "nil") and re.match(
                        r"^(\S+ ){0,2}(offered|given|provided|passed|discussed|mentioned|"
                        r"made|signposted)", post)):
                hits.append(hit(False, "not offered"))
                continue
            if _deferred(clause):
                hits.append(hit(False, "deferred to officers"))
                continue
            hits.append(hit(True, "offered or asked about"))
    return hits


def _reassurance(doc: _Doc) -> list[Hit]:
    hits: list[Hit] = []
    excluded = {k for i, j in _find(doc, _REASSURANCE_NOT) for k in range(i, j)}
    for i, j in _find(doc, REASSURANCE_WORDS):
        if i in excluded:
            continue
        hits.append(_reassurance_hit(doc, i, j, told_needed=False))
    for i, j in _find(doc, _HELP_COMING):
        hits.append(_reassurance_hit(doc, i, j, told_needed=True))
    return hits


def _reassurance_hit(doc: _Doc, i: int, j: int, told_needed: bool) -> Hit:
    s, e, text = doc.t.source(i, j)
    a, b = doc.clause(i)
    pre = doc.pre(i, 5)
    post = " ".join(doc.post(j, 5))
    phrase = doc.span(i, j)
    if phrase.startswith("not ") and "fault" in phrase:
        negated = _negated_before(pre, 2)
    else:
        negated = _negated_before(pre, 4) or bool(re.match(
            r"^(\S+ ){0,2}(not|never) (given|provided|offered|reassured|possible)", post))
    if negated or re.search(r"(?<![^ ])(would not|wouldnt|refused to|hung up|could not|"
                            r"couldnt|unable to)(?![^ ])", " ".join(pre)):
        return Hit(REASSURANCE, text, s, e, False, "negated")
    if told_needed:
        clause = doc.span(a, b)
        if not _TOLD.search(clause) and "you" not in doc.t.words[a:b]:
            return Hit(REASSURANCE, text, s, e, False, "status note, not said to the caller")
    return Hit(REASSURANCE, text, s, e, True, "reassurance")


def _blaming(doc: _Doc) -> list[Hit]:
    hits: list[Hit] = []
    for i, j in _find(doc, BLAME_WORDS):
        s, e, text = doc.t.source(i, j)
        phrase = doc.span(i, j)
        pre = doc.pre(i, 5)
        sa, _ = doc.sentence(i)

        hit = functools.partial(_hit_at, BLAMING, text=text, start=s, end=e)

        if _negated_before(pre, 3) or phrase.startswith(("no ", "not ")) or (
                "blam" in phrase and _negated_before(doc.pre(i, 6), 6)):
            hits.append(hit(False, "negated"))
            continue
        before = doc.span(sa, i)
        reported_spans = [m.span() for m in _REPORTED.finditer(before)]
        reported = [e for _, e in reported_spans]
        # "told her" after "suspect" is the suspect speaking, not the handler.
        handler = [m.end() for m in _HANDLER_VOICE.finditer(before)
                   if not any(rs <= m.start() < re_ for rs, re_ in reported_spans)]
        quoted = "'" in before or '"' in before
        sent = doc.span(sa, doc.sentence(i)[1])
        if _PASSIVE_TOLD.search(before):
            # "she was told (by the call taker) ...": the agent, if named, is the speaker.
            if _BY_HANDLER.search(sent):
                hits.append(hit(True, "blaming language"))
            else:
                hits.append(hit(False, "reported speech (not the handler's words)"))
            continue
        if reported and (not handler or max(reported) > max(handler)):
            hits.append(hit(False, "reported speech (not the handler's words)"))
            continue
        if quoted and reported:
            hits.append(hit(False, "reported speech (not the handler's words)"))
            continue
        hits.append(hit(True, "blaming language"))
    return hits


def _pattern_words() -> set[str]:
    """Whole words spelt out in the patterns (not stems like 'strangl' before \\w*)."""
    sources = [p.pattern for p in FACTORS.values()] + [p.pattern for p in (
        GENERIC_RISK, CHILD, SUPPORT_WORDS, SUPPORT_ACTS, REASSURANCE_WORDS, _HELP_COMING,
        _TOLD, BLAME_WORDS, _ASK, _DEFERRED)]
    words = set()
    for src in sources:
        for m in re.finditer(r"(?<![a-z\\])([a-z]{5,})(?![a-z\\(])(\??)", src):
            words.add(m.group(1)[:-1] if m.group(2) else m.group(1))
    return words


register_keywords(_pattern_words())


# --- entry point ---------------------------------------------------------------------------

def screen(text: str | None) -> Screening:
    """Screen one log's text. Empty or missing text gives every mark False."""
    text = text or ""
    if not text.strip():
        return Screening({m: False for m in MARKS})
    doc = _Doc(tokenise(text))
    hits = _risk(doc) + _children(doc) + _support(doc) + _reassurance(doc) + _blaming(doc)
    marks = {m: False for m in MARKS}
    kept: list[Hit] = []
    per_mark: dict[str, int] = {}
    seen: set[tuple[str, int, int]] = set()
    for h in sorted(hits, key=lambda h: (not h.counts, h.start)):
        if (h.mark, h.start, h.end) in seen:
            continue  # two patterns found the same words: show them once
        seen.add((h.mark, h.start, h.end))
        if h.counts:
            marks[h.mark] = True
        if per_mark.get(h.mark, 0) < MAX_HITS_PER_MARK:
            per_mark[h.mark] = per_mark.get(h.mark, 0) + 1
            kept.append(h)
    if marks[CHILDREN]:
        marks[CHILDREN_ASKED] = True
    kept.sort(key=lambda h: (h.start, h.mark))
    return Screening(marks, tuple(kept))
