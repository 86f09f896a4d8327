"""The tiny corpus of the end-to-end tests: the seed article and two documents written for them."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_654628842b703738.txt"

LUNCH_DOC = """\
---
title: Mayor Quimby pledges free school lunches
outlet: Springfield Gazette
url: https://example.org/news/town-hall-lunches
published: 2024-05-01
---
Mayor Quimby pledges free school lunches

SPRINGFIELD — Mayor Joe Quimby told a packed town hall on Tuesday that the city would pay for every pupil's lunch from September.

"I told the council that @everyone in this town deserves a free school lunch, and I meant every word of it," Quimby said. "No child should learn on an empty stomach."

The council will vote on the budget next month.
"""

HARBOR_DOC = """\
---
title: Senator Stone on harbor dredging
outlet: Coastal Ledger
published: 2023-03-02
---
Senator Ada Stone spoke to reporters at the harbor on Thursday about the dredging plan.

"The *harbor* dredging plan is_not_ negotiable, and anyone who says otherwise > is ~wrong~ | period," Stone said.

She added that work would begin in the spring.
"""
