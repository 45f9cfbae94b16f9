"""The one settings module. Every value that differs between deployments comes from an
environment variable read through the typed helpers in envconf (see README for the table)."""

import sys
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from yingshang.envconf import (
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
    env_url,
    local_secret,
)

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
# Data (SQLite database, uploaded files, the generated secret) lives outside the code.
DATA_DIR = env_path("YINGSHANG_DATA_DIR", REPO_DIR / "data")

DEBUG = env_bool("DEBUG", False)
# DEMO enables the demo county and prints its logins; never set it in production.
DEMO = env_bool("YINGSHANG_DEMO", False)
TESTING = "pytest" in sys.modules or env_bool("YINGSHANG_TESTING", False)
# Production mode refuses insecure defaults (secret, hosts, debug pages); `make run` runs in
# demo mode.
PRODUCTION = env_bool("YINGSHANG_PRODUCTION", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG must not be set in production (YINGSHANG_PRODUCTION=1): its error pages show "
        "settings, SQL and personal data to anyone. 生产模式不得开启 DEBUG。"
    )

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production (YINGSHANG_PRODUCTION=1) the secret must be "
            "configured explicitly: export SECRET_KEY=<a long random string>. "
            "生产模式必须通过环境变量 SECRET_KEY 配置密钥。"
        )
    SECRET_KEY = local_secret(DATA_DIR / "secret_key")
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in production (comma-separated host names)"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # shared core
    "yingshang.org",
    "yingshang.workcal",
    "yingshang.audit",
    "yingshang.apiaccess",
    "yingshang.notify",
    "yingshang.numbering",
    "yingshang.scheduler",
    "yingshang.enterprises",
    "yingshang.credit",
    # domains
    "yingshang.catalog",
    "yingshang.cases",
    "yingshang.hotline",
    "yingshang.knowledge",
    "yingshang.open311",
    "yingshang.ratings",
    "yingshang.supervision",
    "yingshang.inspections",
    "yingshang.indicators",
    "yingshang.assessment",
    "yingshang.arrears",
    "yingshang.projects",
    "yingshang.policies",
    # interfaces
    "yingshang.portal",
    "yingshang.workbench",
    "yingshang.useradmin",
    "yingshang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # first after security: malformed input (NUL, oversized or unparsable bodies, numbers out of
    # range) gets a 4xx before any view, form or query sees it
    "yingshang.apiaccess.middleware.HostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # before any view reads: pins a request that writes, or follows its browser's write, to
    # the primary database (yingshang.dbrouting; does nothing without DATABASE_REPLICA_URL)
    "yingshang.dbrouting.ReadYourWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yingshang.org.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "yingshang.useradmin.middleware.MustChangePasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yingshang.audit.middleware.RequestContextMiddleware",
    # after authentication: a staff-only area refuses applicants whatever the view checks, and
    # the public's writes to pages are counted against their address and account
    "yingshang.apiaccess.middleware.StaffAreaMiddleware",
    "yingshang.apiaccess.middleware.PublicWriteLimitMiddleware",
    # axes last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yingshang.urls"
WSGI_APPLICATION = "yingshang.wsgi.application"
ASGI_APPLICATION = "yingshang.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "yingshang.workbench.context.shell",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0)
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        options = DATABASES["default"].setdefault("OPTIONS", {})
        # JIT compilation costs tens to hundreds of milliseconds per query and pays off only for
        # long analytical queries; every page here is short.
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        # A health check is one more round trip (SELECT 1) on every request; without it a
        # connection broken by a database restart fails one request per worker, then Django
        # drops it (it closes connections that raised errors at the end of the request).
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DB_HEALTH_CHECKS", False)
        test_name = env_str("YINGSHANG_TEST_DB_NAME")
        if test_name:
            DATABASES["default"]["TEST"] = {"NAME": test_name}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "yingshang.sqlite3",
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
                # BEGIN, so two transactions never both read the audit chain head and then race
                # to append (a stale snapshot would fail with SQLITE_BUSY instead of waiting).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
            "TEST": {"NAME": env_str("YINGSHANG_TEST_DB_NAME") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- read replica and connection pooler (yingshang/dbrouting.py, docs/operations.md) --------
# A streaming standby that reports, statistics and exports read (inside dbrouting.reporting());
# empty: one database, everything as without it.
DATABASE_REPLICA_URL = env_url("DATABASE_REPLICA_URL", schemes=("postgres", "postgresql"))
# a replica further behind than this is not read (its lag is measured at most once every
# REPLICA_CHECK_SECONDS per process); the browser that wrote reads the primary for
# READ_YOUR_WRITES_SECONDS after (default: the largest lag the replica may then have)
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 10, minimum=0)
REPLICA_CHECK_SECONDS = 0 if TESTING else env_int("REPLICA_CHECK_SECONDS", 5, minimum=1)
READ_YOUR_WRITES_SECONDS = env_int(
    "READ_YOUR_WRITES_SECONDS", REPLICA_MAX_LAG_SECONDS + max(REPLICA_CHECK_SECONDS, 5), minimum=0
)
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        # an unreachable replica costs a request this long once, then is skipped (dbrouting)
        "connect_timeout": env_int("REPLICA_CONNECT_TIMEOUT", 2, minimum=1),
    }
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_HEALTH_CHECKS"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
elif TESTING:
    # the routing tests turn the replica on with a second connection to the test database
    DATABASES["replica"] = {
        **DATABASES["default"],
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
if "replica" in DATABASES:
    DATABASE_ROUTERS = ["yingshang.dbrouting.ReplicaRouter"]

# DATABASE_POOLER=pgbouncer: the application connects through pgbouncer in transaction pooling
# mode, where consecutive transactions of one client may run on different server connections.
# Nothing may outlive a transaction there: no server-side cursors (.iterator() declares one
# WITH HOLD otherwise), no prepared statements (psycopg prepares a query after 5 runs), no
# startup "options" (pgbouncer refuses them: set jit=off and timezone=UTC on the role instead,
# see docs/operations.md). Advisory locks here are all transaction-level (pg_advisory_xact_lock).
# CONN_MAX_AGE keeps the cheap connection to pgbouncer; pgbouncer bounds the server connections.
DATABASE_POOLER = env_str("DATABASE_POOLER", "")
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(
        f"DATABASE_POOLER must be empty or pgbouncer; got {DATABASE_POOLER!r}"
    )
if DATABASE_POOLER == "pgbouncer":
    for _db in DATABASES.values():
        if _db["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DATABASE_POOLER=pgbouncer needs DATABASE_URL on PostgreSQL")
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
        _db.setdefault("OPTIONS", {})["prepare_threshold"] = None
        _db["OPTIONS"].pop("options", None)

# --- cache, tasks --------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS.append("django_rq")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "yingshang_cache",
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if TESTING:
    # Tests run jobs in-line so a test sees their effects; the worker has its own tests.
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered parts of pages ({% cache %} in templates: menus, the portal home) are kept in each
# process's memory for HOME_CARDS_CACHE_SECONDS: they hold nothing personal, and reading them
# from the database or Redis would cost about what rendering them does.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "yingshang-fragments",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# --- auth and security ---------------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "yingshang.org.auth.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yingshang.org.passwords.MixedCharacterValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "portal:home"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
# per account, whatever name it was typed as (username or mobile: org.auth.lockout_name); per
# address with a higher limit (org.auth counts failures per IP: an office shares one address)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "yingshang.org.auth.lockout_name"
AXES_CLIENT_IP_CALLABLE = "yingshang.org.auth.client_ip"
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 30, minimum=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

SESSION_COOKIE_AGE = env_int("SESSION_TIMEOUT_MINUTES", 30, minimum=5) * 60
# sliding idle timeout: org.middleware.SlidingSessionMiddleware renews the session at most once a
# minute (SESSION_SAVE_EVERY_REQUEST would write it on every request)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "yingshang.org.sessions"  # database sessions, read with prebuilt SQL
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
HTTPS = env_bool("HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
)
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Lock out by account, not by IP: a county's staff often share one NAT address, and an IP
# lockout would let one mistyped password lock the whole office out.
# models.W040: covering (INCLUDE) indexes speed up PostgreSQL; SQLite builds them without the
# included columns, which is all it can do
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]

from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # No inline scripts: page scripts are files, or carry the per-request nonce.
        "script-src": [SELF, NONCE],
        # Bootstrap and ECharts set inline styles; styles cannot run code.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- i18n ----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded files are stored outside the web root and served only by views that check scope.
MEDIA_ROOT = env_path("MEDIA_ROOT", DATA_DIR / "files")
# No URL serves MEDIA_ROOT directly (files go through permission-checking views); Django still
# needs a non-empty value distinct from STATIC_URL.
MEDIA_URL = "/_media_is_not_served_directly/"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
# a request body that is not an uploaded file (JSON, form fields): the API takes a document as
# base64 in JSON (4/3 of its size), so one file's worth plus its fields; a larger body is
# refused with 413 before it is parsed (uploaded files are checked one by one instead). Text
# fields have their own max_length in the schemas and forms.
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES * 4 // 3 + 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# 政策日历: working days the owner unit has for the weekly review of a policy, from the Monday
POLICY_REVIEW_DAYS = env_int("POLICY_REVIEW_DAYS", 3, minimum=1)

# --- 清欠 (arrears) ----------------------------------------------------------------------------
# working days the 清欠办 has to verify a firm's report with the debtor
ARREARS_VERIFY_WORKING_DAYS = env_int("ARREARS_VERIFY_WORKING_DAYS", 10, minimum=1)
# overdue interest per day where the contract agreed none: empty = not computed (the default);
# "0.0005" applies the 万分之五 of 国务院令第728号
ARREARS_INTEREST_DAILY_RATE = env_str("ARREARS_INTEREST_DAILY_RATE", "") or None

# --- notifications -------------------------------------------------------------------------
EMAIL_URL = env_url("EMAIL_URL", schemes=("smtp", "smtps", "smtp+tls"))
if EMAIL_URL:
    from urllib.parse import unquote, urlparse

    _mail = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
else:
    EMAIL_BACKEND = (
        "django.core.mail.backends.locmem.EmailBackend"
        if TESTING
        else "django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "yingshang@localhost")
# SMS adapter: dotted path of a class with send(phone, text) -> provider id.
SMS_ADAPTER = env_str("SMS_ADAPTER", "yingshang.notify.adapters.OutboxOnlySms")
SMS_SIGNATURE = env_str("SMS_SIGNATURE", "【营商通】")

# --- product -------------------------------------------------------------------------------
COUNTY_NAME = env_str("COUNTY_NAME", "示范县")
COUNTY_REGION_CODE = env_str("COUNTY_REGION_CODE", "139999")
if len(COUNTY_REGION_CODE) != 6 or not COUNTY_REGION_CODE.isdigit():
    raise ImproperlyConfigured(
        "COUNTY_REGION_CODE must be the 6-digit administrative division code"
    )
# seconds a user's home-page queue counts are reused in one process (0: always fresh)
HOME_CARDS_CACHE_SECONDS = 0 if TESTING else env_int("HOME_CARDS_CACHE_SECONDS", 20, minimum=0)
# seconds a process reuses rarely changed rows read by hot paths (yingshang.processcache:
# rating settings, the active rating scheme, unit names); a save clears them in its process
PROCESS_CACHE_SECONDS = 0 if TESTING else env_int("PROCESS_CACHE_SECONDS", 10, minimum=0)
# seconds a process keeps the firm page's built panels for one reader (enterprises.panelcache):
# a save of a record a panel reads renews them at once in every process; what no save announces
# (a clock turning overdue, a unit renamed) shows within this time. 0: built on every request
FIRM_PANELS_CACHE_SECONDS = 0 if TESTING else env_int("FIRM_PANELS_CACHE_SECONDS", 60, minimum=0)
# seconds a process reuses a user's roles while their roles_version is unchanged (unit names
# shown with them may lag a rename by this long in other processes)
ROLE_CACHE_SECONDS = env_int("ROLE_CACHE_SECONDS", 60, minimum=0)
# PostgreSQL: the clock sweep splits the clocks into this many shares swept at once (same value
# on every worker)
CLOCK_SWEEP_PARALLEL = env_int("CLOCK_SWEEP_PARALLEL", 2, minimum=1)
API_RATE_LIMIT_PER_MINUTE = env_int("PUBLIC_RATE_LIMIT_PER_MINUTE", 30, minimum=1)
# --- audit chain key and checkpoints (docs/audit.md) --------------------------------------
# The key of the audit chain's HMAC (64 hex characters), kept outside the database: either the
# variable or a file (created with mode 0600 on first use; keep it apart from the database and
# back it up: without it the chain cannot be verified). Signed checkpoints are JSON lines written
# to AUDIT_CHECKPOINT_DIR (outside the database) every AUDIT_CHECKPOINT_SECONDS and on demand.
AUDIT_KEY = env_str("YINGSHANG_AUDIT_KEY")
AUDIT_KEY_FILE = env_path("YINGSHANG_AUDIT_KEY_FILE", DATA_DIR / "audit_key")
AUDIT_CHECKPOINT_DIR = env_path("YINGSHANG_AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit-checkpoints")
AUDIT_CHECKPOINT_SECONDS = env_int("YINGSHANG_AUDIT_CHECKPOINT_SECONDS", 3600, minimum=60)
if PRODUCTION and not AUDIT_KEY and not AUDIT_KEY_FILE.exists():
    # every server must use the same key, and a key created next to the database protects nothing
    raise ImproperlyConfigured(
        "YINGSHANG_AUDIT_KEY is not set. In production (YINGSHANG_PRODUCTION=1) the audit chain's "
        "key must be configured explicitly and be the same on every server: export "
        "YINGSHANG_AUDIT_KEY=$(openssl rand -hex 32), or YINGSHANG_AUDIT_KEY_FILE=<an existing "
        "file>; keep it apart from the database (docs/audit.md). "
        "生产模式必须通过 YINGSHANG_AUDIT_KEY 配置审计密钥。"
    )
if TESTING:
    # a fixed key, so tests never create key files; no checkpoints unless a test gives a folder
    # (one test's checkpoint would contradict the next test's database)
    AUDIT_KEY = AUDIT_KEY or "7e57" * 16
    AUDIT_CHECKPOINT_DIR = None
# writes through the API (apiaccess.ratelimit.api_write): an applicant's account, an address
# writing as applicants, and a staff or integration account
API_WRITES_PER_MINUTE = env_int("API_WRITES_PER_MINUTE", 20, minimum=1)
API_WRITES_PER_HOUR = env_int("API_WRITES_PER_HOUR", 200, minimum=1)
API_WRITES_PER_IP_PER_MINUTE = env_int("API_WRITES_PER_IP_PER_MINUTE", 60, minimum=1)
API_STAFF_WRITES_PER_MINUTE = env_int("API_STAFF_WRITES_PER_MINUTE", 600, minimum=1)

# A quiet log by default (LOG_LEVEL=DEBUG shows everything): periodic jobs log only when they
# did something (yingshang.logconfig.quiet_task_logs), jieba only its warnings.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"warnings_only": {"()": "yingshang.logconfig.MinLevel", "level": "WARNING"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # jieba sets DEBUG on its logger when imported (after this configuration) and prints
        # through a handler of its own as well: a filter on the logger holds whatever it sets
        "jieba": {"level": "WARNING", "filters": ["warnings_only"]},
    },
}
# jieba imports pkg_resources, which newer setuptools answers with a multi-line deprecation
# warning on every start; it is the library's business, not the operator's.
warnings.filterwarnings("ignore", message=r"pkg_resources is deprecated", category=UserWarning)
warnings.filterwarnings(
    "ignore", message=r"pkg_resources is deprecated", category=DeprecationWarning
)
warnings.filterwarnings(
    "ignore", message=r"Deprecated call to `pkg_resources", category=DeprecationWarning
)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
