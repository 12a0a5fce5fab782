#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the repository's examples/ and test fixtures and from the
reference samples in shared/data/real/. Usage: fuzz/seed.py REPO_ROOT REAL_DATA_DIR.
Re-running adds files named by content hash, so it never duplicates a seed."""
import csv, glob, hashlib, io, os, sys

repo, real = sys.argv[1], sys.argv[2]
out = os.path.join(repo, "fuzz", "corpus")
PER_TARGET = 300

COLUMNS = {
    "limit": ["法定时限", "承诺时限", "环节时限", "statutory_limit", "committed_limit", "anticipate_day_explain", "promise_day_explain"],
    "fee": ["收费标准", "fee", "是否收费"],
    "basis": ["设定依据", "basis", "依据_条款摘要(ours)", "exercise_content_excerpt", "收费依据"],
    "name": ["事项名称", "实施主体", "材料名称", "环节名称", "task_name", "dept_name", "item_name", "department", "中介服务"],
    "code": ["事项编码", "实施编码", "task_code", "catalog_code", "item_code", "职权编码", "区划代码"],
    "numeral": ["法定时限", "承诺时限", "到现场次数", "份数", "盖章数", "设定依据"],
}

def read_csv(path):
    raw = open(path, "rb").read()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.DictReader(io.StringIO(raw.decode(enc))))
        except UnicodeDecodeError:
            continue
    return []

def put(target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    p = os.path.join(d, name)
    if not os.path.exists(p):
        open(p, "wb").write(data)

csvs = sorted(glob.glob(os.path.join(repo, "examples", "**", "*.csv"), recursive=True)
              + glob.glob(os.path.join(repo, "tests", "fixtures", "**", "*.csv"), recursive=True)
              + glob.glob(os.path.join(real, "**", "*.csv"), recursive=True))
values = {t: [] for t in COLUMNS}
for path in csvs:
    for row in read_csv(path):
        for target, cols in COLUMNS.items():
            for c in cols:
                v = row.get(c)
                if v and v not in values[target]:
                    values[target].append(v)
for target, vs in values.items():
    # Spread the picks over the whole list, not just the first file.
    step = max(1, len(vs) // PER_TARGET)
    for v in vs[::step][:PER_TARGET]:
        put(target, v.encode("utf-8"))
for n in [0, 1, 10, 15, 20, 35, 1010, 20000, 100000000, 2**32, 2**63, 2**64 - 1]:
    put("numeral", n.to_bytes(8, "little") + "第三十五条".encode())

# load_csv: small datasets, the four tables joined by a line "====" (fuzz/src/lib.rs).
SEP = b"\n====\n"
def head(path, n):
    if not os.path.exists(path):
        return b""
    lines = open(path, "rb").read().split(b"\n")
    return b"\n".join(lines[:n])
folders = sorted({os.path.dirname(p) for p in csvs if os.path.basename(p) in ("items.csv",)})
folders += sorted(glob.glob(os.path.join(repo, "tests", "hostile", "*")))
for folder in folders:
    for n in (3, 12):
        parts = [head(os.path.join(folder, f), n) for f in ("items.csv", "steps.csv", "materials.csv", "jurisdictions.csv")]
        if parts[0]:
            put("load_csv", SEP.join(parts))
for path in sorted(glob.glob(os.path.join(real, "**", "*.csv"), recursive=True)):
    put("load_csv", head(path, 6))

# load_xlsx: the example workbooks and any small workbook in the tests.
books = sorted(glob.glob(os.path.join(repo, "examples", "**", "*.xlsx"), recursive=True)
               + glob.glob(os.path.join(repo, "tests", "**", "*.xlsx"), recursive=True))
for path in books:
    data = open(path, "rb").read()
    if len(data) < 200_000:
        put("load_xlsx", data)
for t in sorted(os.listdir(out)):
    print(t, len(os.listdir(os.path.join(out, t))))
