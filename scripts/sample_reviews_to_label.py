"""Which real reviews were labelled for topics (review_platform/nlp/labels/): keyword search only picks candidates
to over-sample (rare topics, delivery above all); every label was then decided by reading the review.

Run from the project root with ../shared/data/reviews/ present; writes the four batches the annotators read to
/tmp/labelling/. Kept for provenance: re-running it reproduces the same 2,060 reviews.
"""

import csv
import json
import random
import re
from pathlib import Path

Path("/tmp/labelling").mkdir(exist_ok=True)
D = Path("../shared/data/reviews")
rng = random.Random(20261201)
rows = []
for r in csv.DictReader((D / "womens_clothing_ecommerce_reviews.csv").open(encoding="utf-8")):
    text = (r["Review Text"] or "").strip()
    if not text:
        continue
    title = (r["Title"] or "").strip()
    rows.append(
        {"source": "clothing", "id": r[""], "text": (title + ". " + text) if title else text, "stars": int(r["Rating"])}
    )
fr = []
for name, src in [
    ("french_book_reviews_babelio.jsonl", "babelio"),
    ("french_book_reviews_critiques_libres.jsonl", "critiques_libres"),
]:
    for i, line in enumerate((D / name).read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        text = (r["reader_review"] or "").strip()
        if text:
            fr.append({"source": src, "id": str(i), "text": text, "stars": r["rating"]})


def pick(pool, pats, n):
    chosen, seen = [], set()
    for p, cap in pats:
        c = [r for r in pool if re.search(p, r["text"], re.I)]
        rng.shuffle(c)
        for r in c[:cap]:
            k = (r["source"], r["id"])
            if k not in seen:
                seen.add(k)
                chosen.append(r)
    rest = [r for r in pool if (r["source"], r["id"]) not in seen]
    rng.shuffle(rest)
    chosen += rest[: n - len(chosen)]
    rng.shuffle(chosen)
    return chosen


en = pick(
    rows,
    [
        (r"\b(ship|shipping|shipped|deliver\w*|arrived|mail(ed)?|usps|ups|fedex)\b", 400),
        (r"\b(packag\w*|box|wrapped)\b", 120),
        (r"\b(refund\w*|customer service|exchange\w*|returned)\b", 120),
        (r"\b(price\w*|expensive|cheap|worth|sale|money)\b", 150),
        (r"\b(fake|counterfeit|not as pictured|not as described)\b", 40),
        (r"\b(hole|ripped|tore|torn|defect\w*|broke\w*|stain\w*|unravel\w*)\b", 120),
    ],
    1500,
)
frs = pick(
    fr,
    [
        (r"\b(colis|livraison|livré|commande|amazon|reçu)\b", 60),
        (r"\b(prix|cher|chère|euros?|poche)\b", 80),
        (r"\b(édition|papier|couverture|imprim\w*|pages? manquantes?|traduction)\b", 60),
    ],
    560,
)
allr = en + frs
for k in range(4):
    part = allr[k * 515 : (k + 1) * 515] if k < 3 else allr[3 * 515 :]
    with open(f"/tmp/labelling/batch_{k + 1}.jsonl", "w", encoding="utf-8") as f:
        for r in part:
            f.write(json.dumps({"source": r["source"], "id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n")
    print(k + 1, len(part), sum(r["source"] != "clothing" for r in part))
