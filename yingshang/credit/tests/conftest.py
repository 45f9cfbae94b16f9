from yingshang.cases.tests.conftest import cat  # noqa: F401  (catalogue fixture shared with cases)
