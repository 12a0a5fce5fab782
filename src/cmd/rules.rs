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
            format!(
                "{} {}\n{}: {}  {}: {}  ({state})\n\n{}\n",
                rule.id,
                rule.name,
                global.lang.pick("级别", "severity"),
                rule.severity.as_str(),
                global.lang.pick("字段", "field"),
                rule.field.map(|f| f.as_str()).unwrap_or("*"),
                rule.doc.trim_end()
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
