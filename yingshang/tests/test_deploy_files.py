"""The deployment files agree with the application's own limits (deploy/)."""

import configparser
import re
from pathlib import Path

from django.conf import settings

from yingshang import gunicorn_conf

DEPLOY = Path(settings.BASE_DIR).parent / "deploy"


def _nginx() -> str:
    return (DEPLOY / "nginx" / "yingshang.conf").read_text(encoding="utf-8")


def test_nginx_accepts_the_largest_body_the_app_accepts():
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", _nginx()).group(1))
    assert megabytes * 1024 * 1024 >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_nginx_waits_longer_than_gunicorn_before_giving_up():
    seconds = int(re.search(r"proxy_read_timeout (\d+)s;", _nginx()).group(1))
    assert seconds > gunicorn_conf.timeout


def test_nginx_does_not_publish_uploaded_files():
    text = _nginx()
    assert f"location {settings.MEDIA_URL} {{\n        return 404;" in text
    assert str(settings.MEDIA_ROOT) not in text


def test_pgbouncer_pools_by_transaction_and_serves_both_databases():
    ini = configparser.ConfigParser(inline_comment_prefixes=(";",))
    ini.read(DEPLOY / "pgbouncer" / "pgbouncer.ini")
    assert ini["pgbouncer"]["pool_mode"] == "transaction"
    assert {"yingshang", "yingshang_replica"} <= set(ini["databases"])
    env = (DEPLOY / "systemd" / "yingshang.env.example").read_text(encoding="utf-8")
    port = ini["pgbouncer"]["listen_port"]
    assert f"@127.0.0.1:{port}/yingshang\n" in env
    assert f"@127.0.0.1:{port}/yingshang_replica\n" in env
    assert "DATABASE_POOLER=pgbouncer" in env
