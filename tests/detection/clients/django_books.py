"""Django ORM: books and their authors, loaded lazily in a loop (N+1) or
eagerly with select_related / prefetch_related.
lazy_atomic is the lazy loop inside transaction.atomic() (as with ATOMIC_REQUESTS).
Usage: django_books.py {lazy|lazy_atomic|select_related|prefetch_related} DIRECT_PORT PROXY_PORT APPLICATION_NAME"""
import client_args
import django_library

MODE, DIRECT_PORT, PROXY_PORT, APPLICATION_NAME = client_args.parse(
    ["lazy", "lazy_atomic", "select_related", "prefetch_related"])
django_library.configure(DIRECT_PORT, PROXY_PORT, APPLICATION_NAME)

from django.db import connections, transaction  # noqa: E402 (needs settings first)

from django_models import Book, create_library  # noqa: E402


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
