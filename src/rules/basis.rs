//! Legal basis rules (设定依据): references missing or added against the reference, articles
//! differing, an empty basis, a repealed law cited, and a basis that cannot be read.

use std::collections::{BTreeMap, BTreeSet};

use crate::laws::LawRegistry;
use crate::model::{Basis, Detail, Field, Item, LawRef, Replacement, Severity};

use super::{Cmp, Rule, Sink, Subject};

/// QD301.
pub static BASIS_REFERENCE_MISSING: Rule = Rule {
    id: "QD301",
    name: "basis-reference-missing",
    severity: Severity::Warning,
    field: Some(Field::Basis),
    enabled: true,
    doc: "设定依据缺少标准目录引用的法律法规 / The basis lacks a law the reference cites.

## What it does
Bases are compared as sets of references 《title》第N条: a law the standard's (or the peers')
basis cites and the item's does not is reported. Titles compare without the 中华人民共和国
prefix; numerals, punctuation and quoted text do not matter.

## Why it matters
同一标准: every jurisdiction must exercise a power on the same legal basis.

## Example
标准：《食品安全法》第三十五条；《食品经营许可管理办法》第二条　本县：《食品安全法》第35条 → 报告缺少
《食品经营许可管理办法》。　本县：《中华人民共和国食品安全法》第35条；《食品经营许可管理办法》第二条 → 不报告。

## Configuration
`[rules.QD301] enabled, severity`.
",
};

/// QD302.
pub static BASIS_REFERENCE_ADDED: Rule = Rule {
    id: "QD302",
    name: "basis-reference-added",
    severity: Severity::Warning,
    field: Some(Field::Basis),
    enabled: true,
    doc: "设定依据引用了标准目录没有的法律法规 / The basis cites a law the reference does not.

## What it does
A law in the item's basis that the reference's basis does not cite.

## Why it matters
同一标准: an added basis may widen a power beyond what the region agreed.

## Example
标准：《食品安全法》第三十五条　本县：《食品安全法》第三十五条；《广西食品小作坊管理条例》第五条 → 报告。

## Configuration
`[rules.QD302] enabled, severity`.
",
};

/// QD303.
pub static BASIS_ARTICLE_DIFFERS: Rule = Rule {
    id: "QD303",
    name: "basis-article-differs",
    severity: Severity::Warning,
    field: Some(Field::Basis),
    enabled: true,
    doc: "设定依据引用的条款与标准目录不同 / The basis cites other articles of the same law.

## What it does
For a law both bases cite, the sets of article numbers differ. 第三十五条 and 第35条 are equal.

## Why it matters
同一标准: the article decides what the power is; a wrong article points to another power.

## Example
标准：《食品安全法》第三十五条　本县：《食品安全法》第三十六条 → 报告。　本县：《食品安全法》第35条 → 不报告。

## Configuration
`[rules.QD303] enabled, severity`.
",
};

/// QD304.
pub static BASIS_EMPTY: Rule = Rule {
    id: "QD304",
    name: "basis-empty",
    severity: Severity::Warning,
    field: Some(Field::Basis),
    enabled: true,
    doc: "设定依据为空 / The basis is empty where the reference has one.

## What it does
The item's 设定依据 is empty while the standard's (or the peers') is not.

## Why it matters
依法行政: a power without a written legal basis cannot be reviewed.

## Example
标准：《食品安全法》第三十五条　本县：（空） → 报告。

## Configuration
`[rules.QD304] enabled, severity`.
",
};

/// QD305.
pub static REPEALED_LAW_CITED: Rule = Rule {
    id: "QD305",
    name: "repealed-law-cited",
    severity: Severity::Error,
    field: Some(Field::Basis),
    enabled: true,
    doc: "设定依据引用了已废止的法律法规 / The basis cites a repealed law.

## What it does
Every reference is looked up in the bundled law registry (rules/laws.csv); a law that is repealed
(已废止) or expired (失效) is reported, naming what replaced it and, where the registry knows it,
the article that now holds the provision.

## Why it matters
有效衔接: a power based on a repealed law has no basis; it must be re-founded on the law in force.

## Example
本县：《中华人民共和国合同法》第五十二条 → 报告：已被《中华人民共和国民法典》取代（第一百五十三条）。

## Configuration
`[rules.QD305] enabled, severity`; the registry is rules/laws.csv (--rules DIR overrides it).
",
};

/// QD306.
pub static BASIS_UNREADABLE: Rule = Rule {
    id: "QD306",
    name: "basis-unreadable",
    severity: Severity::Warning,
    field: Some(Field::Basis),
    enabled: true,
    doc: "设定依据无法识别法律法规引用 / No 《title》 reference can be read from the basis.

## What it does
A non-empty 设定依据 from which no reference 《title》(第N条) can be read is reported; it is then
left out of the comparisons.

## Why it matters
同一标准: a basis nobody can parse cannot be compared or checked for repealed laws.

## Example
本县：依据相关法律规定 → 报告。

## Configuration
`[rules.QD306] enabled, severity`.
",
};

fn readable(b: &Basis) -> bool {
    !b.refs.is_empty()
}

/// Titles (for reports) and article sets per law key.
fn by_law(refs: &[LawRef]) -> BTreeMap<&str, (&str, BTreeSet<u32>)> {
    let mut map: BTreeMap<&str, (&str, BTreeSet<u32>)> = BTreeMap::new();
    for r in refs {
        let e = map.entry(r.key.as_str()).or_insert((r.title.as_str(), BTreeSet::new()));
        if let Some(a) = r.article {
            e.1.insert(a);
        }
    }
    map
}

fn articles(set: &BTreeSet<u32>) -> String {
    set.iter().map(|a| format!("第{a}条")).collect::<Vec<_>>().join("、")
}

/// Compares the item's basis with the reference's.
pub fn compare(sink: &mut Sink, c: &Cmp) {
    let (a, r) = (&c.item.basis, &c.reference.basis);
    // The reference's very basis (a peer in the same piece of the file shares it): nothing
    // differs. A basis with references is not blank, so the text is read only without them.
    if std::sync::Arc::ptr_eq(a, r) || (r.refs.is_empty() && r.is_empty()) {
        return;
    }
    if a.refs.is_empty() && a.is_empty() {
        sink.emit(
            &BASIS_EMPTY,
            None,
            &c.subject,
            Some(r.raw.trim().to_string()),
            None,
            Detail::Differs { source: c.source.clone() },
        );
        return;
    }
    if !readable(a) || !readable(r) {
        return;
    }
    // The reference's very references (most rows): the same laws with the same articles, so
    // nothing to report, decided without building the per-law maps.
    if a.refs == r.refs {
        return;
    }
    let (am, rm) = (by_law(&a.refs), by_law(&r.refs));
    let missing: Vec<&str> =
        rm.iter().filter(|(k, _)| !am.contains_key(*k)).map(|(_, v)| v.0).collect();
    let added: Vec<&str> =
        am.iter().filter(|(k, _)| !rm.contains_key(*k)).map(|(_, v)| v.0).collect();
    if !missing.is_empty() {
        sink.emit(
            &BASIS_REFERENCE_MISSING,
            None,
            &c.subject,
            Some(r.raw.trim().to_string()),
            Some(a.raw.trim().to_string()),
            Detail::Laws {
                source: c.source.clone(),
                titles: missing.iter().map(|t| t.to_string()).collect(),
            },
        );
    }
    if !added.is_empty() {
        sink.emit(
            &BASIS_REFERENCE_ADDED,
            None,
            &c.subject,
            Some(r.raw.trim().to_string()),
            Some(a.raw.trim().to_string()),
            Detail::Laws {
                source: c.source.clone(),
                titles: added.iter().map(|t| t.to_string()).collect(),
            },
        );
    }
    for (key, (title, rset)) in &rm {
        if let Some((_, aset)) = am.get(key) {
            if !rset.is_empty() && !aset.is_empty() && rset != aset {
                sink.emit(
                    &BASIS_ARTICLE_DIFFERS,
                    None,
                    &c.subject,
                    Some(format!("《{title}》{}", articles(rset))),
                    Some(format!("《{title}》{}", articles(aset))),
                    Detail::Articles {
                        source: c.source.clone(),
                        title: title.to_string(),
                        ours: aset.iter().copied().collect(),
                        theirs: rset.iter().copied().collect(),
                    },
                );
            }
        }
    }
}

/// The basis checks needing no reference: repealed laws cited, unreadable basis.
pub fn within(sink: &mut Sink, item: &Item, subject: &Subject, laws: &LawRegistry) {
    let b = &item.basis;
    // The same basis met before (another row of the same piece of the file citing the same
    // text) and found readable, citing no repealed law: nothing to read again.
    if sink.is_clean(b) {
        return;
    }
    // References are read from the text, so a basis with references is not blank: its text is
    // only read when it has none.
    if b.refs.is_empty() && b.is_empty() {
        return;
    }
    if !readable(b) {
        sink.emit(
            &BASIS_UNREADABLE,
            None,
            subject,
            None,
            Some(b.raw.trim().to_string()),
            Detail::Plain,
        );
        return;
    }
    let mut clean = true;
    for (n, r) in b.refs.iter().enumerate() {
        // Most laws cited are in force: the sink remembers each title's answer, so the registry
        // (and its shared memo) is asked once per title per batch of rows.
        if !sink.repealed(laws, &r.title) {
            continue;
        }
        clean = false;
        // A reference cited twice (same law and article) is reported once.
        if b.refs[..n].iter().any(|p| p.key == r.key && p.article == r.article) {
            continue;
        }
        let Some(law) = laws.lookup(&r.title) else { continue };
        let moved = r.article.and_then(|a| laws.renumbered(&r.title, a));
        let replaced_by = match (&law.replaced_by, moved) {
            (_, Some((title, article))) => Some(Replacement { title, article: Some(article) }),
            (Some(by), None) => Some(Replacement { title: by.to_string(), article: None }),
            (None, None) => None,
        };
        let expected = replaced_by
            .as_ref()
            .map(|r| format!("《{}》{}", r.title, r.article.as_deref().unwrap_or("")));
        let article = r.article.map(|a| format!("第{a}条")).unwrap_or_default();
        sink.emit(
            &REPEALED_LAW_CITED,
            None,
            subject,
            expected,
            Some(format!("《{}》{article}", r.title)),
            Detail::Repealed {
                title: r.title.to_string(),
                article: r.article,
                on: law.repealed_on.clone(),
                replaced_by,
            },
        );
    }
    if clean {
        sink.mark_clean(b);
    }
}
