"""robots.txt verdicts (RFC 9309), parsed with protego. No network here: fetch.py loads the file.

RFC 9309 §2.3.1: a 4xx answer means "no rules" (allow all); a 5xx answer or a network
failure means "assume complete disallow" until the file can be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

__all__ = ["RobotsRules", "origin_of", "robots_url"]


@dataclass(frozen=True)
class RobotsRules:
    """What one origin's robots.txt says; ``reason`` explains blanket verdicts."""

    parser: Protego | None = None
    allow_all: bool = True
    reason: str = ""

    @classmethod
    def parse(cls, text: str) -> RobotsRules:
        """Rules from the text of a robots.txt file."""
        return cls(parser=Protego.parse(text), reason="robots.txt rules")

    @classmethod
    def allow_everything(cls, reason: str) -> RobotsRules:
        """No rules at all (robots.txt missing, 4xx)."""
        return cls(parser=None, allow_all=True, reason=reason)

    @classmethod
    def deny_everything(cls, reason: str) -> RobotsRules:
        """Complete disallow (robots.txt unreachable, 5xx)."""
        return cls(parser=None, allow_all=False, reason=reason)

    def allows(self, url: str, user_agent: str) -> bool:
        """Whether ``user_agent`` may fetch ``url``."""
        if self.parser is None:
            return self.allow_all
        if urlsplit(url).path in {"/robots.txt"}:
            return True
        return bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float:
        """Crawl-delay (or the interval of Request-rate) for ``user_agent``; 0 when none is set."""
        if self.parser is None:
            return 0.0
        delay = self.parser.crawl_delay(user_agent)
        rate = self.parser.request_rate(user_agent)
        rate_delay = rate.seconds / rate.requests if rate is not None and rate.requests else 0.0
        return max(float(delay or 0.0), float(rate_delay))


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, lower-cased: the unit of robots.txt and of politeness."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def robots_url(url: str) -> str:
    """The robots.txt URL governing ``url``."""
    return origin_of(url) + "/robots.txt"
