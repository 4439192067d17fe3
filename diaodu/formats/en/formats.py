from django.conf.locale.en.formats import *  # noqa: F403  (Django's English formats, as they are)

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
