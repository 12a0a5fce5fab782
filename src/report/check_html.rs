//! The `check` report as one self-contained html page, built to be read at province scale:
//! summary tiles; the region as a tree (cities first, each opening into its counties and towns,
//! every row coloured by its worst finding, sortable by the worst); the items and departments
//! that drift most; the variant tables per item; and the findings per jurisdiction, each item
//! linking to its variant table. The page decides nothing: what it shows is computed in
//! `check::variants`.
//!
//! For a province the page holds thousands of sections: the ones out of view are not laid out
//! (`content-visibility:auto`) and the findings of a jurisdiction sit in a closed `<details>`
//! until asked for, so the first screen paints without laying out the rest.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::baseline::{Comparison, Status};
use crate::check::variants::{HeatRow, View};
use crate::check::CheckReport;
use crate::model::{Field, Finding, Severity};

use super::findings::{approval_text, approved_heading, exception_note, item_label};
use super::html::{esc, filter_box, page_with, tile};
use super::message::message;
use super::Lang;

/// Inputs of the check page beyond the report itself.
pub struct CheckPage<'a> {
    pub report: &'a CheckReport,
    pub view: &'a View,
    pub baseline: Option<&'a Comparison>,
    /// The dataset's path, shown under the title.
    pub source: &'a str,
    pub lang: Lang,
}

/// How many items and departments the "drift most" tables show before the rest fold away.
const TOP: usize = 20;

/// A variant's jurisdictions listed in full up to this many; beyond, the first ones and the
/// count (the variant table of a province item used by 1,300 counties and towns would otherwise
/// list every code; the json, csv and xlsx reports keep them all).
const LISTED: usize = 60;

const CSS: &str = r#"
.tree{background:#fff;border:1px solid #d9e2ec;font-size:13px;display:inline-block;min-width:60%}
.tree .row{display:grid;grid-template-columns:var(--cols);align-items:center;border-bottom:1px solid #eef2f7;min-height:22px}
.tree .hd{background:#d9e1f2;font-weight:bold;position:sticky;top:0;z-index:1}
.tree .hd span{padding:3px 4px}
.tree summary{list-style:none;cursor:pointer}.tree summary::-webkit-details-marker{display:none}
.tree .nm{padding:2px 6px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;border-left:5px solid #b7d7b0}
.tree details>summary .nm::before{content:"\25B8\00A0";color:#52606d}
.tree details[open]>summary .nm::before{content:"\25BE\00A0"}
.tree .leaf .nm::before{content:"\00A0\00A0\00A0"}
.tree .d1 .nm{padding-left:24px}.tree .d2 .nm{padding-left:44px}.tree .d3 .nm{padding-left:64px}
.tree .s-error>.row .nm,.tree .s-error>summary .nm{border-left-color:#c62828}
.tree .s-warning>.row .nm,.tree .s-warning>summary .nm{border-left-color:#ef8a17}
.tree .s-info>.row .nm,.tree .s-info>summary .nm{border-left-color:#1e88e5}
.tree .n.d0>summary{background:#f3f6fa;font-weight:bold}
.tree .self .nm{color:#52606d;font-style:italic}
.tree .c{text-align:center;padding:1px 2px}
.tree .c a{color:inherit;text-decoration:none;display:block}
.tree .e1{background:#fde4e1}.tree .e2{background:#f8b4aa}.tree .e3{background:#ee6f5e;color:#fff}.tree .e4{background:#c62828;color:#fff}
.tree .w1{background:#fff1df}.tree .w2{background:#ffd29a}.tree .w3{background:#f6a04d}.tree .w4{background:#e65100;color:#fff}
.tree .i1{background:#e6f1fc}.tree .i2{background:#b9d8f6}.tree .i3{background:#7ab4ec}.tree .i4{background:#1565c0;color:#fff}
.legend span{display:inline-block;padding:1px 8px;margin-right:6px;border-radius:3px}
.legend .e3{background:#ee6f5e;color:#fff}.legend .w3{background:#f6a04d}.legend .i3{background:#7ab4ec}
.tree .hd .v{font-weight:normal;font-size:12px;line-height:1.15;word-break:break-all;padding:3px 2px;align-self:end}
.ctl{margin:8px 0}.ctl select,.ctl button{font-size:13px;margin-right:8px}
section.f,details.jd{content-visibility:auto;contain-intrinsic-size:auto 240px}
details.jd>summary{cursor:pointer;font-size:15px;font-weight:bold;margin:10px 0 4px}
td.num,th.num{text-align:right}
"#;

/// Sorting the tree, opening and closing it, and opening whatever a link points into.
const JS: &str = r#"
(function(){
function key(e,m){var d=e.dataset;return m==='code'?[0,0,0]:m==='total'?[-(+d.t),0,0]:[-(+d.e),-(+d.w),-(+d.i)];}
function sortIn(c,m){var ks=[].filter.call(c.children,function(e){return e.classList.contains('n')&&!e.classList.contains('self');});
ks.sort(function(a,b){var x=key(a,m),y=key(b,m);for(var i=0;i<3;i++){if(x[i]!==y[i])return x[i]-y[i];}return a.dataset.k<b.dataset.k?-1:a.dataset.k>b.dataset.k?1:0;});
ks.forEach(function(e){c.appendChild(e);});}
var s=document.getElementById('sort');
if(s){s.addEventListener('change',function(){var cs=document.querySelectorAll('.tree .kids,.tree .top');for(var i=0;i<cs.length;i++)sortIn(cs[i],s.value);});}
function all(o){var ds=document.querySelectorAll('.tree details');for(var i=0;i<ds.length;i++)ds[i].open=o;}
var ob=document.getElementById('open-all'),cb=document.getElementById('close-all');
if(ob)ob.addEventListener('click',function(){all(true);});if(cb)cb.addEventListener('click',function(){all(false);});
function reveal(id){var t=document.getElementById(id);if(!t)return;
for(var e=t;e;e=e.parentElement){if(e.tagName==='DETAILS')e.open=true;}}
document.addEventListener('click',function(ev){var a=ev.target.closest&&ev.target.closest('a[href^=\'#\']');if(a)reveal(a.getAttribute('href').slice(1));});
if(location.hash)reveal(location.hash.slice(1));
})();
"#;

use crate::report::field_name;

fn sev_name(s: Severity, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => s.zh(),
        Lang::En => s.as_str(),
    }
}

/// The worst severity of `[errors, warnings, infos]`.
fn worst_of(sev: &[usize; 3]) -> Option<Severity> {
    if sev[0] > 0 {
        Some(Severity::Error)
    } else if sev[1] > 0 {
        Some(Severity::Warning)
    } else if sev[2] > 0 {
        Some(Severity::Info)
    } else {
        None
    }
}

/// The shade class of a cell: its severity's letter and a step 1–4 of `n` against `max` on a
/// logarithmic scale (one finding is already visible; the worst jurisdiction is the darkest).
fn shade(s: Option<Severity>, n: usize, max: usize) -> String {
    let Some(s) = s else { return String::new() };
    if n == 0 {
        return String::new();
    }
    let t = ((n as f64).ln_1p() / (max.max(1) as f64).ln_1p()).clamp(0.0, 1.0);
    let step = 1 + (t * 3.0).round() as usize;
    let letter = match s {
        Severity::Error => 'e',
        Severity::Warning => 'w',
        Severity::Info => 'i',
    };
    format!("{letter}{step}")
}

/// The sums of a row and everything under it.
#[derive(Clone)]
struct Sums {
    counts: Vec<usize>,
    worst: Vec<Option<Severity>>,
    severity: [usize; 3],
    total: usize,
    /// Jurisdictions in the subtree, itself included.
    size: usize,
}

impl Sums {
    fn of(r: &HeatRow) -> Sums {
        Sums {
            counts: r.counts.clone(),
            worst: r.worst.clone(),
            severity: r.severity,
            total: r.total,
            size: 1,
        }
    }

    fn add(&mut self, o: &Sums) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        for (a, b) in self.worst.iter_mut().zip(&o.worst) {
            *a = (*a).max(*b);
        }
        for (a, b) in self.severity.iter_mut().zip(&o.severity) {
            *a += b;
        }
        self.total += o.total;
        self.size += o.size;
    }
}

/// The region tree: children of each row (indices into `heat`, by code) and the roots.
struct Tree {
    children: Vec<Vec<usize>>,
    roots: Vec<usize>,
    sums: Vec<Sums>,
}

impl Tree {
    fn build(heat: &[HeatRow]) -> Tree {
        let index: BTreeMap<&str, usize> =
            heat.iter().enumerate().map(|(i, r)| (&*r.code, i)).collect();
        let mut children = vec![Vec::new(); heat.len()];
        let mut roots = Vec::new();
        for (i, r) in heat.iter().enumerate() {
            match index.get(&*r.parent) {
                Some(&p) if p != i => children[p].push(i),
                _ => roots.push(i),
            }
        }
        let by_code = |v: &mut Vec<usize>| v.sort_by(|&a, &b| heat[a].code.cmp(&heat[b].code));
        by_code(&mut roots);
        children.iter_mut().for_each(by_code);
        // Sums bottom-up: parents are assigned from the code chain, so depth is bounded; an
        // explicit stack keeps a malformed chain from recursing.
        let mut sums: Vec<Sums> = heat.iter().map(Sums::of).collect();
        let mut order = Vec::with_capacity(heat.len());
        let mut seen = vec![false; heat.len()];
        let walk =
            |from: usize, children: &[Vec<usize>], seen: &mut [bool], order: &mut Vec<usize>| {
                let mut stack = vec![from];
                while let Some(i) = stack.pop() {
                    if std::mem::replace(&mut seen[i], true) {
                        continue;
                    }
                    order.push(i);
                    stack.extend(children[i].iter().copied());
                }
            };
        for &r in &roots {
            walk(r, &children, &mut seen, &mut order);
        }
        // A parent chain that loops (jurisdictions.csv can say anything) reaches no root: its
        // first row by code becomes one, so that every row is shown once.
        for i in 0..heat.len() {
            if !seen[i] {
                children.iter_mut().for_each(|c| c.retain(|&k| k != i));
                roots.push(i);
                walk(i, &children, &mut seen, &mut order);
            }
        }
        by_code(&mut roots);
        for &i in order.iter().rev() {
            for &c in &children[i] {
                let s = sums[c].clone();
                sums[i].add(&s);
            }
        }
        Tree { children, roots, sums }
    }
}

/// Renders the check report as one self-contained html page.
pub fn check_page(p: &CheckPage) -> String {
    let (r, v, lang) = (p.report, p.view, p.lang);
    let mut b = String::new();
    let title = lang.pick("行政权力事项一致性检查报告", "Consistency check report");
    let _ = write!(b, "<h1>{}</h1><p class=\"src\">{}</p>", esc(title), esc(p.source));
    let _ = write!(
        b,
        "<nav><a href=\"#heat\">{}</a><a href=\"#top\">{}</a><a href=\"#variants\">{}</a><a href=\"#by-j\">{}</a><a href=\"#by-d\">{}</a>{}</nav>",
        esc(lang.pick("区域总览", "Region")),
        esc(lang.pick("漂移最多", "Drift most")),
        esc(lang.pick("差异对照", "Variants")),
        esc(lang.pick("按区划", "By jurisdiction")),
        esc(lang.pick("按部门", "By department")),
        {
            let mut extra = String::new();
            if r.approved() > 0 {
                extra.push_str(&format!("<a href=\"#approved\">{}</a>", esc(approved_heading(lang))));
            }
            if p.baseline.is_some() {
                extra.push_str(&format!("<a href=\"#resolved\">{}</a>", esc(lang.pick("已解决", "Resolved"))));
            }
            extra
        }
    );

    // Tiles.
    b.push_str("<div class=\"tiles\">");
    tile(&mut b, "", &r.jurisdictions.to_string(), lang.pick("区划", "jurisdictions"));
    tile(&mut b, "", &r.items.to_string(), lang.pick("事项", "items"));
    tile(&mut b, "", &r.groups.to_string(), lang.pick("事项组", "item groups"));
    for s in [Severity::Error, Severity::Warning, Severity::Info] {
        tile(&mut b, s.as_str(), &r.count(s).to_string(), sev_name(s, lang));
    }
    if r.approved() > 0 {
        tile(&mut b, "", &r.approved().to_string(), approved_heading(lang));
    }
    if let Some(c) = p.baseline {
        tile(&mut b, "new", &c.new_count().to_string(), lang.pick("新增", "new"));
        tile(&mut b, "", &c.resolved.len().to_string(), lang.pick("已解决", "resolved"));
        tile(&mut b, "", &c.persisting().to_string(), lang.pick("持续", "persisting"));
        for d in crate::baseline::AGES {
            let label = match lang {
                Lang::Zh => format!("超过{d}天"),
                Lang::En => format!("older than {d} days"),
            };
            tile(&mut b, "", &c.older_than(d).to_string(), &label);
        }
    }
    b.push_str("</div>");
    if let Some(c) = p.baseline {
        let _ = write!(b, "<p>{}</p>", esc(&c.summary(lang)));
    }
    b.push_str(&filter_box(lang));

    let item_anchor: BTreeMap<&str, usize> =
        v.items.iter().enumerate().map(|(n, t)| (&*t.item, n)).collect();
    region_tree(&mut b, v, lang);
    drift_most(&mut b, v, lang, &item_anchor);
    variant_tables(&mut b, v, lang);
    by_jurisdiction(&mut b, p, &item_anchor);
    by_department(&mut b, v, lang);
    approved(&mut b, r, lang);
    if let Some(c) = p.baseline {
        resolved(&mut b, c, lang);
    }
    page_with(title, lang, CSS, JS, &b)
}

/// The region at a glance: one row per jurisdiction, cities first, each opening into the
/// jurisdictions under it; counts by severity and per field, summed over the subtree.
fn region_tree(b: &mut String, v: &View, lang: Lang) {
    let cols: Vec<usize> = (0..Field::ALL.len())
        .filter(|&i| v.heat.iter().any(|row| row.counts.get(i).copied().unwrap_or(0) > 0))
        .collect();
    let tree = Tree::build(&v.heat);
    // Shades scale against the largest subtree at the top, per column.
    let top_max = |f: &dyn Fn(&Sums) -> usize| -> usize {
        tree.roots.iter().map(|&i| f(&tree.sums[i])).max().unwrap_or(0)
    };
    let maxes = Maxes {
        severity: [0, 1, 2].map(|k| top_max(&|s: &Sums| s.severity[k])),
        fields: cols.iter().map(|&c| top_max(&|s: &Sums| s.counts[c])).collect(),
        total: top_max(&|s: &Sums| s.total),
    };
    let _ = write!(
        b,
        "<h2 id=\"heat\">{}</h2><p class=\"src\">{}</p>",
        esc(lang.pick("区域总览", "The region at a glance")),
        esc(lang.pick(
            "每行一个区划，地市在前，点击展开下辖县区和乡镇；数字为本区划及其下级的问题数（由其他问题引起的后果不重复计数），颜色按最严重的问题（红：错误，橙：警告，蓝：提示），越深越多。点击数字查看该区划的问题。",
            "One row per jurisdiction, cities first: click to open the counties and towns under it. Counts include everything below (a consequence folded under its cause is not counted again); the colour is the worst finding (red error, orange warning, blue info), darker for more. Click a count for the jurisdiction's findings."
        ))
    );
    let _ = write!(
        b,
        "<div class=\"ctl\"><label>{} <select id=\"sort\"><option value=\"code\">{}</option><option value=\"worst\">{}</option><option value=\"total\">{}</option></select></label><button id=\"open-all\" type=\"button\">{}</button><button id=\"close-all\" type=\"button\">{}</button></div>",
        esc(lang.pick("排序", "Sort")),
        esc(lang.pick("按区划代码", "by code")),
        esc(lang.pick("最严重在前", "worst first")),
        esc(lang.pick("问题最多在前", "most findings first")),
        esc(lang.pick("全部展开", "open all")),
        esc(lang.pick("全部收起", "close all"))
    );
    let grid = format!("minmax(260px,340px) repeat(4,56px) repeat({},44px)", cols.len());
    let _ = write!(b, "<div class=\"tree\" style=\"--cols:{grid}\"><div class=\"row hd\">");
    let _ = write!(b, "<span>{}</span>", esc(lang.pick("区划", "Jurisdiction")));
    for h in [
        lang.pick("错误", "Errors"),
        lang.pick("警告", "Warnings"),
        lang.pick("提示", "Infos"),
        lang.pick("合计", "Total"),
    ] {
        let _ = write!(b, "<span class=\"c\">{}</span>", esc(h));
    }
    for &i in &cols {
        let name = field_name(Field::ALL[i], lang);
        let _ = write!(b, "<span class=\"c v\" title=\"{0}\">{0}</span>", esc(name));
    }
    b.push_str("</div><div class=\"top\">");
    let ctx = TreeCtx { v, lang, cols: &cols, tree: &tree, maxes: &maxes };
    // A small region opens at once.
    let open = tree.roots.len() <= 3;
    for &i in &tree.roots {
        ctx.node(b, i, 0, open);
    }
    b.push_str("</div></div>");
    let _ = write!(
        b,
        "<p class=\"legend src\"><span class=\"e3\">{}</span><span class=\"w3\">{}</span><span class=\"i3\">{}</span></p>",
        esc(lang.pick("错误", "error")),
        esc(lang.pick("警告", "warning")),
        esc(lang.pick("提示", "info"))
    );
}

struct Maxes {
    severity: [usize; 3],
    fields: Vec<usize>,
    total: usize,
}

struct TreeCtx<'a> {
    v: &'a View,
    lang: Lang,
    cols: &'a [usize],
    tree: &'a Tree,
    maxes: &'a Maxes,
}

impl TreeCtx<'_> {
    fn node(&self, b: &mut String, i: usize, depth: usize, open: bool) {
        let row = &self.v.heat[i];
        let kids = &self.tree.children[i];
        let sums = &self.tree.sums[i];
        let d = depth.min(3);
        let worst = worst_of(&sums.severity).map(Severity::as_str).unwrap_or("none");
        let data = format!(
            "data-k=\"{}\" data-e=\"{}\" data-w=\"{}\" data-i=\"{}\" data-t=\"{}\"",
            esc(&row.code),
            sums.severity[0],
            sums.severity[1],
            sums.severity[2],
            sums.total
        );
        let label = self.label(row);
        if kids.is_empty() {
            let _ = write!(b, "<div class=\"n leaf d{d} s-{worst}\" {data}><div class=\"row f\">");
            self.cells(b, &label, sums, Some(i));
            b.push_str("</div></div>");
            return;
        }
        let under = match self.lang {
            Lang::Zh => format!("{label}（下辖{}个）", sums.size - 1),
            Lang::En => format!("{label} ({} below)", sums.size - 1),
        };
        let _ = write!(
            b,
            "<details class=\"n d{d} s-{worst}\" {data}{}><summary class=\"row f\">",
            if open { " open" } else { "" }
        );
        self.cells(b, &under, sums, None);
        b.push_str("</summary><div class=\"kids\">");
        // The jurisdiction's own list first, then those under it.
        let own = Sums::of(row);
        let own_worst = worst_of(&own.severity).map(Severity::as_str).unwrap_or("none");
        let _ = write!(
            b,
            "<div class=\"n leaf self d{} s-{own_worst}\" data-k=\"\"><div class=\"row f\">",
            (d + 1).min(3)
        );
        let own_label = match self.lang {
            Lang::Zh => format!("{label}（本级）"),
            Lang::En => format!("{label} (own list)"),
        };
        self.cells(b, &own_label, &own, Some(i));
        b.push_str("</div></div>");
        for &k in kids {
            self.node(b, k, depth + 1, false);
        }
        b.push_str("</div></details>");
    }

    fn label(&self, row: &HeatRow) -> String {
        let level = row.level.map(|l| match self.lang {
            Lang::Zh => l.zh_level(),
            Lang::En => l.en(),
        });
        match (row.name.is_empty(), level) {
            (false, _) => format!("{} {}", row.code, row.name),
            (true, Some(l)) => match self.lang {
                Lang::Zh => format!("{}（{l}，未给名称）", row.code),
                Lang::En => format!("{} ({l}, no name given)", row.code),
            },
            (true, None) => row.code.to_string(),
        }
    }

    /// The cells of one row: the label, the counts by severity and total, the fields. With
    /// `link`, every non-empty count links to that jurisdiction's findings.
    fn cells(&self, b: &mut String, label: &str, s: &Sums, link: Option<usize>) {
        let _ = write!(b, "<span class=\"nm\" title=\"{0}\">{0}</span>", esc(label));
        let cell = |b: &mut String, class: String, n: usize, title: &str| {
            if n == 0 {
                b.push_str("<span class=\"c\"></span>");
                return;
            }
            match link {
                Some(j) => {
                    let _ = write!(
                        b,
                        "<span class=\"c {class}\" title=\"{}\"><a href=\"#j{j}\">{n}</a></span>",
                        esc(title)
                    );
                }
                None => {
                    let _ =
                        write!(b, "<span class=\"c {class}\" title=\"{}\">{n}</span>", esc(title));
                }
            }
        };
        let sev = [Severity::Error, Severity::Warning, Severity::Info];
        for (k, &sv) in sev.iter().enumerate() {
            let n = s.severity[k];
            cell(b, shade(Some(sv), n, self.maxes.severity[k]), n, sev_name(sv, self.lang));
        }
        cell(
            b,
            shade(worst_of(&s.severity), s.total, self.maxes.total),
            s.total,
            self.lang.pick("合计", "total"),
        );
        for (k, &c) in self.cols.iter().enumerate() {
            let n = s.counts[c];
            cell(
                b,
                shade(s.worst[c], n, self.maxes.fields[k]),
                n,
                field_name(Field::ALL[c], self.lang),
            );
        }
    }
}

/// The items and the departments that drift most.
fn drift_most(b: &mut String, v: &View, lang: Lang, item_anchor: &BTreeMap<&str, usize>) {
    let _ = write!(
        b,
        "<h2 id=\"top\">{}</h2>",
        esc(lang.pick("漂移最多的事项", "Items that drift most"))
    );
    let items: Vec<usize> =
        v.top_items.iter().copied().filter(|&n| v.items[n].findings > 0).collect();
    if items.is_empty() {
        let _ = write!(b, "<p>{}</p>", esc(lang.pick("没有问题。", "No findings.")));
    } else {
        let head = [
            lang.pick("事项", "Item"),
            lang.pick("名称", "Name"),
            lang.pick("有问题的区划", "Jurisdictions with findings"),
            lang.pick("错误", "Errors"),
            lang.pick("警告", "Warnings"),
            lang.pick("提示", "Infos"),
            lang.pick("涉及字段", "Fields"),
        ];
        let rows: Vec<Vec<String>> = items
            .iter()
            .map(|&n| {
                let t = &v.items[n];
                let a = item_anchor.get(&*t.item).copied().unwrap_or(n);
                let fields: Vec<String> =
                    t.fields.iter().map(|f| crate::report::table_label(f, lang)).collect();
                vec![
                    format!("<a href=\"#i{a}\">{}</a>", esc(&t.item)),
                    esc(&t.name),
                    format!("{} / {}", t.affected, t.members),
                    t.severity[0].to_string(),
                    t.severity[1].to_string(),
                    t.severity[2].to_string(),
                    esc(&fields.join("、")),
                ]
            })
            .collect();
        folded_table(b, &head, &rows, &[2, 3, 4, 5], lang);
    }
}

/// A table of `rows` (cells already html) whose first [`TOP`] rows show and the rest fold
/// into a `<details>`; `numeric` columns align right.
fn folded_table(
    b: &mut String,
    head: &[&str],
    rows: &[Vec<String>],
    numeric: &[usize],
    lang: Lang,
) {
    let head_row = |b: &mut String| {
        b.push_str("<table><tr>");
        for (k, h) in head.iter().enumerate() {
            let class = if numeric.contains(&k) { " class=\"num\"" } else { "" };
            let _ = write!(b, "<th{class}>{}</th>", esc(h));
        }
        b.push_str("</tr>");
    };
    let body = |b: &mut String, rows: &[Vec<String>]| {
        for row in rows {
            b.push_str("<tr class=\"f\">");
            for (k, c) in row.iter().enumerate() {
                let class = if numeric.contains(&k) { " class=\"num\"" } else { "" };
                let _ = write!(b, "<td{class}>{c}</td>");
            }
            b.push_str("</tr>");
        }
    };
    head_row(b);
    body(b, &rows[..rows.len().min(TOP)]);
    b.push_str("</table>");
    if rows.len() > TOP {
        let rest = rows.len() - TOP;
        let _ = write!(
            b,
            "<details><summary>{}</summary>",
            esc(&match lang {
                Lang::Zh => format!("其余{rest}行"),
                Lang::En => format!("{rest} more rows"),
            })
        );
        head_row(b);
        body(b, &rows[TOP..]);
        b.push_str("</table></details>");
    }
}

fn variant_tables(b: &mut String, v: &View, lang: Lang) {
    let _ = write!(
        b,
        "<h2 id=\"variants\">{}</h2><p class=\"src\">{}</p>",
        esc(lang.pick("事项差异对照", "Variants per item")),
        esc(if v.with_standard {
            lang.pick("★ 标注标准目录的取值。", "★ marks the standard's value.")
        } else {
            lang.pick("★ 标注同级多数的取值。", "★ marks the most common value among peers.")
        })
    );
    for (n, t) in v.items.iter().enumerate() {
        let _ = write!(
            b,
            "<section class=\"f\" id=\"i{n}\"><h3>{} {}</h3><p class=\"src\">{}</p>",
            esc(&t.item),
            esc(&t.name),
            esc(&match lang {
                Lang::Zh => format!("{}个区划实施，{}条问题", t.members, t.findings),
                Lang::En => format!("{} jurisdictions, {} findings", t.members, t.findings),
            })
        );
        for ft in &t.fields {
            let _ = write!(
                b,
                "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
                esc(&crate::report::table_label(ft, lang)),
                esc(lang.pick("区划数", "Count")),
                esc(lang.pick("使用的区划", "Jurisdictions"))
            );
            for var in &ft.variants {
                let value = if var.value.is_empty() {
                    lang.pick("（空）", "(empty)")
                } else {
                    &var.value
                };
                let shown: Vec<&str> =
                    var.jurisdictions.iter().take(LISTED).map(|j| &**j).collect();
                let mut list = shown.join("、");
                if var.jurisdictions.len() > LISTED {
                    let _ = match lang {
                        Lang::Zh => write!(list, " 等{}个区划", var.jurisdictions.len()),
                        Lang::En => write!(list, " … {} in all", var.jurisdictions.len()),
                    };
                }
                let _ = write!(
                    b,
                    "<tr{}><td>{}</td><td>{}</td><td class=\"js\">{}</td></tr>",
                    if var.reference { " class=\"ref\"" } else { "" },
                    esc(value),
                    var.count,
                    esc(&list)
                );
            }
            b.push_str("</table>");
        }
        b.push_str("</section>");
    }
}

/// Every finding, per jurisdiction, in a closed section each; the item links to its variants.
fn by_jurisdiction(b: &mut String, p: &CheckPage, item_anchor: &BTreeMap<&str, usize>) {
    let (r, v, lang) = (p.report, p.view, p.lang);
    let anchor_of: BTreeMap<&str, usize> =
        v.heat.iter().enumerate().map(|(i, row)| (&*row.code, i)).collect();
    let _ = write!(b, "<h2 id=\"by-j\">{}</h2>", esc(lang.pick("按区划", "By jurisdiction")));
    let mut by_j: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    // Approved deviations are listed apart (`approved`), never among the findings.
    for (i, f) in r.findings.iter().enumerate().filter(|(_, f)| f.approved.is_none()) {
        by_j.entry(f.jurisdiction.as_deref().unwrap_or("")).or_default().push(i);
    }
    // The oldest unresolved findings first in each jurisdiction (then in report order).
    let age = |i: &usize| r.findings[*i].since.as_ref().map(|s| s.age_days).unwrap_or(0);
    for idx in by_j.values_mut() {
        idx.sort_by_key(|i| (std::cmp::Reverse(age(i)), *i));
    }
    let status = |i: usize| -> String {
        match p.baseline.and_then(|c| c.status.get(i)) {
            Some(Status::New) => {
                format!("<td class=\"st-new\">{}</td>", esc(lang.pick("新增", "new")))
            }
            Some(Status::Persisting) => {
                format!("<td>{}</td>", esc(lang.pick("持续", "persisting")))
            }
            None => String::new(),
        }
    };
    let since = |f: &Finding| -> String {
        match (p.baseline, f.since.as_deref()) {
            (Some(_), Some(s)) => {
                let days = match lang {
                    Lang::Zh => format!("{}天", s.age_days),
                    Lang::En => format!("{} d", s.age_days),
                };
                format!("<td>{} ({})</td>", esc(&s.first_seen), esc(&days))
            }
            (Some(_), None) => "<td></td>".to_string(),
            (None, _) => String::new(),
        }
    };
    let mut head = format!("<table><tr><th>{}</th>", esc(lang.pick("部门", "Department")));
    for c in [
        lang.pick("事项", "Item"),
        lang.pick("字段", "Field"),
        lang.pick("级别", "Severity"),
        lang.pick("规则", "Rule"),
        lang.pick("说明", "Message"),
    ] {
        let _ = write!(head, "<th>{}</th>", esc(c));
    }
    if p.baseline.is_some() {
        let _ = write!(head, "<th>{}</th>", esc(lang.pick("状态", "Status")));
        let _ = write!(head, "<th>{}</th>", esc(lang.pick("首次发现", "First seen")));
    }
    head.push_str("</tr>");
    let row = |b: &mut String, j: &str, i: usize, f: &Finding| {
        let item = f.item.as_deref().unwrap_or("");
        let label = esc(&item_label(f.item.as_deref(), f.item_name.as_deref()));
        let item_cell = match item_anchor.get(item) {
            Some(n) => format!("<a href=\"#i{n}\">{label}</a>"),
            None => label,
        };
        let _ = write!(
            b,
            "<tr class=\"f\"><td>{}</td><td>{item_cell}</td><td>{}</td><td class=\"sev-{}\">{}</td><td>{} {}</td><td>{}</td>{}{}</tr>",
            esc(v.department(j, item)),
            esc(field_name(f.field, lang)),
            f.severity.as_str(),
            esc(sev_name(f.severity, lang)),
            esc(f.rule),
            esc(f.name),
            esc(&format!("{}{}", message(f, lang), exception_note(f, lang))),
            status(i),
            since(f)
        );
    };
    // An index of the sections below, each a link.
    b.push_str("<p>");
    for (j, idx) in &by_j {
        if let Some(n) = anchor_of.get(j) {
            let name = r.names.get(*j).map(|s| &**s).unwrap_or("");
            let _ = write!(b, "<a href=\"#j{n}\">{} {}</a> ({}) ", esc(j), esc(name), idx.len());
        }
    }
    b.push_str("</p>");
    // Small reports open every section; a province's sections open when asked for.
    let open = r.findings.len() <= 2_000;
    for (j, idx) in &by_j {
        let anchor = anchor_of.get(j).map(|n| format!(" id=\"j{n}\"")).unwrap_or_default();
        let name = r.names.get(*j).map(|s| &**s).unwrap_or("");
        let _ = write!(
            b,
            "<details class=\"jd f\"{anchor}{}><summary>{} {} ({})</summary>",
            if open { " open" } else { "" },
            esc(j),
            esc(name),
            idx.len()
        );
        b.push_str(&head);
        for &i in idx {
            row(b, j, i, &r.findings[i]);
        }
        b.push_str("</table></details>");
    }
}

/// Department lines across the region, the worst first.
fn by_department(b: &mut String, v: &View, lang: Lang) {
    let _ = write!(b, "<h2 id=\"by-d\">{}</h2>", esc(lang.pick("按部门", "By department")));
    let _ = write!(
        b,
        "<p class=\"src\">{}</p>",
        esc(lang.pick(
            "实施主体去掉区划名称后合并为一条部门线；每个区划中该部门的问题见“按区划”。",
            "Departments merged across the region without the jurisdiction's name in front; each jurisdiction's findings are under \"By jurisdiction\"."
        ))
    );
    if v.by_department.is_empty() {
        let _ = write!(b, "<p>{}</p>", esc(lang.pick("没有问题。", "No findings.")));
        return;
    }
    let head = [
        lang.pick("部门", "Department"),
        lang.pick("有问题的区划", "Jurisdictions"),
        lang.pick("事项", "Items"),
        lang.pick("错误", "Errors"),
        lang.pick("警告", "Warnings"),
        lang.pick("提示", "Infos"),
        lang.pick("合计", "Total"),
    ];
    let rows: Vec<Vec<String>> = v
        .by_department
        .iter()
        .map(|d| {
            let name = if d.name.is_empty() {
                lang.pick("（未知部门）", "(unknown department)")
            } else {
                &d.name
            };
            vec![
                esc(name),
                d.jurisdictions.to_string(),
                d.items.to_string(),
                d.severity[0].to_string(),
                d.severity[1].to_string(),
                d.severity[2].to_string(),
                d.total.to_string(),
            ]
        })
        .collect();
    folded_table(b, &head, &rows, &[1, 2, 3, 4, 5, 6], lang);
}

/// The approved deviations (`--exceptions`), apart from the findings: each with its approval.
fn approved(b: &mut String, r: &CheckReport, lang: Lang) {
    let list: Vec<&Finding> = r.findings.iter().filter(|f| f.approved.is_some()).collect();
    if list.is_empty() {
        return;
    }
    let _ = write!(
        b,
        "<h2 id=\"approved\">{} ({})</h2><table><tr>",
        esc(approved_heading(lang)),
        list.len()
    );
    for h in [
        lang.pick("区划", "Jurisdiction"),
        lang.pick("事项", "Item"),
        lang.pick("字段", "Field"),
        lang.pick("规则", "Rule"),
        lang.pick("说明", "Message"),
        lang.pick("批准", "Approval"),
    ] {
        let _ = write!(b, "<th>{}</th>", esc(h));
    }
    b.push_str("</tr>");
    for f in list {
        let j = f.jurisdiction.as_deref().unwrap_or("");
        let name = r.names.get(j).map(|s| &**s).unwrap_or("");
        let approval = f.approved.as_deref().map(|a| approval_text(a, lang)).unwrap_or_default();
        let _ = write!(
            b,
            "<tr class=\"f\"><td>{} {}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>",
            esc(j),
            esc(name),
            esc(&item_label(f.item.as_deref(), f.item_name.as_deref())),
            esc(field_name(f.field, lang)),
            esc(f.rule),
            esc(f.name),
            esc(&message(f, lang)),
            esc(&approval)
        );
    }
    b.push_str("</table>");
}

fn resolved(b: &mut String, c: &Comparison, lang: Lang) {
    let _ = write!(
        b,
        "<h2 id=\"resolved\">{} ({})</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(lang.pick("已解决", "Resolved")),
        c.resolved.len(),
        esc(lang.pick("区划", "Jurisdiction")),
        esc(lang.pick("事项", "Item")),
        esc(lang.pick("字段", "Field")),
        esc(lang.pick("规则", "Rule")),
        esc(lang.pick("说明", "Message"))
    );
    for rec in &c.resolved {
        let msg = match lang {
            Lang::En if !rec.message_en.is_empty() => &rec.message_en,
            _ => &rec.message,
        };
        let field = Field::parse(&rec.field).map(|f| field_name(f, lang)).unwrap_or(&rec.field);
        let _ = write!(
            b,
            "<tr class=\"f\"><td>{}</td><td>{} {}</td><td>{}</td><td>{} {}</td><td>{}</td></tr>",
            esc(rec.jurisdiction.as_deref().unwrap_or("")),
            esc(rec.item.as_deref().unwrap_or("")),
            esc(rec.item_name.as_deref().unwrap_or("")),
            esc(field),
            esc(&rec.rule),
            esc(&rec.name),
            esc(msg)
        );
    }
    b.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_is_self_contained() {
        let view = View::default();
        let report = CheckReport::default();
        let html = check_page(&CheckPage {
            report: &report,
            view: &view,
            baseline: None,
            source: "<script>x</script>",
            lang: Lang::Zh,
        });
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains("<link") && !html.contains("<script src"));
        assert_eq!(html.matches("<script>").count(), 1);
    }

    #[test]
    fn shades_step_by_severity_on_a_log_scale() {
        assert_eq!(shade(None, 3, 10), "");
        assert_eq!(shade(Some(Severity::Error), 0, 10), "");
        assert_eq!(shade(Some(Severity::Error), 10, 10), "e4");
        assert_eq!(shade(Some(Severity::Warning), 1, 1000), "w1");
        assert_eq!(shade(Some(Severity::Warning), 30, 1000), "w2");
        assert_eq!(shade(Some(Severity::Info), 1, 1), "i4");
    }

    fn row(code: &str, parent: &str, sev: [usize; 3]) -> HeatRow {
        let total = sev.iter().sum();
        let mut counts = vec![0; Field::ALL.len()];
        counts[0] = total;
        HeatRow {
            code: code.into(),
            name: "".into(),
            city: "".into(),
            parent: parent.into(),
            level: None,
            counts,
            worst: vec![worst_of(&sev); Field::ALL.len()],
            severity: sev,
            total,
        }
    }

    #[test]
    fn the_tree_sums_every_level_and_survives_a_cycle() {
        let heat = vec![
            row("450100", "", [1, 0, 0]),
            row("450102", "450100", [0, 2, 0]),
            row("450102001", "450102", [0, 0, 3]),
            row("450200", "", [0, 0, 0]),
            // A cycle (each the other's parent) must not hang or recurse.
            row("460101", "460102", [1, 0, 0]),
            row("460102", "460101", [1, 0, 0]),
        ];
        let t = Tree::build(&heat);
        // The cycle is cut at its first row by code: shown once, under a root.
        assert_eq!(t.roots, vec![0, 3, 4]);
        assert_eq!(t.children[4], vec![5]);
        assert_eq!(t.sums[4].severity, [2, 0, 0]);
        assert_eq!(t.sums[0].severity, [1, 2, 3]);
        assert_eq!(t.sums[0].size, 3);
        assert_eq!(t.sums[1].severity, [0, 2, 3]);
        assert_eq!(t.sums[0].worst[0], Some(Severity::Error));
    }
}
