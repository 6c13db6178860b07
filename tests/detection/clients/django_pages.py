"""Django pages served back to back on one persistent connection
(CONN_MAX_AGE), as one gunicorn worker serves them: every request goes
through Django's handler (django.test.Client), with 0-5 ms between requests.
  clean          six home pages: the site's settings row, then the books with their authors (select_related)
  settings_only  six pages that each read the settings row once, and nothing else
  detail         eight detail pages /book/1/ .. /book/8/: one book, then its author
  lazy_list      six list pages, each loading every book's author lazily (an N+1 of AUTHORS per page)
Prints one line per request.
Usage: django_pages.py MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME"""
import random
import time

import client_args
import django_library

MODE, DIRECT_PORT, PROXY_PORT, APPLICATION_NAME = client_args.parse(
    ["clean", "settings_only", "detail", "lazy_list"])
django_library.configure(DIRECT_PORT, PROXY_PORT, APPLICATION_NAME, conn_max_age=600, DEBUG=False,
                         ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], MIDDLEWARE=[])

from django.db import connections  # noqa: E402 (needs settings first)
from django.http import HttpResponse  # noqa: E402
from django.shortcuts import get_object_or_404  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402

from django_models import Book, SiteSetting, create_library  # noqa: E402


def site_title():
    return SiteSetting.objects.get(pk=1).title


def home(request):
    books = Book.objects.select_related("author").order_by("id")[:client_args.AUTHORS]
    return HttpResponse(site_title() + "".join(f"{b.title} by {b.author.name}\n" for b in books))


def settings_page(request):
    return HttpResponse(site_title())


def detail(request, book_id):
    book = get_object_or_404(Book, pk=book_id)
    return HttpResponse(f"{book.title} by {book.author.name}")


def lazy_list(request):
    books = Book.objects.order_by("id")[:client_args.AUTHORS]
    return HttpResponse("".join(f"{b.title} by {b.author.name}\n" for b in books))


urlpatterns = [path("", home), path("settings/", settings_page),
               path("book/<int:book_id>/", detail), path("books/", lazy_list)]
URLS = {"clean": ["/"] * 6, "settings_only": ["/settings/"] * 6,
        "detail": [f"/book/{i}/" for i in range(1, 9)], "lazy_list": ["/books/"] * 6}

create_library()
client = Client()
random.seed(13)
for url in URLS[MODE]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    print(url, len(response.content), "bytes")
    # Back to back: at most a few milliseconds between requests.
    time.sleep(random.uniform(0, 0.005))
connections["default"].close()
