"""Meta sees a citizen's WhatsApp message before it calls the webhook: the tests' posts tell the
running stand-in of the Cloud API (conftest's `meta_hears` puts it here), which opens that
citizen's 24-hour window as Meta would."""

HEARD: list = []


def hears(body: dict) -> None:
    for stand_in in HEARD:
        for entry in body.get("entry") or []:
            for change in entry.get("changes") or []:
                for message in (change.get("value") or {}).get("messages") or []:
                    if "from" in message:
                        stand_in.citizen_wrote(message["from"])
