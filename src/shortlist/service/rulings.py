"""Eligibility rulings and window changes: administrative acts, each one audit entry.

* An entry excluded from its category (with its reason) is left off every slate opened
  afterwards, so no ballot can mark it. It cannot be excluded while a round of its category is
  open with it on the slate: members may already have marked it, and the slate a round opened
  with is the one it is counted on. Reinstating lets the next round to open include it again.
* A member excluded from a round (with its reason) is left out of the electorate snapshotted
  when it opens; in an open round, only a member who has not voted can be excluded (a cast
  ballot is sealed and cannot be picked out to be withdrawn), and their cast is then refused
  with the ruling's reason. Reinstating before the round opens undoes the ruling; in an open
  round it gives back the place in the electorate that the ruling took away.
* A round's window changes freely while it is a draft; an open round may only move its closing
  instant, and not into the past; a closed round's window is history.

Rulings refuse with a clear error, and then nothing changes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shortlist.domain.codec import round_to_dict
from shortlist.domain.errors import Conflict, LifecycleError
from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.model import Window
from shortlist.domain.times import format_instant, human
from shortlist.errors import InputError
from shortlist.service.clock import Clock
from shortlist.service.refs import RoundRef
from shortlist.service.rounds import find
from shortlist.store.database import UnitOfWork
from shortlist.store.records import RoundRecord
from shortlist.store.rulings import Rulings


def _reason(reason: str, act: str) -> str:
    text = reason.strip()
    if not text:
        raise InputError(f"{act} needs a reason (--reason): it is recorded in the audit log")
    return text


def _entry_id(uow: UnitOfWork, edition: str, category: str, entry: str) -> tuple[int, int]:
    """The category's id and the entry's id, or NotFound naming what is missing."""
    category_id = uow.editions.category_id(uow.editions.id_of(edition), category)
    ids = uow.editions.entry_ids(category_id)
    if entry not in ids:
        raise InputError(f"no entry {entry!r} in {edition}/{category}")
    return category_id, ids[entry]


def exclude_entry(
    uow: UnitOfWork, edition: str, category: str, entry: str, reason: str, clock: Clock, actor: str
) -> None:
    """Exclude ``entry`` from ``category``: it is on no slate opened from now on."""
    why = _reason(reason, f"excluding entry {entry}")
    category_id, entry_id = _entry_id(uow, edition, category, entry)
    rulings = Rulings(uow.connection)
    if rulings.entry_ruling(entry_id) is not None:
        raise Conflict(f"entry {entry} is already excluded from {edition}/{category}")
    for found in uow.rounds.of_edition(edition):
        if found.category_id != category_id:
            continue
        record = uow.rounds.get(found.id, lock="update")  # no round of it opens meanwhile
        if record.status is RoundStatus.OPEN and entry in (record.slate or ()):
            raise LifecycleError(
                f"cannot exclude entry {entry}: round {record.label} is open with it on its "
                "slate (members may have marked it); rule on it before the next round opens"
            )
    now = clock.now()
    rulings.exclude_entry(entry_id, why, now, actor)
    uow.audit.write(now, actor, "entry.exclude", f"{edition}/{category}/{entry}", why)
    uow.commit()


def reinstate_entry(
    uow: UnitOfWork, edition: str, category: str, entry: str, reason: str, clock: Clock, actor: str
) -> None:
    """Lift the exclusion of ``entry``: rounds opened from now on may have it on their slate."""
    why = _reason(reason, f"reinstating entry {entry}")
    _, entry_id = _entry_id(uow, edition, category, entry)
    rulings = Rulings(uow.connection)
    if rulings.entry_ruling(entry_id) is None:
        raise Conflict(f"entry {entry} is not excluded from {edition}/{category}")
    now = clock.now()
    rulings.reinstate_entry(entry_id)
    uow.audit.write(now, actor, "entry.reinstate", f"{edition}/{category}/{entry}", why)
    uow.commit()


def exclude_member(
    uow: UnitOfWork, ref: RoundRef, member: str, reason: str, clock: Clock, actor: str
) -> None:
    """Exclude ``member`` from round ``ref``'s electorate: before it opens, or while it is open
    if they have not voted."""
    why = _reason(reason, f"excluding member {member}")
    record = uow.rounds.get(find(uow, ref).id, lock="update")
    if not uow.editions.has_member(record.edition_id, member):
        raise InputError(f"no member {member!r} on the roll of {ref.edition}")
    rulings = Rulings(uow.connection)
    if rulings.member_ruling(record.id, member) is not None:
        raise Conflict(f"member {member} is already excluded from round {ref}")
    if record.status is RoundStatus.OPEN:
        if uow.rounds.voted(record.id, member):
            raise LifecycleError(
                f"cannot exclude member {member} from round {ref}: they have already voted, and "
                "a sealed ballot cannot be withdrawn"
            )
        rulings.leave_electorate(record.id, member)
    elif record.status is not RoundStatus.DRAFT:
        raise LifecycleError(
            f"cannot exclude member {member} from round {ref}: it is {record.status.value} "
            "(only a draft or open round's electorate can change)"
        )
    now = clock.now()
    rulings.exclude_member(record.id, member, why, now, actor)
    uow.audit.write(now, actor, "member.exclude", f"{ref}/{member}", why)
    uow.commit()


def reinstate_member(
    uow: UnitOfWork, ref: RoundRef, member: str, reason: str, clock: Clock, actor: str
) -> None:
    """Lift ``member``'s exclusion from round ``ref`` (see the module's rules)."""
    why = _reason(reason, f"reinstating member {member}")
    record = uow.rounds.get(find(uow, ref).id, lock="update")
    rulings = Rulings(uow.connection)
    ruling = rulings.member_ruling(record.id, member)
    if ruling is None:
        raise Conflict(f"member {member} is not excluded from round {ref}")
    if record.status is RoundStatus.OPEN:
        if record.opened_at is None or ruling.at < record.opened_at:
            raise LifecycleError(
                f"cannot reinstate member {member} in round {ref}: they were excluded before it "
                "opened, so the electorate it opened with never held them"
            )
        uow.rounds.set_electorate(record.id, [member])
    elif record.status is not RoundStatus.DRAFT:
        raise LifecycleError(
            f"cannot reinstate member {member} in round {ref}: it is {record.status.value}"
        )
    now = clock.now()
    rulings.reinstate_member(record.id, member)
    uow.audit.write(now, actor, "member.reinstate", f"{ref}/{member}", why)
    uow.commit()


def change_window(
    uow: UnitOfWork,
    ref: RoundRef,
    opens: datetime,
    closes: datetime,
    reason: str,
    clock: Clock,
    actor: str,
) -> RoundRecord:
    """Move round ``ref``'s window to ``opens``..``closes`` (see the module's rules)."""
    why = _reason(reason, f"changing the window of round {ref}")
    record = uow.rounds.get(find(uow, ref).id, lock="update")
    now = clock.now()
    _check_window(uow, record, Window(opens, closes), now)
    spec = record.spec
    moved = replace(spec, window=Window(opens, closes))
    uow.rounds.update(record.id, spec=round_to_dict(moved))
    detail = {
        "before": {
            "opens": format_instant(spec.window.opens),
            "closes": format_instant(spec.window.closes),
        },
        "after": {"opens": format_instant(opens), "closes": format_instant(closes)},
    }
    uow.audit.write(now, actor, "round.window", str(ref), why, detail)
    uow.commit()
    return uow.rounds.get(record.id)


def _check_window(uow: UnitOfWork, record: RoundRecord, window: Window, now: datetime) -> None:
    label, old = record.label, record.spec.window
    if window.opens.tzinfo is None or window.closes.tzinfo is None:
        raise InputError("a window's instants need a time zone (e.g. '... America/Los_Angeles')")
    if window.closes <= window.opens:
        raise InputError(f"round {label}: the window closes before it opens")
    if (window.opens, window.closes) == (old.opens, old.closes):
        raise InputError(
            f"round {label}: its window is already {human(old.opens)} to "
            f"{human(old.closes)}; nothing to change"
        )
    if record.status is RoundStatus.OPEN:
        if window.opens != old.opens:
            raise LifecycleError(
                f"round {label} is open (since {human(old.opens)}): only its closing instant "
                "can move"
            )
        if window.closes <= now:
            raise LifecycleError(
                f"round {label} is open: its closing instant cannot move into the past "
                f"({human(window.closes)}); close it early with a reason instead"
            )
    elif record.status is not RoundStatus.DRAFT:
        raise LifecycleError(
            f"cannot change the window of round {label}: it is {record.status.value}"
        )
    _check_neighbours(uow, record, window)
    embargo = record.spec.publication.embargo
    if embargo is not None and embargo < window.closes:
        raise LifecycleError(
            f"round {label}: its results embargo ({human(embargo)}) would end before the "
            "window closes"
        )


def _check_neighbours(uow: UnitOfWork, record: RoundRecord, window: Window) -> None:
    before, after = uow.rounds.neighbour(record, -1), uow.rounds.neighbour(record, 1)
    if before is not None and window.opens < before.spec.window.closes:
        raise LifecycleError(
            f"round {record.label} would open before round {before.label} closes "
            f"({human(before.spec.window.closes)})"
        )
    if after is not None and window.closes > after.spec.window.opens:
        raise LifecycleError(
            f"round {record.label} would close after round {after.label} opens "
            f"({human(after.spec.window.opens)})"
        )
