"""Django ORM: books and their authors, loaded lazily in a loop (N+1) or
eagerly with select_related / prefetch_related.
lazy_atomic is the lazy loop inside transaction.atomic() (as with ATOMIC_REQUESTS).
Usage: django_books.py {lazy|lazy_atomic|select_related|prefetch_related} DIRECT_PORT PROXY_PORT APPLICATION_NAME"""
import django
from django.conf import settings

import client_args

MODE, DIRECT_PORT, PROXY_PORT, APPLICATION_NAME = client_args.parse(
    ["lazy", "lazy_atomic", "select_related", "prefetch_related"])


def database(port, application_name):
    return {"ENGINE": "django.db.backends.postgresql", "NAME": "postgres", "USER": "postgres",
            "HOST": "127.0.0.1", "PORT": str(port),
            "OPTIONS": {"application_name": application_name}}


settings.configure(
    DATABASES={"default": database(PROXY_PORT, APPLICATION_NAME),
               "direct": database(DIRECT_PORT, APPLICATION_NAME + "_setup")},
    INSTALLED_APPS=[], USE_TZ=False)
django.setup()

from django.db import connections, models, transaction  # noqa: E402 (needs settings first)


class Author(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        app_label = "library"
        db_table = "dj_authors"


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)

    class Meta:
        app_label = "library"
        db_table = "dj_books"


def create_library():
    direct = connections["direct"]
    with direct.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS dj_books, dj_authors")
    with direct.schema_editor() as editor:
        editor.create_model(Author)
        editor.create_model(Book)
    authors = Author.objects.using("direct").bulk_create(
        [Author(name=f"author {i}") for i in range(client_args.AUTHORS)])
    Book.objects.using("direct").bulk_create(
        [Book(title=f"book {i}", author=a) for i, a in enumerate(authors)])
    direct.close()


def list_books():
    books = Book.objects.order_by("id")
    if MODE == "select_related":
        books = books.select_related("author")
    elif MODE == "prefetch_related":
        books = books.prefetch_related("author")
    # Slicing adds LIMIT: the books query itself is a bounded, ordinary one.
    return [f"{book.title} by {book.author.name}" for book in books[:client_args.AUTHORS]]


create_library()
if MODE == "lazy_atomic":
    with transaction.atomic():
        lines = list_books()
else:
    lines = list_books()
connections["default"].close()
print(len(lines), "books;", lines[0])
