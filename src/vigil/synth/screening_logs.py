"""Labelled synthetic control-room logs for measuring the log-text screener.

The generator knows the truth: each log is built from pieces whose effect on each mark
is declared with the piece, so the label is what the text says, not what a rule reads.
Pieces that must NOT set a mark are mixed in on purpose: negations ("did not ask about
pregnancy", "no children at the address"), deferrals ("DASH to be completed by
officers"), reported speech (the suspect blaming her), risk volunteered by the caller in
the story of the incident (not asked), status notes ("Officers deployed").

Two styles, written separately so one can tune on the first and measure on the second:

  prose   the call handler writes whole sentences (the style the screener was tuned on)
  terse   control-room shorthand: capitals, "IP"/"SUSP"/"VIC", "c/o", field-like
          answers ("PREG - N"), timestamps, no apostrophes (held out)

Noise: misspelt keywords, capitals, doubled spaces; an empty log now and then; with
`huge=True` some logs are padded to about 100 KB with routine updates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vigil.synth.draw import Draw

MARKS = ("risk_factors_asked", "children_mentioned", "children_asked", "support_offered",
         "reassurance_given", "victim_blaming")
R, C, CA, S, RE, B = MARKS


@dataclass(frozen=True)
class LabelledLog:
    text: str
    truth: dict[str, bool]
    style: str


# A piece is (template, marks it sets True, marks it pins False). A mark is True in a
# log when any piece sets it; "pins" only documents the trap (nothing can unset a mark).
Piece = tuple[str, frozenset, frozenset]


def _p(text: str, sets: str = "", traps: str = "") -> Piece:
    return (text, frozenset(sets.split()), frozenset(traps.split()))


# ---------------------------------------------------------------------------------------
# Style "prose"

PROSE = {
    "opening": [
        _p("{caller} states her {rel} has come round to the address and is shouting and "
           "banging on the door."),
        _p("{caller} reports an argument with her {rel} that turned physical; she says he "
           "pushed her into the wall."),
        _p("{caller} says her {rel} grabbed her by the throat during an argument and has "
           "left on foot.", traps=R),
        _p("{caller} says her {rel} has threatened to kill her and is outside the house.",
           traps=R),
        _p("Neighbour reports hearing a woman screaming and things being thrown."),
        _p("{caller} reports her {rel} smashed the front window and will not leave."),
        _p("{caller} says her {rel} took her phone and bank card and will not let her leave "
           "the flat.", traps=R),
        _p("{caller} reports ongoing harassment from her {rel} since she ended the "
           "relationship last month.", traps=R),
        _p("{caller} states her adult son, aged 24, has been abusive and is refusing to "
           "leave.", traps=C),
        _p("{caller} reports her {rel} punched her in the face; she is bleeding from the "
           "lip."),
    ],
    "filler": [
        "Suspect believed to be in drink.", "Suspect still at the address.",
        "Suspect left prior to call, direction unknown.",
        "Caller does not know where the suspect is now.",
        "No weapons seen.", "Caller has a minor cut to her lip, declined an ambulance.",
        "Address has previous history of calls.", "Caller was very upset on the phone.",
        "Officers deployed.", "Log passed to despatch.", "Resource assigned.",
        "Crime report to follow.", "PNC checks completed on suspect.",
    ],
    R: [
        _p("Handler asked about recent separation: caller ended the relationship {n} weeks "
           "ago.", R),
        _p("Asked whether he has ever strangled or choked her - caller says he has choked "
           "her before.", R),
        _p("Key risk questions asked: separation, pregnancy, weapons, escalation.", R),
        _p("Handler asked whether the abuse is getting worse or happening more often - "
           "caller says yes.", R),
        _p("Caller asked if she is pregnant; she is {n} months pregnant.", R),
        _p("I asked whether he has ever threatened to kill her, and she said he has.", R),
        _p("Asked about stalking: he follows her to work most days.", R),
        _p("Handler went through the DASH risk questions with the caller.", R),
        _p("Caller denies any strangulation when asked.", R),
        _p("Asked if the suspect has ever used a weapon against her - no.", R),
        _p("Risk questions covered: she is not pregnant and they separated last week.", R),
    ],
    R + "_no": [
        _p("Handler did not ask about pregnancy or separation.", traps=R),
        _p("Risk questions were not asked as the caller hung up.", traps=R),
        _p("DASH to be completed by attending officers.", traps=R),
        _p("No risk questions asked.", traps=R),
        _p("Handler did not ask whether he had strangled her.", traps=R),
        _p("Caller says he threatened to kill her last week.", traps=R),
    ],
    C: [
        _p("Handler asked about children: {n} in the house, currently upstairs.", C + " " + CA),
        _p("Caller confirms {n} children present at the address.", C + " " + CA),
        _p("Her daughter, aged {age}, saw the incident.", C + " " + CA),
        _p("There is a baby in the house who is asleep.", C + " " + CA),
        _p("The kids are staying at their grandmother's tonight.", C + " " + CA),
        _p("Children not present, they are at school.", C + " " + CA),
        _p("Caller has two young sons who live with her.", C + " " + CA),
    ],
    CA: [
        _p("Handler asked about children in the household - none.", CA, C),
        _p("No children at the address (confirmed with caller).", CA, C),
        _p("Caller has no children.", CA, C),
        _p("Asked if any children live there - caller says no.", CA, C),
    ],
    C + "_no": [
        _p("Handler did not ask about children.", traps=C + " " + CA),
        _p("Referral to children's services to be considered by officers.", traps=C),
        _p("She is expecting a baby in the spring.", traps=C),
    ],
    S: [
        _p("Asked whether she is in contact with any support services; given details of "
           "Women's Aid.", S),
        _p("Asked if she has an IDVA or support worker - she does not; offered the helpline "
           "number.", S),
        _p("Handler signposted the National Domestic Abuse Helpline.", S),
        _p("Caller already has an IDVA through the refuge.", S),
        _p("Offered a referral to the local domestic abuse service, which she accepted.", S),
        _p("Caller declined support services when offered.", S),
    ],
    S + "_no": [
        _p("No support services were offered.", traps=S),
        _p("Handler did not signpost any support.", traps=S),
        _p("Caller took refuge in the bathroom.", traps=S),
        _p("Officers to offer support details on arrival.", traps=S),
        _p("Her mother is supporting her.", traps=S),
    ],
    RE: [
        _p("Call handler reassured the caller that officers were on the way and stayed on "
           "the line.", RE),
        _p("Advised caller that help is coming and to stay in a room with a lockable door.",
           RE),
        _p("Caller reassured; told to call back on 999 if anything changes.", RE),
        _p("I told her she had done the right thing by calling.", RE),
        _p("Kept the caller on the line until officers arrived.", RE),
        _p("Told caller it is not her fault and that police are coming.", RE),
    ],
    RE + "_no": [
        _p("No reassurance given.", traps=RE),
        _p("Caller would not stay on the line.", traps=RE),
        _p("Officers en route.", traps=RE),
    ],
    B: [
        _p("Handler: why do you keep letting him back in if he does this?", B),
        _p("Handler asked caller what she did to start the argument.", B),
        _p("Log notes caller 'winding him up' before the assault.", B),
        _p("Handler told her she should have left him years ago.", B),
        _p("Caller is a known time waster and was drunk again.", B),
    ],
    B + "_no": [
        _p("Suspect told her it was her own fault.", traps=B),
        _p("Handler reassured her that it was not her fault.", RE, B),
        _p("Caller says he blames her for the argument.", traps=B),
        _p("No victim blaming language used.", traps=B),
    ],
}

# ---------------------------------------------------------------------------------------
# Style "terse" (held out: written apart from the lexicon)

TERSE = {
    "opening": [
        _p("{time} IP C/O {rel} ASSAULTED HER AT HOME ADDRESS, SUSP STILL ON SCENE"),
        _p("{time} VIC RINGING IN DISTRESSED. SUSP ({rel}) BEEN KICKING DOOR IN"),
        _p("{time} ip states susp had her in a headlock earlier tonight, now left scene",
           traps=R),
        _p("{time} DV. IP REPORTS SUSP SENT MSGS SAYING HE WILL STAB HER", traps=R),
        _p("{time} 3RD PTY CALLER - SCREAMS HEARD FROM NEXT DOOR"),
        _p("{time} ip says ex turned up at work again today, 4th time this wk", traps=R),
        _p("{time} IP C/O SUSP DAMAGING CAR. IP'S SON (31) ALSO AT ADDRESS", traps=C),
        _p("{time} vic says partner slapped her, has redness to face"),
    ],
    "filler": [
        "{time} UNIT 4B ASSIGNED", "{time} PNC / PND DONE", "{time} SUSP DESC: W/M 30S",
        "{time} LOC CONFIRMED", "{time} no weapons believed", "{time} AMBO NOT REQ",
        "{time} closing as crime - see CRIMS", "{time} 1 x unit at scene",
        "{time} prev DV at address x3", "{time} ETA 10 MINS",
    ],
    R: [
        _p("{time} RISK Q'S: SEP - Y ({n} WKS), PREG - N, NFS - N, TTK - Y"),
        _p("{time} rq's done - ip has split from susp recently, not pregnant"),
        _p("{time} CH ASKED ?STRANGULATION - IP SAYS YES LAST MONTH"),
        _p("{time} Qs asked re escalation - vic says its getting worse"),
        _p("{time} DASH COMPLETED WITH IP OVER PHONE - HIGH"),
        _p("{time} asked ip is she pregnent - 20 wks"),
        _p("{time} ASKED IF SUSP EVER THREATENED TO KILL HER - IP SAYS NO"),
        _p("{time} CHECKED IF EVER CHOCKED - DENIES"),
    ],
    R + "_no": [
        _p("{time} RISK QS NOT DONE - IP HUNG UP"),
        _p("{time} dash to be done by attending units"),
        _p("{time} no rq's asked"),
        _p("{time} DIDNT ASK RE PREG"),
        _p("{time} IP SAYS SUSP TRIED TO CHOKE HER"),
    ],
    C: [
        _p("{time} 2 X CHILDREN AT ADDRESS (4 AND 6)"),
        _p("{time} chn present - in bedroom"),
        _p("{time} KIDS x{n} IN HOUSE"),
        _p("{time} IP HAS 3 YR OLD DAUGHTER, AT NANS TONIGHT"),
        _p("{time} BABY IN PROPERTY"),
        _p("{time} children - yes, both asleep upstairs"),
    ],
    CA: [
        _p("{time} CHILDREN: NONE"),
        _p("{time} no kids at address"),
        _p("{time} NIL CHILDREN"),
        _p("{time} asked re children - nil"),
    ],
    C + "_no": [
        _p("{time} NOT ASKED RE CHILDREN"),
        _p("{time} UNKNOWN IF ANY CHILDREN"),
    ],
    S: [
        _p("{time} ADV RE WOMENS AID, NUMBER GIVEN"),
        _p("{time} ip already has idva"),
        _p("{time} SIGNPOSTED TO DA HELPLINE"),
        _p("{time} IP ASKED IF WANTS REFERRAL TO SUPPORT SERVICES - DECLINED"),
        _p("{time} given details for haven"),
    ],
    S + "_no": [
        _p("{time} no signposting done"),
        _p("{time} SUPPORT NOT OFFERED"),
        _p("{time} OFFICERS TO SIGNPOST AT SCENE"),
    ],
    RE: [
        _p("{time} IP REASSURED, UNITS EN ROUTE"),
        _p("{time} kept ip on line till police arr"),
        _p("{time} ADV IP HELP IS ON WAY, TO LOCK HERSELF IN BATHROOM"),
        _p("{time} ip told to ring back 999 if susp returns"),
    ],
    RE + "_no": [
        _p("{time} UNITS EN ROUTE"),
        _p("{time} ip refused to stay on line"),
        _p("{time} NO REASSURANCE GIVEN TO IP"),
    ],
    B: [
        _p("{time} ip drunk again, time waster"),
        _p("{time} CH ASKED IP WHY SHE KEEPS TAKING HIM BACK"),
        _p("{time} IP PROVOKED SUSP BY NAGGING HIM"),
        _p("{time} told ip she should have left him"),
    ],
    B + "_no": [
        _p("{time} SUSP SAYS SHE STARTED IT"),
        _p("{time} IP SAYS SUSP BLAMES HER FOR EVERYTHING"),
        _p("{time} CH TOLD IP NOT HER FAULT", RE),
    ],
}
# ---------------------------------------------------------------------------------------
# Style "free" (held out: written after the screener was tuned, in other words again)

FREE = {
    "opening": [
        _p("{time} call from IP, reports SUSP ({rel}) has assaulted her tonight"),
        _p("{time} ip very upset, says SUSP punched her and pulled her hair"),
        _p("{time} caller stated SUSP tried to strangle her last year", traps=R),
        _p("{time} SUSP has been messaging her constantly all day", traps=R),
        _p("{time} neighbour calling re shouting next door, female crying"),
        _p("{time} IP reports {rel} smashed her phone, she is locked in the bedroom"),
        _p("{time} ip's son (22) called police on her behalf", traps=C),
        _p("{time} SUSP is a child minder and is at work", traps=C),
    ],
    "filler": [
        "{time} unit assigned", "{time} PNC checks on SUSP - warning markers for violence",
        "{time} address has 4 prev DV logs", "{time} SUSP described as W/M, 40s, tall",
        "{time} IP refuses ambulance", "{time} log passed to DA desk",
        "{time} officers at scene", "{time} IP appears intoxicated",
    ],
    R: [
        _p("{time} CH went through risk questions with IP, separated 3 months ago, not "
           "pregnant"),
        _p("{time} asked re previous strangulation - states he has put his hands around "
           "her neck before"),
        _p("{time} Risk: recent separation (Y), pregnancy (N), choking (Y), threats to "
           "kill (N)"),
        _p("{time} established she left him last week"),
        _p("{time} explored with vic whether SUSP has threatened her life - she confirmed "
           "he has"),
        _p("{time} vic confirmed when asked that she is 12 weeks pregnant"),
        _p("{time} Q re stalking: yes, he sits outside her house most nights"),
        _p("{time} Enquired whether the abuse has been getting worse recently, she states "
           "it has"),
        _p("{time} asked about any history of choking or strangulation - no"),
        _p("{time} DASH questions asked - 15 yes answers"),
        _p("{time} asked if ever tried to suffocate her - vic states yes with a pillow"),
    ],
    R + "_no": [
        _p("{time} RQs not asked - caller very distressed"),
        _p("{time} handler failed to ask about strangulation despite caller mentioning "
           "neck pain"),
        _p("{time} no questions were asked regarding separation or pregnancy"),
        _p("{time} risk assessment to be completed by OIC"),
    ],
    C: [
        _p("{time} two kids in the property, ages 3 and 5"),
        _p("{time} youngest child (18 months) in the house"),
        _p("{time} 3 dependants living at the address"),
        _p("{time} IP's children were present and witnessed the assault"),
        _p("{time} step-son aged 10 lives with them"),
        _p("{time} the children are at school"),
        _p("{time} vic has a 6 month old baby"),
        _p("{time} CYP x2 present"),
        _p("{time} kids asleep upstairs"),
    ],
    CA: [
        _p("{time} no kids in the household"),
        _p("{time} No CYP at address"),
        _p("{time} no children live at the address"),
        _p("{time} children - n/a"),
        _p("{time} asked if kids were in the house - no"),
        _p("{time} Children: 0"),
    ],
    C + "_no": [
        _p("{time} children not asked about"),
    ],
    S: [
        _p("{time} provided IP with Women's Aid number"),
        _p("{time} passed details of local DA support service"),
        _p("{time} IP given the number for the national helpline"),
        _p("{time} discussed IDVA support, IP happy to be referred"),
        _p("{time} IP is already engaged with Birmingham & Solihull Women's Aid"),
        _p("{time} offered referral to Victim Support - declined"),
        _p("{time} advised of the Bright Sky app"),
        _p("{time} signposted to refuge accommodation"),
    ],
    S + "_no": [
        _p("{time} no signposting given"),
        _p("{time} support services not discussed"),
        _p("{time} IP hid in the bathroom"),
        _p("{time} neighbour is supporting her"),
        _p("{time} OIC to refer to IDVA"),
        _p("{time} did not offer any support agencies"),
    ],
    RE: [
        _p("{time} reassured IP police are on their way"),
        _p("{time} remained on the line with IP until police arrived"),
        _p("{time} advised IP to stay in a locked room until officers attend"),
        _p("{time} told IP help is on the way"),
        _p("{time} IP informed that officers are en route"),
        _p("{time} CH provided safety advice"),
        _p("{time} kept IP calm and on the phone"),
        _p("{time} IP told to call back if SUSP returns"),
    ],
    RE + "_no": [
        _p("{time} units dispatched"),
        _p("{time} no safety advice given"),
        _p("{time} CH did not stay on line"),
    ],
    B: [
        _p("{time} CH asked IP why she hadn't left him before"),
        _p("{time} CH commented that IP should not have let him in"),
        _p("{time} CH said to IP 'what did you expect'"),
        _p("{time} log describes IP as hysterical"),
        _p("{time} IP described as attention seeking"),
        _p("{time} CH suggested IP had wound SUSP up"),
        _p("{time} CH told IP she was partly to blame"),
        _p("{time} IP keeps going back to him so nothing can be done"),
    ],
    B + "_no": [
        _p("{time} SUSP blamed IP for the argument"),
        _p("{time} SUSP claims IP hit him first"),
        _p("{time} CH reassured IP that she was not to blame", RE),
        _p("{time} IP feels it is her fault; CH advised it is not"),
        _p("{time} no blaming language noted"),
    ],
}
# ---------------------------------------------------------------------------------------
# Style "storm" (held out, never tuned on: written last, after the screener was frozen;
# other shorthand again: RP = reporting person, AP = aggrieved party, OFF = offender)

STORM = {
    "opening": [
        _p("{time} RP IS AP. STATES OFF ({rel}) HAS ATTACKED HER IN THE KITCHEN"),
        _p("{time} rp reports her {rel} is at the door drunk and abusive, wont go away"),
        _p("{time} AP STATES OFF HAS BEEN FOLLOWING HER HOME FROM WORK ALL WEEK", traps=R),
        _p("{time} rp says off said he would kill her if she called police", traps=R),
        _p("{time} MOP REPORTS MALE DRAGGING FEMALE INTO A CAR"),
        _p("{time} ap says her {rel} has locked her out of the house with her phone inside"),
        _p("{time} AP'S ELDEST (19) IS PRESENT AND CALLING FOR HELP", traps=C),
    ],
    "filler": [
        "{time} UNITS ALLOCATED", "{time} CAD UPDATED", "{time} OFF HX OF DV",
        "{time} LKA CONFIRMED", "{time} THRIVE: THREAT HIGH, HARM HIGH",
        "{time} OFF NOT ON SCENE, LEFT IN VEH", "{time} rp calmer now",
        "{time} no injuries reported at this time",
    ],
    R: [
        _p("{time} RISK - SEPARATED: YES, PREGNANT: NO, STRANGULATION: NO"),
        _p("{time} q1-27 covered with AP on phone"),
        _p("{time} ap asked if off ever put hands round her throat - says twice before"),
        _p("{time} RP ASKED RE THREATS TO KILL - YES"),
        _p("{time} checked if AP recently split from OFF - yes 2 weeks"),
        _p("{time} asked AP if OFF is jealous or controlling - she says very"),
        _p("{time} AP ASKED IF ABUSE GETTING MORE FREQUENT - YES"),
        _p("{time} ? preg - AP says no"),
    ],
    R + "_no": [
        _p("{time} risk qs not covered, line dropped"),
        _p("{time} NO DA RISK QUESTIONS ASKED BY HANDLER"),
        _p("{time} AP STATES OFF STRANGLED HER LAST WEEK"),
        _p("{time} DASH FOR ATTENDING OFFICERS TO COMPLETE"),
    ],
    C: [
        _p("{time} 3 KIDS AT HOME ALL UNDER 10"),
        _p("{time} chldrn x2 in back bedroom"),
        _p("{time} AP HAS A NEWBORN"),
        _p("{time} LITTLE BOY (4) HIDING UPSTAIRS"),
        _p("{time} children in house - 2"),
        _p("{time} AP'S DAUGHTER 8YRS WITNESSED"),
    ],
    CA: [
        _p("{time} NO KIDS"),
        _p("{time} kids - none at address"),
        _p("{time} AP CONFIRMS NO CHILDREN RESIDE"),
    ],
    C + "_no": [
        _p("{time} DID NOT ESTABLISH IF CHILDREN PRESENT"),
    ],
    S: [
        _p("{time} AP ADVISED OF WOMENS AID AND NATIONAL DA HELPLINE"),
        _p("{time} ap has support from an IDVA already"),
        _p("{time} REFERRED AP TO LOCAL DA SUPPORT SERVICE WITH CONSENT"),
        _p("{time} gave ap the refuge number"),
        _p("{time} ASKED IF AP HAS ANY SUPPORT IN PLACE - NONE, OFFERED REFERRAL"),
    ],
    S + "_no": [
        _p("{time} NO SUPPORT OFFERED TO AP"),
        _p("{time} ap sheltering at neighbours"),
        _p("{time} SUPPORT DETAILS FOR ATTENDING OFFICERS TO PROVIDE"),
    ],
    RE: [
        _p("{time} AP REASSURED POLICE ATTENDING"),
        _p("{time} stayed on phone with ap till units arrived"),
        _p("{time} TOLD AP TO LOCK THE DOORS AND WAIT FOR POLICE"),
        _p("{time} advised ap to ring back on 999 if he comes back"),
    ],
    RE + "_no": [
        _p("{time} UNITS ATTENDING"),
        _p("{time} AP HUNG UP BEFORE ANY ADVICE"),
    ],
    B: [
        _p("{time} HANDLER ASKED AP WHY SHE LET HIM IN"),
        _p("{time} ap is a known serial caller, always ringing"),
        _p("{time} handler said ap wound him up"),
        _p("{time} AP SHOULD HAVE KNOWN BETTER"),
    ],
    B + "_no": [
        _p("{time} OFF SAYING ITS ALL HER FAULT"),
        _p("{time} AP THINKS SHE IS TO BLAME, HANDLER SAID NOT"),
    ],
}
# ---------------------------------------------------------------------------------------
# Style "final" (held out, never tuned on: written after the screener's last change and
# measured once; its figures are reported as they came)

FINAL = {
    "opening": [
        _p("{time} victim reports her {rel} has hit her with a shoe"),
        _p("{time} V states {rel} pushed her down the stairs, she has hurt her wrist"),
        _p("{time} victim volunteered that he has strangled her before", traps=R),
        _p("{time} suspect threatened to kill victim's new partner", traps=R),
        _p("{time} victim's grown-up daughter (27) rang police", traps=C),
        _p("{time} third party report of a domestic in the flat above"),
    ],
    "filler": [
        "{time} resource allocated", "{time} P1 grading", "{time} suspect arrested at scene",
        "{time} V has a swollen eye", "{time} history at address - 6 previous logs",
        "{time} suspect known for violence",
    ],
    R: [
        _p("{time} DA risk questions completed, 12 ticks"),
        _p("{time} completed risk checklist with victim"),
        _p("{time} has he ever tried to choke you - reply yes"),
        _p("{time} victim asked about pregnancy, confirms 8 weeks"),
        _p("{time} enquiry made re separation: victim ended relationship on Sunday"),
        _p("{time} handler asked whether suspect had made threats to her life; V stated he "
           "said he'd kill her"),
        _p("{time} asked if the incidents are becoming more frequent - yes weekly now"),
        _p("{time} Q: is she pregnant? A: no"),
    ],
    R + "_no": [
        _p("{time} risk questions not possible as suspect present in room"),
        _p("{time} did not complete any risk questions"),
    ],
    C: [
        _p("{time} victim's 2 sons aged 5 and 9 present"),
        _p("{time} infant in cot in the bedroom"),
        _p("{time} one child at address, 11yrs"),
        _p("{time} children x 3 at property"),
        _p("{time} victim is mum to a toddler who was in the room"),
    ],
    CA: [
        _p("{time} there are no children in the house"),
        _p("{time} no child at the address"),
        _p("{time} Children present: none"),
    ],
    C + "_no": [
        _p("{time} asked nothing about children"),
    ],
    S: [
        _p("{time} gave victim number for Refuge 24hr helpline"),
        _p("{time} Victim signposted to IDVA service"),
        _p("{time} victim told about local DV charity"),
        _p("{time} handler offered to refer victim to Women's Aid"),
        _p("{time} victim is in contact with her ISVA"),
    ],
    S + "_no": [
        _p("{time} no advice on support services given"),
        _p("{time} handler did not mention any support"),
        _p("{time} victim is staying with a friend for support"),
    ],
    RE: [
        _p("{time} handler reassured the victim throughout"),
        _p("{time} victim told officers are coming to her now"),
        _p("{time} kept the line open until police arrived"),
        _p("{time} advised V to call 999 again if he returns"),
    ],
    RE + "_no": [
        _p("{time} handler ended call quickly"),
        _p("{time} resources dispatched to the address"),
    ],
    B: [
        _p("{time} handler asked what she had done to upset him"),
        _p("{time} handler said she must have provoked him"),
        _p("{time} handler told V she was overreacting"),
        _p("{time} handler asked why she keeps going back"),
        _p("{time} caller is wasting police time - handler note"),
    ],
    B + "_no": [
        _p("{time} suspect said she deserved it"),
        _p("{time} V blames herself; handler told her it is not her fault", RE),
        _p("{time} victim said she had provoked him"),
    ],
}
STYLES = {"prose": PROSE, "terse": TERSE, "free": FREE, "storm": STORM, "final": FINAL}
RELS = ("partner", "ex-partner", "husband", "boyfriend", "ex")
CALLERS = ("Caller", "The caller", "Informant", "The victim", "IP")
PADDING = ("{time} Update: unit still at scene, officers speaking with both parties.",
           "{time} Supervisor aware. Log remains open pending result.",
           "{time} Further call from informant - nothing new to add.")
KEYWORD = re.compile(r"[A-Za-z]{7,}")


def _fill(d: Draw, template: str) -> str:
    return template.format(
        caller=d.pick(CALLERS), rel=d.pick(RELS), n=d.integer(2, 5), age=d.integer(2, 15),
        time=f"{d.integer(0, 23):02d}:{d.integer(0, 59):02d}")


def _typo(d: Draw, word: str) -> str:
    i = d.integer(1, len(word) - 2)
    op = d.integer(0, 2)
    if op == 0:
        return word[:i] + word[i + 1:]
    if op == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i] + word[i:]


def one_log(d: Draw, style: str, huge: bool = False) -> LabelledLog:
    bank = STYLES[style]
    if d.chance(0.01):
        return LabelledLog(d.pick(("", "   ", "\n")), {m: False for m in MARKS}, style)
    pieces: list[Piece] = [d.pick(bank["opening"])]
    # Children is one decision (some, none recorded, a trap, or nothing) so a log never
    # says both "her daughter, 7" and "no children".
    rates = {R: 0.5, C: 0.4, S: 0.45, RE: 0.55, B: 0.2}
    for mark, rate in rates.items():
        if d.chance(rate):
            pieces.append(d.pick(bank[mark]))
        elif mark == C and d.chance(0.35):
            pieces.append(d.pick(bank[CA]))
        elif d.chance(0.35):
            pieces.append(d.pick(bank[mark + "_no"]))
    for _ in range(d.integer(1, 3)):
        pieces.append(_p(d.pick(bank["filler"])))
    opening, rest = pieces[0], pieces[1:]
    order = sorted(range(len(rest)), key=lambda _: d.u())
    pieces = [opening] + [rest[k] for k in order]
    truth = {m: any(m in p[1] for p in pieces) for m in MARKS}
    if truth[C]:
        truth[CA] = True
    sep = d.pick((" ", " ", "\n", "  ")) if style == "prose" else "\n"
    lines = [_fill(d, p[0]) for p in pieces]
    if huge:
        pad = [_fill(d, d.pick(PADDING)) for _ in range(1500)]
        cut = d.integer(0, len(lines))
        lines = lines[:cut] + pad + lines[cut:]
    text = sep.join(lines)
    if d.chance(0.3):  # misspell a few long words
        text = KEYWORD.sub(lambda m: _typo(d, m.group()) if d.chance(0.15) else m.group(),
                           text)
    if style != "prose" and d.chance(0.5 if style == "terse" else 0.15):
        text = text.upper()
    return LabelledLog(text, truth, style)


def corpus(n: int, style: str = "prose", seed: int = 7, huge_every: int = 0
           ) -> list[LabelledLog]:
    """`n` labelled logs; every `huge_every`-th one padded to about 100 KB."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
    d = Draw(seed, 314)
    return [one_log(d, style, huge=bool(huge_every) and k % huge_every == huge_every - 1)
            for k in range(n)]


def _label(bank: dict) -> None:
    """Banks written as plain lines: their keys say what each line sets or traps."""
    sets = {R: R, C: f"{C} {CA}", CA: CA, S: S, RE: RE, B: B}
    for key, pieces in bank.items():
        if key in sets:
            bank[key] = [p if p[1] else _p(p[0], sets[key], " ".join(p[2])) for p in pieces]
        elif key.endswith("_no"):
            mark = key[:-3]
            bank[key] = [p if p[2] else _p(p[0], " ".join(p[1]), mark) for p in pieces]


_label(TERSE)
_label(FREE)
_label(STORM)
_label(FINAL)
