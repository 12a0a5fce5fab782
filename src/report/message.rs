//! The sentence of every finding, per rule and language: the one place where a finding (data:
//! rule, subject, values, [`Detail`], evidence, scope) becomes words. Rules decide; this writes.

use crate::model::{CodeReason, Detail, Finding, ImplProblem, Lang, Level, Scope, Source, Str};

/// The finding's sentence in `lang`: the rule's sentence, after "（候选匹配，请核实）" for a
/// candidate match and "有此事项的N个区划中M个如此：" for a defect most jurisdictions share.
pub fn message(f: &Finding, lang: Lang) -> String {
    let body = match lang {
        Lang::Zh => zh(f),
        Lang::En => en(f),
    };
    let mut out = String::new();
    if let (Scope::Shared, Some((n, of))) =
        (f.scope, f.evidence.as_deref().and_then(|e| e.agree_of))
    {
        match lang {
            Lang::Zh => out.push_str(&format!("有此事项的{of}个区划中{n}个如此：")),
            Lang::En => out.push_str(&format!("{n} of the {of} jurisdictions carrying the item: ")),
        }
    }
    if f.evidence.as_deref().is_some_and(|e| e.candidate) {
        out.push_str(lang.pick("（候选匹配，请核实）", "(Candidate match, to be confirmed) "));
    }
    if out.is_empty() {
        return body;
    }
    out.push_str(&body);
    out
}

/// True when the finding's sentence names the values it carries, so that a reason built from it
/// (review) needs no note of them; false for the sentences that name only a part (the extra
/// steps, not the whole list) or none.
pub fn names_values(f: &Finding) -> bool {
    !matches!(f.detail, Detail::Steps { .. }) && !zh(f).is_empty()
}

/// Shows an empty value as （空）.
fn shown(s: &str) -> &str {
    if s.trim().is_empty() {
        "（空）"
    } else {
        s.trim()
    }
}

/// 标准目录 / 112个县中108个.
pub fn source_zh(s: &Source) -> String {
    match s {
        Source::Standard => "标准目录".to_string(),
        Source::Peers { agree, of, level } => format!("{of}个{}中{agree}个", level.zh()),
        Source::Region { agree, of } => format!("有此事项的{of}个区划中{agree}个"),
        Source::Parent { code, level } => format!("上级{}清单（{code}）", level.zh_level()),
        Source::Children { agree, of, level } => format!("下级{of}个{}中{agree}个", level.zh()),
    }
}

/// the standard / the peers (108 of 112 counties).
pub fn source_en(s: &Source) -> String {
    match s {
        Source::Standard => "the standard".to_string(),
        Source::Peers { agree, of, level } => {
            format!("the peers ({agree} of {of} {})", plural(*level))
        }
        Source::Region { agree, of } => {
            format!("the peers ({agree} of the {of} jurisdictions carrying it)")
        }
        Source::Parent { code, level } => {
            format!("the parent's list ({code}, {} level)", level.en())
        }
        Source::Children { agree, of, level } => {
            format!("the lists below it ({agree} of {of} {})", plural(*level))
        }
    }
}

/// counties / towns / cities.
pub fn plural(level: Level) -> &'static str {
    match level {
        Level::Province => "regions",
        Level::City => "cities",
        Level::County => "counties",
        Level::Town => "towns",
    }
}

fn articles(set: &[u32]) -> String {
    set.iter().map(|a| format!("第{a}条")).collect::<Vec<_>>().join("、")
}

fn titles(list: &[String]) -> String {
    list.iter().map(|t| format!("《{t}》")).collect()
}

/// At most five holders, then …
fn holders(h: &[Str]) -> String {
    let mut shown: Vec<&str> = h.iter().take(5).map(|s| &**s).collect();
    if h.len() > 5 {
        shown.push("…");
    }
    shown.join("、")
}

fn code_reason(r: &CodeReason, lang: Lang) -> String {
    match r {
        CodeReason::National(p) => p.message(lang),
        CodeReason::Base(e) => e.message(lang),
    }
}

fn impl_problem(p: &ImplProblem, lang: Lang) -> String {
    match (p, lang) {
        (ImplProblem::Unreadable(e), _) => e.message(lang),
        (ImplProblem::Base { embedded, row }, Lang::Zh) => {
            format!("内含基本编码{embedded}与事项编码{row}不同")
        }
        (ImplProblem::Base { embedded, row }, Lang::En) => {
            format!("it embeds base code {embedded}, not the row's {row}")
        }
        (ImplProblem::Level { digit, level }, Lang::Zh) => {
            format!("层级位为{digit}，{}应为{}", level.zh_level(), level.digit())
        }
        (ImplProblem::Level { digit, level }, Lang::En) => {
            format!("its level digit is {digit}, {} level is {}", level.en(), level.digit())
        }
        (ImplProblem::Division { division, jurisdiction }, Lang::Zh) => {
            format!("主体区划{division}不在本区划{jurisdiction}内")
        }
        (ImplProblem::Division { division, jurisdiction }, Lang::En) => {
            format!("the body's division {division} is outside {jurisdiction}")
        }
    }
}

/// The Chinese sentence of the rule.
fn zh(f: &Finding) -> String {
    let a = f.actual.as_deref().unwrap_or("");
    let e = f.expected.as_deref().unwrap_or("");
    let name = f.item_name.as_deref().unwrap_or("");
    let code = f.item.as_deref().unwrap_or("");
    match (&f.detail, f.rule) {
        (Detail::Differs { source }, rule) => {
            let s = source_zh(source);
            match rule {
                "QD101" => format!("事项名称“{}”与{s}的“{e}”不一致。", shown(a)),
                "QD202" => format!("实施主体“{a}”与{s}的“{e}”不对应。"),
                "QD203" => format!("行使层级“{a}”与{s}的“{e}”不一致。"),
                "QD304" => format!("设定依据为空，{s}为“{e}”。"),
                "QD401" => format!("法定时限“{}”与{s}的“{e}”不一致。", shown(a)),
                "QD403" => format!("承诺时限“{a}”长于{s}的“{e}”。"),
                "QD501" => format!("{s}不收费，本地却收费（“{a}”）。"),
                "QD502" => format!("收费标准“{a}”与{s}的“{e}”不一致。"),
                "QD601" => format!("到现场次数{a}次，多于{s}的{e}次。"),
                "QD604" => format!("盖章数{a}个，多于{s}的{e}个。"),
                "QD701" => format!("办件类型“{a}”与{s}的“{e}”不一致。"),
                _ => String::new(),
            }
        }
        (Detail::Element { source, extra }, rule) => {
            let el = f.element.as_deref().unwrap_or("要素");
            let s = source.as_ref().map(source_zh).unwrap_or_default();
            let list = extra.join("、");
            match rule {
                "QD801" => format!("{el}“{}”与{s}的“{e}”不一致。", shown(a)),
                "QD802" => format!("{el}“{a}”多出{s}没有的“{list}”（{s}为“{e}”）。"),
                "QD803" => format!("{el}“{a}”的最高额高于{s}的“{e}”。"),
                "QD804" => format!("{el}“{a}”高于{s}的“{e}”。"),
                "QD805" => format!("{el}“{a}”高于{s}的“{e}”。"),
                "QD806" => format!("本事项类型要求的要素“{el}”为空。"),
                "QD807" => format!("{el}“{a}”中的“{list}”不在法定种类之内。"),
                "QD808" => format!("{el}“{a}”中的“{list}”不属于强制类型“{e}”。"),
                "QD809" => format!("{el}“{a}”应为“{e}”，审批结果类型却为“{list}”。"),
                "QD810" => format!("{el}“{a}”无法识别。"),
                _ => String::new(),
            }
        }
        (Detail::Category { source, actual, expected }, _) => {
            format!("事项类型“{}”与{}的“{}”不一致。", actual.zh(), source_zh(source), expected.zh())
        }
        (Detail::Missing { source: Source::Standard, level }, _) => {
            format!("缺少标准目录要求{}实施的事项“{name}”（{code}）。", level.zh_level())
        }
        (Detail::Missing { source, .. }, _) => {
            format!("缺少事项“{name}”（{code}），{}有此事项。", source_zh(source))
        }
        (Detail::Unknown { closest }, _) => {
            let tail = match closest {
                Some((code, name, sim)) => {
                    format!("最相近的标准事项为“{name}”（{code}，相似度{:.2}）。", sim.0)
                }
                None => String::new(),
            };
            format!("事项“{a}”不在标准目录中。{tail}")
        }
        (Detail::AtLevel { level }, _) => {
            format!("事项“{name}”在{}实施，但标准目录的行使层级为“{e}”。", level.zh_level())
        }
        (Detail::NoCountyCounterpart { county }, _) => {
            format!("事项“{name}”在所属县（{county}）清单中没有对应事项（上下对应）。")
        }
        (Detail::Rare { holders, of, level }, _) => format!(
            "事项“{name}”在{of}个{}中只有{holders}个设置，可能不属于本级或不在目录中。",
            level.zh()
        ),
        (Detail::CodeMalformed { reason }, _) => {
            format!("事项编码“{a}”格式错误：{}。", code_reason(reason, Lang::Zh))
        }
        (Detail::CodeCategory { code, key, named, category, own_key, category_wrong }, _) => {
            let named = named.map(|c| c.zh()).unwrap_or("未知类型");
            if *category_wrong {
                format!(
                    "事项类型“{}”与事项编码{code}的类型位{key}（{named}）不符，应为“{named}”。",
                    category.zh()
                )
            } else {
                format!(
                    "事项编码“{code}”的类型位{key}（{named}）与事项类型“{}”（{own_key}）不符。",
                    category.zh()
                )
            }
        }
        (Detail::Duplicate { row_name, count }, _) => {
            format!("事项编码{a}在本清单中出现{count}次（“{row_name}”）。")
        }
        (Detail::SharedCode { code, score }, _) => format!(
            "编码{code}对应“{e}”，本行却是“{a}”（名称相似度{:.2}），同一编码用于不同事项。",
            score.0
        ),
        (Detail::ShouldCarry { row_name, score, source }, _) => {
            let s = source_zh(source);
            if a.is_empty() {
                format!(
                    "“{row_name}”缺少事项编码，按名称匹配到{s}的“{name}”（相似度{:.2}），应为{e}。",
                    score.0
                )
            } else {
                format!(
                    "“{row_name}”的编码为{a}，按名称匹配到{s}的“{name}”（相似度{:.2}），应为{e}。",
                    score.0
                )
            }
        }
        (Detail::Implementation { problems }, _) => {
            let list: Vec<String> = problems.iter().map(|p| impl_problem(p, Lang::Zh)).collect();
            format!("实施编码“{a}”与本行不符：{}。", list.join("；"))
        }
        (Detail::HandlingNumber { name, own, body }, _) => {
            format!("“{own}”的办理项“{name}”编号为{a}，同一区划的“{body}”编号为{e}，应一致。")
        }
        (Detail::Laws { source, titles: list }, "QD301") => {
            format!("设定依据缺少{}引用的{}。", source_zh(source), titles(list))
        }
        (Detail::Laws { source, titles: list }, _) => {
            format!("设定依据引用了{}没有的{}。", source_zh(source), titles(list))
        }
        (Detail::Articles { source, title, ours, theirs }, _) => format!(
            "设定依据引用《{title}》{}，{}为{}。",
            articles(ours),
            source_zh(source),
            articles(theirs)
        ),
        (Detail::Repealed { title, article, on, replaced_by }, _) => {
            let article = article.map(|a| format!("第{a}条")).unwrap_or_default();
            let when = on.as_deref().map(|d| format!("（{d}）")).unwrap_or_default();
            let tail = match replaced_by {
                Some(r) => {
                    format!("，已由《{}》{}取代", r.title, r.article.as_deref().unwrap_or(""))
                }
                None => String::new(),
            };
            format!("设定依据引用的《{title}》{article}已废止{when}{tail}。")
        }
        (Detail::ExceedsStatutory { committed, statutory }, _) => {
            format!("承诺时限“{committed}”长于法定时限“{statutory}”。")
        }
        (Detail::Immediate { committed }, _) => {
            format!("办件类型为即办件，承诺时限却为“{committed}”。")
        }
        (Detail::FeeFlag { flag, fee }, _) => format!("是否收费为“{flag}”，收费标准却为“{fee}”。"),
        (Detail::Extra { source, extra }, "QD602") => {
            format!("多出{}没有的中介服务：{}。", source_zh(source), extra.join("、"))
        }
        (Detail::Extra { source, extra }, _) => {
            format!("多出{}不要求的申请材料：{}。", source_zh(source), extra.join("、"))
        }
        (Detail::Steps { source, extra, ours, theirs }, _) => {
            let s = source_zh(source);
            format!(
                "多出{s}没有的办理环节：{}（{ours}个环节，{s}为{theirs}个）。",
                extra.join("、")
            )
        }
        (Detail::StepStamps { step }, _) => format!("环节“{step}”的盖章数“{a}”无法识别。"),
        (Detail::Split { level, of, values }, _) => {
            let list: Vec<String> =
                values.iter().take(3).map(|(v, n)| format!("{n}个为“{}”", shown(v))).collect();
            format!(
                "{of}个{}的{}无多数意见：{}，请以标准目录确定。",
                level.zh(),
                f.field.zh(),
                list.join("，")
            )
        }
        (Detail::SplitAcross { of, values }, _) => {
            let list: Vec<String> = values
                .iter()
                .take(4)
                .map(|(v, h)| format!("{}（{}）为“{}”", holders(h), h.len(), shown(v)))
                .collect();
            format!(
                "有此事项的{of}个区划（不分层级）{}不一致且无多数意见：{}；上下级应同一标准，请核定。",
                f.field.zh(),
                list.join("；")
            )
        }
        (Detail::Plain, "QD306") => {
            format!("设定依据“{a}”中无法识别法律法规引用（《名称》第N条）。")
        }
        (Detail::Plain, "QD405") => "办件类型为承诺件，却没有承诺时限。".to_string(),
        (Detail::Plain, "QD406") => {
            format!("{}“{a}”无法识别（应为数字加单位，如“20个工作日”）。", f.field.zh())
        }
        (Detail::Plain, "QD407") => format!(
            "{}为“{a}”，其说明却为“{}”。",
            f.field.zh(),
            f.expected.as_deref().unwrap_or("").trim()
        ),
        (Detail::Plain, "QD504") => format!("事项收费（“{a}”），但收费依据为空。"),
        (Detail::Plain, "QD505") => format!("收费标准“{a}”无法识别。"),
        (Detail::Plain, "QD606") => format!("到现场次数“{a}”无法识别。"),
        _ => String::new(),
    }
}

/// The English sentence of the rule.
fn en(f: &Finding) -> String {
    let a = f.actual.as_deref().unwrap_or("");
    let e = f.expected.as_deref().unwrap_or("");
    let name = f.item_name.as_deref().unwrap_or("");
    let code = f.item.as_deref().unwrap_or("");
    match (&f.detail, f.rule) {
        (Detail::Differs { source }, rule) => {
            let s = source_en(source);
            match rule {
                "QD101" => format!("Name “{a}” differs from {s}: “{e}”."),
                "QD202" => format!("Department “{a}” does not correspond to {s}: “{e}”."),
                "QD203" => format!("Levels “{a}” differ from {s}: “{e}”."),
                "QD304" => format!("The basis is empty; {s} has “{e}”."),
                "QD401" => format!("Statutory limit “{a}” differs from {s}: “{e}”."),
                "QD403" => format!("Committed limit “{a}” is longer than “{e}” of {s}."),
                "QD501" => format!("{s} is free, but this item charges (“{a}”)."),
                "QD502" => format!("Fee “{a}” differs from {s}: “{e}”."),
                "QD601" => format!("{a} on-site visits, more than the {e} of {s}."),
                "QD604" => format!("{a} stamps, more than the {e} of {s}."),
                "QD701" => format!("Kind {a} differs from {s}: {e}."),
                _ => String::new(),
            }
        }
        (Detail::Element { source, extra }, rule) => {
            let el = f.element.as_deref().unwrap_or("element");
            let s = source.as_ref().map(source_en).unwrap_or_default();
            let list = extra.join(", ");
            match rule {
                "QD801" => format!("{el} “{a}” differs from {s}: “{e}”."),
                "QD802" => format!("{el} “{a}” adds “{list}”, which {s} does not list (“{e}”)."),
                "QD803" => format!("The highest amount of {el} “{a}” is above {s}: “{e}”."),
                "QD804" => format!("{el} “{a}” is more often than {s}: “{e}”."),
                "QD805" => format!("{el} “{a}” is above {s}: “{e}”."),
                "QD806" => format!("The element {el}, required for the category, is empty."),
                "QD807" => format!("{el} “{a}”: “{list}” is not a kind the law lists."),
                "QD808" => format!("{el} “{a}”: “{list}” does not fit the type “{e}”."),
                "QD809" => format!("{el} “{a}” implies “{e}”, but the result type is “{list}”."),
                "QD810" => format!("{el} “{a}” cannot be read."),
                _ => String::new(),
            }
        }
        (Detail::Category { source, actual, expected }, _) => {
            format!("Category {} differs from {}: {}.", actual.en(), source_en(source), expected.en())
        }
        (Detail::Missing { source: Source::Standard, level }, _) => format!(
            "Missing item “{name}” ({code}) that the standard requires at {} level.",
            level.en()
        ),
        (Detail::Missing { source, .. }, _) => {
            format!("Missing item “{name}” ({code}); {} carry it.", source_en(source))
        }
        (Detail::Unknown { closest }, _) => {
            let tail = match closest {
                Some((code, name, sim)) => format!(
                    " The closest standard item is “{name}” ({code}, similarity {:.2}).",
                    sim.0
                ),
                None => String::new(),
            };
            format!("Item “{a}” is not in the standard.{tail}")
        }
        (Detail::AtLevel { level }, _) => format!(
            "Item “{name}” is exercised at {} level; the standard gives it to “{e}”.",
            level.en()
        ),
        (Detail::NoCountyCounterpart { county }, _) => {
            format!("Item “{name}” has no counterpart in the parent county {county}.")
        }
        (Detail::Rare { holders, of, level }, _) => format!(
            "Item “{name}” is carried by only {holders} of {of} {}; it may be unknown or at the wrong level.",
            plural(*level)
        ),
        (Detail::CodeMalformed { reason }, _) => {
            format!("Item code “{a}” is malformed: {}.", code_reason(reason, Lang::En))
        }
        (Detail::CodeCategory { code, key, named, category, own_key, category_wrong }, _) => {
            let named = named.map(|c| c.zh()).unwrap_or("未知类型");
            if *category_wrong {
                format!(
                    "The category {} disagrees with the category digits {key} of code {code}; it should be {named}.",
                    category.en()
                )
            } else {
                format!(
                    "Code {code}'s category digits {key} disagree with the category {} ({own_key}).",
                    category.en()
                )
            }
        }
        (Detail::Duplicate { row_name, count }, _) => {
            format!("Code {a} appears {count} times in this list (“{row_name}”).")
        }
        (Detail::SharedCode { code, score }, _) => format!(
            "Code {code} is “{e}”, but this row is “{a}” (name similarity {:.2}): one code for different items.",
            score.0
        ),
        (Detail::ShouldCarry { row_name, score, source }, _) => {
            let s = source_en(source);
            if a.is_empty() {
                format!(
                    "“{row_name}” has no code; matched by name to “{name}” of {s} (similarity {:.2}), it should carry {e}.",
                    score.0
                )
            } else {
                format!(
                    "“{row_name}” carries {a}; matched by name to “{name}” of {s} (similarity {:.2}), it should carry {e}.",
                    score.0
                )
            }
        }
        (Detail::Implementation { problems }, _) => {
            let list: Vec<String> = problems.iter().map(|p| impl_problem(p, Lang::En)).collect();
            format!("Implementation code {a} contradicts its row: {}.", list.join("; "))
        }
        (Detail::HandlingNumber { name, own, body }, _) => format!(
            "“{own}” numbers 办理项 “{name}” {a}; “{body}” of the same division numbers it {e}: they must agree."
        ),
        (Detail::Laws { source, titles: list }, "QD301") => {
            format!("The basis lacks {}, which {} cites.", titles(list), source_en(source))
        }
        (Detail::Laws { source, titles: list }, _) => {
            format!("The basis cites {}, which {} does not.", titles(list), source_en(source))
        }
        (Detail::Articles { source, title, ours, theirs }, _) => format!(
            "The basis cites 《{title}》{}; {} cites {}.",
            articles(ours),
            source_en(source),
            articles(theirs)
        ),
        (Detail::Repealed { title, article, on, replaced_by }, _) => {
            let article = article.map(|a| format!("第{a}条")).unwrap_or_default();
            let when = on.as_deref().map(|d| format!(" on {d}")).unwrap_or_default();
            let tail = match replaced_by {
                Some(r) => match &r.article {
                    Some(article) => format!("; replaced by 《{}》 {article}", r.title),
                    None => format!("; replaced by 《{}》", r.title),
                },
                None => String::new(),
            };
            format!("The basis cites 《{title}》 {article}, which has been repealed{when}{tail}.")
        }
        (Detail::ExceedsStatutory { committed, statutory }, _) => {
            format!("Committed limit “{committed}” is longer than the statutory limit “{statutory}”.")
        }
        (Detail::Immediate { committed }, _) => {
            format!("The item is 即办件 (immediate) but promises “{committed}”.")
        }
        (Detail::FeeFlag { flag, fee }, _) => format!("是否收费 says “{flag}” but the fee is “{fee}”."),
        (Detail::Extra { source, extra }, "QD602") => format!(
            "Intermediary services {} does not require: {}.",
            source_en(source),
            extra.join("、")
        ),
        (Detail::Extra { source, extra }, _) => {
            format!("Materials {} does not require: {}.", source_en(source), extra.join("、"))
        }
        (Detail::Steps { source, extra, ours, theirs }, _) => {
            let s = source_en(source);
            format!("Steps {s} does not have: {} ({ours} steps, {s} has {theirs}).", extra.join("、"))
        }
        (Detail::StepStamps { step }, _) => format!("The stamps “{a}” of step “{step}” cannot be read."),
        (Detail::Split { level, of, values }, _) => {
            let list: Vec<String> =
                values.iter().take(3).map(|(v, n)| format!("{n} “{}”", v.trim())).collect();
            format!(
                "The {of} {} are split on {}: {}; the standard should decide.",
                plural(*level),
                f.field.as_str(),
                list.join(", ")
            )
        }
        (Detail::SplitAcross { of, values }, _) => {
            let list: Vec<String> = values
                .iter()
                .take(4)
                .map(|(v, h)| format!("“{}” in {} ({})", v.trim(), holders(h), h.len()))
                .collect();
            format!(
                "The {of} jurisdictions carrying the item (all levels) differ on {} with no majority: {}; every level must hold the same.",
                f.field.as_str(),
                list.join("; ")
            )
        }
        (Detail::Plain, "QD306") => {
            format!("No law reference (《title》 article N) can be read from the basis “{a}”.")
        }
        (Detail::Plain, "QD405") => {
            "The item is 承诺件 (committed) but has no committed limit.".to_string()
        }
        (Detail::Plain, "QD406") => format!(
            "The {} “{a}” cannot be read (a number and a unit, e.g. 20个工作日).",
            f.field.as_str()
        ),
        (Detail::Plain, "QD407") => format!(
            "The {} is “{a}” but its explanation says “{}”.",
            f.field.as_str(),
            f.expected.as_deref().unwrap_or("").trim()
        ),
        (Detail::Plain, "QD504") => format!("The item charges (“{a}”) but gives no fee basis."),
        (Detail::Plain, "QD505") => format!("The fee “{a}” cannot be read."),
        (Detail::Plain, "QD606") => format!("The number of visits “{a}” cannot be read."),
        _ => String::new(),
    }
}
