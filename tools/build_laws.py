#!/usr/bin/env python3
"""Builds rules/laws.csv and rules/renumbering.csv from the reference tables in
../shared/data/laws/ (see PROVENANCE.md there). Python 3 standard library only.

Usage (from the repository root):
    python3 tools/build_laws.py [DATA_DIR] [--out RULES_DIR]

DATA_DIR defaults to ../shared/data/laws relative to the repository; RULES_DIR to rules/.
The output is deterministic: running it twice on the same data gives the same bytes.
"""

import csv
import io
import os
import re
import sys
import unicodedata

# Auto-matched article pairs are kept only when the article number changed and the texts are at
# least this similar (difflib ratio on the first 300 characters, computed upstream). Stated in
# rules/README.md; change both together.
AUTO_SIMILARITY_MIN = 0.8

STATUSES = ("有效", "已修改", "已废止", "失效")

LAWS_HEADER = [
    "title", "short_title", "type", "status", "effective_date", "repeal_date",
    "replaced_by", "source", "version",
]
RENUMBERING_HEADER = ["old_law", "old_article", "new_law", "new_article", "source"]

PRC = "中华人民共和国"

# A trailing parenthesis that names a version or an order number, not part of the title:
# （2018修正）, (2021-04-29版), （原国家食药监总局令第17号）. Parentheses such as （五） or （合同编）
# stay. Must match `strip_version_suffix` in src/laws.rs.
VERSION_WORDS = ("修正", "修订", "修改", "版", "施行", "公布", "令", "号")


def strip_version_suffix(s):
    """Drops trailing version parentheses (already NFKC, so the brackets are ASCII)."""
    while s.endswith(")"):
        start = s.rfind("(")
        if start <= 0:
            break
        inner = s[start + 1:-1]
        has_year = re.search(r"[0-9]{4}", inner) is not None
        if has_year or any(w in inner for w in VERSION_WORDS):
            s = s[:start]
        else:
            break
    return s


def law_key(title):
    """The tolerant matching key of a title; must agree with `law_key` in src/laws.rs."""
    s = unicodedata.normalize("NFKC", title)
    s = "".join(c for c in s if not c.isspace())
    for c in "《》〈〉<>「」“”\"'、·":
        s = s.replace(c, "")
    s = s.replace("【", "(").replace("】", ")")
    s = strip_version_suffix(s)
    s = s.replace(PRC, "")
    return s


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def split_parts(text):
    return [p.strip() for p in text.split(" / ")] if text else [""]


def laws_rows(data_dir):
    """One dict per output row of rules/laws.csv."""
    laws = read_csv(os.path.join(data_dir, "laws.csv"))
    relations = read_csv(os.path.join(data_dir, "repeal_relations.csv"))
    watchlist = read_csv(os.path.join(data_dir, "watchlist_repealed.csv"))

    rows = []
    civil_code_parts = []
    for r in laws:
        if r["status"] not in STATUSES:
            raise SystemExit(f"laws.csv: unknown status {r['status']!r} for {r['title']}")
        if r["title"] == PRC + "民法典":
            # LawRefBook keeps the 民法典 as one file per 编; the registry wants one law.
            civil_code_parts.append(r)
            continue
        if r["source"] == "LawRefBook/Laws (derived from repeal clause)":
            # Known only as the object of a later act's repeal clause; the basis names that act.
            source = f"LawRefBook laws.csv (derived): {r['status_basis']}"
        else:
            source = f"LawRefBook laws.csv: {r['source_path'] or r['source']}"
            if r["status"] != "有效":
                source += f"; {r['status_basis']}"
        rows.append({
            "title": r["title"],
            "short_title": r["short_title"],
            "type": r["type"],
            "status": r["status"],
            "effective_date": r["effective_date"],
            "repeal_date": r["repeal_or_superseded_date"],
            "replaced_by": r["replaced_by"],
            "source": source,
            "version": r["publish_date"],
        })
    if civil_code_parts:
        effective = sorted({p["original_effective_date"] for p in civil_code_parts} - {""})
        parts = sorted(p["short_title"].split(" ", 1)[-1] for p in civil_code_parts)
        rows.append({
            "title": PRC + "民法典",
            "short_title": "民法典",
            "type": "法律",
            "status": "有效",
            "effective_date": effective[0] if effective else "",
            "repeal_date": "",
            "replaced_by": "",
            "source": "LawRefBook laws.csv: 民法典/*.md (" + "、".join(parts) + ")",
            "version": "",
        })

    by_key = {}
    for row in rows:
        by_key.setdefault(law_key(row["title"]), []).append(row)
        if row["short_title"]:
            by_key.setdefault(law_key(row["short_title"]), []).append(row)

    # repeal_relations.csv: fill a repeal date or replacement that laws.csv left empty.
    relation_by_key = {}
    for rel in relations:
        if rel["same_name_predecessor"] == "1":
            continue  # repeals an older act of the same name, not the current one
        relation_by_key.setdefault(law_key(rel["repealed_title"]), rel)
    for row in rows:
        if row["status"] != "已废止":
            continue
        rel = relation_by_key.get(law_key(row["title"]))
        if rel is None:
            continue
        filled = []
        if not row["repeal_date"] and rel["repeal_effective_date"]:
            row["repeal_date"] = rel["repeal_effective_date"]
            filled.append("repeal_date")
        if not row["replaced_by"] and rel["repealed_by"]:
            row["replaced_by"] = rel["repealed_by"]
            filled.append("replaced_by")
        if filled:
            row["source"] += f"; repeal_relations.csv ({', '.join(filled)}): {rel['source_path']}"

    # watchlist_repealed.csv decides the status of the instruments county lists still cite.
    # A line may name several instruments separated by " / ", with dates and replacements in
    # the same order.
    for w in watchlist:
        titles = split_parts(w["title"])
        dates = split_parts(w["repeal_date"])
        replacements = split_parts(w["replaced_by"])
        for i, title in enumerate(titles):
            date = dates[i] if len(dates) == len(titles) else w["repeal_date"]
            replaced_by = replacements[i] if len(replacements) == len(titles) else w["replaced_by"]
            source = f"watchlist_repealed.csv: {w['evidence']}"
            key = law_key(title)
            matches = []
            for m in by_key.get(key, []):
                if all(m is not seen for seen in matches):
                    matches.append(m)
            # Older versions stay 已修改; the others (in force or 失效) are repealed.
            targets = [m for m in matches if m["status"] != "已修改"]
            if targets:
                for m in targets:
                    m["status"] = "已废止"
                    m["repeal_date"] = date
                    m["replaced_by"] = replaced_by
                    m["source"] += f"; {source}"
                continue
            if matches:
                continue
            full = title
            row = {
                "title": full,
                "short_title": full[len(PRC):] if full.startswith(PRC) else "",
                "type": w["type"],
                "status": "已废止",
                "effective_date": w["original_effective_date"] if len(titles) == 1 else "",
                "repeal_date": date,
                "replaced_by": replaced_by,
                "source": source,
                "version": "",
            }
            rows.append(row)
            by_key.setdefault(key, []).append(row)

    # One row per title and version; identical duplicates in laws.csv collapse.
    unique = {}
    for row in rows:
        k = (row["title"], row["version"])
        if k in unique and unique[k] != row:
            raise SystemExit(f"laws.csv: two different rows for {k}")
        unique[k] = row
    return [unique[k] for k in sorted(unique)]


def article_number(text):
    """第四百六十四条 → 464 (the leading 第…条 only); None when there is none."""
    m = re.match(r"第([零〇一二两三四五六七八九十百千0-9]+)条", text)
    if not m:
        return None
    s = m.group(1)
    if s.isdigit():
        return int(s)
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
    units = {"十": 10, "百": 100, "千": 1000}
    total, digit = 0, 0
    for c in s:
        if c in digits:
            digit = digits[c]
        else:
            total += (digit or 1) * units[c]
            digit = 0
    return total + digit


def renumbering_rows(data_dir):
    curated = read_csv(os.path.join(data_dir, "article_renumbering_curated.csv"))
    auto = read_csv(os.path.join(data_dir, "article_renumbering_auto.csv"))
    out = []
    covered = set()
    for r in curated:
        new_article = r["new_article"]
        new_law = r["law"]
        if new_article.startswith("民法典"):
            new_law = PRC + "民法典"
            new_article = new_article[len("民法典"):]
        number = article_number(r["old_article"])
        if number is None:
            raise SystemExit(f"article_renumbering_curated.csv: no article in {r['old_article']!r}")
        covered.add((law_key(r["law"]), number))
        out.append({
            "old_law": r["law"],
            "old_article": r["old_article"],
            "new_law": new_law,
            "new_article": new_article,
            "source": (f"article_renumbering_curated.csv: {r['old_version']} → {r['new_version']};"
                       f" {r['topic']}; {r['verification']}"),
        })
    for r in auto:
        if r["number_changed"] != "1" or float(r["similarity"]) < AUTO_SIMILARITY_MIN:
            continue
        number = article_number(r["old_article"])
        if number is None or (law_key(r["law"]), number) in covered:
            continue  # the curated mapping wins
        out.append({
            "old_law": r["law"],
            "old_article": r["old_article"],
            "new_law": r["law"],
            "new_article": r["new_article"],
            "source": (f"article_renumbering_auto.csv: {r['old_version']} → {r['new_version']},"
                       f" similarity {r['similarity']}"),
        })
    out.sort(key=lambda r: (r["old_law"], article_number(r["old_article"]), r["old_article"],
                            r["new_law"], r["new_article"]))
    deduped = []
    for r in out:
        if deduped and all(deduped[-1][k] == r[k] for k in RENUMBERING_HEADER[:4]):
            continue
        deduped.append(r)
    return deduped


def write_csv(path, header, rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args = list(argv)
    out_dir = os.path.join(repo, "rules")
    if "--out" in args:
        i = args.index("--out")
        out_dir = args[i + 1]
        del args[i:i + 2]
    if args:
        data_dir = args[0]
    else:
        # ../shared/data/laws from the repository; a worktree sits one folder deeper.
        candidates = [os.path.join(repo, *[".."] * up, "shared", "data", "laws") for up in (1, 2)]
        data_dir = next((c for c in candidates if os.path.isdir(c)), candidates[0])
    if not os.path.isfile(os.path.join(data_dir, "laws.csv")):
        raise SystemExit(f"{data_dir}: no laws.csv (give the data folder as the first argument)")
    os.makedirs(out_dir, exist_ok=True)
    laws = laws_rows(data_dir)
    renumbering = renumbering_rows(data_dir)
    write_csv(os.path.join(out_dir, "laws.csv"), LAWS_HEADER, laws)
    write_csv(os.path.join(out_dir, "renumbering.csv"), RENUMBERING_HEADER, renumbering)
    counts = {s: sum(1 for r in laws if r["status"] == s) for s in STATUSES}
    print(f"laws.csv: {len(laws)} rows ({', '.join(f'{s} {n}' for s, n in counts.items())})")
    print(f"renumbering.csv: {len(renumbering)} rows")


if __name__ == "__main__":
    main(sys.argv[1:])
