"""Stock Groups: news in, moved stock groups out, each with its chain of facts."""
from stockgroups.model import Analysis, Article

__version__ = "0.1.0"


def analyze(source, kb=None):
    """Analyse one article (an Article, a dict like the JSON input, or plain text) with the
    user's knowledge base (the shipped data plus the folders of setting kb_dirs)."""
    from stockgroups.analysis.pipeline import analyze as _analyze
    from stockgroups.services.knowledge import user_kb

    return _analyze(source, kb=kb if kb is not None else user_kb())


__all__ = ["Analysis", "Article", "__version__", "analyze"]
