"""The background work of a process: the outbox worker (every process) and the scheduler."""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels.telegram.sender import TelegramSender
from bot.channels.twilio.rest import TwilioRest
from bot.channels.twilio.sender import TwilioSender
from bot.core.config import Settings
from bot.delivery import ChannelSender
from bot.delivery.worker import OutboxWorker
from bot.intake.runtime import Runtime
from bot.scheduling.leader import SchedulerService


def build_senders(settings: Settings) -> dict[str, ChannelSender]:
    """A sender for every push channel whose settings are present."""
    senders: dict[str, ChannelSender] = {}
    if settings.telegram_bot_token:
        senders["telegram"] = TelegramSender(settings)
    if settings.twilio_account_sid and settings.twilio_auth_token:
        rest = TwilioRest(
            settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base_url
        )
        if settings.twilio_sms_from:
            senders["sms"] = TwilioSender(settings, "sms", rest)
        if settings.twilio_whatsapp_from:
            senders["whatsapp"] = TwilioSender(settings, "whatsapp", rest)
    return senders


@dataclass
class Background:
    """What runs beside the requests; either part may be off by settings."""

    worker: OutboxWorker | None = None
    scheduler: SchedulerService | None = None

    def wake(self) -> None:
        """Tell the outbox worker that a row is due now (no-op without a worker)."""
        if self.worker is not None:
            self.worker.wake()

    async def stop(self) -> None:
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self.worker is not None:
            await self.worker.stop()


async def start_background(runtime: Runtime) -> Background:
    """For the web app's lifespan and `camino telegram poll`: start what the settings enable."""
    settings = runtime.settings
    background = Background()
    if settings.outbox_enabled:
        senders = build_senders(settings)
        if senders:
            background.worker = OutboxWorker(
                settings,
                runtime.sessions,
                runtime.vault,
                runtime.clock,
                senders,
                backoff_base=settings.outbox_backoff_seconds,
            )
            await background.worker.start()
    if settings.scheduler_enabled:
        background.scheduler = SchedulerService(runtime)
        background.scheduler.start()
    return background
