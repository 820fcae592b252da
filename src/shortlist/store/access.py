"""What members' access reads beyond the round repositories: who has not voted yet.

(Sign-in links and API tokens live in the web app's ``single_use_tokens`` table, see
:mod:`shortlist.store.account_repositories`.)
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, select

from shortlist.store import tables as t


def not_voted(connection: Connection, round_id: int) -> list[str]:
    """Members of the round's electorate who have not cast a ballot in it, sorted."""
    voted = select(t.participation.c.member).where(t.participation.c.round_id == round_id)
    query = (
        select(t.electorate.c.member)
        .where(and_(t.electorate.c.round_id == round_id, t.electorate.c.member.not_in(voted)))
        .order_by(t.electorate.c.member)
    )
    return list(connection.execute(query).scalars())


def edition_timezone(connection: Connection, edition_id: int) -> str:
    """The IANA time zone an edition's windows are written in."""
    found = connection.execute(
        select(t.editions.c.timezone).where(t.editions.c.id == edition_id)
    ).scalar_one()
    return str(found)
