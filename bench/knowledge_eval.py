"""How well and how fast the help-centre search works.

Prints hit@1, hit@3 and MRR for BM25 alone, dense alone and the hybrid; the precision
and recall of the "no match" decision; and search latency (p50/p95, one query at a time)
on the real help centre and on a generated one of --articles articles.

Usage: .venvs/svc/bin/python -m bench.knowledge_eval [--split test|dev|all] [--articles 1000] [--limit N]
       [--latency-only]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.knowledge_setup import build_index, generated_articles
from knowledge.evaluation import decision_figures, load_questions, ranking_figures, wilson_interval
from knowledge.index.decision import RetrievalConfig
from knowledge.index.hybrid import HybridIndex
from knowledge.settings import get_settings


def latency(index: HybridIndex, queries: list[str], rounds: int = 1) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for query in queries:
            # A query never seen before: the encoder's memo of recent queries would hide the model's cost.
            index.encoder.clear_query_cache()
            start = time.perf_counter()
            index.rank(query, k=3)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def quality(index: HybridIndex, questions: list, config: RetrievalConfig) -> None:
    print()
    print("| method | hit@1 | hit@3 | MRR |")
    print("| --- | --- | --- | --- |")
    for method in ("bm25", "dense", "hybrid"):
        f = ranking_figures(index, questions, method)
        print(f"| {method} | {f.hit_at_1:.3f} | {f.hit_at_3:.3f} | {f.mrr:.3f} |")
    d = decision_figures(index, questions, config)
    print()
    low, high = wilson_interval(d.no_match_right, d.no_match_said)
    low_r, high_r = wilson_interval(d.no_match_right, d.unanswerable)
    print(f"no match: precision {d.no_match_precision:.3f} ({d.no_match_right} of {d.no_match_said}; "
          f"95 % interval {low:.2f} to {high:.2f}), recall {d.no_match_recall:.3f} "
          f"({d.no_match_right} of {d.unanswerable}; {low_r:.2f} to {high_r:.2f})")
    print(f"answered outright: {d.confident_share:.3f} of answerable questions, right {d.confident_accuracy:.3f}; "
          f"'unsure' buttons held the answer {d.unsure_hit_at_3:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="test", choices=["test", "dev", "all"])
    parser.add_argument("--articles", type=int, default=1000, help="size of the generated help centre")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N questions (smoke runs)")
    parser.add_argument("--latency-only", action="store_true", help="skip the quality figures")
    args = parser.parse_args()

    questions = load_questions(args.split)
    if args.limit:
        questions = questions[: args.limit]
    config = RetrievalConfig.load(get_settings().retrieval_config)
    index = build_index(config=config)
    answerable = sum(q.article is not None for q in questions)
    print(f"help centre: {len(index.articles)} articles, {len(index.passages)} passages; "
          f"{args.split} split: {answerable} answerable + {len(questions) - answerable} unanswerable questions")
    if not args.latency_only:
        quality(index, questions, config)
    queries = [q.text for q in questions]
    p50, p95 = latency(index, queries)
    print(f"latency, {len(index.articles)} articles: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(queries)} queries)")
    if args.articles:
        big = build_index(generated_articles(args.articles), config)
        p50, p95 = latency(big, queries)
        print(f"latency, {len(big.articles)} articles ({len(big.passages)} passages): "
              f"p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
