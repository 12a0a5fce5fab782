//! `diff --format text` and `--format md`: one layout (overall figures, regressions first, the
//! other changed, added and removed items, the groups and the ranking), changed text shown as a
//! character-level inline diff (Chinese has no spaces between words, so a word diff would be
//! useless): `[-old-]{+new+}` in text, `~~old~~**new**` in md.

use std::fmt::Write as _;
use std::io::Write;

use rayon::prelude::*;
use similar::{ChangeTag, TextDiff};

use super::{field_word, fmt_num, kind_word, pct};
use crate::diff::{Change, DiffReport, Group, ItemDiff, Measures, RankRow, Rates, Status, Totals};
use crate::report::Lang;

/// How inserted and deleted runs are marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// `[-old-]{+new+}`
    Text,
    /// `~~old~~**new**`
    Md,
}

/// A character-level inline diff of `old` → `new`: equal runs as they are, deleted and inserted
/// runs marked.
pub fn inline_diff(old: &str, new: &str, markup: Markup) -> String {
    inline_of(&TextDiff::from_chars(old, new), markup)
}

/// `inline_diff` of a character diff already made.
pub(super) fn inline_of(diff: &TextDiff<'_, '_, str>, markup: Markup) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let mut tag = ChangeTag::Equal;
    let flush = |out: &mut String, run: &mut String, tag: ChangeTag| {
        if run.is_empty() {
            return;
        }
        let text = match markup {
            Markup::Md => escape_md(run),
            Markup::Text => run.clone(),
        };
        let (open, close) = match (tag, markup) {
            (ChangeTag::Equal, _) => ("", ""),
            (ChangeTag::Delete, Markup::Text) => ("[-", "-]"),
            (ChangeTag::Insert, Markup::Text) => ("{+", "+}"),
            (ChangeTag::Delete, Markup::Md) => ("~~", "~~"),
            (ChangeTag::Insert, Markup::Md) => ("**", "**"),
        };
        out.push_str(open);
        out.push_str(&text);
        out.push_str(close);
        run.clear();
    };
    for change in diff.iter_all_changes() {
        if change.tag() != tag {
            flush(&mut out, &mut run, tag);
            tag = change.tag();
        }
        run.push_str(change.value());
    }
    flush(&mut out, &mut run, tag);
    out
}

pub(super) fn escape_md(s: &str) -> String {
    let s = crate::report::escape::markdown(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '|' | '*' | '~' | '_' | '`' | '\\' | '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
            continue;
        }
        out.push(c);
    }
    out
}

/// One change as a line: `承诺时限：10个工作日 → 5个工作日` with an inline diff of text.
pub(super) fn change_line(c: &Change, lang: Lang, markup: Markup) -> String {
    let field = field_word(c, lang);
    let esc = |s: &str| match markup {
        Markup::Text => s.to_string(),
        Markup::Md => escape_md(s),
    };
    let (ins, del) = match markup {
        Markup::Text => (("{+", "+}"), ("[-", "-]")),
        Markup::Md => (("**", "**"), ("~~", "~~")),
    };
    let sep = lang.pick("：", ": ");
    let body = match (c.old.as_deref(), c.new.as_deref()) {
        (Some(o), Some(n)) => {
            let o1 = o.trim();
            let n1 = n.trim();
            // Related texts read best as one inline diff; unrelated ones as old → new.
            // One character diff serves both the choice and the inline rendering.
            let diff = TextDiff::from_chars(o1, n1);
            if diff.ratio() >= 0.3 {
                inline_of(&diff, markup)
            } else {
                format!("{}{}{} → {}{}{}", del.0, esc(o1), del.1, ins.0, esc(n1), ins.1)
            }
        }
        (Some(o), None) => format!("{}{}{}", del.0, esc(o), del.1),
        (None, Some(n)) => format!("{}{}{}", ins.0, esc(n), ins.1),
        (None, None) => String::new(),
    };
    match c.kind {
        Some(k) => format!("{field}{sep}{} {body}", kind_word(k, lang)),
        None => format!("{field}{sep}{body}"),
    }
}

/// The measures before → after appended to `out`, without a string per cell (it runs once per
/// item).
pub(super) fn push_measures_line(
    out: &mut String,
    b: Option<&Measures>,
    a: Option<&Measures>,
    lang: Lang,
) {
    let names = [
        lang.pick("环节", "steps"),
        lang.pick("盖章", "stamps"),
        lang.pick("材料", "materials"),
        lang.pick("承诺时限", "committed days"),
        lang.pick("跑动", "visits"),
        lang.pick("中介", "intermediaries"),
        lang.pick("收费", "charged"),
    ];
    // The cell text of measure `k` (empty without measures or without a committed limit).
    let cell = |m: Option<&Measures>, k: usize, buf: &mut String| {
        buf.clear();
        let Some(m) = m else { return };
        let _ = match k {
            0 => write!(buf, "{}", m.steps),
            1 => write!(buf, "{}", m.stamps),
            2 => write!(buf, "{}", m.materials),
            3 => match m.committed_days {
                Some(d) => write!(buf, "{d}"),
                None => Ok(()),
            },
            4 => write!(buf, "{}", m.visits),
            5 => write!(buf, "{}", m.intermediaries),
            _ => {
                buf.push_str(if m.charged {
                    lang.pick("是", "yes")
                } else {
                    lang.pick("否", "no")
                });
                Ok(())
            }
        };
    };
    fn show(s: &str) -> &str {
        if s.is_empty() {
            "—"
        } else {
            s
        }
    }
    let (mut x, mut y) = (String::new(), String::new());
    for (k, name) in names.iter().enumerate() {
        if k > 0 {
            out.push_str(lang.pick("，", ", "));
        }
        cell(b, k, &mut x);
        cell(a, k, &mut y);
        out.push_str(name);
        out.push(' ');
        out.push_str(show(&x));
        if x != y {
            out.push('→');
            out.push_str(show(&y));
        }
    }
}

pub(super) fn totals_lines(t: &Totals, lang: Lang, md: bool) -> String {
    let mut s = String::new();
    let sep = if md { "\n\n" } else { "\n" };
    let _ = write!(
        s,
        "{}{sep}",
        match lang {
            Lang::Zh => format!(
                "事项 {} 个：变更 {}，未变 {}，新增 {}，取消 {}（其中改码 {}）",
                t.items, t.changed, t.unchanged, t.added, t.removed, t.recoded
            ),
            Lang::En => format!(
                "{} items: {} changed, {} unchanged, {} added, {} removed ({} recoded)",
                t.items, t.changed, t.unchanged, t.added, t.removed, t.recoded
            ),
        }
    );
    let _ = write!(
        s,
        "{}{sep}",
        match lang {
            Lang::Zh => format!(
                "简化 {} 个，持平 {} 个，更复杂 {} 个；简化总分 {}",
                t.simplified,
                t.same,
                t.complicated,
                fmt_num(t.score)
            ),
            Lang::En => format!(
                "{} simpler, {} same, {} more complicated; total score {}",
                t.simplified,
                t.same,
                t.complicated,
                fmt_num(t.score)
            ),
        }
    );
    let r = &t.reduced;
    let _ = write!(
        s,
        "{}{sep}",
        match lang {
            Lang::Zh => format!(
                "净减少：环节 {}，盖章 {}，材料 {}，跑动 {} 次，中介服务 {}，承诺时限 {} 个工作日，收费事项 {}",
                r.steps, r.stamps, r.materials, r.visits, r.intermediaries, r.committed_days, r.charged
            ),
            Lang::En => format!(
                "Net reductions: {} steps, {} stamps, {} materials, {} visits, {} intermediaries, {} working days, {} charged items",
                r.steps, r.stamps, r.materials, r.visits, r.intermediaries, r.committed_days, r.charged
            ),
        }
    );
    s
}

pub(super) fn rates_rows(b: &Rates, a: &Rates, lang: Lang) -> Vec<[String; 3]> {
    vec![
        [
            lang.pick("承诺时限压缩率", "committed-limit compression").into(),
            pct(b.compression),
            pct(a.compression),
        ],
        [
            lang.pick("即办件占比", "immediate items").into(),
            pct(b.immediate_share),
            pct(a.immediate_share),
        ],
        [
            lang.pick("最多跑一次占比", "at most one visit").into(),
            pct(b.at_most_one_visit_share),
            pct(a.at_most_one_visit_share),
        ],
        [
            lang.pick("零跑动占比", "no visit").into(),
            pct(b.zero_visit_share),
            pct(a.zero_visit_share),
        ],
    ]
}

pub(super) fn item_head(it: &ItemDiff, lang: Lang) -> String {
    let status = match lang {
        Lang::Zh => it.status.zh(),
        Lang::En => it.status.as_str(),
    };
    let recoded = if it.recoded { lang.pick("，改码", ", recoded") } else { "" };
    let (open, comma, close) = match lang {
        Lang::Zh => ("（", "，", "）"),
        Lang::En => (" (", ", ", ")"),
    };
    format!(
        "[{}] {} {}{open}{}{}{comma}{} {}{close}",
        it.jurisdiction,
        it.item,
        it.name.trim(),
        status,
        recoded,
        lang.pick("得分", "score"),
        fmt_num(it.score)
    )
}

pub(super) fn table(out: &mut String, md: bool, header: &[&str], rows: &[Vec<String>]) {
    if md {
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(out, "|{}", " --- |".repeat(header.len()));
        for r in rows {
            let cells: Vec<String> = r.iter().map(|c| escape_md(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        out.push('\n');
    } else {
        // Columns padded to the widest cell in display columns (a CJK character takes two), so
        // the table reads aligned in a terminal; the last column is not padded.
        use unicode_width::UnicodeWidthStr;
        let cols = header.len();
        let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
        for r in rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.width());
            }
        }
        let line = |cells: Vec<&str>| {
            let mut l = String::new();
            for (i, c) in cells.iter().enumerate() {
                l.push_str(c);
                if i + 1 < cells.len().min(cols) {
                    let w = widths.get(i).copied().unwrap_or(0);
                    l.push_str(&" ".repeat(w.saturating_sub(c.width()) + 2));
                }
            }
            l
        };
        let _ = writeln!(out, "{}", line(header.to_vec()));
        for r in rows {
            let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
        }
        out.push('\n');
    }
}

pub(super) fn rank_rows(rows: &[RankRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            vec![
                r.rank.to_string(),
                r.key.clone(),
                r.label.clone(),
                fmt_num(r.score),
                r.mean_score.map(fmt_num).unwrap_or_else(|| "—".into()),
                r.simplified.to_string(),
                r.complicated.to_string(),
            ]
        })
        .collect()
}

pub(super) fn group_rows(groups: &[Group], lang: Lang) -> Vec<Vec<String>> {
    let _ = lang;
    groups
        .iter()
        .map(|g| {
            let t = &g.totals;
            vec![
                g.key.clone(),
                g.label.clone(),
                t.items.to_string(),
                t.simplified.to_string(),
                t.same.to_string(),
                t.complicated.to_string(),
                t.reduced.steps.to_string(),
                t.reduced.stamps.to_string(),
                t.reduced.materials.to_string(),
                t.reduced.visits.to_string(),
                t.reduced.intermediaries.to_string(),
                t.reduced.committed_days.to_string(),
                format!("{} → {}", pct(t.before.compression), pct(t.after.compression)),
                format!(
                    "{} → {}",
                    pct(t.before.at_most_one_visit_share),
                    pct(t.after.at_most_one_visit_share)
                ),
                fmt_num(t.score),
            ]
        })
        .collect()
}

/// Text and Markdown share one layout: overall figures, regressions first, the other changed,
/// added and removed items, the groups and the ranking. Unchanged items are only counted.
pub(super) fn text<W: Write>(
    r: &DiffReport,
    lang: Lang,
    old: &str,
    new: &str,
    markup: Markup,
    w: &mut W,
) -> std::io::Result<()> {
    let md = markup == Markup::Md;
    let h = |level: usize, s: &str| {
        if md {
            format!("{} {s}\n\n", "#".repeat(level))
        } else {
            format!("== {s} ==\n")
        }
    };
    let mut out = String::new();
    out.push_str(&h(1, &format!("{} {} → {}", lang.pick("版本比较", "Version diff"), old, new)));
    out.push_str(&totals_lines(&r.summary.totals, lang, md));
    out.push('\n');
    let t = &r.summary.totals;
    table(
        &mut out,
        md,
        &["", lang.pick("改革前", "before"), lang.pick("改革后", "after")],
        &rates_rows(&t.before, &t.after, lang).into_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
    );
    if !r.warnings.is_empty() {
        out.push_str(&h(2, lang.pick("警告", "Warnings")));
        for w in &r.warnings {
            let _ = writeln!(
                out,
                "{}[{}] {}: {}",
                if md { "- " } else { "" },
                w.jurisdiction,
                w.item,
                lang.pick(&w.message, &w.message_en)
            );
        }
        out.push('\n');
    }
    let sections: [(&str, ItemFilter); 4] = [
        (
            lang.pick("更复杂的事项（请优先审阅）", "More complicated (review first)"),
            &|d: &ItemDiff| d.is_regression(),
        ),
        (lang.pick("变更事项", "Changed items"), &|d: &ItemDiff| {
            d.status == Status::Changed && !d.is_regression()
        }),
        (lang.pick("新增事项", "Added items"), &|d: &ItemDiff| d.status == Status::Added),
        (lang.pick("取消事项", "Removed items"), &|d: &ItemDiff| d.status == Status::Removed),
    ];
    for (title, pred) in sections {
        let items: Vec<&ItemDiff> = r.items.iter().filter(|d| pred(d)).collect();
        if items.is_empty() {
            continue;
        }
        let count = match lang {
            Lang::Zh => format!("{title}（{}）", items.len()),
            Lang::En => format!("{title} ({})", items.len()),
        };
        out.push_str(&h(2, &count));
        // Item blocks are rendered in parallel a window at a time (the character diffs of a
        // province take a second on one core), written in order, and the text is handed on
        // as it grows, so memory stays bounded.
        for window in items.chunks(TEXT_WINDOW) {
            let blocks: Vec<String> =
                window.par_iter().map(|it| item_block(it, lang, markup)).collect();
            for b in blocks {
                out.push_str(&b);
            }
            w.write_all(out.as_bytes())?;
            out.clear();
        }
        out.push('\n');
    }
    let gh = [
        lang.pick("区划代码", "code"),
        lang.pick("名称", "name"),
        lang.pick("事项", "items"),
        lang.pick("简化", "simpler"),
        lang.pick("持平", "same"),
        lang.pick("更复杂", "worse"),
        lang.pick("减环节", "steps-"),
        lang.pick("减盖章", "stamps-"),
        lang.pick("减材料", "materials-"),
        lang.pick("减跑动", "visits-"),
        lang.pick("减中介", "interm.-"),
        lang.pick("减时限(工作日)", "days-"),
        lang.pick("承诺时限压缩率", "compression"),
        lang.pick("最多跑一次", "≤1 visit"),
        lang.pick("得分", "score"),
    ];
    out.push_str(&h(2, lang.pick("按区划", "By jurisdiction")));
    table(&mut out, md, &gh, &group_rows(&r.summary.by_jurisdiction, lang));
    out.push_str(&h(2, lang.pick("按部门", "By department")));
    table(&mut out, md, &gh, &group_rows(&r.summary.by_department, lang));
    let rh = [
        lang.pick("名次", "rank"),
        lang.pick("区划代码", "code"),
        lang.pick("名称", "name"),
        lang.pick("总分", "score"),
        lang.pick("平均分", "mean"),
        lang.pick("简化", "simpler"),
        lang.pick("更复杂", "worse"),
    ];
    out.push_str(&h(2, lang.pick("绩效考评排名：区划", "Ranking: jurisdictions")));
    table(&mut out, md, &rh, &rank_rows(&r.summary.ranking.jurisdictions));
    out.push_str(&h(2, lang.pick("绩效考评排名：部门", "Ranking: departments")));
    table(&mut out, md, &rh, &rank_rows(&r.summary.ranking.departments));
    w.write_all(out.as_bytes())
}

/// Item diffs rendered in parallel at a time (text and csv).
pub(super) const TEXT_WINDOW: usize = 8192;

/// One item of the text or Markdown report: its head, its measures and its changes.
pub(super) fn item_block(it: &ItemDiff, lang: Lang, markup: Markup) -> String {
    let md = markup == Markup::Md;
    let mut out = String::new();
    if md {
        let _ = writeln!(out, "- **{}**", escape_md(&item_head(it, lang)));
    } else {
        let _ = writeln!(out, "{}", item_head(it, lang));
    }
    let ind = if md { "  - " } else { "    " };
    out.push_str(ind);
    push_measures_line(&mut out, it.before.as_ref(), it.after.as_ref(), lang);
    out.push('\n');
    for c in &it.changes {
        let _ = writeln!(out, "{ind}{}", change_line(c, lang, markup));
    }
    out
}

/// Which items a text section lists.
pub(super) type ItemFilter<'a> = &'a dyn Fn(&ItemDiff) -> bool;
