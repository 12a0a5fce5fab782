//! The column mapping of rules/columns.toml: which header names (Chinese, English alias, system
//! export names) mean which field of each table, the coded values of system exports, and the
//! time limits a system stores as a number plus a unit code.

use std::collections::BTreeMap;
use std::path::Path;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::rulesdir::{parse_toml, rules_file};

/// The built-in mapping.
const EMBEDDED: &str = include_str!("../../rules/columns.toml");

/// The tables of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Table {
    Jurisdictions,
    Items,
    Steps,
    Materials,
    /// The category elements in long form (区划代码, 事项编码, 要素, 值).
    Elements,
}

impl Table {
    /// All tables, in reading order.
    pub(crate) const ALL: [Table; 5] =
        [Table::Jurisdictions, Table::Items, Table::Steps, Table::Materials, Table::Elements];

    /// The English file stem / report word.
    pub(crate) fn stem(self) -> &'static str {
        match self {
            Table::Jurisdictions => "jurisdictions",
            Table::Items => "items",
            Table::Steps => "steps",
            Table::Materials => "materials",
            Table::Elements => "elements",
        }
    }

    /// The Chinese file stem / sheet name.
    pub(crate) fn zh(self) -> &'static str {
        match self {
            Table::Jurisdictions => "区划",
            Table::Items => "事项",
            Table::Steps => "流程",
            Table::Materials => "材料",
            Table::Elements => "要素",
        }
    }

    /// The table a file stem or sheet name stands for.
    pub(crate) fn from_stem(stem: &str) -> Option<Table> {
        let s = crate::value::name::normalize(stem).to_ascii_lowercase();
        Table::ALL.into_iter().find(|t| s == t.stem() || s == t.zh())
    }
}

/// Every field a column can hold, across the four tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Col {
    // jurisdictions
    JurCode,
    JurName,
    JurLevel,
    JurParent,
    // items, steps, materials
    Jurisdiction,
    Code,
    ImplementationCode,
    Name,
    Category,
    Department,
    Levels,
    Basis,
    StatutoryLimit,
    CommittedLimit,
    Charged,
    Fee,
    FeeBasis,
    Visits,
    Intermediaries,
    Kind,
    RecordId,
    Version,
    HandlingCode,
    StatutoryNote,
    CommittedNote,
    ItemName,
    Seq,
    Step,
    StepLimit,
    Stamps,
    Material,
    Required,
    Copies,
    Stamped,
    // elements
    Element,
    ElementValue,
}

/// Number of `Col` variants (the size of a header map).
pub(crate) const N_COLS: usize = Col::ElementValue as usize + 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct JurisdictionsCols {
    #[serde(default)]
    code: Vec<String>,
    #[serde(default)]
    name: Vec<String>,
    #[serde(default)]
    level: Vec<String>,
    #[serde(default)]
    parent: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ItemsCols {
    #[serde(default)]
    jurisdiction: Vec<String>,
    #[serde(default)]
    code: Vec<String>,
    #[serde(default)]
    implementation_code: Vec<String>,
    #[serde(default)]
    name: Vec<String>,
    #[serde(default)]
    category: Vec<String>,
    #[serde(default)]
    department: Vec<String>,
    #[serde(default)]
    levels: Vec<String>,
    #[serde(default)]
    basis: Vec<String>,
    #[serde(default)]
    statutory_limit: Vec<String>,
    #[serde(default)]
    committed_limit: Vec<String>,
    #[serde(default)]
    charged: Vec<String>,
    #[serde(default)]
    fee: Vec<String>,
    #[serde(default)]
    fee_basis: Vec<String>,
    #[serde(default)]
    visits: Vec<String>,
    #[serde(default)]
    intermediaries: Vec<String>,
    #[serde(default)]
    kind: Vec<String>,
    #[serde(default)]
    record_id: Vec<String>,
    #[serde(default)]
    version: Vec<String>,
    #[serde(default)]
    handling_code: Vec<String>,
    #[serde(default)]
    statutory_limit_note: Vec<String>,
    #[serde(default)]
    committed_limit_note: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct StepsCols {
    #[serde(default)]
    jurisdiction: Vec<String>,
    #[serde(default)]
    code: Vec<String>,
    #[serde(default)]
    item_name: Vec<String>,
    #[serde(default)]
    seq: Vec<String>,
    #[serde(default)]
    step: Vec<String>,
    #[serde(default)]
    step_limit: Vec<String>,
    #[serde(default)]
    stamps: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct MaterialsCols {
    #[serde(default)]
    jurisdiction: Vec<String>,
    #[serde(default)]
    code: Vec<String>,
    #[serde(default)]
    item_name: Vec<String>,
    #[serde(default)]
    material: Vec<String>,
    #[serde(default)]
    required: Vec<String>,
    #[serde(default)]
    copies: Vec<String>,
    #[serde(default)]
    stamped: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ElementsCols {
    #[serde(default)]
    jurisdiction: Vec<String>,
    #[serde(default)]
    code: Vec<String>,
    #[serde(default)]
    item_name: Vec<String>,
    #[serde(default)]
    element: Vec<String>,
    #[serde(default)]
    value: Vec<String>,
}

/// Which field a composite time limit fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum LimitField {
    StatutoryLimit,
    CommittedLimit,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CompositeLimit {
    field: LimitField,
    amount: String,
    unit: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ColumnsFile {
    jurisdictions: JurisdictionsCols,
    items: ItemsCols,
    steps: StepsCols,
    materials: MaterialsCols,
    #[serde(default)]
    elements: ElementsCols,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    composite_limits: Vec<CompositeLimit>,
    #[serde(default)]
    limit_units: BTreeMap<String, String>,
}

/// The loaded mapping, keyed by normalised header names.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    /// Per table: normalised header name → field.
    aliases: [FxHashMap<String, Col>; 5],
    /// Normalised column name → (code → text).
    values: FxHashMap<String, FxHashMap<String, String>>,
    /// (field, amount column, unit column), names normalised.
    composites: Vec<(Col, String, String)>,
    /// Unit code → unit text.
    limit_units: FxHashMap<String, String>,
    /// The categories' own elements (rules/categories.toml): their columns in items.csv and
    /// their names in elements.csv.
    pub(crate) categories: std::sync::Arc<crate::rules::categories::Categories>,
}

/// The comparison form of a header name: whitespace and width removed, ASCII lower-cased.
pub(crate) fn header_key(name: &str) -> String {
    crate::value::name::normalize(name).to_ascii_lowercase()
}

impl Columns {
    /// Reads rules/columns.toml (embedded, or from `rules_dir` when it has one).
    pub(crate) fn load(rules_dir: Option<&Path>) -> Result<Columns> {
        let text = rules_file(rules_dir, "columns.toml", EMBEDDED)?;
        let file: ColumnsFile = parse_toml(&text)?;
        let categories = crate::rules::categories::Categories::load(rules_dir)?;
        Columns::build(file, &text.label, categories)
    }

    fn build(
        file: ColumnsFile,
        label: &str,
        categories: std::sync::Arc<crate::rules::categories::Categories>,
    ) -> Result<Columns> {
        let j = file.jurisdictions;
        let i = file.items;
        let s = file.steps;
        let m = file.materials;
        let e = file.elements;
        let tables: [Vec<(Col, Vec<String>)>; 5] = [
            vec![
                (Col::JurCode, j.code),
                (Col::JurName, j.name),
                (Col::JurLevel, j.level),
                (Col::JurParent, j.parent),
            ],
            vec![
                (Col::Jurisdiction, i.jurisdiction),
                (Col::Code, i.code),
                (Col::ImplementationCode, i.implementation_code),
                (Col::Name, i.name),
                (Col::Category, i.category),
                (Col::Department, i.department),
                (Col::Levels, i.levels),
                (Col::Basis, i.basis),
                (Col::StatutoryLimit, i.statutory_limit),
                (Col::CommittedLimit, i.committed_limit),
                (Col::Charged, i.charged),
                (Col::Fee, i.fee),
                (Col::FeeBasis, i.fee_basis),
                (Col::Visits, i.visits),
                (Col::Intermediaries, i.intermediaries),
                (Col::Kind, i.kind),
                (Col::RecordId, i.record_id),
                (Col::Version, i.version),
                (Col::HandlingCode, i.handling_code),
                (Col::StatutoryNote, i.statutory_limit_note),
                (Col::CommittedNote, i.committed_limit_note),
            ],
            vec![
                (Col::Jurisdiction, s.jurisdiction),
                (Col::Code, s.code),
                (Col::ItemName, s.item_name),
                (Col::Seq, s.seq),
                (Col::Step, s.step),
                (Col::StepLimit, s.step_limit),
                (Col::Stamps, s.stamps),
            ],
            vec![
                (Col::Jurisdiction, m.jurisdiction),
                (Col::Code, m.code),
                (Col::ItemName, m.item_name),
                (Col::Material, m.material),
                (Col::Required, m.required),
                (Col::Copies, m.copies),
                (Col::Stamped, m.stamped),
            ],
            vec![
                (Col::Jurisdiction, e.jurisdiction),
                (Col::Code, e.code),
                (Col::ItemName, e.item_name),
                (Col::Element, e.element),
                (Col::ElementValue, e.value),
            ],
        ];
        let mut aliases: [FxHashMap<String, Col>; 5] = Default::default();
        for (t, fields) in tables.into_iter().enumerate() {
            for (col, names) in fields {
                for name in names {
                    let key = header_key(&name);
                    if key.is_empty() {
                        continue;
                    }
                    if let Some(prev) = aliases[t].insert(key, col) {
                        if prev != col {
                            return Err(Error::Rules {
                                file: label.to_string(),
                                line: None,
                                column: None,
                                key: Some(format!("{}.{name}", Table::ALL[t].stem())),
                                message: format!(
                                    "the column name {name:?} is given for two fields of one table"
                                ),
                            });
                        }
                    }
                }
            }
        }
        let values = file
            .values
            .into_iter()
            .map(|(col, map)| {
                let map = map.into_iter().map(|(k, v)| (k.trim().to_string(), v)).collect();
                (header_key(&col), map)
            })
            .collect();
        let composites = file
            .composite_limits
            .into_iter()
            .map(|c| {
                let col = match c.field {
                    LimitField::StatutoryLimit => Col::StatutoryLimit,
                    LimitField::CommittedLimit => Col::CommittedLimit,
                };
                (col, header_key(&c.amount), header_key(&c.unit))
            })
            .collect();
        let limit_units =
            file.limit_units.into_iter().map(|(k, v)| (k.trim().to_string(), v)).collect();
        Ok(Columns { aliases, values, composites, limit_units, categories })
    }

    /// Maps a header row of `table` to fields.
    pub(crate) fn map_header(&self, table: Table, header: &[String]) -> HeaderMap {
        let aliases = &self.aliases[table as usize];
        let mut map = HeaderMap {
            index: [None; N_COLS],
            values: vec![None; header.len()],
            composites: Vec::new(),
            elements: Vec::new(),
            ignored: Vec::new(),
            names: header.to_vec(),
        };
        let keys: Vec<String> = header.iter().map(|h| header_key(h)).collect();
        let mut used = vec![false; header.len()];
        for (i, key) in keys.iter().enumerate() {
            if let Some(&col) = aliases.get(key) {
                if map.index[col as usize].is_none() {
                    map.index[col as usize] = Some(i);
                    used[i] = true;
                }
            }
            if let Some(v) = self.values.get(key) {
                map.values[i] = Some(v.clone());
            }
        }
        if table == Table::Items {
            for (col, amount, unit) in &self.composites {
                let a = keys.iter().position(|k| k == amount);
                let u = keys.iter().position(|k| k == unit);
                if let (Some(a), Some(u)) = (a, u) {
                    used[a] = true;
                    used[u] = true;
                    map.composites.push(Composite {
                        col: *col,
                        amount: a,
                        unit: u,
                        units: self.limit_units.clone(),
                    });
                }
            }
        }
        if table == Table::Items {
            // The category elements' columns: those no field of the table claims.
            for (i, h) in header.iter().enumerate() {
                if used[i] {
                    continue;
                }
                if let Some(e) = self.categories.find(h) {
                    if !map.elements.iter().any(|&(_, f)| f == e) {
                        map.elements.push((i, e));
                        used[i] = true;
                    }
                }
            }
        }
        map.ignored = header
            .iter()
            .zip(&used)
            .filter(|(h, used)| !**used && !h.trim().is_empty())
            .map(|(h, _)| h.trim().to_string())
            .collect();
        map
    }
}

/// A time limit stored as an amount column and a unit-code column.
#[derive(Debug, Clone)]
pub(crate) struct Composite {
    pub(crate) col: Col,
    pub(crate) amount: usize,
    pub(crate) unit: usize,
    pub(crate) units: FxHashMap<String, String>,
}

impl Composite {
    /// The limit as text (`20个工作日`), or empty when no amount is given.
    pub(crate) fn compose(&self, amount: &str, unit: &str) -> String {
        let amount = amount.trim();
        if amount.is_empty() {
            return String::new();
        }
        let unit = unit.trim();
        match self.units.get(unit) {
            Some(text) => format!("{amount}{text}"),
            // An unknown unit code stays visible in the value, which then does not parse.
            None => format!("{amount}（时限单位{unit}）"),
        }
    }
}

/// How the columns of one file map to fields.
#[derive(Debug, Clone)]
pub(crate) struct HeaderMap {
    /// Field → column index.
    pub(crate) index: [Option<usize>; N_COLS],
    /// Column index → coded values to translate.
    pub(crate) values: Vec<Option<FxHashMap<String, String>>>,
    pub(crate) composites: Vec<Composite>,
    /// (column index, element index in rules/categories.toml) of the category elements'
    /// columns, in header order.
    pub(crate) elements: Vec<(usize, usize)>,
    /// Header names that map to nothing.
    pub(crate) ignored: Vec<String>,
    /// The header as read.
    pub(crate) names: Vec<String>,
}

impl HeaderMap {
    /// The column of a field.
    pub(crate) fn get(&self, col: Col) -> Option<usize> {
        self.index[col as usize]
    }

    /// True when the field has a column (directly or as a composite).
    pub(crate) fn has(&self, col: Col) -> bool {
        self.get(col).is_some() || self.composites.iter().any(|c| c.col == col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_mapping_parses() {
        let c = Columns::load(None).unwrap();
        let h: Vec<String> =
            ["　事项名称 ", "CODE", "task_type", "anticipate_day", "anticipate_type", "备注"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        let m = c.map_header(Table::Items, &h);
        assert_eq!(m.get(Col::Name), Some(0));
        assert_eq!(m.get(Col::Code), Some(1));
        assert_eq!(m.get(Col::Category), Some(2));
        assert!(m.has(Col::StatutoryLimit));
        assert_eq!(m.ignored, vec!["备注".to_string()]);
        assert_eq!(m.composites[0].compose("20", "1"), "20个工作日");
        assert_eq!(m.values[2].as_ref().and_then(|v| v.get("01")).unwrap(), "行政许可");
    }

    #[test]
    fn unknown_keys_are_errors_with_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let bad = EMBEDDED.replace("[items]\n", "[items]\nnmae = [\"x\"]\n");
        std::fs::write(dir.path().join("columns.toml"), bad).unwrap();
        let err = Columns::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("columns.toml:"), "{err}");
        assert!(err.contains("nmae"), "{err}");
    }

    #[test]
    fn stems_in_both_languages() {
        assert_eq!(Table::from_stem("事项"), Some(Table::Items));
        assert_eq!(Table::from_stem("Steps"), Some(Table::Steps));
        assert_eq!(Table::from_stem("other"), None);
    }
}
