from django.urls import path

from peerpower.issues import views

app_name = "issues"

urlpatterns = [
    path("meetings/<int:pk>/issues/", views.meeting_issues, name="meeting"),
    path("meetings/<int:pk>/issues/new/", views.issue_submit, name="submit"),
    path("meetings/<int:pk>/issues/order/", views.queue_order, name="order"),
    path("meetings/<int:pk>/check-in/", views.update_submit, name="check_in"),
    path("meetings/<int:pk>/room/", views.room, name="room"),
    path("meetings/<int:pk>/room/state/", views.room_state, name="room_state"),
    path("meetings/<int:pk>/room/act/", views.room_act, name="room_act"),
    path("meetings/<int:pk>/room/note/", views.room_note, name="room_note"),
    path("meetings/<int:pk>/room/practice/", views.practice, name="practice"),
    path("meetings/<int:pk>/room/practice/act/", views.practice_act, name="practice_act"),
    path("issues/<int:pk>/", views.issue_detail, name="detail"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="edit"),
    path("issues/<int:pk>/delete/", views.issue_delete, name="delete"),
    path("issues/<int:pk>/withdraw/", views.issue_withdraw, name="withdraw"),
    path("issues/<int:pk>/restore/", views.issue_restore, name="restore"),
    path("issues/<int:pk>/back/", views.issue_back, name="back"),
    path("issues/<int:pk>/notes/share/", views.notes_share, name="notes_share"),
    path("issues/<int:pk>/commitment/", views.commitment_record, name="commitment"),
    path("commitments/", views.my_commitments, name="commitments"),
    path("commitments/<int:pk>/report/", views.commitment_report, name="report"),
    path("groups/<int:pk>/access-log/", views.access_log, name="access_log"),
    path("groups/<int:pk>/my-issues.txt", views.own_record, name="own_record"),
]
