"""SQLAlchemy 1.4 ORM over psycopg2: books and their authors inside the
transaction a Session begins implicitly, loaded lazily in a loop (N+1) or
eagerly with joinedload / selectinload.
Usage: sqlalchemy_books.py {lazy|joinedload|selectinload} DIRECT_PORT PROXY_PORT APPLICATION_NAME"""
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base, joinedload, relationship, selectinload

import client_args

Base = declarative_base()


class Author(Base):
    __tablename__ = "sa_authors"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)


class Book(Base):
    __tablename__ = "sa_books"
    id = Column(Integer, primary_key=True)
    title = Column(String(100), nullable=False)
    author_id = Column(Integer, ForeignKey("sa_authors.id"), nullable=False)
    author = relationship(Author)  # lazy="select": one query per first access


def engine(port, application_name):
    return create_engine(f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres",
                         connect_args={"application_name": application_name}, future=True)


def create_library(direct_port, application_name):
    """The tables and AUTHORS books, each with its own author (also used by sqlalchemy_pages.py)."""
    direct = engine(direct_port, application_name + "_setup")
    Base.metadata.drop_all(direct)
    Base.metadata.create_all(direct)
    with Session(direct) as session, session.begin():
        authors = [Author(id=i + 1, name=f"author {i}") for i in range(client_args.AUTHORS)]
        session.add_all(authors)
        session.add_all([Book(id=a.id, title=f"book {a.id}", author=a) for a in authors])
    direct.dispose()


def list_books(mode, proxy_port, application_name):
    proxied = engine(proxy_port, application_name)
    with Session(proxied) as session:
        query = session.query(Book).order_by(Book.id)
        if mode == "joinedload":
            query = query.options(joinedload(Book.author))
        elif mode == "selectinload":
            query = query.options(selectinload(Book.author))
        lines = [f"{book.title} by {book.author.name}" for book in query.limit(client_args.AUTHORS)]
        session.commit()  # ends the transaction: its window closes here
    proxied.dispose()
    return lines


if __name__ == "__main__":
    mode, direct_port, proxy_port, application_name = client_args.parse(
        ["lazy", "joinedload", "selectinload"])
    create_library(direct_port, application_name)
    lines = list_books(mode, proxy_port, application_name)
    print(len(lines), "books;", lines[0])
