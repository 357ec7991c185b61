"""The Operation Encompass notification page: what the school is (or was) told."""

from vigil.core.record_links import record_page
from vigil.encompass import queries
from vigil.encompass.models import EncompassNotification

notification_detail = record_page("encompass/notification_detail.html",
                                  queries.notification_view, EncompassNotification)
