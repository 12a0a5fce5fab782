#!/usr/bin/env python3
"""Recall and precision of the category-element rules (issue 19) on a synthetic region.

Stands in for `qingdan gen` until the generator writes elements: a standard with one 行政处罚,
one 行政检查 and one 行政强制 item carrying their elements, and N counties copying it with
formatting noise on most rows and one recorded fault on some (a kind added, a band above, a
frequency higher, a ratio higher, a coercion kind unfit). Runs `qingdan check --format jsonl`
and compares the element findings with the recorded faults.

usage: [CONSENSUS=1] tools/element_faults.py QINGDAN_BINARY OUT_DIR [COUNTIES] [SEED]
"""
import csv, json, os, random, subprocess, sys

qingdan, out = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 19)
common = ['区划代码', '事项编码', '事项名称', '事项类型', '行使层级', '设定依据', '法定时限', '承诺时限',
          '是否收费', '收费标准', '到现场次数', '中介服务', '办件类型']
els = ['违法行为', '处罚种类', '处罚幅度', '法律责任条款', '检查对象', '检查方式', '抽查比例', '检查频次',
       '强制类型', '强制种类']
P, I, C = '450201001000', '450601001000', '450301001000'
def items(j):
    return [
        dict(zip(common, [j, P, '对未取得食品经营许可从事食品经营活动的处罚', '行政处罚', '县级',
                          '《中华人民共和国食品安全法》第一百二十二条', '90日', '90日', '否', '不收费', '1', '无', '承诺件']),
             违法行为='未取得食品经营许可从事食品经营活动', 处罚种类='没收违法所得、没收非法财物、罚款',
             处罚幅度='情节较轻的，处二千元以上一万元以下罚款；情节严重的，处一万元以上五万元以下罚款',
             法律责任条款='《中华人民共和国食品安全法》第一百二十二条'),
        dict(zip(common, [j, I, '对食品经营者的监督检查', '行政检查', '县级', '《中华人民共和国食品安全法》第一百一十条',
                          '', '', '否', '不收费', '0', '无', '即办件']),
             检查对象='食品经营者', 检查方式='现场检查、书面检查', 抽查比例='3%', 检查频次='每年1次'),
        dict(zip(common, [j, C, '查封、扣押不符合食品安全标准的食品', '行政强制', '县级',
                          '《中华人民共和国食品安全法》第一百一十条', '30日', '30日', '否', '不收费', '1', '无', '承诺件']),
             强制类型='行政强制措施', 强制种类='查封、扣押'),
    ]
NOISE = {
    ('处罚种类'): ['罚款，没收违法所得、没收非法财物', '没收违法所得和非法财物；罚款', ' 罚款 没收违法所得 没收非法财物 '],
    ('处罚幅度'): ['情节较轻的，处2000-10000元罚款；情节严重的，处1万元至5万元罚款',
                   '情节严重的，处10000元以上50000元以下罚款；情节较轻的，处2千元至1万元罚款'],
    ('检查方式'): ['书面检查，现场检查', '现场检查；书面检查'],
    ('抽查比例'): ['百分之三', '3/100', '０．０３', '３％'],
    ('检查频次'): ['1次/年', '每年一次', '一年一次'],
    ('强制种类'): ['扣押财物、查封场所、设施或者财物', '扣押，查封'],
}
FAULTS = [  # (rule, item, element, value)
    ('QD802', P, '处罚种类', '没收违法所得、没收非法财物、罚款、责令停产停业'),
    ('QD803', P, '处罚幅度', '情节较轻的，处二千元以上一万元以下罚款；情节严重的，处一万元以上十万元以下罚款'),
    ('QD804', I, '检查频次', '每季度一次'),
    ('QD805', I, '抽查比例', '5%'),
    ('QD808', C, '强制种类', '查封、扣押、代履行'),
]
def write(path, rows, std):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    cols = [c for c in common + els if std or c != '行使层级']
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, '') for c in cols])
write(f'{out}/standard/items.csv', items('450000'), True)
rows, truth = [], set()
for k in range(n):
    j = f'45{1 + k // 90:02d}{1 + k % 90:02d}'
    mine = items(j)
    for r in mine:
        for e, spellings in NOISE.items():
            if e in r and r.get(e) and rng.random() < 0.5:
                r[e] = rng.choice(spellings)
    if rng.random() < 0.3:
        rule, code, e, v = rng.choice(FAULTS)
        next(r for r in mine if r['事项编码'] == code)[e] = v
        truth.add((rule, j, code, e))
    rows += mine
write(f'{out}/items.csv', rows, False)
# CONSENSUS=1: without --standard, the peers' consensus is the reference.
args = [qingdan, 'check', out, '--format', 'jsonl', '--fail-on', 'never']
if not os.environ.get('CONSENSUS'):
    args += ['--standard', f'{out}/standard']
res = subprocess.run(args, capture_output=True, text=True, check=True)
found = set()
for line in res.stdout.splitlines():
    f = json.loads(line)
    if f['field'] == 'elements' and f['rule'] in {t[0] for t in FAULTS} | {'QD801'}:
        found.add((f['rule'], f['jurisdiction'], f['item'], f.get('element')))
# QD808's fault also adds a kind (QD802): a finding on a faulted element counts as that fault's.
faulted = {(j, c, e) for _, j, c, e in truth}
tp = {t for t in truth if t in found}
fp = {f for f in found if (f[1], f[2], f[3]) not in faulted}
print(f'counties {n}, faults {len(truth)}, element findings {len(found)}')
print(f'recall {len(tp)}/{len(truth)} = {len(tp) / max(len(truth), 1):.3f}')
print(f'precision (findings on a faulted element) {len(found) - len(fp)}/{len(found)} = '
      f'{(len(found) - len(fp)) / max(len(found), 1):.3f}')
exact = {f for f in found if f in truth}
print(f'precision (same rule as recorded) {len(exact)}/{len(found)} = {len(exact) / max(len(found), 1):.3f}'
      ' (the rest: a second true rule on the faulted element, e.g. QD802 beside QD808)')
for f in sorted(fp)[:10]:
    print('false positive', f)
for t in sorted(truth - tp)[:10]:
    print('missed', t)
