"""The chat proposes the routing model's category and the citizen confirms it with "1"."""

import pytest

from laksana.complaints.models import Complaint
from laksana.routing import services as routing
from laksana.routing.tests.test_routing import trained
from laksana.testing.personas import IN_TANGERANG

from .test_whatsapp import body_of, last_sent, payload, post, text

pytestmark = pytest.mark.django_db
LAT, LNG = IN_TANGERANG


def _to_the_category_question(client, deliver_outbox, description: str) -> None:
    for message in (
        text("Halo"),
        text(description),
        {"type": "location", "location": {"latitude": LAT, "longitude": LNG}},
        text("LEWATI"),  # no photo
    ):
        post(client, payload(message))
        deliver_outbox()


def test_with_a_model_the_chat_proposes_its_category_and_1_confirms_it(
    client, whatsapp_tng, stand_in, deliver_outbox, tangerang
):
    trained(tangerang)
    description = "lampu pju mati total di gang mawar, malam gelap sekali rawan begal"
    guess = routing.suggest(tangerang, description).category
    assert guess.confidence >= 0.5  # the starter corpus knows street lights

    _to_the_category_question(client, deliver_outbox, description)
    asked = last_sent(stand_in)
    assert body_of(asked).startswith("Sepertinya laporan ini tentang")
    assert guess.name in body_of(asked).splitlines()[0]
    rows = asked["interactive"]["action"]["sections"][0]["rows"]
    assert rows[0]["id"] == f"cat:{guess.code}"

    post(client, payload(text("1")))
    deliver_outbox()
    assert Complaint.objects.get().category.code == guess.code


def test_without_a_model_the_chat_only_lists_categories_by_their_words(
    client, whatsapp_tng, stand_in, deliver_outbox
):
    _to_the_category_question(client, deliver_outbox, "Jalan berlubang dalam di depan SDN 3.")
    asked = last_sent(stand_in)
    assert body_of(asked).startswith("Pilih kategori laporan")
    rows = asked["interactive"]["action"]["sections"][0]["rows"]
    assert rows[0]["id"] == "cat:JALAN-RUSAK"
