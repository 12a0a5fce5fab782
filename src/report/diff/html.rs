//! `diff --format html`: one self-contained page — summary tiles, before/after rates and the
//! reductions as inline SVG bar charts, the ranking for 绩效考评 with score bars, and per item its
//! changes with character-level highlights (<del>/<ins>, `similar`), steps and materials side by
//! side. Regressions come first (the order of `DiffReport::items`). Renders; decides nothing.

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use crate::diff::{Change, DiffReport, ItemDiff, Measures, RankRow, Rates, Status};
use crate::model::Field;
use crate::report::html::{esc, filter_box, page, tile};
use crate::report::Lang;

/// The old and the new text with their character-level differences marked: deletions in the
/// old (<del>), insertions in the new (<ins>), everything escaped.
pub fn side_by_side(old: &str, new: &str) -> (String, String) {
    let diff = TextDiff::from_chars(old, new);
    let (mut l, mut r) = (String::new(), String::new());
    for op in diff.ops() {
        for change in diff.iter_changes(op) {
            let v = esc(change.value());
            match change.tag() {
                ChangeTag::Equal => {
                    l.push_str(&v);
                    r.push_str(&v);
                }
                ChangeTag::Delete => {
                    let _ = write!(l, "<del>{v}</del>");
                }
                ChangeTag::Insert => {
                    let _ = write!(r, "<ins>{v}</ins>");
                }
            }
        }
    }
    // Adjacent marks of one kind merge into one run.
    (l.replace("</del><del>", ""), r.replace("</ins><ins>", ""))
}

/// One inline diff: old → new in a single run of text. A deletion followed by an insertion
/// gets a visible arrow between them (7→3个工作日, never "73个工作日" once the marks are gone);
/// unrelated texts read as old → new whole, as the text report shows them.
pub fn inline(old: &str, new: &str) -> String {
    let (old, new) = (old.trim(), new.trim());
    if old.is_empty() || new.is_empty() {
        return match (old.is_empty(), new.is_empty()) {
            (true, false) => format!("<ins>{}</ins>", esc(new)),
            (false, true) => format!("<del>{}</del>", esc(old)),
            _ => String::new(),
        };
    }
    let diff = TextDiff::from_chars(old, new);
    if diff.ratio() < 0.3 {
        return format!("<del>{}</del>{ARROW}<ins>{}</ins>", esc(old), esc(new));
    }
    let mut runs: Vec<(ChangeTag, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        match runs.last_mut() {
            Some((tag, text)) if *tag == change.tag() => text.push_str(change.value()),
            _ => runs.push((change.tag(), change.value().to_string())),
        }
    }
    let mut out = String::new();
    let mut last = ChangeTag::Equal;
    for (tag, text) in &runs {
        let v = esc(text);
        match tag {
            ChangeTag::Equal => out.push_str(&v),
            ChangeTag::Delete => {
                let _ = write!(out, "<del>{v}</del>");
            }
            ChangeTag::Insert => {
                if last == ChangeTag::Delete {
                    out.push_str(ARROW);
                }
                let _ = write!(out, "<ins>{v}</ins>");
            }
        }
        last = *tag;
    }
    out
}

/// The mark between an old and a new run.
const ARROW: &str = "<span class=\"to\">→</span>";

/// Item sections on one page: a province's half a million changed items would make a page no
/// browser opens; regressions come first, so they are the ones shown.
pub const MAX_ITEMS: usize = 5_000;

const EXTRA_CSS: &str = "<style>del{background:#ffd7d5;text-decoration:line-through}ins{background:#ccffd8;text-decoration:none}\
.reg{border-left:4px solid #c62828;padding-left:8px}.simp{border-left:4px solid #2e7d32;padding-left:8px}\
.same{border-left:4px solid #9fb3c8;padding-left:8px}.to{color:#52606d;padding:0 2px}\
table.chg,table.sbs{table-layout:fixed;width:100%;max-width:1100px}col.k{width:8em}col.f{width:9em}</style>";

/// A horizontal bar chart as inline SVG: one bar per (label, value), negative values to the
/// left of the axis in red, positive to the right in green.
pub fn bar_chart(rows: &[(String, f64)], unit: &str) -> String {
    let label_w = 180.0;
    let bar_w = 420.0;
    let row_h = 22.0;
    let max = rows.iter().map(|(_, v)| v.abs()).fold(0.0_f64, f64::max);
    let has_neg = rows.iter().any(|(_, v)| *v < 0.0);
    let zero = if has_neg { label_w + bar_w / 2.0 } else { label_w };
    let span = if has_neg { bar_w / 2.0 } else { bar_w };
    let h = row_h * rows.len() as f64 + 4.0;
    let mut s =
        format!("<svg width=\"{:.0}\" height=\"{h:.0}\" role=\"img\">", label_w + bar_w + 90.0);
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 2.0;
        let w = if max > 0.0 { v.abs() / max * span } else { 0.0 };
        let x = if *v < 0.0 { zero - w } else { zero };
        let colour = if *v < 0.0 { "#e57373" } else { "#66bb6a" };
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{:.0}\" font-size=\"12\">{}</text>\
             <rect x=\"{x:.1}\" y=\"{:.0}\" width=\"{w:.1}\" height=\"{:.0}\" fill=\"{colour}\"></rect>\
             <text x=\"{:.0}\" y=\"{:.0}\" font-size=\"12\">{}{}</text>",
            y + 14.0,
            esc(label),
            y + 3.0,
            row_h - 6.0,
            label_w + bar_w + 6.0,
            y + 14.0,
            esc(&super::fmt_num(*v)),
            esc(unit)
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{zero:.0}\" y1=\"0\" x2=\"{zero:.0}\" y2=\"{h:.0}\" stroke=\"#52606d\"></line></svg>"
    );
    s
}

fn pct(x: Option<f64>) -> f64 {
    x.map(super::percent).unwrap_or(0.0)
}

fn rates_chart(before: &Rates, after: &Rates, lang: Lang) -> String {
    let mut rows = Vec::new();
    for (zh, en, b, a) in [
        ("承诺时限压缩率", "compression", before.compression, after.compression),
        ("即办件占比", "immediate", before.immediate_share, after.immediate_share),
        ("最多跑一次", "≤1 visit", before.at_most_one_visit_share, after.at_most_one_visit_share),
        ("零跑动", "no visit", before.zero_visit_share, after.zero_visit_share),
    ] {
        let name = lang.pick(zh, en);
        rows.push((format!("{name}（{}）", lang.pick("前", "before")), pct(b)));
        rows.push((format!("{name}（{}）", lang.pick("后", "after")), pct(a)));
    }
    bar_chart(&rows, "%")
}

use crate::report::field_name;

fn measures_table(b: Option<&Measures>, a: Option<&Measures>, lang: Lang) -> String {
    let mut s = String::from("<table><tr><th></th>");
    for (zh, en) in [
        ("环节", "steps"),
        ("盖章", "stamps"),
        ("材料", "materials"),
        ("承诺时限（工作日）", "committed days"),
        ("跑动", "visits"),
        ("中介", "intermediaries"),
        ("收费", "charged"),
    ] {
        let _ = write!(s, "<th>{}</th>", esc(lang.pick(zh, en)));
    }
    s.push_str("</tr>");
    for (label, m) in [(lang.pick("调整前", "before"), b), (lang.pick("调整后", "after"), a)]
    {
        let _ = write!(s, "<tr><th>{}</th>", esc(label));
        match m {
            Some(m) => {
                let days = m.committed_days.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
                let charged =
                    if m.charged { lang.pick("是", "yes") } else { lang.pick("否", "no") };
                for v in [
                    m.steps.to_string(),
                    m.stamps.to_string(),
                    m.materials.to_string(),
                    days,
                    m.visits.to_string(),
                    m.intermediaries.to_string(),
                    charged.to_string(),
                ] {
                    let _ = write!(s, "<td>{}</td>", esc(&v));
                }
            }
            None => s.push_str("<td colspan=\"7\">—</td>"),
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    s
}

fn change_rows(changes: &[&Change], it: &ItemDiff, lang: Lang, side: bool) -> String {
    let mut s = String::new();
    for c in changes {
        let old = c.old.as_deref().unwrap_or("");
        let new = c.new.as_deref().unwrap_or("");
        let kind = super::change_word(c, it, lang);
        if side {
            let (l, r) = side_by_side(old, new);
            let _ = write!(s, "<tr><td>{}</td><td>{l}</td><td>{r}</td></tr>", esc(&kind));
        } else {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(field_name(c.field, lang)),
                esc(&kind),
                inline(old, new)
            );
        }
    }
    s
}

fn ranking(rows: &[RankRow], lang: Lang, title: &str, name_head: &str) -> String {
    let mut s = format!("<h3>{}</h3>", esc(title));
    let chart: Vec<(String, f64)> = rows
        .iter()
        .take(40)
        .map(|r| {
            (format!("{}. {}", r.rank, if r.label.is_empty() { &r.key } else { &r.label }), r.score)
        })
        .collect();
    s.push_str(&bar_chart(&chart, ""));
    let _ = write!(
        s,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(lang.pick("名次", "Rank")),
        esc(lang.pick("区划代码", "Code")),
        esc(name_head),
        esc(lang.pick("总分", "Score")),
        esc(lang.pick("平均分", "Mean")),
        esc(lang.pick("简化", "Simplified")),
        esc(lang.pick("更复杂", "More complicated"))
    );
    for r in rows {
        let _ = write!(
            s,
            "<tr class=\"f\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.rank,
            esc(&r.key),
            esc(&r.label),
            esc(&super::fmt_num(r.score)),
            esc(&r.mean_score.map(super::fmt_num).unwrap_or_default()),
            r.simplified,
            r.complicated
        );
    }
    s.push_str("</table>");
    s
}

/// Renders the diff of `old` → `new` as one self-contained html page.
pub fn render(r: &DiffReport, lang: Lang, old: &str, new: &str) -> String {
    let t = &r.summary.totals;
    let title = lang.pick("行政权力事项版本比较", "Version comparison");
    let mut b = format!(
        "{EXTRA_CSS}<h1>{}</h1><p class=\"src\">{} → {}</p>",
        esc(title),
        esc(old),
        esc(new)
    );
    b.push_str("<div class=\"tiles\">");
    tile(&mut b, "", &t.items.to_string(), lang.pick("事项", "items"));
    tile(&mut b, "info", &t.simplified.to_string(), lang.pick("简化", "simpler"));
    tile(&mut b, "", &t.same.to_string(), lang.pick("未变", "same"));
    tile(&mut b, "error", &t.complicated.to_string(), lang.pick("更复杂", "more complicated"));
    tile(&mut b, "", &t.added.to_string(), lang.pick("新增", "added"));
    tile(&mut b, "", &t.removed.to_string(), lang.pick("取消", "removed"));
    tile(&mut b, "", &super::fmt_num(t.score), lang.pick("简化总分", "score"));
    b.push_str("</div>");
    b.push_str(&filter_box(lang));
    let _ = write!(b, "<h2>{}</h2>", esc(lang.pick("减少量", "Reductions")));
    let red = &t.reduced;
    let rows: Vec<(String, f64)> = [
        ("环节", "steps", red.steps),
        ("盖章", "stamps", red.stamps),
        ("材料", "materials", red.materials),
        ("跑动", "visits", red.visits),
        ("中介服务", "intermediaries", red.intermediaries),
        ("承诺时限（工作日）", "committed days", red.committed_days),
        ("收费事项", "charged items", red.charged),
    ]
    .into_iter()
    .map(|(zh, en, v)| (lang.pick(zh, en).to_string(), v as f64))
    .collect();
    b.push_str(&bar_chart(&rows, ""));
    let _ = write!(b, "<h2>{}</h2>", esc(lang.pick("调整前后指标", "Rates before and after")));
    b.push_str(&rates_chart(&t.before, &t.after, lang));

    let _ = write!(b, "<h2 id=\"ranking\">{}</h2>", esc(lang.pick("绩效考评排名", "Ranking")));
    b.push_str(&ranking(
        &r.summary.ranking.jurisdictions,
        lang,
        lang.pick("按区划", "By jurisdiction"),
        lang.pick("区划名称", "Jurisdiction"),
    ));
    b.push_str(&ranking(
        &r.summary.ranking.departments,
        lang,
        lang.pick("按部门", "By department"),
        lang.pick("部门", "Department"),
    ));

    let _ = write!(
        b,
        "<h2 id=\"items\">{}</h2>",
        esc(lang.pick("逐项变化（更复杂的在前）", "Changes per item (regressions first)"))
    );
    let changed = r.items.iter().filter(|d| d.status != Status::Unchanged).count();
    if changed > MAX_ITEMS {
        let _ = write!(
            b,
            "<p><b>{}</b></p>",
            esc(&match lang {
                Lang::Zh => format!(
                    "共{changed}项有变化，此页列出前{MAX_ITEMS}项（更复杂的在前）；全部见 csv 或 xlsx 输出。"
                ),
                Lang::En => format!(
                    "{changed} items changed; the first {MAX_ITEMS} are shown (regressions first); csv or xlsx output has them all."
                ),
            })
        );
    }
    for it in r.items.iter().filter(|d| d.status != Status::Unchanged).take(MAX_ITEMS) {
        let class = if it.is_regression() {
            "reg"
        } else if it.score > 0.0 {
            "simp"
        } else {
            "same"
        };
        let status = lang.pick(it.status.zh(), it.status.as_str());
        let _ = write!(
            b,
            "<section class=\"f {class}\"><h3>{} {} {}</h3><p class=\"src\">{} · {} · {} {}</p>",
            esc(&it.jurisdiction),
            esc(&it.item),
            esc(&it.name),
            esc(status),
            esc(&it.department),
            esc(lang.pick("得分", "score")),
            esc(&super::fmt_num(it.score))
        );
        if it.recoded {
            let _ = write!(
                b,
                "<p>{} {}</p>",
                esc(lang.pick("编码变更：", "Recoded:")),
                inline(it.old_code.as_deref().unwrap_or(""), it.new_code.as_deref().unwrap_or(""))
            );
        }
        b.push_str(&measures_table(it.before.as_ref(), it.after.as_ref(), lang));
        let plain: Vec<&Change> = it
            .changes
            .iter()
            .filter(|c| !matches!(c.field, Field::Steps | Field::Materials))
            .collect();
        if !plain.is_empty() {
            let _ = write!(
                b,
                "<table class=\"chg\"><colgroup><col class=\"f\"><col class=\"k\"><col></colgroup>\
                 <tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
                esc(lang.pick("字段", "Field")),
                esc(lang.pick("变化", "Kind")),
                esc(lang.pick("调整前 → 调整后", "old → new")),
                change_rows(&plain, it, lang, false)
            );
        }
        for field in [Field::Steps, Field::Materials] {
            let list: Vec<&Change> = it.changes.iter().filter(|c| c.field == field).collect();
            if list.is_empty() {
                continue;
            }
            let _ = write!(
                b,
                "<table class=\"sbs\"><colgroup><col class=\"k\"><col><col></colgroup>\
                 <tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
                esc(field_name(field, lang)),
                esc(lang.pick("调整前", "before")),
                esc(lang.pick("调整后", "after")),
                change_rows(&list, it, lang, true)
            );
        }
        b.push_str("</section>");
    }
    // Matching warnings last: they matter, but they are not the reform's picture.
    if !r.warnings.is_empty() {
        let _ = write!(
            b,
            "<h2 id=\"warnings\">{} ({})</h2><table>",
            esc(lang.pick("警告", "Warnings")),
            r.warnings.len()
        );
        for w in &r.warnings {
            let msg = if lang == Lang::En && !w.message_en.is_empty() {
                &w.message_en
            } else {
                &w.message
            };
            let _ = write!(
                b,
                "<tr class=\"f\"><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&w.jurisdiction),
                esc(&w.item),
                esc(msg)
            );
        }
        b.push_str("</table>");
    }

    page(title, lang, &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_by_side_marks_each_side() {
        let (l, r) = side_by_side("营业执照复印件", "营业执照副本复印件");
        assert_eq!(l, "营业执照复印件");
        assert_eq!(r, "营业执照<ins>副本</ins>复印件");
        let (l, r) = side_by_side("申请书<", "申请表<");
        assert_eq!(l, "申请<del>书</del>&lt;");
        assert_eq!(r, "申请<ins>表</ins>&lt;");
    }

    #[test]
    fn inline_marks_both() {
        assert_eq!(
            inline("20个工作日", "10个工作日"),
            "<del>2</del><span class=\"to\">→</span><ins>1</ins>0个工作日"
        );
        // Regression: 7→3 read "73个工作日" once the marks were gone.
        assert_eq!(
            inline("7个工作日", "3个工作日"),
            format!("<del>7</del>{ARROW}<ins>3</ins>个工作日")
        );
        assert_eq!(
            inline("安全设施设计审查", "无"),
            format!("<del>安全设施设计审查</del>{ARROW}<ins>无</ins>")
        );
    }

    #[test]
    fn bars_have_no_urls() {
        let svg = bar_chart(&[("甲".into(), 3.0), ("<乙>".into(), -1.0)], "");
        assert!(!svg.contains("http"));
        assert!(svg.contains("&lt;乙&gt;"));
        assert_eq!(svg.matches("<rect").count(), 2);
    }
}
