from django.urls import path

from vigil.marac import views

app_name = "marac"

urlpatterns = [
    path("", views.coordinator, name="coordinator"),
    path("declined/", views.declined, name="declined"),
    path("referrals/new/", views.partner_referral, name="partner-referral"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("referrals/<int:pk>/hearing/", views.hearing, name="hearing"),
    path("referrals/<int:pk>/close/", views.close, name="close"),
    path("referrals/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("referrals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("transfers/new/", views.transfer_in, name="transfer-in"),
    path("transfers/<int:pk>/receive/", views.receive, name="receive"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda-pdf"),
    path("meetings/<int:pk>/invite.ics", views.invite, name="invite"),
]
