"""Local fake servers speaking the Telegram Bot API and the Twilio REST API wire formats."""
