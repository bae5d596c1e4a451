"""The SMS and WhatsApp channels through Twilio.

`routes.twilio_router()` serves `POST /webhooks/twilio/sms`, `/whatsapp` and `/status`: it checks
Twilio's signature, parses the form into an `InboundEvent`, runs the conversation and renders the
reply as TwiML (SMS, plain WhatsApp text) or through the REST API (WhatsApp buttons and lists).
"""

STATUS_PATH = "/webhooks/twilio/status"
