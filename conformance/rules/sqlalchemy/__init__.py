"""CNF5xx: SQLAlchemy 2.0 on asyncio (RULES-CATALOG section 5).

The modules' models and repositories use SQLAlchemy 2.0 with ``AsyncSession``. Its legacy forms and
the async pitfalls fail late: an ``AttributeError`` on ``AsyncSession.query``, a coroutine that is
never awaited, ``MissingGreenlet`` on a lazy load. These rules find them with certainty only:

* a session is a receiver whose type the file proves (a parameter or attribute annotated
  ``AsyncSession``, directly or through an ``Annotated`` alias in any file; a name bound from an
  ``async_sessionmaker`` instance, ``session = factory()`` or ``async with factory() as session``;
  ``self.session`` typed in the class or assigned from such a parameter). Unknown receivers are
  never reported;
* an ORM class is a subclass of the project's declarative base, found through the index across
  files (``Base = declarative_base()`` included). Core ``Table(...)`` columns are not in a class
  body and are never reported.
"""

from conformance.rules.sqlalchemy._common import OPTIONS

__all__ = ["OPTIONS"]
