//! Items built in code for the unit tests of `diff`, with parsed values set directly so that the
//! tests do not depend on the value parsers or the loader.

use crate::model::*;

/// A 承诺件 licensing item with no steps, no materials, free, 1 visit.
pub fn item(jurisdiction: &str, code: &str, name: &str) -> Item {
    Item {
        jurisdiction: jurisdiction.into(),
        code: Code::parse(code.into()).into(),
        implementation_code: None,
        name: Name::new(name.into()).into(),
        department: Name::new("兴宁区市场监督管理局".into()).into(),
        body: ItemBody {
            category_raw: "行政许可".into(),
            category: Some(Category::Licensing),
            levels: Levels::parse("".into()).into(),
            basis: Basis { raw: "".into(), refs: Vec::new() }.into(),
            statutory_limit: days("20个工作日", 20).into(),
            committed_limit: days("10个工作日", 10).into(),
            charged: Flag::parse("否".into()).into(),
            fee: Fee { raw: "不收费".into(), value: FeeValue::Free }.into(),
            fee_basis: "".into(),
            visits: Count::parse("1".into()).into(),
            intermediaries: Intermediaries::parse("无".into()).into(),
            kind_raw: "承诺件".into(),
            kind: Some(Kind::Committed),
            statutory_note: "".into(),
            committed_note: "".into(),
        }
        .into(),
        steps: Vec::new(),
        materials: Vec::new(),
        elements: Vec::new(),
        line: 2,
    }
}

/// A limit of `n` working days written as `raw`.
pub fn days(raw: &str, n: u32) -> TimeLimit {
    TimeLimit {
        raw: raw.into(),
        value: LimitValue::Amount { amount: n, unit: TimeUnit::WorkingDays },
    }
}

/// A step with `stamps` seals.
pub fn step(seq: u32, name: &str, stamps: u64) -> Step {
    let body = StepBody {
        seq: Some(seq),
        name: Name::new(name.into()).into(),
        limit: TimeLimit { raw: "".into(), value: LimitValue::None }.into(),
        stamps: Count::parse(stamps.to_string().into()).into(),
    };
    Step::new(body.into(), 2)
}

/// A material, required or optional, stamped or not.
pub fn material(name: &str, required: bool, stamped: bool) -> Material {
    let yn = |b: bool| if b { "是" } else { "否" };
    let body = MaterialBody {
        name: Name::new(name.into()).into(),
        required: Flag::parse(yn(required).into()).into(),
        copies: Count::parse("1".into()).into(),
        stamped: Flag::parse(yn(stamped).into()).into(),
    };
    Material::new(body.into(), 2)
}

/// A reference 《title》第article条.
pub fn law(title: &str, article: u32) -> LawRef {
    LawRef {
        key: title.trim_start_matches("中华人民共和国").to_string(),
        article: Some(article),
        paragraph: None,
        item: None,
        title: title.to_string(),
    }
}

/// A dataset of these items.
pub fn dataset(items: Vec<Item>) -> Dataset {
    Dataset {
        source: "test".into(),
        jurisdictions: Vec::new(),
        items,
        report: LoadReport::default(),
    }
}
