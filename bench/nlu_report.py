"""The table bench.nlu_benchmark prints: both pipelines beside the published figures."""

from __future__ import annotations

from typing import Any

# Larson et al. 2019, Table 2 (full data); Casanueva et al. 2020, Table 3 (full training set).
PUBLISHED_CLINC = [
    ("BERT (published)", (96.9, 40.3), (96.2, 52.3)),
    ("MLP (published)", (93.5, 47.4), None),
    ("Rasa 2019 (published)", (91.5, 45.3), (90.9, 31.2)),
    ("DialogFlow (published)", (91.7, 14.0), (90.8, 26.7)),
    ("SVM (published)", (91.0, 14.5), (88.2, 18.0)),
]
PUBLISHED_BANKING = [("BERT fine-tuned (published)", 93.66), ("USE+ConveRT (published)", 93.36)]
GOALS = "goals: CLINC150 in-scope accuracy >= 95 % with out-of-scope recall >= 70 %; BANKING77 >= 93 %"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def _pair(result: dict[str, Any] | None, prefix: str = "") -> str:
    if result is None:
        return " | "
    return f"{_pct(result[prefix + 'in_scope_accuracy'])} | {_pct(result[prefix + 'oos_recall'])}"


def print_report(results: list[dict[str, Any]], today: str) -> None:
    by = {(r["task"], r["pipeline"]): r for r in results}
    pipelines = sorted({r["pipeline"] for r in results}, key=lambda p: (p != "bot", p != "default", p))
    settings = {(r.get("intents"), r.get("per_intent"), r.get("epochs"), r.get("eval_per_intent"), r.get("eval_oos"))
                for r in results}
    small = settings - {(None, None, None, None, None)}
    print(f"NLU benchmark, {today}" + ("   (a SMALL run: not comparable with the published figures)" if small else ""))
    for intents, per_intent, epochs, eval_per_intent, eval_oos in sorted(small, key=str):
        print(f"  settings: intents {intents or 'all'}, training examples per intent {per_intent or 'all'}, "
              f"epochs {epochs or 'as configured'}, test examples per intent {eval_per_intent or 'all'}, "
              f"out-of-scope test examples {eval_oos or 'all'}")
    print(GOALS)
    print("\nCLINC150 (test: in-scope accuracy | out-of-scope recall, %)")
    print("| pipeline | oos as a class | | by threshold | | threshold | as deployed (nlu_fallback = oos) | |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for pipeline in pipelines:
        cls, thr = by.get(("clinc-class", pipeline)), by.get(("clinc-threshold", pipeline))
        # As deployed: the model trained without an oos class, whose only way to say "out of
        # scope" is the FallbackClassifier; else the oos-class model plus its fallback.
        deployed = _pair(thr or cls, "deployed_") if (thr or cls) else " | "
        threshold = f"{thr['threshold']:.3f}" if thr else ""
        print(f"| {pipeline} | {_pair(cls)} | {_pair(thr)} | {threshold} | {deployed} |")
    for name, as_class, by_threshold in PUBLISHED_CLINC:
        thr_text = f"{by_threshold[0]} | {by_threshold[1]}" if by_threshold else " | "
        print(f"| {name} | {as_class[0]} | {as_class[1]} | {thr_text} | | | |")
    print("\nCLINC150 in-scope top-1 accuracy with no out-of-scope decision at all (%): "
          + ", ".join(f"{r['pipeline']} ({r['task']}) {_pct(r['top1_in_scope_accuracy'])}"
                      for r in results if "top1_in_scope_accuracy" in r))
    print("\nBANKING77 (test accuracy, %)")
    print("| pipeline | accuracy | as deployed (a fallback counts wrong) | fallback rate |")
    print("| --- | --- | --- | --- |")
    for pipeline in pipelines:
        bank = by.get(("banking", pipeline))
        if bank:
            print(f"| {pipeline} | {_pct(bank['accuracy'])} | {_pct(bank['deployed_accuracy'])} | "
                  f"{_pct(bank['fallback_rate'])} |")
    for name, accuracy in PUBLISHED_BANKING:
        print(f"| {name} | {accuracy} | | |")
    print("\nCost (one process per model: training wall time, peak RSS while training, parse time per message)")
    print("| task | pipeline | training examples | test examples (in scope + oos) | training | peak memory | parse |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in sorted(results, key=lambda r: (r["task"], r["pipeline"] != "bot", r["pipeline"])):
        tested = f"{r.get('test_in_scope', '?')} + {r.get('test_oos', '?')}"
        # bot-adapted: the sentence model's adaptation first (its own process), then Rasa's training.
        adapting = "adaptation_seconds" in r
        adapted = f" + {r['adaptation_seconds']:.0f} s adapting" if adapting else ""
        adapted_mb = f" ({r['adaptation_peak_mb']} MB adapting)" if adapting else ""
        print(f"| {r['task']} | {r['pipeline']} | {r['train_examples']} | {tested} | {r['train_seconds']:.0f} s"
              f"{adapted} | {r['train_peak_mb']} MB{adapted_mb} | {r['parse_ms']:.1f} ms |")
