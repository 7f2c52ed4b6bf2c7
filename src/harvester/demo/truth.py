"""The ground truth a harvest of the served world must reproduce."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from harvester.demo.world import CHANNELS, Article, SourceSpec, World


@dataclass(frozen=True)
class TruthArticle:
    """One row harvester must store: one article of one source."""

    source: str  # source id in the generated sources.yaml
    channel: str  # department | campus | provincial
    url: str  # absolute URL, canonical form, as the list links it
    title: str  # the full title
    published: str  # "2023-05-12" or "2023-05-12T10:20:00+08:00"
    kind: str  # page | attachment | offsite | restricted
    relevant: bool  # passes the source's match filter
    body_snippet: str  # a phrase of the extracted body ("" unless kind == "page")


def truth_row(world: World, source: SourceSpec, article: Article, origins: dict[str, str]) -> TruthArticle:
    """The row harvester must store for ``article`` listed by ``source``."""
    return TruthArticle(
        source=source.id,
        channel=source.channel,
        url=world.url(article, origins),
        title=article.title,
        published=article.published,
        kind=article.kind,
        relevant=world.relevant(source, article),
        body_snippet=world.snippet(article),
    )


def truth_rows(world: World, origins: dict[str, str]) -> list[TruthArticle]:
    """Every (source, article) pair of the world, in source and list order."""
    return [
        truth_row(world, source, world.articles[entry.key], origins)
        for source in world.sources
        for entry in world.columns[source.site, source.column].entries
    ]


def count_expected(world: World, start: date, end: date) -> dict[str, int]:
    """Per channel: distinct relevant articles published within ``[start, end]`` (both inclusive)."""
    seen: dict[str, set[str]] = {channel: set() for channel, _ in CHANNELS}
    for source in world.sources:
        for entry in world.columns[source.site, source.column].entries:
            article = world.articles[entry.key]
            if start <= article.when.date() <= end and world.relevant(source, article):
                seen[source.channel].add(world.story(article))  # a same-channel light-edit repost counts once
    return {channel: len(keys) for channel, keys in seen.items()}


def story_pairs(world: World, origins: dict[str, str]) -> list[tuple[str, str]]:
    """``(original URL, repost URL)`` for every light-edit repost whose original is listed in the same channel."""
    listed: dict[str, set[str]] = {}
    for source in world.sources:
        for entry in world.columns[source.site, source.column].entries:
            listed.setdefault(entry.key, set()).add(source.channel)
    pairs = []
    for key, channels in listed.items():
        article = world.articles[key]
        story = world.story(article)
        if story != key and channels & listed.get(story, set()):
            pairs.append((world.url(world.articles[story], origins), world.url(article, origins)))
    return sorted(pairs)
