"""Email and reminder rules."""


def init_app(app) -> None:
    from app.notifications import queued_delivery

    queued_delivery.register()
