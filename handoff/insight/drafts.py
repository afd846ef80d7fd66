"""A knowledge-gap cluster as a draft article file: the front matter the help centre's articles
use (knowledge/articles.py reads it), the customers' phrasings as `questions:`, and no body. The
knowledge service refuses an article with no text, so a draft copied into knowledge/articles/
stays out of the index until someone writes the answer; the API only hands the file out."""

from __future__ import annotations

import datetime
import re
from typing import Any

import yaml

MAX_TITLE = 120


def slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:8]
    return "-".join(words) or "question"


def draft_article(cluster: dict[str, Any], today: datetime.date) -> tuple[str, str]:
    """(file name, file text) for `cluster` (an item of the gaps report)."""
    article_id = f"draft-{slug(cluster['examples'][0])}-{cluster['id'][:6]}"
    wrongly = [w["article"] for w in cluster.get("wrongly_given", [])]
    front = {
        "id": article_id,
        "title": cluster["examples"][0][:MAX_TITLE],
        "category": "uncategorised",
        "tags": [],
        "updated": today,
        "url": f"/help/{article_id}",
        "questions": list(cluster["phrasings"]),
    }
    header = (f"# Draft from the knowledge-gap report: {cluster['size']} customer questions "
              f"({cluster['no_match']} unanswered, {cluster['rejected']} answers rejected).\n")
    if wrongly:
        header += f"# Wrongly given for these: {', '.join(wrongly)}.\n"
    header += "# Set the title, category and tags, write the answer below the front matter, then reindex.\n"
    body = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    return f"{article_id}.md", f"---\n{header}{body}---\n"
