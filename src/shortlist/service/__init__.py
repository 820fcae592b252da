"""The use cases of an awards edition, one function each.

Every service takes a unit of work (``uow``) and a clock, checks what the domain requires,
writes through the repositories, notes administrative acts in the audit table, and commits
once. Services never print and never exit; they raise :mod:`shortlist.errors`.
"""
