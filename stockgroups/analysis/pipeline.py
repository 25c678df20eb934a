"""The chain of stages: Article -> Analysis, each stage a pure function (analysis, kb) -> analysis.

Each stage declares the fields it needs and the fields it fills; the chain is checked
when this module loads, so a stage placed before its inputs exist fails at start-up.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from stockgroups.analysis.clean import clean_text
from stockgroups.analysis.custom import custom_hits
from stockgroups.analysis.events import event_matcher, find_events
from stockgroups.analysis.expose import find_exposures
from stockgroups.kb.load import KB, default_kb
from stockgroups.analysis.link import find_mentions
from stockgroups.model import Analysis, Article, replace
from stockgroups.analysis.relevance import score_entities
from stockgroups.analysis.version import analysis_version
from stockgroups.analysis.segment import sentences_of
from stockgroups.analysis.stance import default_vocab, entity_stances
from stockgroups.analysis.stated import stated_hits
from stockgroups.analysis.subjects import find_subjects

TITLE_SEPARATOR = "\n\n"


def clean_stage(a: Analysis, kb: KB) -> Analysis:
    art = a.article
    title = clean_text(art.title)
    if "\n" in title:  # clean_text's lines already have their white space normalised
        title = " ".join(title.split())
    text = clean_text(art.text)
    first, _, rest = text.partition("\n")
    if title and first == title:  # (first is one of clean_text's lines: no space to normalise)
        text = rest.lstrip()  # pages often repeat the headline as the first line of the body
    return replace(a, article=replace(art, title=title, text=text),
                   body=title + TITLE_SEPARATOR + text, analysis_version=analysis_version(kb))


def link_stage(a: Analysis, kb: KB) -> Analysis:
    return replace(a, mentions=tuple(find_mentions(a.body, kb)))


def relevance_stage(a: Analysis, kb: KB) -> Analysis:
    return replace(a, entities=score_entities(a.body, len(a.article.title), a.mentions, kb))


# Names whose words are not events when they happen to be cue words ("Riot Platforms").
NAME_KINDS = frozenset({"company", "person"})


def stance_stage(a: Analysis, kb: KB) -> Analysis:
    """What the story says about each entity it names, strongest first."""
    found = entity_stances(a.body, sentences_of(a.body), a.mentions, len(a.article.title), default_vocab(), kb)
    return replace(a, stances=tuple(sorted(found.values(), key=lambda s: (-s.strength, s.entity))))


def events_stage(a: Analysis, kb: KB) -> Analysis:
    title, text = a.article.title, a.article.text
    # find_events reads title + separator + text, or the text alone when there is no title;
    # its offsets are shifted to the body's.
    shift = 0 if title else len(TITLE_SEPARATOR)
    names = tuple((m.start - shift, m.end - shift) for m in a.mentions
                  if (info := kb.entities.get(m.entity)) is not None and info.kind in NAME_KINDS)
    events = find_events(title, text, event_matcher(kb), names)
    if shift:
        events = tuple(replace(e, at=tuple(at + shift for at in e.at)) for e in events)
    return replace(a, events=events)


def expose_stage(a: Analysis, kb: KB) -> Analysis:
    groups, companies = find_exposures(a.entities, a.events, a.mentions, a.body, kb)
    return replace(a, groups=groups, companies=companies)


def stated_stage(a: Analysis, kb: KB) -> Analysis:
    """The story's subject takes the direction the story states for it, where no event gave one."""
    if not a.stances:
        return a
    groups, companies = stated_hits(a.stances, a.entities, a.groups, a.companies, a.article.title, a.mentions, kb)
    return replace(a, groups=groups, companies=companies)


def subjects_stage(a: Analysis, kb: KB) -> Analysis:
    """The story's own subjects on top of the event layer; roles for every hit."""
    groups, companies = find_subjects(a.body, len(a.article.title), a.entities, a.mentions, a.events,
                                      a.groups, a.companies, kb, a.stances)
    return replace(a, groups=groups, companies=companies)


def custom_stage(a: Analysis, kb: KB) -> Analysis:
    """Users' own baskets (custom:...) hit through the companies the story moves."""
    baskets = custom_hits(a.companies, kb)
    if not baskets:
        return a
    return replace(a, groups=tuple(sorted(a.groups + baskets, key=lambda g: (-g.score, g.id))))


@dataclass(frozen=True)
class Stage:
    name: str
    func: Callable[[Analysis, KB], Analysis]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


STAGES: tuple[Stage, ...] = (
    Stage("clean", clean_stage, ("article",), ("body", "analysis_version")),
    Stage("link", link_stage, ("body",), ("mentions",)),
    Stage("relevance", relevance_stage, ("body", "mentions"), ("entities",)),
    Stage("stance", stance_stage, ("body", "mentions"), ("stances",)),
    Stage("events", events_stage, ("body", "mentions"), ("events",)),
    Stage("expose", expose_stage, ("entities", "events", "mentions", "body"), ("groups", "companies")),
    Stage("stated", stated_stage, ("stances", "entities", "mentions", "groups", "companies"), ("groups", "companies")),
    Stage("subjects", subjects_stage, ("body", "entities", "mentions", "events", "groups", "companies", "stances"),
          ("groups", "companies")),
    Stage("custom", custom_stage, ("groups", "companies"), ("groups",)),
)


def check_stages(stages: tuple[Stage, ...]) -> None:
    """Raise if a stage needs a field no earlier stage fills (spaCy's analyze_pipes idea)."""
    have = {"article"}
    for stage in stages:
        missing = [f for f in stage.requires if f not in have]
        if missing:
            raise RuntimeError(f"stage {stage.name!r} needs {missing} before any stage assigns them")
        have.update(stage.assigns)


check_stages(STAGES)


def run(article: Article, kb: KB | None = None, stages: tuple[Stage, ...] = STAGES) -> Analysis:
    kb = kb or default_kb()
    analysis = Analysis(article=article)
    for stage in stages:
        analysis = stage.func(analysis, kb)
    return analysis


def analyze(source: Article | str | dict, kb: KB | None = None) -> Analysis:
    """Analyse one article: an Article, a dict like the JSON input, or plain text (title first)."""
    if isinstance(source, Article):
        article = source
    elif isinstance(source, dict):
        article = Article(source=str(source.get("url") or "<dict>"), title=str(source.get("title") or ""),
                          text=str(source.get("text") or source.get("body") or ""),
                          url=source.get("url"), published=source.get("published"))
    else:
        from stockgroups.sources.formats.text import split_title

        title, text = split_title(str(source))
        article = Article(source="<text>", title=title, text=text)
    return run(article, kb)
