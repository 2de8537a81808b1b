from pathlib import Path

import pytest

from community.settings import Settings, SettingsError, load_settings, parse_domain
from federation.delivery import MAX_ATTEMPTS


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("FEDIVERSE_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Social.Example", "social.example"),
        ("localhost:8000", "localhost:8000"),
        ("127.0.0.2:9000", "127.0.0.2:9000"),
        ("a-b.example.", "a-b.example"),
    ],
)
def test_domains_are_normalised(raw: str, expected: str) -> None:
    assert parse_domain(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "https://social.example",
        "social.example/path",
        "host:0",
        "host:99999",
        "-bad.example",
        "a b",
        "host:port",
    ],
)
def test_bad_domains_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_domain(raw)


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("FEDIVERSE_DOMAIN", "https://x.example", "FEDIVERSE_DOMAIN"),
        ("FEDIVERSE_SCHEME", "ftp", "FEDIVERSE_SCHEME"),
        ("FEDIVERSE_PORT", "eighty", "FEDIVERSE_PORT"),
        ("FEDIVERSE_PORT", "70000", "FEDIVERSE_PORT"),
        ("FEDIVERSE_ALLOW_PRIVATE_ADDRESSES", "10.0.0.0/8,not-a-net", "FEDIVERSE_ALLOW_PRIVATE"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
    ],
)
def test_a_bad_value_is_one_sentence_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, needle: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert needle in message
    assert "\n" not in message


def test_allow_list_is_comma_separated_cidrs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEDIVERSE_ALLOW_PRIVATE_ADDRESSES", "127.0.0.0/8, ::1/128")
    settings = load_settings()
    assert [str(n) for n in settings.allow_private_addresses] == ["127.0.0.0/8", "::1/128"]


def test_the_allow_list_is_empty_by_default() -> None:
    assert load_settings().allow_private_addresses == []


def test_dev_defaults_fill_only_what_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(dev=True)
    assert (settings.scheme, settings.domain) == ("http", "localhost:8000")
    monkeypatch.setenv("FEDIVERSE_DOMAIN", "social.example")
    monkeypatch.setenv("FEDIVERSE_SCHEME", "https")
    settings = load_settings(dev=True)
    assert settings.base_url == "https://social.example"


def test_dotenv_is_read_and_counts_as_set(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("FEDIVERSE_DOMAIN=from-dotenv.example\nFEDIVERSE_SCHEME=https\n")
    assert load_settings(dev=True).base_url == "https://from-dotenv.example"


def test_serve_refuses_to_start_without_a_domain() -> None:
    with pytest.raises(SettingsError, match="FEDIVERSE_DOMAIN is not set"):
        load_settings(require_domain=True)


def test_the_scheme_defaults_to_https() -> None:
    settings = Settings(_env_file=None, domain="social.example")
    assert settings.base_url == "https://social.example"


def test_production_refuses_the_embedded_postgres_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FEDIVERSE_ENV", "production")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "DATABASE_URL is not set" in message
    assert "FEDIVERSE_ALLOW_EMBEDDED_POSTGRES" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "value"),
    [("FEDIVERSE_ALLOW_EMBEDDED_POSTGRES", "true"), ("DATABASE_URL", "postgresql://db/x")],
)
def test_production_runs_with_a_database_url_or_explicit_permission(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("FEDIVERSE_ENV", "production")
    monkeypatch.setenv(name, value)
    assert load_settings().env == "production"


def test_trusted_proxies_are_comma_separated_cidrs(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().trusted_proxies == []
    monkeypatch.setenv("FEDIVERSE_TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8,::1/128")
    assert [str(n) for n in load_settings().trusted_proxies] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
    ]
    monkeypatch.setenv("FEDIVERSE_TRUSTED_PROXIES", "10.0.0.1/8")
    with pytest.raises(SettingsError, match="FEDIVERSE_TRUSTED_PROXIES"):
        load_settings()


def test_empty_metrics_settings_mean_no_metrics(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEDIVERSE_METRICS_TOKEN", "")
    monkeypatch.setenv("FEDIVERSE_METRICS_PORT", "")
    settings = load_settings()
    assert (settings.metrics_token, settings.metrics_port) == (None, None)
    monkeypatch.setenv("FEDIVERSE_METRICS_TOKEN", "abc")
    assert "abc" not in repr(load_settings())


def test_delivery_attempts_agree_with_the_back_off_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEDIVERSE_DELIVERY_MAX_ATTEMPTS", "17")
    assert load_settings().delivery_max_attempts == MAX_ATTEMPTS == 17
    monkeypatch.setenv("FEDIVERSE_DELIVERY_MAX_ATTEMPTS", "18")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value) == (
        "Invalid setting FEDIVERSE_DELIVERY_MAX_ATTEMPTS (got '18'): at most 17 (1 attempt and"
        " Mastodon's 16 retries, about 2.6 days; see docs/delivery.md)"
    )
