"""The rules the plan serves, read from the policy files, and the office's calendar.

Owns: the rule sets (:mod:`.policy`: policy files in ``models/``, due dates, category
review), working days, public holidays, absences and weekly targets
(:mod:`.calendar`), and the holiday tables kept between commands
(:mod:`.holiday_cache`). Imports nothing but :mod:`kontaktplan.domain`.
"""
