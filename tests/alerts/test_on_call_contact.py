"""An on-call number that has also written to Camino as a person (so it has a contact): its OK
still acknowledges the alert, though the message path looks the on-call list up only where the
contact's own query says it can match."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.store.models import Alert, Contact
from tests.alerts.conftest import ANSWERS, NIGHT, World, ok_by_sms
from tests.support.alerting import file_and_alert


def test_ok_from_an_on_call_number_with_a_contact_acknowledges(world: World) -> None:
    # Other words from staff go to the conversation, which makes the number a contact.
    assert ok_by_sms(world, "Hola")
    with world.runtime.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Contact)) == 1
    case_id = file_and_alert(world.runtime, ANSWERS)
    world.clock.advance(seconds=30)
    assert ok_by_sms(world) == ["Recibido: usted atiende el reporte urgente."]
    with world.runtime.sessions() as db:
        alert = db.scalars(select(Alert).where(Alert.case_id == case_id)).one()
        assert alert.acknowledged_at == NIGHT + timedelta(seconds=30)
