"""Reference data and calibration constants for the synthetic West Midlands force.

Volumes are per year at --scale 1 (domain.md, the seeds); populations are
rounded Census 2021 figures for women aged 16+.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

FORCE_CODE = "WMP"
FORCE_NAME = "West Midlands Police"


@dataclass(frozen=True)
class Lpa:
    code: str
    name: str
    adult_women: int
    districts: tuple[str, ...]  # postcode districts
    neighbourhoods: tuple[tuple[str, str], ...]  # (code suffix, name)


def _d(prefix: str, *numbers: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{n}" for n in numbers)


LPAS: tuple[Lpa, ...] = (
    Lpa("BHM", "Birmingham", 460_000, _d("B", *range(1, 39), 42, 44),
        (("EDG", "Edgbaston"), ("ERD", "Erdington"), ("HGR", "Hall Green"),
         ("HOD", "Hodge Hill"), ("LAD", "Ladywood"), ("NFD", "Northfield"),
         ("PBR", "Perry Barr"), ("SOK", "Selly Oak"), ("SUT", "Sutton Coldfield"),
         ("YAR", "Yardley"))),
    Lpa("COV", "Coventry", 145_000, _d("CV", 1, 2, 3, 4, 5, 6),
        (("NE", "Coventry North East"), ("NW", "Coventry North West"),
         ("S", "Coventry South"))),
    Lpa("DUD", "Dudley", 132_000, _d("DY", 1, 2, 3, 5, 6, 8, 9) + _d("B", 62, 63),
        (("DN", "Dudley North"), ("DS", "Dudley South"), ("HAL", "Halesowen"),
         ("STO", "Stourbridge"))),
    Lpa("SAN", "Sandwell", 134_000, _d("B", 64, 65, 66, 67, 68, 69, 70, 71) + _d("DY", 4),
        (("WBR", "West Bromwich"), ("SME", "Smethwick"), ("ROW", "Rowley Regis"),
         ("TIP", "Tipton"), ("OLD", "Oldbury"))),
    Lpa("SOL", "Solihull", 90_000, _d("B", 90, 91, 92, 93, 94, 36, 37),
        (("NSO", "North Solihull"), ("CEN", "Solihull Central"), ("MER", "Meriden"))),
    Lpa("WAL", "Walsall", 114_000, _d("WS", 1, 2, 3, 4, 5, 6, 8, 9, 10),
        (("WN", "Walsall North"), ("WS", "Walsall South"), ("ALB", "Aldridge-Brownhills"),
         ("DAR", "Darlaston"))),
    Lpa("WOL", "Wolverhampton", 105_000, _d("WV", 1, 2, 3, 4, 6, 10, 11, 13, 14),
        (("WNE", "Wolverhampton North East"), ("WSE", "Wolverhampton South East"),
         ("WSW", "Wolverhampton South West"), ("BIL", "Bilston"))),
)

# Schools per 10,000 adult women, by phase (England has ~17k primary, ~3.5k
# secondary and ~230 FE colleges for ~24m women: rounded up for variety).
SCHOOLS_PER_10K_WOMEN = {"primary": 7.0, "secondary": 1.5, "college": 0.25, "special": 0.4}

# Which order types exist in WMP, and from when. WMP is not a DAPO pilot area,
# so there are no DAPN/DAPO/IDAPO rows.
ORDER_AVAILABILITY = {
    "DVPN": date(2014, 3, 8),
    "DVPO": date(2014, 3, 8),
    "SPO": date(2020, 1, 20),
    "ISPO": date(2020, 1, 20),
    "NMO": date(1997, 10, 1),
    "RO": date(1997, 6, 16),
    "ROA": date(2009, 9, 30),
}

# --- Volumes (per year at scale 1)
INCIDENTS_PER_YEAR = 70_000
CRIMES_PER_INCIDENT = 0.55  # after the June 2023 counting-rule change
EXTRA_CRIMES_BEFORE_BREAK = 0.2  # further crimes per crime-incident before it
TREND_PER_YEAR = 0.03
DVDS_PER_YEAR = 2_600
LOG_REVIEWS_PER_MONTH = 320
LOG_REVIEWS_FROM = date(2025, 3, 1)
NMO_PER_YEAR = 1_500
SPO_PER_YEAR = 17
LEGACY_RO_PER_YEAR = 900  # ROs made before the history starts, per year of lookback

# Month factors (July highest; January high after the Christmas and New Year rise).
MONTH_FACTOR = {1: 1.02, 2: 0.90, 3: 0.95, 4: 0.96, 5: 1.02, 6: 1.05, 7: 1.14,
                8: 1.08, 9: 0.98, 10: 0.96, 11: 0.93, 12: 1.00}
WEEKDAY_FACTOR = (0.92, 0.90, 0.91, 0.93, 1.02, 1.18, 1.14)
FESTIVE_FACTOR = 1.25  # 24 December to 1 January
HOUR_WEIGHTS = (4, 3, 2.5, 2, 1.5, 1.2, 1.3, 1.8, 2.5, 3, 3.5, 3.8,
                4, 4.2, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 7.5, 7, 5.5)

GRADES = {"immediate": 46, "priority": 40, "scheduled": 9, "resolution": 5}
RELATIONSHIPS = {"intimate_partner": 52, "ex_partner": 33, "family_member": 15}

OFFENCES = {
    # group: (weight, [offence titles])
    "violence_without_injury": (30, ("Common assault and battery", "Threats to kill",
                                     "Assault without injury on a constable")),
    "violence_with_injury": (22, ("Assault occasioning actual bodily harm",
                                  "Non-fatal strangulation or suffocation",
                                  "Wounding with intent to cause GBH")),
    "stalking_harassment": (19, ("Harassment", "Stalking", "Malicious communications",
                                 "Disclosing private sexual images")),
    "coercive_control": (8, ("Controlling or coercive behaviour",)),
    "criminal_damage": (8, ("Criminal damage to a dwelling", "Criminal damage to a vehicle",
                            "Arson not endangering life")),
    "public_order": (6, ("Fear or provocation of violence", "Intentional harassment, alarm "
                                                            "or distress")),
    "sexual": (3, ("Rape of a female aged 16 or over", "Sexual assault on a female")),
    "breach_of_order": (2, ("Breach of a non-molestation order",
                            "Breach of a restraining order")),
    "other": (2, ("Theft", "Burglary in a dwelling")),
}

# Home Office outcomes of DA crimes (per cent). Positive codes grow over time
# by POSITIVE_GROWTH from the first to the last day of the history.
OUTCOME_MIX = {
    "1": 6.6, "1A": 0.1, "2": 0.1, "2A": 0.05, "3": 1.5, "3A": 0.1, "4": 0.1,
    "6": 0.4, "7": 0.1, "8": 2.2,
    "5": 0.3, "9": 0.6, "10": 0.6, "11": 0.05, "12": 0.05, "13": 0.05, "14": 5.0,
    "15": 20.0, "16": 55.0, "17": 0.5, "18": 4.0, "19": 0.2, "20": 1.5, "21": 0.02,
    "22": 0.3,
}
POSITIVE_START, POSITIVE_END = 0.80, 1.30
# WMP's local sub-codes of 15 and 16 (domain.md: "treat the list as data"): code, label,
# Home Office parent, and the per cent of the parent's outcomes recorded with it.
LOCAL_SUB_CODES = (
    ("15A", "Victim supports action; no independent evidence to corroborate", "15", 30),
    ("15B", "Victim supports action; CPS advised no further action", "15", 15),
    ("16A", "Victim withdrew support after giving a statement", "16", 35),
    ("16B", "Victim declined to give a statement", "16", 25),
)
OUTCOME_DELAY_DAYS = {"1": 40, "1A": 40, "2": 45, "2A": 45, "16": 14, "15": 25, "18": 10}
ARREST_RATE_BY_OUTCOME = {"1": 0.95, "1A": 0.9, "2": 0.8, "2A": 0.8, "3": 0.75, "3A": 0.75,
                          "6": 0.7, "8": 0.6, "15": 0.55, "16": 0.42, "14": 0.3, "18": 0.05,
                          "20": 0.5}
ARREST_RATE_DEFAULT = 0.45

COURTS = {
    "BHM": "Birmingham Magistrates' Court", "COV": "Coventry Magistrates' Court",
    "DUD": "Dudley Magistrates' Court", "SAN": "Birmingham Magistrates' Court",
    "SOL": "Birmingham Magistrates' Court", "WAL": "Wolverhampton Magistrates' Court",
    "WOL": "Wolverhampton Magistrates' Court",
}
FAMILY_COURTS = {
    "BHM": "Birmingham Family Court", "COV": "Coventry Family Court",
    "DUD": "Dudley County Court and Family Court", "SAN": "Birmingham Family Court",
    "SOL": "Birmingham Family Court", "WAL": "Walsall County Court and Family Court",
    "WOL": "Wolverhampton Family Court",
}
OUT_OF_REGION_MARACS = ("Staffordshire MARAC", "West Mercia MARAC", "Warwickshire MARAC",
                        "Leicestershire MARAC", "Greater Manchester MARAC")
MARAC_AGENCIES = ("Police", "IDVA service", "Children's Services", "Housing", "Health",
                  "Probation", "Adult Social Care", "Mental Health Trust")
REFERRING_AGENCIES = {"Police": 72, "IDVA service": 9, "Health": 7, "Children's Services": 6,
                      "Housing": 4, "Probation": 2}
SUPPORT_SERVICES = ("Birmingham and Solihull Women's Aid", "Black Country Women's Aid",
                    "Coventry Haven", "Victim Support", "Cranstoun", "Refuge")
