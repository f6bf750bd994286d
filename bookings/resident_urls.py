"""The resident's booking pages: choose and book (resident_views), 我的预约 (mine_views)."""

from django.urls import path

from bookings import mine_views, resident_views

urlpatterns: list = [
    path("venues/<id:venue_id>/book/", resident_views.book, name="book"),
    path("rooms/<id:room_id>/book/", resident_views.book_confirm, name="book_confirm"),
    path("me/bookings/", mine_views.my_bookings, name="my_bookings"),
    path("me/bookings/<str:public_id>/", mine_views.booking_detail, name="booking_detail"),
    path("me/bookings/<str:public_id>/cancel/", mine_views.booking_cancel, name="booking_cancel"),
    path("me/bookings/<str:public_id>/rate/", mine_views.booking_rate, name="booking_rate"),
]
