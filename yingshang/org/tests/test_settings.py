"""The settings module rejects malformed environment values and refuses insecure production."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from yingshang import envconf


def test_env_bool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        envconf.env_bool("DEBUG", False)


def test_env_int_rejects_text_and_range(monkeypatch):
    monkeypatch.setenv("UPLOAD_MAX_MB", "twenty")
    with pytest.raises(ImproperlyConfigured, match="UPLOAD_MAX_MB"):
        envconf.env_int("UPLOAD_MAX_MB", 20)
    monkeypatch.setenv("UPLOAD_MAX_MB", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        envconf.env_int("UPLOAD_MAX_MB", 20, minimum=1)


def test_env_url_rejects_wrong_scheme(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        envconf.env_url("DATABASE_URL", schemes=("postgres", "sqlite"))


def test_local_secret_is_generated_once_and_kept(tmp_path):
    first = envconf.local_secret(tmp_path / "secret_key")
    assert len(first) >= 50
    assert envconf.local_secret(tmp_path / "secret_key") == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def _run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "YINGSHANG_PRODUCTION", "ALLOWED_HOSTS")
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','yingshang.settings'); django.setup()",
        ],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_refuses_to_start(tmp_path):
    result = _run_settings(
        {
            "YINGSHANG_PRODUCTION": "1",
            "ALLOWED_HOSTS": "ys.example.gov.cn",
            "YINGSHANG_DATA_DIR": str(tmp_path),
        }
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        "YINGSHANG_PRODUCTION": "1",
        "SECRET_KEY": "k" * 20 + "Q9z!x#" * 8,
        "ALLOWED_HOSTS": "ys.example.gov.cn",
        "YINGSHANG_AUDIT_KEY": "a1" * 32,
        "YINGSHANG_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "yingshang.settings",
    }
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "yingshang", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_with_debug_refuses_to_start(tmp_path):
    result = _run_settings(
        {
            "YINGSHANG_PRODUCTION": "1",
            "DEBUG": "1",
            "SECRET_KEY": "k" * 20 + "Q9z!x#" * 8,
            "ALLOWED_HOSTS": "ys.example.gov.cn",
            "YINGSHANG_DATA_DIR": str(tmp_path),
        }
    )
    assert result.returncode != 0
    assert "DEBUG must not be set in production" in result.stderr
