from ninja import Router

router = Router(tags=["scenes"])
