"""A separate process that casts ballots through the service, printing ``ack MEMBER`` after
each cast the service acknowledged (for the concurrency and kill -9 tests).

Usage: python cast_worker.py URL EDITION/CATEGORY/ROUND INSTANT MEMBER[,MEMBER...] [ENTRY...]
Each member ranks the given entries (rotated by the member's position, so ballots differ).
"""

from __future__ import annotations

import sys
from datetime import datetime

from shortlist.service import voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database


def main(argv: list[str]) -> None:
    url, ref, instant, members, *entries = argv
    database = Database(url)
    clock = SimulatedClock(datetime.fromisoformat(instant))
    for i, member in enumerate(members.split(",")):
        ranking = entries[i % len(entries) :] + entries[: i % len(entries)]
        with database.unit_of_work() as uow:
            voting.cast(uow, RoundRef.parse(ref), member, ranking, clock)
        print(f"ack {member}", flush=True)
    database.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
