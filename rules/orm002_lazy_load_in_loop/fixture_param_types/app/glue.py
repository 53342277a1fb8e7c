"""Plain glue code: no ORM import, no session."""


def relay(digest, payload):
    digest.attach(payload)
