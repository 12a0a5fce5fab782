//! The simplification score: weights from rules/scoring.toml and the formula
//! `score = Σ weight_m × (before_m − after_m)` (days clamped to ±days-cap).

use std::path::Path;

use serde::Deserialize;

use super::measures::Measures;
use crate::error::{Error, Result};
use crate::rulesdir;

/// The embedded default weights.
pub const DEFAULT_SCORING: &str = include_str!("../../rules/scoring.toml");

/// Weights and thresholds of `qingdan diff` (rules/scoring.toml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Scoring {
    /// Weight of one step removed.
    pub steps: f64,
    /// Weight of one stamp removed.
    pub stamps: f64,
    /// Weight of one required material removed.
    pub materials: f64,
    /// Weight of one on-site visit removed.
    pub visits: f64,
    /// Weight of one intermediary service removed.
    pub intermediaries: f64,
    /// Weight of an item becoming free.
    pub charged: f64,
    /// Weight of one working day cut from the committed limit.
    pub committed_days: f64,
    /// Largest day difference that counts, either way.
    pub days_cap: u64,
    /// Name similarity at or above which an item whose code changed is matched by name.
    pub item_name_threshold: f64,
    /// Name similarity at or above which a material or step is the same one reworded.
    pub material_threshold: f64,
}

impl Default for Scoring {
    fn default() -> Self {
        // The embedded file is checked by a unit test; fall back to the same numbers anyway so
        // that a default never panics.
        toml::from_str(DEFAULT_SCORING).unwrap_or(Scoring {
            steps: 1.0,
            stamps: 1.0,
            materials: 1.0,
            visits: 2.0,
            intermediaries: 2.0,
            charged: 2.0,
            committed_days: 0.2,
            days_cap: 30,
            item_name_threshold: 0.92,
            material_threshold: 0.8,
        })
    }
}

impl Scoring {
    /// Reads scoring.toml from `--rules DIR` when present there, else the embedded default.
    pub fn load(dir: Option<&Path>) -> Result<Scoring> {
        let text = rulesdir::rules_file(dir, "scoring.toml", DEFAULT_SCORING)?;
        let s: Scoring = rulesdir::parse_toml(&text)?;
        s.validate(&text.label)?;
        Ok(s)
    }

    fn validate(&self, label: &str) -> Result<()> {
        let weights = [
            ("steps", self.steps),
            ("stamps", self.stamps),
            ("materials", self.materials),
            ("visits", self.visits),
            ("intermediaries", self.intermediaries),
            ("charged", self.charged),
            ("committed-days", self.committed_days),
        ];
        for (key, w) in weights {
            // A negative weight would break monotonicity: more reductions would score lower.
            if !w.is_finite() || w < 0.0 {
                return Err(rules_error(label, key, "weight must be a finite number ≥ 0"));
            }
        }
        for (key, t) in [
            ("item-name-threshold", self.item_name_threshold),
            ("material-threshold", self.material_threshold),
        ] {
            if !(0.0..=1.0).contains(&t) {
                return Err(rules_error(label, key, "threshold must be between 0 and 1"));
            }
        }
        Ok(())
    }

    /// The score of one item: `Σ weight_m × (before_m − after_m)`, rounded to 1/1000 so that
    /// output never shows float noise. Zero when the measures are equal.
    pub fn score(&self, before: &Measures, after: &Measures) -> f64 {
        let d = |b: u64, a: u64| b as f64 - a as f64;
        let mut s = self.steps * d(before.steps, after.steps)
            + self.stamps * d(before.stamps, after.stamps)
            + self.materials * d(before.materials, after.materials)
            + self.visits * d(before.visits, after.visits)
            + self.intermediaries * d(before.intermediaries, after.intermediaries)
            + self.charged * d(before.charged as u64, after.charged as u64);
        if let (Some(b), Some(a)) = (before.committed_days, after.committed_days) {
            let cap = self.days_cap as f64;
            s += self.committed_days * d(b, a).clamp(-cap, cap);
        }
        let r = (s * 1000.0).round() / 1000.0;
        // -0.0 prints as "-0" in JSON; a score of no change is plain 0.
        if r == 0.0 {
            0.0
        } else {
            r
        }
    }
}

fn rules_error(label: &str, key: &str, message: &str) -> Error {
    Error::Rules {
        file: label.to_string(),
        line: None,
        column: None,
        key: Some(key.to_string()),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn embedded_scoring_parses() {
        let s: Scoring = toml::from_str(DEFAULT_SCORING).expect("rules/scoring.toml");
        assert_eq!(s, Scoring::load(None).unwrap());
        assert_eq!(s.visits, 2.0);
    }

    #[test]
    fn unknown_keys_are_refused_with_position() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scoring.toml"), "steps = 1.0\nstepz = 2.0\n").unwrap();
        let e = Scoring::load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("scoring.toml:2:1"), "{e}");
    }

    #[test]
    fn negative_weights_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let text = DEFAULT_SCORING.replace("steps = 1.0", "steps = -1.0");
        std::fs::write(dir.path().join("scoring.toml"), text).unwrap();
        let e = Scoring::load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("steps"), "{e}");
    }

    fn m(v: [u64; 6], days: Option<u64>, charged: bool) -> Measures {
        Measures {
            steps: v[0],
            stamps: v[1],
            materials: v[2],
            committed_days: days,
            visits: v[3],
            intermediaries: v[4],
            charged: charged || v[5] > 0,
        }
    }

    #[test]
    fn score_signs() {
        let s = Scoring::default();
        let a = m([4, 3, 5, 2, 1, 0], Some(20), true);
        assert_eq!(s.score(&a, &a), 0.0);
        let simpler = m([3, 2, 4, 1, 0, 0], Some(10), false);
        // 1 + 1 + 1 + 2 + 2 + 2 + 0.2 × 10
        assert_eq!(s.score(&a, &simpler), 11.0);
        assert_eq!(s.score(&simpler, &a), -11.0);
        // Days are capped at 30.
        let long = m([4, 3, 5, 2, 1, 0], Some(200), true);
        assert_eq!(s.score(&long, &a), 6.0);
    }

    fn measures() -> impl Strategy<Value = Measures> {
        (proptest::array::uniform6(0u64..20), proptest::option::of(0u64..100), any::<bool>())
            .prop_map(|(v, d, c)| m(v, d, c))
    }

    proptest! {
        /// Monotone: an `after` that is nowhere worse than another `after` never scores lower.
        #[test]
        fn score_is_monotone(before in measures(), a1 in measures(), cut in proptest::array::uniform6(0u64..5), day_cut in 0u64..50, free in any::<bool>()) {
            let s = Scoring::default();
            let a2 = Measures {
                steps: a1.steps.saturating_sub(cut[0]),
                stamps: a1.stamps.saturating_sub(cut[1]),
                materials: a1.materials.saturating_sub(cut[2]),
                visits: a1.visits.saturating_sub(cut[3]),
                intermediaries: a1.intermediaries.saturating_sub(cut[4]),
                committed_days: a1.committed_days.map(|d| d.saturating_sub(day_cut)),
                charged: a1.charged && !free,
            };
            prop_assert!(s.score(&before, &a2) >= s.score(&before, &a1));
            // Zero exactly when nothing changed.
            prop_assert_eq!(s.score(&before, &before), 0.0);
            // Antisymmetric: the way back scores the opposite.
            prop_assert_eq!(s.score(&before, &a1), -s.score(&a1, &before));
        }
    }
}
