//! HTML reports: the shared helpers (escaping every value that comes from data, the page frame
//! with inline CSS and the filter box's inline script — one self-contained file, no network).
//! The `check` page is in `check_html`, the diff page in `diff::html`.

use std::fmt::Write as _;

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
    page_with(title, lang, "", "", body)
}

/// [`page`] with a page's own style and script after the shared ones (still one `<style>` and
/// one `<script>`).
pub fn page_with(title: &str, lang: Lang, css: &str, js: &str, body: &str) -> String {
    let html_lang = lang.pick("zh-CN", "en");
    format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}{css}</style>\n</head>\n<body>\n{body}\n<script>{JS}{js}</script>\n</body>\n</html>\n",
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
}
