"""Write knowledge/negatives/clinc150.txt: requests a shop's help centre never answers, taken
from CLINC150 (Larson et al., 2019; CC BY 3.0): its out-of-scope training and validation
queries, and a few training queries from each intent of a virtual assistant (weather,
recipes, banking, travel, small talk, ...) that has nothing to do with a clothing shop.

Intents that could be a question to a shop (order status, a declined card, rewards, fees
abroad, a blocked account, fraud) are left out, so that nothing a Larkspur customer might
ask is taught as "not ours". CLINC150's test queries are never used.

Usage: python -m knowledge.negatives.extract_clinc150 [../shared/datasets/clinc150] [--per-intent 8]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHOP_LIKE = {
    "order", "order_status", "shopping_list", "shopping_list_update", "card_declined", "redeem_rewards",
    "rewards_balance", "international_fees", "account_blocked", "report_fraud", "exchange_rate",
    "what_can_i_ask_you", "cancel", "yes", "no", "maybe", "repeat", "thank_you", "goodbye", "greeting",
    "user_name", "change_user_name", "transactions", "spending_history", "pay_bill", "bill_due",
    "bill_balance", "min_payment", "new_card", "damaged_card", "expiration_date",
}


def extract(clinc_dir: Path, per_intent: int, seed: int = 15) -> list[str]:
    data = json.loads((clinc_dir / "data_full.json").read_text())
    by_intent: dict[str, list[str]] = {}
    for text, intent in data["train"]:
        by_intent.setdefault(intent, []).append(text)
    rng = random.Random(seed)
    lines = [text for text, _ in data["oos_train"] + data["oos_val"]]
    for intent in sorted(by_intent):
        if intent not in SHOP_LIKE:
            lines.extend(rng.sample(by_intent[intent], per_intent))
    return sorted(set(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clinc_dir", nargs="?", type=Path, default=HERE.parents[2] / "shared" / "datasets" / "clinc150")
    parser.add_argument("--per-intent", type=int, default=8)
    args = parser.parse_args()
    lines = extract(args.clinc_dir, args.per_intent)
    header = "# From CLINC150 (github.com/clinc/oos-eval), CC BY 3.0; made by extract_clinc150.py\n"
    (HERE / "clinc150.txt").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} queries written to {HERE / 'clinc150.txt'}")


if __name__ == "__main__":
    main()
