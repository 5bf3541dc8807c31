from django.urls import path

from peerpower.impact import views

app_name = "impact"

urlpatterns = [
    path("surveys/", views.mine, name="mine"),
    path("surveys/<int:pk>/", views.answer, name="answer"),
    path("surveys/progress/", views.progress, name="progress"),
    path("surveys/progress.csv", views.progress_csv, name="progress_csv"),
    path("groups/<int:pk>/health/", views.group_health, name="group_health"),
    path("groups/<int:pk>/health.csv", views.group_health_csv, name="group_health_csv"),
    path("network/<slug:slug>/outcomes/", views.outcomes, name="outcomes"),
    path("network/<slug:slug>/outcomes.csv", views.outcomes_csv, name="outcomes_csv"),
    path("network/<slug:slug>/impact-report/", views.impact_report, name="report"),
    path("network/<slug:slug>/impact-report.pdf", views.impact_report_pdf, name="report_pdf"),
    path("network/<slug:slug>/impact-report.csv", views.impact_report_csv, name="report_csv"),
    path("network/<slug:slug>/business-case/", views.business_case, name="case"),
    path("network/<slug:slug>/business-case.pdf", views.business_case_pdf, name="case_pdf"),
    path("network/<slug:slug>/business-case.odt", views.business_case_odt, name="case_odt"),
    path("network/<slug:slug>/surveys/", views.surveys, name="surveys"),
    path("network/<slug:slug>/surveys/<int:pk>/", views.survey_edit, name="survey_edit"),
]
