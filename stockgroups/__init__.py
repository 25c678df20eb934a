"""Stock Groups: news in, moved stock groups out, each with its chain of facts."""
from stockgroups.model import Analysis, Article

__version__ = "0.1.0"


def analyze(source, kb=None):
    """Analyse one article with the user's knowledge base (the shipped data plus the
    folders of setting kb_dirs).

    `source` is an Article, a dict shaped like the JSON input ({"title", "text" or
    "body", "url", "published"}: published is read into UTC ISO 8601), or plain text
    with the title on its first line. A dict without text raises InputError.
    """
    from stockgroups.analysis.pipeline import run
    from stockgroups.model import replace
    from stockgroups.services.knowledge import user_kb
    from stockgroups.sources.formats.jsonl import article_from_object
    from stockgroups.sources.formats.text import split_title
    from stockgroups.sources.language import detect_language

    if isinstance(source, Article):
        article = source
    elif isinstance(source, dict):
        article = article_from_object(source, str(source.get("url") or "<dict>"))
        if isinstance(article, Exception):
            raise article
    else:
        title, text = split_title(str(source))
        article = Article(source="<text>", title=title, text=text)
    if article.language is None:
        article = replace(article, language=detect_language(f"{article.title}\n{article.text}"))
    return run(article, kb if kb is not None else user_kb())


__all__ = ["Analysis", "Article", "__version__", "analyze"]
