"""One settings object, built once at start-up and passed down.

Every setting comes from the environment (prefix ``FEDIVERSE_``, except ``DATABASE_URL``) or from a
``.env`` file in the working directory. A bad value stops start-up with one sentence naming the
variable (:func:`load_settings` raises :class:`SettingsError`).
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from federation.delivery import MAX_ATTEMPTS

DEV_DOMAIN = "localhost:8000"

_HOST_RE = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Environment = Literal["development", "production"]
FederationMode = Literal["blocklist", "allowlist"]
MediaStorage = Literal["local", "s3"]
GroupCreation = Literal["anyone", "approval", "admins"]


class SettingsError(Exception):
    """A setting has a value we cannot run with; ``str()`` is one sentence naming the variable."""


def parse_domain(value: str) -> str:
    """Normalise ``host[:port]``; raise ``ValueError`` for anything else (schemes, paths, …)."""
    domain = value.strip().lower().rstrip(".")
    host, sep, port = domain.rpartition(":") if ":" in domain else (domain, "", "")
    if not sep:
        host = domain
    if sep and (not port.isdigit() or not 0 < int(port) < 65536):
        raise ValueError(f"{value!r} has an invalid port; expected host or host:port")
    if not _HOST_RE.match(host) and not _is_ipv4(host):
        raise ValueError(
            f"{value!r} is not a host name; expected e.g. social.example or localhost:8000"
        )
    return domain


def _is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def _env_name(field: str) -> str:
    if field == "database_url":
        return "DATABASE_URL"
    return "FEDIVERSE_" + field.upper()


class Settings(BaseSettings):
    """Everything the server is configured by. See ``.env.example`` in ``deploy/`` for each one."""

    model_config = SettingsConfigDict(
        env_prefix="FEDIVERSE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    domain: str | None = Field(
        default=None,
        description="Public host (and optional port) of this server, e.g. social.example.",
    )
    scheme: Literal["https", "http"] = Field(
        default="https", description="Public URL scheme; http only for local testing."
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "FEDIVERSE_DATABASE_URL"),
        description="PostgreSQL URL; unset means an embedded PostgreSQL under the data directory.",
    )
    data_dir: Path = Field(default=Path("data"), description="Where local state is kept.")
    host: str = Field(default="127.0.0.1", description="Address the HTTP server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the HTTP server binds to.")
    allow_private_addresses: Annotated[list[Network], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated CIDRs that outgoing requests may reach although private.",
    )
    instance_name: str = Field(default="fediverse", description="Shown in NodeInfo and pages.")
    instance_description: str = Field(
        default="A home for small communities on the fediverse.",
        description="Shown in NodeInfo metadata and on the front page.",
    )
    registrations: Literal["open", "approval", "closed"] | None = Field(
        default=None,
        description="Who may sign up: anyone (open), anyone once an admin approves, or no one.",
    )
    open_registrations: bool = Field(
        default=False, description="Old spelling of FEDIVERSE_REGISTRATIONS=open."
    )
    sign_in_limit: int = Field(
        default=10, ge=1, description="Sign-in attempts per client address per rate window."
    )
    sign_up_limit: int = Field(
        default=5, ge=1, description="Sign-ups per client address per rate window."
    )
    rate_limit_window_seconds: int = Field(
        default=300, ge=10, description="Length of the rate-limit windows, in seconds."
    )
    signature_window_seconds: int = Field(
        default=3600, ge=60, description="Accepted clock skew of signed requests, each way."
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest inbox body / fetched document accepted."
    )
    authorized_fetch: bool = Field(
        default=False, description="Answer unsigned GETs of our documents with 401."
    )
    run_workers: bool = Field(
        default=True, description="Run inbox and delivery workers inside `serve`."
    )
    delivery_concurrency: int = Field(
        default=1024, ge=1, description="Deliveries in flight per worker process."
    )
    delivery_batch_size: int = Field(
        default=256, ge=1, le=10_000, description="Delivery rows claimed per query."
    )
    delivery_host_connections: int = Field(
        default=4, ge=1, le=64, description="Requests in flight to one host, per process."
    )
    delivery_timeout_seconds: float = Field(
        default=15.0, gt=0, le=300, description="Total time one delivery request may take."
    )
    delivery_visibility_seconds: float = Field(
        default=120.0, ge=1, description="A claim not finished by then is taken back."
    )
    delivery_max_attempts: int = Field(
        default=MAX_ATTEMPTS, ge=1, description="Attempts before a delivery is given up."
    )
    delivery_breaker_failures: int = Field(
        default=5, ge=1, description="Failures in a row that pause a host (circuit breaker)."
    )
    delivery_breaker_pause_seconds: float = Field(
        default=30.0, gt=0, description="First pause of a host; doubles up to an hour."
    )
    delivery_unavailable_days: int = Field(
        default=7, ge=1, description="Distinct failing days before a host is unavailable."
    )
    delivery_signing_threads: int = Field(
        default=0, ge=0, le=64, description="Threads that sign deliveries; 0 = one per core."
    )
    log_format: Literal["text", "json"] = Field(default="text", description="Log line format.")
    log_level: str = Field(default="INFO", description="Python log level name.")
    env: Environment = Field(
        default="development",
        description="production refuses the embedded PostgreSQL unless explicitly allowed.",
    )
    allow_embedded_postgres: bool = Field(
        default=False, description="Allow the embedded PostgreSQL although env is production."
    )
    trusted_proxies: Annotated[list[Network], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated CIDRs of reverse proxies whose X-Forwarded-* we believe.",
    )
    metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="Serve /metrics on this separate port."
    )
    metrics_host: str = Field(
        default="127.0.0.1", description="Address the separate metrics port binds to."
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token that opens /metrics on the main port."
    )
    group_creation: GroupCreation = Field(
        default="anyone",
        description="Who may create a community: any member, any member once an admin "
        "approves, or admins only.",
    )
    federation_mode: FederationMode = Field(
        default="blocklist",
        description="blocklist: federate with all but blocked domains; allowlist: only allowed.",
    )
    media_max_bytes: int = Field(
        default=16_777_216, ge=1024, description="Largest image upload accepted, in bytes."
    )
    # Mastodon's MAX_MATRIX_LIMIT by default; at most Pillow's own MAX_IMAGE_PIXELS guard
    media_max_pixels: int = Field(
        default=33_177_600,
        ge=1,
        le=89_478_485,
        description="Largest image (width × height) decoded: the guard against image bombs.",
    )
    media_storage: MediaStorage = Field(
        default="local", description="Where uploads are kept: local disk or S3-compatible."
    )
    media_s3_bucket: str | None = Field(default=None, description="The S3 bucket of uploads.")
    media_s3_endpoint: str | None = Field(
        default=None, description="S3-compatible endpoint URL (unset: AWS)."
    )
    media_s3_region: str | None = Field(default=None, description="The bucket's region.")
    media_s3_access_key_id: str | None = Field(default=None, description="S3 access key id.")
    media_s3_secret_access_key: SecretStr | None = Field(
        default=None, description="S3 secret access key."
    )
    media_public_url: str | None = Field(
        default=None,
        description="Base URL the stored files are served from (a CDN); unset: /media/ here.",
    )

    @field_validator(
        "domain",
        "database_url",
        "metrics_token",
        "metrics_port",
        "media_s3_bucket",
        "media_s3_endpoint",
        "media_s3_region",
        "media_s3_access_key_id",
        "media_s3_secret_access_key",
        "media_public_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("domain")
    @classmethod
    def _check_domain(cls, value: str | None) -> str | None:
        return None if value is None else parse_domain(value)

    @field_validator("allow_private_addresses", "trusted_proxies", mode="before")
    @classmethod
    def _split_cidrs(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("delivery_max_attempts")
    @classmethod
    def _check_max_attempts(cls, value: int) -> int:
        # the back-off table has 16 retries (Mastodon's): more attempts would never happen
        if value > MAX_ATTEMPTS:
            raise ValueError(
                f"at most {MAX_ATTEMPTS} (1 attempt and Mastodon's {MAX_ATTEMPTS - 1} retries, "
                "about 2.6 days; see docs/delivery.md)"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("postgres://", "postgresql://")):
            raise ValueError("must start with postgresql:// or postgres://")
        return value

    @model_validator(mode="after")
    def _settle_registrations(self) -> Settings:
        # One source of truth: FEDIVERSE_REGISTRATIONS, else the older boolean.
        if self.registrations is None:
            mode = "open" if self.open_registrations else "closed"
            object.__setattr__(self, "registrations", mode)
        object.__setattr__(self, "open_registrations", self.registrations != "closed")
        return self

    @model_validator(mode="after")
    def _check_data_dir(self) -> Settings:
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise ValueError(f"FEDIVERSE_DATA_DIR {self.data_dir} exists and is not a directory")
        return self

    @field_validator("media_s3_endpoint", "media_public_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http:// or https:// URL")
        return None if value is None else value.rstrip("/")

    @model_validator(mode="after")
    def _check_media_storage(self) -> Settings:
        if self.media_storage == "s3" and self.media_s3_bucket is None:
            raise ValueError(
                "FEDIVERSE_MEDIA_STORAGE is s3 but FEDIVERSE_MEDIA_S3_BUCKET is not set"
            )
        return self

    @model_validator(mode="after")
    def _check_delivery_times(self) -> Settings:
        if self.delivery_visibility_seconds <= self.delivery_timeout_seconds:
            raise ValueError(
                "FEDIVERSE_DELIVERY_VISIBILITY_SECONDS must be longer than "
                "FEDIVERSE_DELIVERY_TIMEOUT_SECONDS, or live workers would deliver twice"
            )
        return self

    @property
    def base_url(self) -> str:
        """``scheme://domain`` with no trailing slash; requires a domain."""
        if self.domain is None:
            raise SettingsError("FEDIVERSE_DOMAIN is not set")
        return f"{self.scheme}://{self.domain}"

    @property
    def registration_mode(self) -> Literal["open", "approval", "closed"]:
        return self.registrations or "closed"

    @property
    def hostname(self) -> str:
        """The domain without its port."""
        assert self.domain is not None
        return self.domain.rsplit(":", 1)[0] if ":" in self.domain else self.domain


def load_settings(
    *, dev: bool = False, require_domain: bool = False, **overrides: object
) -> Settings:
    """Build the settings once, turning any validation error into one clear sentence.

    ``dev`` fills in development defaults (``http``, ``localhost:8000``) for whatever the
    environment and ``.env`` leave unset; ``require_domain`` refuses to run without a domain.
    """
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None
    if dev:
        updates: dict[str, object] = {}
        if "domain" not in settings.model_fields_set or settings.domain is None:
            updates["domain"] = f"localhost:{settings.port}"
        if "scheme" not in settings.model_fields_set:
            updates["scheme"] = "http"
        settings = settings.model_copy(update=updates)
    check_production(settings)
    if require_domain and settings.domain is None:
        raise SettingsError(
            "FEDIVERSE_DOMAIN is not set: set it to this server's public host, "
            "e.g. FEDIVERSE_DOMAIN=social.example (or use `make run` for local development)"
        )
    return settings


def check_production(settings: Settings) -> None:
    """Refuse the embedded PostgreSQL in production unless the settings explicitly allow it."""
    if (
        settings.env == "production"
        and settings.database_url is None
        and not settings.allow_embedded_postgres
    ):
        raise SettingsError(
            "FEDIVERSE_ENV is production but DATABASE_URL is not set: set DATABASE_URL to your "
            "PostgreSQL (or FEDIVERSE_ALLOW_EMBEDDED_POSTGRES=true to use the embedded one anyway)"
        )


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else "settings"
    name = _env_name(field) if field in Settings.model_fields else field
    value = error.get("input")
    message = str(error["msg"]).removeprefix("Value error, ")
    shown = f" (got {value!r})" if isinstance(value, str | int) else ""
    return f"Invalid setting {name}{shown}: {message}"
