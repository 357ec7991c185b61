"""My work and notices: the user's own pages (mounted at the site root)."""

from django.urls import path

from vigil.safeguarding import work_views

app_name = "work"

urlpatterns = [
    path("my-work/", work_views.my_work, name="mine"),
    path("notices/", work_views.notices, name="notices"),
    path("notices/read/", work_views.mark_read, name="notices-read"),
    path("notices/digest/", work_views.digest, name="notices-digest"),
]
