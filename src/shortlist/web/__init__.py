"""The web app: server-rendered pages for members and administrators, and the REST API.

``create_app(settings)`` builds it (see :mod:`shortlist.web.app`); routers plug in through
:mod:`shortlist.web.routes`. Workers keep nothing shared in memory: sessions are signed
cookies, and rate limits and single-use tokens live in the database.
"""
