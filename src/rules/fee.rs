//! Fee rules: charged where the reference is free, a different amount, 是否收费 contradicting
//! 收费标准, a charge with no 收费依据, and fees that cannot be read.

use crate::model::{Detail, FeeValue, Field, Item, Severity};

use super::{shown, Cmp, Rule, Sink, Subject};

/// QD501.
pub static FEE_CHARGED_WHERE_FREE: Rule = Rule {
    id: "QD501",
    name: "fee-charged-where-free",
    severity: Severity::Error,
    field: Some(Field::Fee),
    enabled: true,
    doc: "标准目录不收费，本地却收费 / The item charges a fee where the reference is free.

## What it does
The reference (standard or peers) is free (不收费, 免费, 0元, 是否收费 否) and the item charges
(an amount, 按…标准收取, or 是否收费 是).

## Why it matters
同一标准、减轻负担: a fee the region does not charge is an illegal charge on the applicant.

## Example
标准：不收费　本县：每件50元 → 报告。　标准：不收费　本县：免费 → 不报告。

## Configuration
`[rules.QD501] enabled, severity`.
",
};

/// QD502.
pub static FEE_AMOUNT_DIFFERS: Rule = Rule {
    id: "QD502",
    name: "fee-amount-differs",
    severity: Severity::Warning,
    field: Some(Field::Fee),
    enabled: true,
    doc: "收费金额与标准目录（或同级多数）不一致 / The fee amount differs from the reference.

## What it does
Both fees are amounts (N元) and the amounts differ.

## Why it matters
同一标准: the same service costs the same in every county.

## Example
标准：每证10元　本县：每证20元 → 报告。　本县：10元/证 → 不报告。

## Configuration
`[rules.QD502] enabled, severity`.
",
};

/// QD503.
pub static FEE_FLAG_CONTRADICTS_FEE: Rule = Rule {
    id: "QD503",
    name: "fee-flag-contradicts-fee",
    severity: Severity::Warning,
    field: Some(Field::Fee),
    enabled: true,
    doc: "是否收费与收费标准矛盾 / 是否收费 contradicts 收费标准.

## What it does
Within one row: 是否收费 否 with a charging 收费标准, or 是 with 不收费.

## Why it matters
A citizen reading either column must learn the same thing.

## Example
是否收费：否　收费标准：每件50元 → 报告。　是否收费：否　收费标准：免费 → 不报告。

## Configuration
`[rules.QD503] enabled, severity`.
",
};

/// QD504.
pub static FEE_WITHOUT_BASIS: Rule = Rule {
    id: "QD504",
    name: "fee-without-basis",
    severity: Severity::Warning,
    field: Some(Field::Fee),
    enabled: true,
    doc: "收费但没有收费依据 / A charge with no 收费依据.

## What it does
Within one row: the item charges (amount, 按…收取, or 是否收费 是) and 收费依据 is empty.

## Why it matters
依法行政: every administrative fee needs a published basis.

## Example
收费标准：每件50元　收费依据：（空） → 报告。

## Configuration
`[rules.QD504] enabled, severity`.
",
};

/// QD505.
pub static FEE_UNREADABLE: Rule = Rule {
    id: "QD505",
    name: "fee-unreadable",
    severity: Severity::Warning,
    field: Some(Field::Fee),
    enabled: true,
    doc: "收费标准无法识别 / The fee cannot be read.

## What it does
A 收费标准 that is neither free, an amount, nor 按…标准收取 is reported and left out of the
comparisons.

## Why it matters
同一标准: a fee nobody can read cannot be compared.

## Example
收费标准：视情况而定 → 报告。

## Configuration
`[rules.QD505] enabled, severity`.
",
};

/// Whether the 收费标准 itself says the item charges.
fn fee_charges(v: &FeeValue) -> Option<bool> {
    match v {
        FeeValue::Free => Some(false),
        FeeValue::Amount { fen, .. } => Some(*fen > 0),
        FeeValue::Charged => Some(true),
        FeeValue::Empty | FeeValue::Unparsed => None,
    }
}

/// Whether the item charges: the 收费标准 when it says, else 是否收费.
pub fn charges(item: &Item) -> Option<bool> {
    fee_charges(&item.fee.value).or(item.charged.value)
}

fn shown_fee(item: &Item) -> String {
    if item.fee.raw.trim().is_empty() {
        shown(&item.charged.raw).to_string()
    } else {
        item.fee.raw.trim().to_string()
    }
}

/// Compares the item's fee with the reference's.
pub fn compare(sink: &mut Sink, c: &Cmp) {
    if charges(c.reference) == Some(false) && charges(c.item) == Some(true) {
        sink.emit(
            &FEE_CHARGED_WHERE_FREE,
            None,
            &c.subject,
            Some(shown_fee(c.reference)),
            Some(shown_fee(c.item)),
            Detail::Differs { source: c.source.clone() },
        );
        return;
    }
    if let (FeeValue::Amount { fen: a, .. }, FeeValue::Amount { fen: r, .. }) =
        (&c.item.fee.value, &c.reference.fee.value)
    {
        if a != r {
            sink.emit(
                &FEE_AMOUNT_DIFFERS,
                None,
                &c.subject,
                Some(c.reference.fee.raw.trim().to_string()),
                Some(c.item.fee.raw.trim().to_string()),
                Detail::Differs { source: c.source.clone() },
            );
        }
    }
}

/// The checks within one row.
pub fn within(sink: &mut Sink, item: &Item, subject: &Subject) {
    if matches!(item.fee.value, FeeValue::Unparsed) {
        sink.emit(
            &FEE_UNREADABLE,
            None,
            subject,
            None,
            Some(item.fee.raw.trim().to_string()),
            Detail::Plain,
        );
    }
    if let (Some(flag), Some(fee)) = (item.charged.value, fee_charges(&item.fee.value)) {
        if flag != fee {
            sink.emit(
                &FEE_FLAG_CONTRADICTS_FEE,
                None,
                subject,
                Some(format!("是否收费：{}", if fee { "是" } else { "否" })),
                Some(format!(
                    "是否收费：{}；收费标准：{}",
                    item.charged.raw.trim(),
                    item.fee.raw.trim()
                )),
                Detail::FeeFlag {
                    flag: item.charged.raw.trim().to_string(),
                    fee: item.fee.raw.trim().to_string(),
                },
            );
        }
    }
    if charges(item) == Some(true) && item.fee_basis.trim().is_empty() {
        sink.emit(
            &FEE_WITHOUT_BASIS,
            None,
            subject,
            Some("收费依据".to_string()),
            Some(shown_fee(item)),
            Detail::Plain,
        );
    }
}
