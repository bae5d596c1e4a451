"""The dashboard's pages, one router module per page group; `bot.dashboard` assembles them.

Every form is POSTed with a CSRF token and answered with a 303 redirect (no personal data in
any URL). Every request leaves one audit entry (see `bot.dashboard.web`).
"""
