//! The check configuration: rules/check.toml (embedded) or `--rules DIR/check.toml`, validated
//! before any data is read so that a bad file stops the run with file, key and line.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::error::Result;
use crate::laws::LawRegistry;
use crate::model::Severity;
use crate::rules::{Rule, RuleSetting, RULES};
use crate::rulesdir::{parse_toml, rules_file};
use crate::value::code::CodeLayouts;

const EMBEDDED: &str = include_str!("../../rules/check.toml");

/// Name matching thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Matching {
    /// Name similarity (Jaro–Winkler, `value::similar`) at or above which a name matches an item.
    pub name_similarity: f64,
    /// Below this, an item carrying a code is a different item (QD105).
    pub different_item_similarity: f64,
    /// A name match at or above this similarity is certain; below it (and without at least
    /// two identity fields agreeing and none disagreeing) it is a candidate, reported as info.
    pub certain_similarity: f64,
    /// Name similarity at or above which two steps/materials/intermediaries are the same one.
    pub part_similarity: f64,
    /// Candidates scored per name (those sharing the most bigrams).
    pub max_candidates: usize,
}

impl Default for Matching {
    fn default() -> Self {
        Matching {
            name_similarity: 0.86,
            different_item_similarity: 0.6,
            certain_similarity: 0.9,
            part_similarity: 0.8,
            max_candidates: 64,
        }
    }
}

/// Consensus shares (run without --standard).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Consensus {
    /// A value needs more than this share of peers to be the consensus.
    pub majority_share: f64,
    /// Values held by at most this share are flagged.
    pub minority_share: f64,
    /// Fewer peers than this: no consensus findings.
    pub min_peers: usize,
}

impl Default for Consensus {
    fn default() -> Self {
        Consensus { majority_share: 0.5, minority_share: 0.34, min_peers: 3 }
    }
}

/// One rule's settings in the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RuleToml {
    enabled: Option<bool>,
    severity: Option<Severity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileToml {
    #[serde(default)]
    matching: Matching,
    #[serde(default)]
    consensus: Consensus,
    #[serde(default)]
    rules: BTreeMap<String, RuleToml>,
}

/// Rule configuration (rules/check.toml, or --rules DIR).
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// Name matching thresholds.
    pub matching: Matching,
    /// Consensus shares (without --standard).
    pub consensus: Consensus,
    /// Settings per rule id; rules not listed keep their defaults.
    pub rules: BTreeMap<&'static str, RuleSetting>,
    /// Implementation-code layouts (rules/codes.toml).
    pub layouts: CodeLayouts,
    /// The law registry of `--rules DIR` when it has its own laws.csv or renumbering.csv; the
    /// bundled one otherwise.
    pub laws: Option<Arc<LawRegistry>>,
    /// The categories' own elements (rules/categories.toml).
    pub categories: Arc<crate::rules::categories::Categories>,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            matching: Matching::default(),
            consensus: Consensus::default(),
            rules: RULES
                .iter()
                .map(|r| (r.id, RuleSetting { enabled: r.enabled, severity: r.severity }))
                .collect(),
            layouts: CodeLayouts::builtin().clone(),
            laws: None,
            categories: crate::rules::categories::Categories::builtin().clone(),
        }
    }
}

impl CheckConfig {
    /// Loads and validates the rules configuration; a bad file stops the run.
    pub fn load(rules_dir: Option<&Path>) -> Result<CheckConfig> {
        let text = rules_file(rules_dir, "check.toml", EMBEDDED)?;
        let file: FileToml = parse_toml(&text)?;
        let mut config = CheckConfig::default();
        let bad = |key: &str, message: String| text.error_at(key, text.text.find(key), message);
        let m = &file.matching;
        for (key, v) in [
            ("name-similarity", m.name_similarity),
            ("different-item-similarity", m.different_item_similarity),
            ("certain-similarity", m.certain_similarity),
            ("part-similarity", m.part_similarity),
            ("majority-share", file.consensus.majority_share),
            ("minority-share", file.consensus.minority_share),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(bad(key, format!("must be between 0 and 1, not {v}")));
            }
        }
        if file.consensus.minority_share > file.consensus.majority_share {
            return Err(bad("minority-share", "must not exceed majority-share".into()));
        }
        config.matching = file.matching.clone();
        config.matching.max_candidates = config.matching.max_candidates.max(1);
        config.consensus = file.consensus.clone();
        config.layouts = CodeLayouts::load(rules_dir)?;
        config.categories = crate::rules::categories::Categories::load(rules_dir)?;
        if let Some(dir) = rules_dir {
            if dir.join("laws.csv").exists() || dir.join("renumbering.csv").exists() {
                config.laws = Some(Arc::new(LawRegistry::load(Some(dir))?));
            }
        }
        for (key, setting) in &file.rules {
            let rule = crate::rules::find(key)
                .ok_or_else(|| bad(key, format!("unknown rule `{key}` (see `qingdan rules`)")))?;
            let entry = config
                .rules
                .entry(rule.id)
                .or_insert(RuleSetting { enabled: rule.enabled, severity: rule.severity });
            if let Some(e) = setting.enabled {
                entry.enabled = e;
            }
            if let Some(s) = setting.severity {
                entry.severity = s;
            }
        }
        Ok(config)
    }

    /// The law registry for this run.
    pub fn laws(&self) -> &LawRegistry {
        self.laws.as_deref().unwrap_or_else(|| LawRegistry::bundled())
    }

    /// How `rule` is set in this run.
    pub fn setting(&self, rule: &Rule) -> RuleSetting {
        self.rules
            .get(rule.id)
            .copied()
            .unwrap_or(RuleSetting { enabled: rule.enabled, severity: rule.severity })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<CheckConfig> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("check.toml"), text).unwrap();
        CheckConfig::load(Some(dir.path()))
    }

    #[test]
    fn embedded_file_loads_and_turns_department_off() {
        let c = CheckConfig::load(None).unwrap();
        assert!(!c.setting(&crate::rules::item::DEPARTMENT_DIFFERS).enabled);
        assert!(c.setting(&crate::rules::item::NAME_DIFFERS_FROM_STANDARD).enabled);
    }

    #[test]
    fn settings_by_id_or_name() {
        let c = load_text("[rules.name-differs-from-standard]\nseverity = \"error\"\n").unwrap();
        assert_eq!(
            c.setting(&crate::rules::item::NAME_DIFFERS_FROM_STANDARD).severity,
            Severity::Error
        );
    }

    #[test]
    fn bad_files_name_key_and_line() {
        let e = load_text("[matching]\nname-similarty = 0.5\n").unwrap_err().to_string();
        assert!(e.contains(":2"), "{e}");
        assert!(e.contains("name-similarty"), "{e}");
        let e = load_text("\n[rules.QD999]\nenabled = false\n").unwrap_err().to_string();
        assert!(e.contains(":2") && e.contains("QD999"), "{e}");
        let e = load_text("[rules.QD101]\nseverity = \"fatal\"\n").unwrap_err().to_string();
        assert!(e.contains(":2"), "{e}");
        let e = load_text("[consensus]\nmajority-share = 1.5\n").unwrap_err().to_string();
        assert!(e.contains("majority-share"), "{e}");
    }
}
