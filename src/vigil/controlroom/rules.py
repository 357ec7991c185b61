"""Control-room rules. None yet: log reviews are counted as KPIs (analytics), and a duty
with a clock (e.g. review every high-risk call within a day) belongs here, registered
with the engine like the other teams' rules (vigil.safeguarding.api)."""

from __future__ import annotations

RULES: tuple = ()
