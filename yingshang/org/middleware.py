import time

TOUCH_EVERY_SECONDS = 60


class SlidingSessionMiddleware:
    """Idle timeout without a session write on every request: a logged-in session's expiry is
    pushed forward at most once a minute (SESSION_COOKIE_AGE after the last activity, to within
    a minute). SESSION_SAVE_EVERY_REQUEST would write the session row on every page view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and "_auth_user_id" in session:
            now = int(time.time())
            if now - session.get("_touched", 0) >= TOUCH_EVERY_SECONDS:
                session["_touched"] = now  # marks the session modified: saved, cookie renewed
        return response
