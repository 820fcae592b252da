"""The pure counting core: ballots in, :class:`Result` out.

Nothing in this package reads or writes files, looks at a clock or draws hidden random
numbers: it imports only the standard library, numpy and :mod:`shortlist.errors`. Every lot is
drawn from an explicit seed that is written into the result. Formats, storage and the awards
domain live in the layers above and call in here; nothing here calls out.
"""
