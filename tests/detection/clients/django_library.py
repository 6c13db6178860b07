"""What the Django clients share: settings for the proxied database
("default") and PostgreSQL itself ("direct", for setup), then the library's
models, which Django lets exist only after setup: call configure() first.
Usage: django_library.configure(...); from django_models import Author, Book, ..."""
import django
from django.conf import settings


def database(port, application_name, **options):
    return {"ENGINE": "django.db.backends.postgresql", "NAME": "postgres", "USER": "postgres",
            "HOST": "127.0.0.1", "PORT": str(port),
            "OPTIONS": {"application_name": application_name}, **options}


def configure(direct_port, proxy_port, application_name, conn_max_age=0, **extra_settings):
    settings.configure(
        DATABASES={"default": database(proxy_port, application_name, CONN_MAX_AGE=conn_max_age),
                   "direct": database(direct_port, application_name + "_setup")},
        INSTALLED_APPS=[], USE_TZ=False, **extra_settings)
    django.setup()
