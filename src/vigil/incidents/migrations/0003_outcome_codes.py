"""Reference data: the Home Office outcome codes 1-22 and the alternative-offence
sub-codes 1A, 2A, 3A, with their groups (domain-reference.md sections 2.2 and 2.3)."""

from django.db import migrations

CHARGED = "Charged/Summonsed"
FORMAL = "Out-of-court (formal)"
INFORMAL = "Out-of-court (informal)"
TIC = "Taken into consideration"
DIVERSIONARY = "Diversionary, educational or intervention activity"
SUPPORTS = "Evidential difficulties (suspect identified; victim supports action)"
NOT_SUPPORTS = "Evidential difficulties (victim does not support action)"
PREVENTED = "Prosecution prevented or not in the public interest"
POLICE_DECISION = ("Further investigation to support formal action not in the public interest"
                   " - police decision")
TRANSFERRED = "Responsibility for further investigation transferred to another body"
NO_SUSPECT = "Investigation complete - no suspect identified"
FRAUD = "National Fraud Intelligence Bureau filed"

# (code, label, group, parent code); in display order.
CODES = [
    ("1", "Charged/summonsed", CHARGED, None),
    ("1A", "Charged/summonsed with alternative offence", CHARGED, "1"),
    ("2", "Caution - youths", FORMAL, None),
    ("2A", "Youth caution with alternative offence", FORMAL, "2"),
    ("3", "Caution - adults", FORMAL, None),
    ("3A", "Adult caution with alternative offence", FORMAL, "3"),
    ("4", "Taken into consideration (TIC)", TIC, None),
    ("5", "Offender died", PREVENTED, None),
    ("6", "Penalty notice for disorder", FORMAL, None),
    ("7", "Cannabis/khat warning", INFORMAL, None),
    ("8", "Community resolution", INFORMAL, None),
    ("9", "Prosecution not in the public interest (CPS)", PREVENTED, None),
    ("10", "Formal action against the offender not in the public interest (police decision)",
     PREVENTED, None),
    ("11", "Prosecution prevented: named suspect below the age of criminal responsibility",
     PREVENTED, None),
    ("12", "Prosecution prevented: named suspect too ill (physical or mental health) to "
     "prosecute", PREVENTED, None),
    ("13", "Prosecution prevented: victim or key witness dead or too ill to give evidence",
     PREVENTED, None),
    ("14", "Evidential difficulties, victim based: named suspect not identified; victim "
     "declines or is unable to support further police action to identify the offender",
     NOT_SUPPORTS, None),
    ("15", "Named suspect identified: victim supports police action but evidential "
     "difficulties prevent further action", SUPPORTS, None),
    ("16", "Named suspect identified: evidential difficulties prevent further action; victim "
     "does not support (or has withdrawn support from) police action", NOT_SUPPORTS, None),
    ("17", "Prosecution time limit expired (suspect identified)", PREVENTED, None),
    ("18", "Investigation complete: no suspect identified", NO_SUSPECT, None),
    ("19", "National Fraud Intelligence Bureau filed (fraud)", FRAUD, None),
    ("20", "Further action will be undertaken by another body or agency", TRANSFERRED, None),
    ("21", "Further investigation that could provide evidence to support formal action "
     "against a named suspect is not in the public interest (police decision)",
     POLICE_DECISION, None),
    ("22", "Diversionary, educational or intervention activity, resulting from the crime "
     "report, has been undertaken and it is not in the public interest to take any further "
     "action", DIVERSIONARY, None),
]


def load(apps, schema_editor):
    OutcomeCode = apps.get_model("incidents", "OutcomeCode")
    by_code = {}
    for code, label, group, parent in CODES:
        obj, _ = OutcomeCode.objects.update_or_create(
            code=code,
            defaults={"label": label, "group": group,
                      "parent": by_code[parent] if parent else None},
        )
        by_code[code] = obj


def unload(apps, schema_editor):
    OutcomeCode = apps.get_model("incidents", "OutcomeCode")
    # Sub-codes first: their parent is PROTECTed.
    OutcomeCode.objects.filter(code__in=["1A", "2A", "3A"]).delete()
    OutcomeCode.objects.filter(code__in=[c[0] for c in CODES]).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_initial")]

    operations = [migrations.RunPython(load, unload)]
