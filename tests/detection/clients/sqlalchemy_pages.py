"""SQLAlchemy 1.4 pages served back to back on one pooled connection, 0-5 ms
apart: each request a Session (a transaction), or in autocommit (no
transaction: only timing and shape tell the requests apart).
  clean            six pages loading the books with their authors (joinedload)
  lazy             six pages loading each book's author lazily (an N+1 of AUTHORS per page)
  lazy_autocommit  the same with isolation_level AUTOCOMMIT
Usage: sqlalchemy_pages.py MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME"""
import random
import time

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, joinedload

import client_args
import sqlalchemy_books as books

MODE, DIRECT_PORT, PROXY_PORT, APPLICATION_NAME = client_args.parse(["clean", "lazy", "lazy_autocommit"])

books.create_library(DIRECT_PORT, APPLICATION_NAME)
options = {"isolation_level": "AUTOCOMMIT"} if MODE == "lazy_autocommit" else {}
engine = create_engine(f"postgresql+psycopg2://postgres@127.0.0.1:{PROXY_PORT}/postgres",
                       connect_args={"application_name": APPLICATION_NAME}, pool_size=1, future=True,
                       **options)
random.seed(13)
for page in range(6):
    with Session(engine) as session:
        query = session.query(books.Book).order_by(books.Book.id)
        if MODE == "clean":
            query = query.options(joinedload(books.Book.author))
        lines = [f"{b.title} by {b.author.name}" for b in query.limit(client_args.AUTHORS)]
        session.commit()
    print(len(lines), "books")
    time.sleep(random.uniform(0, 0.005))
engine.dispose()
