"""The Django clients' models (import after django_library.configure()):
AUTHORS books, each with its own author, and a site settings row."""
from django.db import connections, models

import client_args


class SiteSetting(models.Model):
    title = models.CharField(max_length=100)

    class Meta:
        app_label = "library"
        db_table = "dj_settings"


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
    """Through the direct connection, so only the workload goes through pgsleuth."""
    direct = connections["direct"]
    with direct.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS dj_books, dj_authors, dj_settings")
    with direct.schema_editor() as editor:
        for model in (SiteSetting, Author, Book):
            editor.create_model(model)
    SiteSetting.objects.using("direct").create(title="pgsleuth books")
    authors = Author.objects.using("direct").bulk_create(
        [Author(name=f"author {i}") for i in range(client_args.AUTHORS)])
    Book.objects.using("direct").bulk_create(
        [Book(title=f"book {i}", author=a) for i, a in enumerate(authors)])
    direct.close()
