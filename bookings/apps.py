from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # An event cannot be published over a booking that holds its room.
        from bookings.occupancy import booked
        from scenes.occupancy import register_room_occupancy

        register_room_occupancy("bookings", booked)
