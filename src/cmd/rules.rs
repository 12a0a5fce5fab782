//! `qingdan rules [ID]`: lists the check rules (id, name, severity, field, summary), or prints one
//! rule's full doc (by id or kebab-case name).

use crate::error::{Error, Result};
use crate::report::Lang;
use crate::rules::{self, RULES};

/// Arguments of `qingdan rules`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule id (QD101) or name (name-differs-from-standard) to explain.
    pub rule: Option<String>,
}

/// The Chinese bodies of the rule docs (rules/docs.zh.md): one section per rule, opened by
/// `# ID`.
const DOCS_ZH: &str = include_str!("../../rules/docs.zh.md");

/// The Chinese body of rule `id`'s doc (## 作用, ## 为何重要, ## 示例, ## 配置), if written.
fn zh_body(id: &str) -> Option<&'static str> {
    let head = format!("\n# {id}\n");
    let start = DOCS_ZH.find(&head)? + head.len();
    let rest = DOCS_ZH.get(start..)?;
    let end = rest.find("\n# ").map_or(rest.len(), |e| e + 1);
    rest.get(..end)
}

/// Runs `qingdan rules`.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    let out = match &args.rule {
        Some(key) => {
            let rule = rules::find(key).ok_or_else(|| {
                Error::Usage(format!("no rule `{key}` (run `qingdan rules` for the list)"))
            })?;
            let state = match (rule.enabled, global.lang) {
                (true, Lang::Zh) => "默认启用",
                (false, Lang::Zh) => "默认关闭",
                (true, Lang::En) => "on by default",
                (false, Lang::En) => "off by default",
            };
            let body = match global.lang {
                Lang::Zh => zh_body(rule.id)
                    .map(|zh| {
                        let summary = rule.summary();
                        let summary = summary.split(" / ").next().unwrap_or(summary);
                        format!("{summary}\n\n{}", zh.trim_end())
                    })
                    .unwrap_or_else(|| {
                        format!(
                            "（本规则的中文说明尚未写出，以下为英文原文。）\n\n{}",
                            rule.doc.trim_end()
                        )
                    }),
                Lang::En => rule.doc.trim_end().to_string(),
            };
            let body = match rule.field {
                Some(crate::model::Field::Elements) => body + &element_sources(global.lang),
                _ => body,
            };
            format!(
                "{} {}\n{}: {}  {}: {}  ({state})\n\n{}\n",
                rule.id,
                rule.name,
                global.lang.pick("级别", "severity"),
                rule.severity.as_str(),
                global.lang.pick("字段", "field"),
                rule.field.map(|f| f.as_str()).unwrap_or("*"),
                body
            )
        }
        None => {
            let mut s = String::new();
            for r in RULES {
                s.push_str(&format!(
                    "{}  {:<38} {:<8} {:<16} {}{}\n",
                    r.id,
                    r.name,
                    r.severity.as_str(),
                    r.field.map(|f| f.as_str()).unwrap_or("*"),
                    r.summary(),
                    if r.enabled {
                        ""
                    } else {
                        global.lang.pick("（默认关闭）", " (off by default)")
                    }
                ));
            }
            s
        }
    };
    crate::output::write_output(None, out.as_bytes())?;
    Ok(0)
}

/// For the element rules: where each category's elements come from (rules/categories.toml,
/// built in).
fn element_sources(lang: Lang) -> String {
    let categories = crate::rules::categories::Categories::builtin();
    let mut s = format!(
        "\n\n{}\n",
        lang.pick("## 来源（rules/categories.toml）", "## Sources (rules/categories.toml)")
    );
    for (category, sources) in &categories.sources {
        let names: Vec<&str> = categories.of(*category).map(|e| &*e.name).collect();
        if names.is_empty() {
            continue;
        }
        s.push_str(&format!("- {}（{}）\n", category.zh(), names.join("、")));
        for src in sources {
            s.push_str(&format!("  - {src}\n"));
        }
    }
    s.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_docs_are_of_known_rules_in_id_order_with_the_four_sections() {
        let ids: Vec<&str> =
            DOCS_ZH.lines().filter_map(|l| l.strip_prefix("# ")).map(str::trim).collect();
        assert!(!ids.is_empty());
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted, "sections sorted by id, one each");
        for id in ids {
            assert!(rules::find(id).is_some(), "{id} is not a rule");
            let body = zh_body(id).unwrap();
            for h in ["## 作用", "## 为何重要", "## 示例", "## 配置"] {
                assert!(body.contains(h), "{id} lacks {h}");
            }
        }
        assert!(zh_body("QD999").is_none());
    }
}
