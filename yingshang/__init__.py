"""营商通 Yingshang — the county platform for optimising the business environment."""

__version__ = "0.1.0"
