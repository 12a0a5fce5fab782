//! HTML reports: the shared helpers (escaping every value that comes from data, the page frame
//! with inline CSS and the filter box's inline script — one self-contained file, no network) and
//! the `check` page: summary tiles, heatmap by city, variant tables, drill-down per jurisdiction
//! and per department. It decides nothing: what it shows is computed in `check::variants`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::baseline::{Comparison, Status};
use crate::check::variants::View;
use crate::check::CheckReport;
use crate::model::{Field, Finding, Severity};

use super::Lang;

/// Escapes text for HTML element content and quoted attribute values: & < > " '.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shared style: system fonts only (no web fonts), CJK-friendly.
const CSS: &str = r#"
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:0;padding:16px 24px;color:#1f2933;background:#fafbfc}
h1{font-size:22px;margin:4px 0 12px}h2{font-size:18px;margin:28px 0 10px;border-bottom:2px solid #d9e1f2;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.src{color:#52606d;font-size:13px}
.tiles{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.tile{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:10px 16px;min-width:110px}
.tile b{display:block;font-size:24px}.tile span{font-size:12px;color:#52606d}
.tile.error b{color:#c62828}.tile.warning b{color:#e65100}.tile.info b{color:#1565c0}.tile.new b{color:#6a1b9a}
table{border-collapse:collapse;background:#fff;font-size:13px;margin:6px 0}
th,td{border:1px solid #d9e2ec;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#d9e1f2}
.heat td.c{text-align:center;min-width:26px;padding:2px}
.heat tr.city td{background:#eef2f7;font-weight:bold}
.ref{background:#e8f5e9}.ref td:first-child::before{content:"★ ";color:#2e7d32}
.sev-error{color:#c62828;font-weight:bold}.sev-warning{color:#e65100}.sev-info{color:#1565c0}
.st-new{color:#6a1b9a;font-weight:bold}
.js{color:#52606d;font-size:12px}
#q{font-size:14px;padding:5px 8px;width:320px;border:1px solid #9fb3c8;border-radius:4px}
nav a{margin-right:12px}
.hidden{display:none}
"#;

/// The filter box: hides every `.f` element whose text does not contain the query.
const JS: &str = r#"
(function(){var q=document.getElementById('q');if(!q)return;
q.addEventListener('input',function(){var s=q.value.trim().toLowerCase();
var els=document.querySelectorAll('.f');for(var i=0;i<els.length;i++){var e=els[i];
if(!s||e.textContent.toLowerCase().indexOf(s)>=0){e.classList.remove('hidden');}else{e.classList.add('hidden');}}});})();
"#;

/// Wraps `body` in a complete, self-contained page.
pub fn page(title: &str, lang: Lang, body: &str) -> String {
    let html_lang = lang.pick("zh-CN", "en");
    format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n<script>{JS}</script>\n</body>\n</html>\n",
        esc(title)
    )
}

/// The filter box.
pub fn filter_box(lang: Lang) -> String {
    format!(
        "<p><input id=\"q\" type=\"search\" placeholder=\"{}\"></p>",
        esc(lang.pick(
            "筛选：输入区划、事项、部门或字段……",
            "Filter: jurisdiction, item, department, field…"
        ))
    )
}

/// A summary tile.
pub fn tile(out: &mut String, class: &str, value: &str, label: &str) {
    let _ = write!(
        out,
        "<div class=\"tile {}\"><b>{}</b><span>{}</span></div>",
        esc(class),
        esc(value),
        esc(label)
    );
}

/// Background colour of a heatmap cell: white for 0, yellow to red as `n` nears `max`.
pub fn heat_colour(n: usize, max: usize) -> String {
    if n == 0 || max == 0 {
        return "#f7f9fb".to_string();
    }
    let t = (n as f64 / max as f64).clamp(0.0, 1.0);
    // Hue 55 (yellow) → 0 (red), lightness 88% → 50%.
    format!("hsl({:.0},85%,{:.0}%)", 55.0 * (1.0 - t), 88.0 - 38.0 * t)
}

fn field_name(f: Field, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => f.zh(),
        Lang::En => f.as_str(),
    }
}

fn sev_name(s: Severity, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => s.zh(),
        Lang::En => s.as_str(),
    }
}

use super::message::message;

/// Inputs of the check page beyond the report itself.
pub struct CheckPage<'a> {
    pub report: &'a CheckReport,
    pub view: &'a View,
    pub baseline: Option<&'a Comparison>,
    /// The dataset's path, shown under the title.
    pub source: &'a str,
    pub lang: Lang,
}

/// Renders the check report as one self-contained html page.
pub fn check_page(p: &CheckPage) -> String {
    let (r, v, lang) = (p.report, p.view, p.lang);
    let mut b = String::new();
    let title = lang.pick("行政权力事项一致性检查报告", "Consistency check report");
    let _ = write!(b, "<h1>{}</h1><p class=\"src\">{}</p>", esc(title), esc(p.source));
    let _ = write!(
        b,
        "<nav><a href=\"#heat\">{}</a><a href=\"#variants\">{}</a><a href=\"#by-j\">{}</a><a href=\"#by-d\">{}</a>{}</nav>",
        esc(lang.pick("热力图", "Heatmap")),
        esc(lang.pick("差异对照", "Variants")),
        esc(lang.pick("按区划", "By jurisdiction")),
        esc(lang.pick("按部门", "By department")),
        if p.baseline.is_some() {
            format!("<a href=\"#resolved\">{}</a>", esc(lang.pick("已解决", "Resolved")))
        } else {
            String::new()
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
    if let Some(c) = p.baseline {
        tile(&mut b, "new", &c.new_count().to_string(), lang.pick("新增", "new"));
        tile(&mut b, "", &c.resolved.len().to_string(), lang.pick("已解决", "resolved"));
        tile(&mut b, "", &c.persisting().to_string(), lang.pick("持续", "persisting"));
    }
    b.push_str("</div>");
    if let Some(c) = p.baseline {
        let _ = write!(b, "<p>{}</p>", esc(&c.summary(lang)));
    }
    b.push_str(&filter_box(lang));

    // Heatmap: only fields with findings, rows grouped by city.
    let cols: Vec<usize> = (0..Field::ALL.len())
        .filter(|&i| v.heat.iter().any(|row| row.counts.get(i).copied().unwrap_or(0) > 0))
        .collect();
    let max = v.heat.iter().flat_map(|row| row.counts.iter().copied()).max().unwrap_or(0);
    let anchor_of: BTreeMap<&str, usize> =
        v.heat.iter().enumerate().map(|(i, row)| (&*row.code, i)).collect();
    let _ = write!(
        b,
        "<h2 id=\"heat\">{}</h2>",
        esc(lang.pick("区划 × 字段 热力图", "Jurisdictions × fields"))
    );
    b.push_str("<table class=\"heat\"><tr><th>");
    b.push_str(&esc(lang.pick("区划", "Jurisdiction")));
    b.push_str("</th>");
    for &i in &cols {
        let _ = write!(b, "<th>{}</th>", esc(field_name(Field::ALL[i], lang)));
    }
    let _ = write!(b, "<th>{}</th></tr>", esc(lang.pick("合计", "Total")));
    let mut city: Option<&str> = None;
    for (n, row) in v.heat.iter().enumerate() {
        if city != Some(&*row.city) {
            city = Some(&row.city);
            let cname = v.cities.get(&row.city).map(|s| &**s).unwrap_or("");
            let label = if row.city.is_empty() {
                lang.pick("（未归属地市）", "(no city)").to_string()
            } else {
                format!("{} {}", row.city, cname)
            };
            let _ = write!(
                b,
                "<tr class=\"city\"><td colspan=\"{}\">{}</td></tr>",
                cols.len() + 2,
                esc(&label)
            );
        }
        let _ = write!(
            b,
            "<tr class=\"f\"><td><a href=\"#j{n}\">{} {}</a></td>",
            esc(&row.code),
            esc(&row.name)
        );
        for &i in &cols {
            let c = row.counts.get(i).copied().unwrap_or(0);
            let _ = write!(
                b,
                "<td class=\"c\" style=\"background:{}\" title=\"{}\">{}</td>",
                heat_colour(c, max),
                esc(field_name(Field::ALL[i], lang)),
                if c == 0 { String::new() } else { c.to_string() }
            );
        }
        let _ = write!(b, "<td class=\"c\">{}</td></tr>", row.total);
    }
    b.push_str("</table>");

    // Variant tables.
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
                esc(field_name(ft.field, lang)),
                esc(lang.pick("区划数", "Count")),
                esc(lang.pick("使用的区划", "Jurisdictions"))
            );
            for var in &ft.variants {
                let value = if var.value.is_empty() {
                    lang.pick("（空）", "(empty)")
                } else {
                    &var.value
                };
                let _ = write!(
                    b,
                    "<tr{}><td>{}</td><td>{}</td><td class=\"js\">{}</td></tr>",
                    if var.reference { " class=\"ref\"" } else { "" },
                    esc(value),
                    var.count,
                    esc(&var.jurisdictions.iter().map(|j| &**j).collect::<Vec<_>>().join("、"))
                );
            }
            b.push_str("</table>");
        }
        b.push_str("</section>");
    }

    // Drill-down per jurisdiction.
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
    let head = |first: &str| -> String {
        let mut h = format!("<table><tr><th>{}</th>", esc(first));
        for c in [
            lang.pick("事项", "Item"),
            lang.pick("字段", "Field"),
            lang.pick("级别", "Severity"),
            lang.pick("规则", "Rule"),
            lang.pick("说明", "Message"),
        ] {
            let _ = write!(h, "<th>{}</th>", esc(c));
        }
        if p.baseline.is_some() {
            let _ = write!(h, "<th>{}</th>", esc(lang.pick("状态", "Status")));
        }
        h.push_str("</tr>");
        h
    };
    let row = |b: &mut String, first: &str, i: usize, f: &Finding| {
        let _ = write!(
            b,
            "<tr class=\"f\"><td>{}</td><td>{} {}</td><td>{}</td><td class=\"sev-{}\">{}</td><td>{} {}</td><td>{}</td>{}</tr>",
            esc(first),
            esc(f.item.as_deref().unwrap_or("")),
            esc(f.item_name.as_deref().unwrap_or("")),
            esc(field_name(f.field, lang)),
            f.severity.as_str(),
            esc(sev_name(f.severity, lang)),
            esc(f.rule),
            esc(f.name),
            esc(&message(f, lang)),
            status(i)
        );
    };
    let _ = write!(b, "<h2 id=\"by-j\">{}</h2>", esc(lang.pick("按区划", "By jurisdiction")));
    let mut by_j: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_d: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in r.findings.iter().enumerate() {
        let j = f.jurisdiction.as_deref().unwrap_or("");
        by_j.entry(j).or_default().push(i);
        by_d.entry(v.department(j, f.item.as_deref().unwrap_or(""))).or_default().push(i);
    }
    // An index of the sections below, each a link.
    b.push_str("<p>");
    for (j, idx) in &by_j {
        if let Some(n) = anchor_of.get(j) {
            let name = r.names.get(*j).map(|s| &**s).unwrap_or("");
            let _ = write!(b, "<a href=\"#j{n}\">{} {}</a> ({}) ", esc(j), esc(name), idx.len());
        }
    }
    b.push_str("</p>");
    for (j, idx) in &by_j {
        let anchor = anchor_of.get(j).map(|n| format!(" id=\"j{n}\"")).unwrap_or_default();
        let name = r.names.get(*j).map(|s| &**s).unwrap_or("");
        let _ = write!(
            b,
            "<section class=\"f\"{anchor}><h3>{} {} ({})</h3>",
            esc(j),
            esc(name),
            idx.len()
        );
        b.push_str(&head(lang.pick("部门", "Department")));
        for &i in idx {
            let f = &r.findings[i];
            row(&mut b, v.department(j, f.item.as_deref().unwrap_or("")), i, f);
        }
        b.push_str("</table></section>");
    }
    let _ = write!(b, "<h2 id=\"by-d\">{}</h2>", esc(lang.pick("按部门", "By department")));
    b.push_str("<p>");
    for (n, (d, idx)) in by_d.iter().enumerate() {
        let label =
            if d.is_empty() { lang.pick("（未知部门）", "(unknown department)") } else { d };
        let _ = write!(b, "<a href=\"#d{n}\">{}</a> ({}) ", esc(label), idx.len());
    }
    b.push_str("</p>");
    for (n, (d, idx)) in by_d.iter().enumerate() {
        let label =
            if d.is_empty() { lang.pick("（未知部门）", "(unknown department)") } else { d };
        let _ =
            write!(b, "<section class=\"f\" id=\"d{n}\"><h3>{} ({})</h3>", esc(label), idx.len());
        b.push_str(&head(lang.pick("区划", "Jurisdiction")));
        for &i in idx {
            let f = &r.findings[i];
            row(&mut b, f.jurisdiction.as_deref().unwrap_or(""), i, f);
        }
        b.push_str("</table></section>");
    }
    if let Some(c) = p.baseline {
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
    page(title, lang, &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_all_five() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(esc("食品经营许可"), "食品经营许可");
    }

    #[test]
    fn heat_colours_scale() {
        assert_eq!(heat_colour(0, 5), "#f7f9fb");
        assert_eq!(heat_colour(5, 5), "hsl(0,85%,50%)");
    }

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
    }
}
