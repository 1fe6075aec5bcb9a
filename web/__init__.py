"""The reviewers' web app (``intake serve``): FastAPI with server-rendered Jinja2 pages, in Korean.

Kept import-light: ``review_queue.migrations.env`` imports ``review_queue.web_tables`` so that the
store's Alembic migrations cover the app's tables; FastAPI is imported only by ``app.create_app``.
"""
