"""Queries about articles and their revisions: the one place that asks for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verify.db.reader import Reader, as_reader

if TYPE_CHECKING:
    from sqlmodel import Session

    from verify.db.models import Article, ArticleRevision


# Plain SQL (fast read path, or a session through as_reader).


def article_exists(source: Reader | Session, article_id: int) -> bool:
    return bool(as_reader(source).rows("SELECT 1 FROM article WHERE id = :article", {"article": article_id}))


def article_rows(source: Reader | Session) -> list[Any]:
    """(id, title, url) of every article by id."""
    return as_reader(source).rows("SELECT id, title, url FROM article ORDER BY id")


def latest_revision_numbers(reader: Reader) -> dict[int, int]:
    """Article id -> number of its latest revision."""
    return dict(reader.rows("SELECT article_id, max(number) FROM article_revision GROUP BY article_id"))


def revision_origins(reader: Reader) -> list[Any]:
    """(article id, number, source name, source format, imported at) of every revision, in order."""
    return reader.rows(
        "SELECT article_id, number, source_name, source_format, imported_at FROM article_revision "
        "ORDER BY article_id, number"
    )


# ORM rows (write paths).


def find_article(session: Session, article_id: int | None) -> Article | None:
    from verify.db.models import Article

    return session.get(Article, article_id)


def articles_by_id(session: Session, limit: int | None = None) -> list[Article]:
    from sqlmodel import col, select

    from verify.db.models import Article

    query = select(Article).order_by(col(Article.id))
    return list(session.exec(query.limit(limit) if limit is not None else query))


def article_by_url(session: Session, url: str) -> Article | None:
    from sqlmodel import select

    from verify.db.models import Article

    return session.exec(select(Article).where(Article.url == url)).first()


def article_by_title(session: Session, title: str) -> Article | None:
    """The oldest article with this title."""
    from sqlmodel import col, select

    from verify.db.models import Article

    return session.exec(select(Article).where(Article.title == title).order_by(col(Article.id))).first()


def latest_revision(session: Session, article_id: int | None) -> ArticleRevision | None:
    from sqlmodel import col, select

    from verify.db.models import ArticleRevision

    return session.exec(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article_id)
        .order_by(col(ArticleRevision.number).desc())
    ).first()
