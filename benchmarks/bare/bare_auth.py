"""The bare apps' check of a write's credentials (BARE_AUTH=jwt or apikey; none by default):
the verification the starters make on every authenticated write, with the same libraries, and
nothing else (no problem documents, no 403 for a deactivated account, no rate limit).

- jwt: the `Authorization: Bearer <token>` access token decoded by PyJWT (HS256, SECRET_KEY, the
  same required claims), then the user of its `sub` looked up by id, active, in a session of its
  own (its read transaction ends before the write begins one, as in the starters).
- apikey: the SHA-256 of the `X-API-Key` header looked up among the keys that are not revoked.

The tables are the project's (its migrations make them, its manage command fills them): a bare
app with auth runs on its starter's database (benchmarks/run.py), so it maps only the columns it
reads and creates nothing. benchmarks/run.py refuses to run when these names drift from the
starter's (its `tokens` and `api_keys` modules, read in the project's environment).
"""

import hashlib
import os
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

AUTH = os.environ.get("BARE_AUTH", "none")
if AUTH == "jwt":  # PyJWT is in the environment of a project with jwt, not in the others'
    import jwt
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALGORITHM = "HS256"
ACCESS = "access"  # the `type` claim of an access token
REQUIRED_CLAIMS = ["sub", "iat", "exp", "type"]
API_KEY_HEADER = "X-API-Key"
# What the bare apps answer a write without a valid credential, with a 401.
CHALLENGES = {"jwt": "Bearer", "apikey": f'ApiKey header="{API_KEY_HEADER}"'}


class Base(DeclarativeBase):
    pass


class UserRecord(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    is_active: Mapped[bool]


class ApiKeyRecord(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str]
    revoked_at: Mapped[datetime | None]


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (what FastAPI's
    OAuth2PasswordBearer reads), for the Flask app."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def signed_in(engine: Engine, token: str | None) -> bool:
    """Whether an access token is valid and its user active."""
    if not token:
        return False
    try:
        claims = jwt.decode(
            token, SECRET_KEY, algorithms=[ALGORITHM], options={"require": REQUIRED_CLAIMS}
        )
    except jwt.InvalidTokenError:
        return False
    subject = claims["sub"]
    if claims["type"] != ACCESS or not subject.isdigit():
        return False
    with Session(engine) as session:
        return bool(
            session.scalar(select(UserRecord.is_active).where(UserRecord.id == int(subject)))
        )


def valid_key(engine: Engine, key: str | None) -> bool:
    """Whether an API key is one of the database's, not revoked."""
    if not key:
        return False
    query = select(ApiKeyRecord.id).where(
        ApiKeyRecord.key_hash == key_hash(key), ApiKeyRecord.revoked_at.is_(None)
    )
    with Session(engine) as session:
        return session.scalar(query) is not None
