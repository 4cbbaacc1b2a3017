"""presswatch: which countries, organisations and watch-list terms the news mentions."""

__version__ = "0.1.0"
