"""The ceiling: a bare FastAPI app that only checks a Twilio signature and returns empty TwiML.

Served with the same uvicorn settings as `camino serve`, it bounds what any webhook could do.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from twilio.request_validator import RequestValidator

TOKEN = "bench-auth-token"
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def create_app() -> FastAPI:
    """One route, as thin as a webhook can be."""
    app = FastAPI()
    validator = RequestValidator(TOKEN)
    public = "http://127.0.0.1"

    @app.post("/webhooks/twilio/sms")
    async def sms(request: Request) -> Response:
        form = await request.form()
        params = {k: str(v) for k, v in form.items()}
        url = public + ":" + str(request.url.port) + request.url.path
        if not validator.validate(url, params, request.headers.get("X-Twilio-Signature", "")):
            return Response(status_code=403)
        return Response(EMPTY, media_type="application/xml")

    return app
