"""Labelled control-room logs in styles the screener was never written against.

Written from the domain (how storm/command-and-control logs read), not from the
screener's lexicon: every line below was written before the screener was run on it,
and each line declares what it shows, so the label is the text's meaning.

Four styles, in two groups:

  dev (used to find what the screener gets wrong, and fix it in general terms)
    radio     CAPS run-on storm log: times, call signs, collar numbers, "XP", "Q'D",
              "WPNS", "ADV", "RNG BK", status codes, several facts per line
    first     the handler writing in the first person ("I've asked her...", "I
              couldn't get onto kids as she hung up")

  held out (measured before and after, never read for errors while changing the screener)
    third     a third-person account of the call (supervisor's or QA voice: "the call
              taker asked whether...", "the operator told her..."), reported speech
              from every party
    typo      lower case, no punctuation, run-on, text-speak and misspellings

Each line is (text, marks it sets, marks it is a trap for). The truth of a log is the
union of what its lines set; children_mentioned implies children_asked.
"""

from __future__ import annotations

from vigil.synth.draw import Draw
from vigil.synth.screening_logs import MARKS, LabelledLog

R, C, CA, S, RE, B = MARKS
DEV_STYLES = ("radio", "first")
HELD_OUT_STYLES = ("third", "typo")


def _l(text: str, sets: str = "", traps: str = "") -> tuple[str, frozenset, frozenset]:
    return (text, frozenset(sets.split()), frozenset(traps.split()))


RADIO = {
    "opening": [
        _l("{t} RP IS VIC. XP {name} AT ADDR KICKING DOOR, VIC BARRICADED IN BEDROOM"),
        _l("{t} 3RD PTY RP - SHOUTING AND BANGING FROM FLAT 4, FEMALE HEARD SCREAMING HELP"),
        _l("{t} VIC STS P/SHIP {name} PUT HANDS ROUND HER THROAT THEN LEFT IN VEH",
           traps=R),
        _l("{t} VIC C/O HUSB ASSAULTED HER, PUNCHED TO HEAD X2. NO INJ VISIBLE PER RP"),
        _l("{t} DA - VIC SAYS BF SMASHED PHONE + TV, STILL INSIDE, IN DRINK"),
        _l("{t} VIC REPORTS XP SENDING 50+ TEXTS A DAY, TURNED UP AT HER WORK", traps=R),
        _l("{t} RP (MOTHER) STS SON {name} (34) HAS PUSHED HER OVER, ONGOING",
           traps=C),
        _l("{t} VIC RINGING FROM NEIGHBOURS - BF THREATENED HER WITH KNIFE", traps=R),
    ],
    "filler": [
        "{t} {cs} ASSIGNED, ETA 8", "{t} {cs} AT SCENE", "{t} PNC/PND/STORM CHKS COMPLETE",
        "{t} NO WPNS SEEN PER RP", "{t} AMBO NOT REQ", "{t} SUPERVISOR {coll} AWARE",
        "{t} GRADE 1 - IMMEDIATE", "{t} PREV X4 DA AT ADDR, LAST {d}/0{m}",
        "{t} SUSP DESC IC1 M 30S GRY HOODY", "{t} {cs} UPDATE - SUSP DETAINED",
        "{t} LOG LINKED TO CAD {cad}", "{t} RESULT CODE DA10 - CRIME RAISED",
    ],
    R: [
        _l("{t} Q'D RE PREG - NEG. SEP - YES 3 WKS AGO. NFS - DENIES"),
        _l("{t} DASH QS ASKED OVER PHONE, 14 TICKS"),
        _l("{t} ASKED IF EVER STRANGLED - VIC STS YES LAST YR"),
        _l("{t} RISK QS - TTK Y, ESC Y (GETTING WORSE), SEP Y"),
        _l("{t} CH ASKED IF SHE IS PREGNANT - YES 7 MTHS"),
        _l("{t} ASKED RE STALKING - SAYS HE FOLLOWS HER CAR"),
        _l("{t} VIC ASKED IF XP HAS EVER THREATENED TO KILL - YES VIA TEXT"),
        _l("{t} ASKED ABT SEPARATION: SPLIT 2 MTHS AGO"),
    ],
    R + "_no": [
        _l("{t} UNABLE TO COMPLETE RQS - LINE DROPPED", traps=R),
        _l("{t} RQS NOT ASKED, VIC TOO DISTRESSED", traps=R),
        _l("{t} DASH TO BE DONE BY {cs} AT SCENE", traps=R),
        _l("{t} VIC STS HE HAS STRANGLED HER BEFORE", traps=R),
        _l("{t} NO WEAPONS SEEN", traps=R),
    ],
    C: [
        _l("{t} CHN X3 AT ADDR (2, 5, 9), ALL UPSTAIRS"),
        _l("{t} 1 X CHILD PRESENT - BABY 6 MTHS"),
        _l("{t} KIDS ASLEEP IN BACK BEDROOM"),
        _l("{t} VIC'S DAUGHTER (11) CALLED IT IN FROM BATHROOM"),
        _l("{t} CHILDREN: 2 - BOTH AT DADS TONIGHT"),
        _l("{t} YOUNG SON PRESENT, WITNESSED ASSAULT"),
    ],
    CA: [
        _l("{t} CHILDREN - NONE", CA, C),
        _l("{t} NO CHN AT ADDR", CA, C),
        _l("{t} ASKED RE CHILDREN - NIL", CA, C),
        _l("{t} NO KIDS IN HOUSEHOLD PER VIC", CA, C),
    ],
    C + "_no": [
        _l("{t} CHILDREN NOT ASKED", traps=C + " " + CA),
        _l("{t} CONSIDER REFERRAL TO CHILDRENS SERVICES", traps=C),
        _l("{t} VIC'S SON {name} (27) ON SCENE", traps=C),
    ],
    S: [
        _l("{t} SIGNPOSTED TO WOMENS AID + NATIONAL DA HELPLINE"),
        _l("{t} VIC HAS IDVA ALREADY - ADV TO CONTACT HER"),
        _l("{t} OFFERED REFERRAL TO DA SUPPORT SERVICE - DECLINED"),
        _l("{t} GIVEN REFUGE NUMBER, VIC HAPPY TO BE REFERRED"),
        _l("{t} VIC ADV OF VICTIM SUPPORT AND SAMARITANS"),
    ],
    S + "_no": [
        _l("{t} NO SUPPORT OFFERED", traps=S),
        _l("{t} SUPPORT SERVICES NOT DISCUSSED", traps=S),
        _l("{t} {cs} TO SIGNPOST AT SCENE", traps=S),
        _l("{t} VIC HIDING IN BATHROOM, SISTER SUPPORTING HER", traps=S),
    ],
    RE: [
        _l("{t} VIC REASSURED, KEPT ON LINE TIL {cs} ARR"),
        _l("{t} ADV VIC TO LOCK HERSELF IN BATHROOM AND RNG BK 999 IF HE RETURNS"),
        _l("{t} TOLD VIC OFFICERS ON WAY, STAY ON PHONE"),
        _l("{t} ADV SHE HAS DONE RIGHT THING CALLING US"),
        _l("{t} CH STAYED ON LINE - VIC CALMER"),
    ],
    RE + "_no": [
        _l("{t} VIC HUNG UP BEFORE ANY ADV GIVEN", traps=RE),
        _l("{t} {cs} EN ROUTE", traps=RE),
        _l("{t} UNITS DEPLOYED", traps=RE),
    ],
    B: [
        _l("{t} VIC KNOWN TO BE DIFFICULT, PROB DRUNK AGAIN"),
        _l("{t} CH ASKED VIC WHY SHE KEEPS HAVING HIM BACK"),
        _l("{t} BOTH AS BAD AS EACH OTHER PER LOG HISTORY"),
        _l("{t} VIC ADMITS WINDING HIM UP - SELF INFLICTED SITUATION"),
    ],
    B + "_no": [
        _l("{t} SUSP SHOUTING IT WAS HER FAULT IN BACKGROUND", traps=B),
        _l("{t} VIC STS HE ALWAYS SAYS SHE PROVOKES HIM", traps=B),
    ],
}

FIRST = {
    "opening": [
        _l("{t} I've taken a call from the victim, she says her partner has hit her with a "
           "belt and is still downstairs."),
        _l("{t} Caller is the neighbour. I can hear a female crying in the background."),
        _l("{t} I spoke to the victim, who says her ex {name} choked her until she nearly "
           "passed out last night.", traps=R),
        _l("{t} Victim tells me her husband won't let her leave the house and has taken "
           "her car keys."),
        _l("{t} The caller says her boyfriend has been smashing up the kitchen and "
           "threatening her."),
        _l("{t} Victim called in whispering, partner is asleep, she wants him removed."),
    ],
    "filler": [
        "{t} I've put the log on for a grade 1.", "{t} {cs} have been assigned.",
        "{t} I've done the PNC checks on him - flags for violence.",
        "{t} Line is quite bad, I've had to ask her to repeat the address twice.",
        "{t} I've updated the log with the suspect description.",
        "{t} Closing my part of the log, handed to despatch.",
    ],
    R: [
        _l("{t} I asked her whether they had separated recently and she said he moved out "
           "last month."),
        _l("{t} I've gone through the risk questions with her - she isn't pregnant, he "
           "has made threats to kill."),
        _l("{t} I asked if he'd ever put his hands around her neck, she said no."),
        _l("{t} I asked whether things have got worse lately, she says it's every week "
           "now."),
        _l("{t} I've asked about pregnancy, she's 12 weeks."),
        _l("{t} I asked if he has ever tried to strangle her - yes, twice."),
        _l("{t} I've asked her about controlling behaviour, he checks her phone daily."),
    ],
    R + "_no": [
        _l("{t} I didn't get to the risk questions as she ended the call.", traps=R),
        _l("{t} I haven't asked the DASH questions, officers will do this.", traps=R),
        _l("{t} She says he threatened to kill her earlier.", traps=R),
    ],
    C: [
        _l("{t} I've asked about children, there are two, aged 4 and 7, both in bed."),
        _l("{t} She tells me her little girl is in the room with her."),
        _l("{t} I can hear a baby crying in the background, she confirms it's hers."),
        _l("{t} I asked if there are kids there - her son is 8 and he's at school."),
    ],
    CA: [
        _l("{t} I asked about children and she has none.", CA, C),
        _l("{t} I've checked whether there are any children at the address - there aren't.",
           CA, C),
        _l("{t} No children live there, I confirmed with her.", CA, C),
    ],
    C + "_no": [
        _l("{t} I couldn't get onto kids as she hung up.", traps=C + " " + CA),
        _l("{t} I didn't ask about children.", traps=C + " " + CA),
    ],
    S: [
        _l("{t} I've given her the number for Women's Aid."),
        _l("{t} I offered to refer her to the IDVA service, she has agreed."),
        _l("{t} I've signposted her to the domestic abuse helpline."),
        _l("{t} I asked if she has any support from services - she has a support worker "
           "from the local DA charity."),
    ],
    S + "_no": [
        _l("{t} I didn't have a chance to offer any support services.", traps=S),
        _l("{t} I haven't signposted her, officers can do this.", traps=S),
    ],
    RE: [
        _l("{t} I reassured her that help is on its way."),
        _l("{t} I've told her to stay in the bedroom with the door locked until officers "
           "get there."),
        _l("{t} I stayed on the line with her until the officers knocked."),
        _l("{t} I told her she has done the right thing by ringing us."),
        _l("{t} I've told her to call 999 straight back if he comes back."),
    ],
    RE + "_no": [
        _l("{t} She didn't want to stay on the phone.", traps=RE),
        _l("{t} Officers are en route.", traps=RE),
    ],
    B: [
        _l("{t} I asked her why she didn't just leave him."),
        _l("{t} I asked her what she had said to set him off."),
        _l("{t} To be honest she sounds like she was winding him up."),
    ],
    B + "_no": [
        _l("{t} She says he keeps telling her it's her own fault.", traps=B),
        _l("{t} I made sure she knows it is not her fault.", RE, B),
    ],
}

THIRD = {
    "opening": [
        _l("{t} The victim rang from a neighbour's house saying her partner had assaulted "
           "her."),
        _l("{t} A member of the public reported a man dragging a woman into a car."),
        _l("{t} The victim reported that her ex-husband had grabbed her by the neck at the "
           "school gates.", traps=R),
        _l("{t} The caller said her partner had threatened to burn the house down with "
           "her in it."),
        _l("{t} The informant, her sister, stated the victim is being kept in the flat by "
           "her boyfriend."),
        _l("{t} The victim called to say her ex has been waiting outside her house every "
           "night this week.", traps=R),
    ],
    "filler": [
        "{t} A unit was dispatched at grade 1.", "{t} The suspect was gone on arrival.",
        "{t} The operator completed PNC checks.", "{t} Ambulance was not required.",
        "{t} The log was passed to the PPU for review.",
        "{t} The caller's phone number was confirmed for call back.",
    ],
    R: [
        _l("{t} The call taker asked whether the couple had recently separated; they split "
           "up in the summer."),
        _l("{t} The operator asked if the victim was pregnant and she said she was not."),
        _l("{t} The handler enquired about strangulation and the victim said he had done "
           "it once before."),
        _l("{t} The risk questions were asked and answered in full."),
        _l("{t} The call taker established that the abuse is increasing in frequency."),
        _l("{t} The operator asked whether the suspect has made threats to kill - the "
           "victim said he has."),
        _l("{t} The victim was asked about stalking and said he tracks her phone."),
    ],
    R + "_no": [
        _l("{t} The risk questions were not asked on this call.", traps=R),
        _l("{t} No DASH questions were asked by the call taker.", traps=R),
        _l("{t} The victim said he had threatened to kill her in front of the kids.",
           C + " " + CA, R),
        _l("{t} The DASH will be completed by the attending officer.", traps=R),
    ],
    C: [
        _l("{t} The call taker asked about children; there are three in the house."),
        _l("{t} The victim's two children were present during the assault."),
        _l("{t} The victim has a baby of four months who was in her arms."),
        _l("{t} Her son, aged 10, ran to a neighbour's house for help."),
    ],
    CA: [
        _l("{t} The operator asked if there were any children - the victim said there were "
           "none.", CA, C),
        _l("{t} There are no children in the household.", CA, C),
    ],
    C + "_no": [
        _l("{t} The call taker did not ask about children.", traps=C + " " + CA),
        _l("{t} The victim's grown-up daughter, aged 25, was present.", traps=C),
    ],
    S: [
        _l("{t} The operator provided details of the local domestic abuse service."),
        _l("{t} The victim was signposted to Women's Aid."),
        _l("{t} The call taker asked if she was already supported by an IDVA; she is."),
        _l("{t} The victim was offered a referral to victim services and accepted."),
    ],
    S + "_no": [
        _l("{t} Support services were not offered.", traps=S),
        _l("{t} No signposting took place.", traps=S),
        _l("{t} The victim's friend is supporting her tonight.", traps=S),
    ],
    RE: [
        _l("{t} The operator reassured the victim and stayed on the line with her."),
        _l("{t} The call taker told her that officers were on their way."),
        _l("{t} The victim was advised to lock the doors and ring back if he returned."),
        _l("{t} The handler told the victim that she had done the right thing in calling."),
    ],
    RE + "_no": [
        _l("{t} The victim ended the call before any reassurance could be given.", traps=RE),
        _l("{t} Officers were deployed.", traps=RE),
    ],
    B: [
        _l("{t} The call taker asked the victim why she keeps going back to him."),
        _l("{t} The operator told the victim she should have left him long ago."),
        _l("{t} The log describes the victim as a time waster."),
    ],
    B + "_no": [
        _l("{t} The victim said her partner blames her for everything.", traps=B),
        _l("{t} The suspect told officers she had started it.", traps=B),
        _l("{t} The call taker told her it was not her fault.", RE, B),
    ],
}

TYPO = {
    "opening": [
        _l("{t} vic rang sayin her fella hit her wiv a bottle n hes still there"),
        _l("{t} caller says ex is outside banging on windows wont go away"),
        _l("{t} vic sed partner had his hands round her neck earlier cudnt breath",
           traps=R),
        _l("{t} nieghbour rang cos of screaming next dor"),
        _l("{t} vic says bf took her phone and wont let her out the flat"),
        _l("{t} vic says husbnd punched her in face nose bleedin"),
    ],
    "filler": [
        "{t} unit on way", "{t} pnc done", "{t} susp left scene on foot",
        "{t} ambo not needed", "{t} line went dead rang back ok", "{t} prevs at address",
    ],
    R: [
        _l("{t} askd if shes pregant said no"),
        _l("{t} asked if they split up recently yes 2 wks ago"),
        _l("{t} askd has he ever strangld her she said yes"),
        _l("{t} risk qs done he has threatend to kill her"),
        _l("{t} asked is it gettin worse she said yes alot worse"),
        _l("{t} asked about stalkin he keeps folowing her"),
    ],
    R + "_no": [
        _l("{t} didnt get to ask risk qs", traps=R),
        _l("{t} no risk q's askd vic hung up", traps=R),
        _l("{t} she sed he thretened to kill her", traps=R),
    ],
    C: [
        _l("{t} 2 kids in the house asleep"),
        _l("{t} asked about childen 1 boy age 6"),
        _l("{t} her baby is there 3 month old"),
        _l("{t} kids was there saw it all"),
    ],
    CA: [
        _l("{t} askd about kids none", CA, C),
        _l("{t} no childrn at adress", CA, C),
    ],
    C + "_no": [
        _l("{t} didnt ask about kids", traps=C + " " + CA),
        _l("{t} her son is 30 lives elswhere", traps=C),
    ],
    S: [
        _l("{t} gave her womens aid number"),
        _l("{t} signposted to refuge she said ok"),
        _l("{t} offerd idva referal she said yes"),
        _l("{t} gave details of da helpline"),
    ],
    S + "_no": [
        _l("{t} no support offerd", traps=S),
        _l("{t} didnt give any support numbers", traps=S),
    ],
    RE: [
        _l("{t} reasured her police on way"),
        _l("{t} told her lock the door and ring back 999 if he comes back"),
        _l("{t} kept her on line til police got there"),
        _l("{t} told her shes done the rite thing callin"),
    ],
    RE + "_no": [
        _l("{t} she wudnt stay on phone", traps=RE),
        _l("{t} units deployed", traps=RE),
    ],
    B: [
        _l("{t} asked her y she keeps lettin him back"),
        _l("{t} she was prob windin him up"),
        _l("{t} shes always ringin us time waster"),
    ],
    B + "_no": [
        _l("{t} he keeps sayin its her fault", traps=B),
        _l("{t} told her its not her fault", RE, B),
    ],
}

STYLES = {"radio": RADIO, "first": FIRST, "third": THIRD, "typo": TYPO}
NAMES = ("DARREN", "LEE", "JAMIE", "CRAIG", "MO", "RYAN")


def _line_labels(bank: dict) -> None:
    """Lines under a mark key set it (children set both child marks); lines under
    "<mark>_no" are traps for it."""
    sets = {R: R, C: f"{C} {CA}", CA: CA, S: S, RE: RE, B: B}
    for key, lines in bank.items():
        if key in sets:
            bank[key] = [x if x[1] else _l(x[0], sets[key], " ".join(x[2])) for x in lines]
        elif key.endswith("_no"):
            bank[key] = [x if x[2] else _l(x[0], " ".join(x[1]), key[:-3]) for x in lines]


for _bank in STYLES.values():
    _line_labels(_bank)


def _fill(d: Draw, template: str, style: str) -> str:
    t = f"{d.integer(0, 23):02d}{d.integer(0, 59):02d}"
    if style in ("first", "third"):
        t = f"[{t[:2]}:{t[2:]}]"
    elif style == "typo":
        t = f"{t[:2]}:{t[2:]}"
    name = d.pick(NAMES)
    return template.format(
        t=t, cs=f"{d.pick(('KILO', 'ALPHA', 'BRAVO', 'TANGO'))} {d.integer(10, 49)}",
        coll=d.integer(1000, 9999), cad=d.integer(100, 999), d=d.integer(10, 28),
        m=d.integer(1, 9), name=name if style == "radio" else name.title())


def one_log(d: Draw, style: str) -> LabelledLog:
    bank = STYLES[style]
    lines = [d.pick(bank["opening"])]
    for mark, rate in {R: 0.5, C: 0.4, S: 0.45, RE: 0.55, B: 0.2}.items():
        if d.chance(rate):
            lines.append(d.pick(bank[mark]))
        elif mark == C and d.chance(0.35):
            lines.append(d.pick(bank[CA]))
        elif d.chance(0.4):
            lines.append(d.pick(bank[mark + "_no"]))
    for _ in range(d.integer(1, 3)):
        lines.append(_l(d.pick(bank["filler"])))
    head, rest = lines[0], lines[1:]
    rest = [rest[k] for k in sorted(range(len(rest)), key=lambda _: d.u())]
    lines = [head] + rest
    truth = {m: any(m in x[1] for x in lines) for m in MARKS}
    truth[CA] = truth[CA] or truth[C]
    sep = " " if style in ("radio", "typo") and d.chance(0.5) else "\n"
    text = sep.join(_fill(d, x[0], style) for x in lines)
    return LabelledLog(text, truth, style)


def corpus(n: int, style: str, seed: int = 11) -> list[LabelledLog]:
    """`n` labelled logs of one style (see STYLES)."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
    d = Draw(seed, 577)
    return [one_log(d, style) for _ in range(n)]


# ---------------------------------------------------------------------------------------
# A second held-out set, "fresh": single logs written one by one after the screener's
# changes for the four styles above, each labelled by hand, and measured once. Mixed
# styles on purpose (each log its own), including ones none of the sets above use.
# Marks: R risk asked, C children mentioned (implies CA), CA children asked, S support,
# RE reassurance, B victim blaming.

FRESH: list[tuple[str, str]] = [
    ("2207 INFT IS VIC. STS HUSB HAS HIT HER W/ A REMOTE. ASKD RE PREG - SHE IS 16/40. "
     "ASKD RE CHILDREN - 1 X 3YO ASLEEP. KILO 12 DEPLOYED.", "R C"),
    ("Female caller crying, states ex-partner is at the door. No weapons seen. Unit "
     "assigned.", ""),
    ("VIC DENIES ANY THREATS TO KILL WHEN ASKED. DENIES STRANGULATION.", "R"),
    ("caller says he always says shes asking for it when she goes out", ""),
    ("Call handler asked if she felt the incidents were getting more frequent, she said "
     "they are, roughly every few days now. Advised her units are on the way and to keep "
     "the phone with her.", "R RE"),
    ("[21:04] Caller hung up. Call back unanswered x3. [21:10] Call back answered by male "
     "who said everything fine. Grade 2 attendance.", ""),
    ("IP ADV TO STAY IN LOCKED BATHROOM UNTIL POLICE ATTEND. IP CALMER BY END OF CALL.",
     "RE"),
    ("Victim has two kids with the suspect, both at her mums. Not asked about support.",
     "C"),
    ("OPERATOR ASKED WHETHER HE HAS EVER CHOKED HER. VIC SAYS NO BUT HE HAS PINNED HER "
     "DOWN.", "R"),
    ("ip says her 15 yr old son tried to stop him", "C"),
    ("She says her mum keeps telling her she should just leave him.", ""),
    ("CH: 'WHAT DID YOU SAY TO HIM TO MAKE HIM THAT ANGRY?'", "B"),
    ("Informant is the victim's daughter, aged 19, calling from upstairs.", ""),
    ("Gave victim details for the local IDVA service and the 24hr National DA Helpline, "
     "she was grateful.", "S"),
    ("Refused all support. Did not want officers either.", "S"),
    ("No risk assessment possible, victim intoxicated and abusive to call handler.", ""),
    ("Caller states partner is pregnant and he is worried about her.", ""),
    ("13:52 sup asked whether she has any kids - no kids. 13:55 advised ring back if he "
     "returns", "CA RE"),
    ("V says the kids are with her. Asked whether they have recently split - yes, last "
     "Friday.", "C R"),
    ("RP NEIGHBOUR. CAN HEAR CHILD CRYING AND MALE SHOUTING.", "C"),
    ("NO CHILDREN IN HOUSEHOLD. NO SUPPORT SERVICES DISCUSSED. UNIT ETA 15.", "CA"),
    ("I told her she's not to blame for any of this and that we will be there soon.",
     "RE"),
    ("she was told by the call handler that she is partly to blame for winding him up",
     "B"),
    ("Victim reported that the suspect has been checking her phone and won't let her see "
     "her friends. Handler did not explore this further.", ""),
    ("DASH Q's: Q1 Y Q2 Y Q3 N Q4 Y (rest not completed as line cut).", "R"),
    ("Offered refuge space via Women's Aid - vic to think about it.", "S"),
    ("Caller's baby (8 weeks) in the cot next to her.", "C"),
    ("VIC WAS TOLD SHE WAS WASTING POLICE TIME BY THE CALL TAKER.", "B"),
    ("Victim says officers told her last time it was six of one and half a dozen of the "
     "other.", ""),
    ("Asked about child contact - ongoing dispute through the family court, he sees the "
     "children every other weekend.", "R C"),
    ("ALL OK ON ARRIVAL PER UNIT. NFA.", ""),
    ("vic said he threatened to kill her if she called police, i asked if he has ever "
     "strangled her, she said yes in march", "R"),
    ("Handler stayed on the call for 14 mins until officers arrived and kept talking to "
     "her.", "RE"),
    ("The call taker asked no questions about risk and did not offer any support.", ""),
    ("ASKED IF ANY CHILDREN IN THE PROPERTY - UNSURE, HER NEPHEW MAY BE THERE.", ""),
    ("Victim states she is 7 months gone. Asked if he knows about the baby - yes.",
     "R"),
    ("PERP KNOWN FOR DV. IP REFD TO IDVA BY CH. CHN AT SCHOOL.", "S C"),
    ("Caller admits she had been drinking too and hit him first, log notes this is "
     "probably six of one.", "B"),
    ("Ascertained she has no children and lives alone.", "CA"),
    ("i explained to her that this is not her fault and there are people who can help, "
     "gave her the number for refuge", "RE S"),
]
_CODES = {"R": R, "C": C, "CA": CA, "S": S, "RE": RE, "B": B}


def fresh() -> list[LabelledLog]:
    """The hand-labelled second held-out set (FRESH)."""
    return _hand_labelled(FRESH, "fresh")


# A third held-out set, "fresh2": 40 more single logs, written after the second round of
# changes and measured once, with no change made for it. Its figures are the estimate for
# the screener as it stands (rules-1.1).
FRESH2: list[tuple[str, str]] = [
    ("0014 FEMALE WHISPERING, SAYS HE IS DOWNSTAIRS WITH A KNIFE. LINE OPEN, CH KEEPING "
     "HER TALKING QUIETLY.", "RE"),
    ("Caller: 'he said he'd slit my throat'. Handler asked if he has made threats like "
     "this before - yes, many times.", "R"),
    ("IP 34 wks pregnant (asked). Bleeding from nose. Ambo requested.", "R"),
    ("asked about kids - has 3, all with nan tonight", "C"),
    ("Victim asked whether the suspect has access to any weapons, says he keeps a "
     "machete in the car.", "R"),
    ("Call handler gave safety advice and told the victim to ring back straight away if "
     "he returns.", "RE"),
    ("NO ONE ELSE AT ADDRESS. NO CHILDREN.", "CA"),
    ("Log reviewed by sgt 2231. No further action for control room.", ""),
    ("vic very drunk, slurring, hard to get sense out of her. sounds like she started "
     "it tbh", "B"),
    ("The suspect accused her of provoking him, the victim told the operator.", ""),
    ("SEPARATED 6 MTHS. CONTACT WITH CHILDREN VIA COURT ORDER. HAS BREACHED ORDER X2 "
     "(QUESTIONED BY CH).", "R C"),
    ("Caller was offered a call back from the IDVA service but said not now.", "S"),
    ("Support: declined. Reassurance: given. Children: 1 (4yrs).", "S RE C"),
    ("RP is 14 yr old son, calling from his bedroom, mum being hit.", "C"),
    ("Suspect is the victim's 17 year old son.", "C"),
    ("I advised that police are on the way and to keep the door locked.", "RE"),
    ("Asked if there had been any choking or strangulation - victim unsure, says he "
     "grabbed her neck but she is not sure how long for.", "R"),
    ("He has been following her around town and texting 100 times a day. Not explored "
     "by the call taker.", ""),
    ("CH DID NOT ASK RISK QS. CH DID NOT OFFER SUPPORT. CH DID NOT ASK RE CHN.", ""),
    ("Victim given Refuge helpline and Bright Sky app info.", "S"),
    ("asked if she feels safe tonight - no, she is terrified of him", "R"),
    ("Victim keeps ringing us about him and never supports a prosecution.", "B"),
    ("Victim has a social worker for the children.", "C"),
    ("Reassured the caller that she was doing the right thing.", "RE"),
    ("IP REPORTS SUSP HAS TAKEN HER BANK CARDS AND CONTROLS ALL THE MONEY. CH ASKED "
     "FURTHER RE FINANCIAL CONTROL - CONFIRMED.", "R"),
    ("Caller hung up when asked about children.", ""),
    ("THIRD PARTY CALLER, DOES NOT KNOW THE VICTIM, UNABLE TO ASK ANY RISK QS.", ""),
    ("Handler explained she has done nothing wrong and should not blame herself.", "RE"),
    ("Operator asked her whether she'd been drinking and if that's why he hit her.", "B"),
    ("ASKD IF SUICIDAL THOUGHTS - IP SAYS SOMETIMES.", "R"),
    ("Victim's toddler heard crying in the background.", "C"),
    ("offered to put her through to victim support, she accepted", "S"),
    ("told the caller officers en route and to stay on the phone", "RE"),
    ("The victim thinks it is her fault for going out.", ""),
    ("Asked about the pregnancy - she lost the baby in June.", "R"),
    ("2 x cyp in address, both under 5", "C"),
    ("Female sounded intoxicated, said it's all sorted now, call ended.", ""),
    ("ch asked has the abuse got worse recently - says its every day now, used to be "
     "weekly", "R"),
    ("SUSP TOLD HER NOBODY WILL BELIEVE HER. CH TOLD IP WE BELIEVE HER.", "RE"),
    ("Caller told to stop calling unless it is a real emergency.", "B"),
]


def fresh2() -> list[LabelledLog]:
    """The third hand-labelled held-out set (FRESH2)."""
    return _hand_labelled(FRESH2, "fresh2")


def _hand_labelled(rows: list[tuple[str, str]], style: str) -> list[LabelledLog]:
    out = []
    for text, codes in rows:
        marks = {_CODES[c] for c in codes.split()}
        truth = {m: m in marks for m in MARKS}
        truth[CA] = truth[CA] or truth[C]
        out.append(LabelledLog(text, truth, style))
    return out
