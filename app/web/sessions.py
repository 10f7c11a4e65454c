"""The cookie session for every app: Flask's, without work or headers where no session is involved."""

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, left alone by static answers, and cheap for visitors without one.

    Flask-Login reads the session after every request, and a read session makes Flask add
    ``Vary: Cookie`` (and refresh the cookie): a static file would then be cached per visitor.
    A static answer never depends on the session, so it is saved only if something changed it.
    Without a session cookie (every anonymous page view) there is nothing to verify: the empty session
    is made without building the signing serializer (~40 µs a request); ``save_session`` builds it
    when something was stored.
    """

    def open_session(self, app: Flask, incoming):
        if app.secret_key and not incoming.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, incoming)

    def save_session(self, app: Flask, session, response) -> None:
        if request.endpoint == "static" and not session.modified:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
