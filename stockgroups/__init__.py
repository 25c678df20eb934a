"""Stock Groups: news in, moved stock groups out, each with its chain of facts."""
from stockgroups.model import Analysis, Article

__version__ = "0.1.0"


def analyze(source, kb=None):
    from stockgroups.analysis.pipeline import analyze as _analyze

    return _analyze(source, kb=kb)


__all__ = ["Analysis", "Article", "__version__", "analyze"]
