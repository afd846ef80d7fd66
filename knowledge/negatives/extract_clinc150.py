"""Write knowledge/negatives/clinc150.txt: requests a shop's help centre never answers, taken
from CLINC150 (Larson et al., 2019; CC BY 3.0): its out-of-scope training and validation
queries, and a few training queries from each intent of a virtual assistant (weather,
recipes, banking, travel, small talk, ...) that has nothing to do with a clothing shop.

It also writes knowledge/negatives/domain/clinc150_train.txt, for the domain classifier alone
(decision 0275): the out-of-scope training queries and up to --domain-per-intent training
queries of each of those intents. The article classifier and the fitted decision models keep
the small file, so the articles' ranking and knowledge/retrieval.json do not move with it.

Intents that could be a question to a shop (order status, a declined card, rewards, fees
abroad, a blocked account, fraud) are left out, so that nothing a Larkspur customer might
ask is taught as "not ours". CLINC150's test queries are never used.

Usage: python -m knowledge.negatives.extract_clinc150 [../shared/datasets/clinc150] [--per-intent 8]
       [--domain-per-intent 100]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from knowledge.negatives import DOMAIN_DIR

HERE = Path(__file__).resolve().parent
SHOP_LIKE = {
    "order", "order_status", "shopping_list", "shopping_list_update", "card_declined", "redeem_rewards",
    "rewards_balance", "international_fees", "account_blocked", "report_fraud", "exchange_rate",
    "what_can_i_ask_you", "cancel", "yes", "no", "maybe", "repeat", "thank_you", "goodbye", "greeting",
    "user_name", "change_user_name", "transactions", "spending_history", "pay_bill", "bill_due",
    "bill_balance", "min_payment", "new_card", "damaged_card", "expiration_date",
}


def _training_by_intent(data: dict[str, list[list[str]]]) -> dict[str, list[str]]:
    by_intent: dict[str, list[str]] = {}
    for text, intent in data["train"]:
        by_intent.setdefault(intent, []).append(text)
    return by_intent


def extract(clinc_dir: Path, per_intent: int, seed: int = 15) -> list[str]:
    data = json.loads((clinc_dir / "data_full.json").read_text())
    by_intent = _training_by_intent(data)
    rng = random.Random(seed)
    lines = [text for text, _ in data["oos_train"] + data["oos_val"]]
    for intent in sorted(by_intent):
        if intent not in SHOP_LIKE:
            lines.extend(rng.sample(by_intent[intent], per_intent))
    return sorted(set(lines))


def plain(text: str) -> str:
    """Lower case, words only: how two wordings of a question are found to be the same."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def evaluation_questions() -> set[str]:
    """Every question of the project's evaluation sets (knowledge/eval, bench/customer_eval),
    in plain form: kept out of the examples, or the benchmarks would measure memory. Read to
    leave them out, never to choose anything by."""
    from knowledge.evaluation import load_questions

    customer = HERE.parents[1] / "bench" / "customer_eval" / "questions.jsonl"
    asked = [q.text for q in load_questions("all")]
    if customer.exists():
        asked += [json.loads(line)["question"] for line in customer.read_text(encoding="utf-8").splitlines()
                  if line.strip()]
    return {plain(text) for text in asked}


def extract_for_domain(clinc_dir: Path, per_intent: int, seed: int = 16,
                       leave_out: frozenset[str] = frozenset()) -> list[str]:
    """The domain classifier's own: CLINC150's out-of-scope *training* queries and up to
    `per_intent` training queries of each intent not in SHOP_LIKE, but those whose plain form
    is in `leave_out`. Not the out-of-scope validation queries, so that those stay held out
    wherever clinc150.txt does not hold them."""
    data = json.loads((clinc_dir / "data_full.json").read_text())
    by_intent = _training_by_intent(data)
    rng = random.Random(seed)
    lines = [text for text, _ in data["oos_train"]]
    for intent in sorted(by_intent):
        if intent not in SHOP_LIKE:
            texts = by_intent[intent]
            lines.extend(rng.sample(texts, min(per_intent, len(texts))))
    return sorted({line for line in lines if plain(line) not in leave_out})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clinc_dir", nargs="?", type=Path, default=HERE.parents[2] / "shared" / "datasets" / "clinc150")
    parser.add_argument("--per-intent", type=int, default=8)
    parser.add_argument("--domain-per-intent", type=int, default=100)
    args = parser.parse_args()
    header = "# From CLINC150 (github.com/clinc/oos-eval), CC BY 3.0; made by extract_clinc150.py\n"
    for path, lines in ((HERE / "clinc150.txt", extract(args.clinc_dir, args.per_intent)),
                        (HERE / DOMAIN_DIR / "clinc150_train.txt",
                         extract_for_domain(args.clinc_dir, args.domain_per_intent,
                                            leave_out=frozenset(evaluation_questions())))):
        path.parent.mkdir(exist_ok=True)
        path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines)} queries written to {path}")


if __name__ == "__main__":
    main()
