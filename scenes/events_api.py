from ninja import Router

router = Router(tags=["groups and events"])
