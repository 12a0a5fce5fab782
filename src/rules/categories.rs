//! The categories' own elements (rules/categories.toml, embedded or `--rules DIR`): per
//! category, the elements its implementation-list standard adds to the common fields, how each
//! is read and whether it is required; validated at start, so that a bad file stops the run with
//! file, key and line.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::error::Result;
use crate::rulesdir::{parse_toml, rules_file, RulesText};
use crate::value::element::{ElementValue, Grammar};
use crate::value::name::normalize;
use crate::vocab::{Category, Str};

const EMBEDDED: &str = include_str!("../../rules/categories.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileToml {
    #[serde(default)]
    category: Vec<CategoryToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CategoryToml {
    category: String,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    element: Vec<ElementToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ElementToml {
    name: String,
    alias: String,
    #[serde(default)]
    columns: Vec<String>,
    grammar: Grammar,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    vocabulary: Vec<String>,
    #[serde(default)]
    vocabulary_source: Option<String>,
    #[serde(default)]
    synonyms: BTreeMap<String, String>,
    #[serde(default)]
    fits_element: Option<String>,
    #[serde(default)]
    fits: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    implies: Vec<ImpliesToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ImpliesToml {
    suffixes: Vec<String>,
    element: String,
    value: String,
}

/// A value ending in one of `suffixes` implies that `element` is `value` (…证 ⇒ 出证办结).
#[derive(Debug, Clone, PartialEq)]
pub struct Implies {
    /// Normalised suffixes, longest first.
    pub suffixes: Vec<String>,
    /// The element implied.
    pub element: Str,
    /// Its implied value (canonical member).
    pub value: Str,
}

/// One element of a category.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementDef {
    /// The Chinese header and the element's name everywhere (处罚种类).
    pub name: Str,
    /// The English alias (penalty-kinds).
    pub alias: String,
    /// Every header naming it: the name, the alias, the export columns.
    pub headers: Vec<String>,
    pub grammar: Grammar,
    pub required: bool,
    /// The categories carrying it.
    pub categories: Vec<Category>,
    /// For a set: the closed vocabulary (empty: open), in the file's order.
    pub vocabulary: Vec<Str>,
    /// Where the vocabulary comes from.
    pub vocabulary_source: Option<String>,
    /// Normalised spelling → member (the vocabulary's own spellings included).
    canonical: FxHashMap<String, Str>,
    /// Synonyms written with a separator inside (查封场所、设施或者财物), NFKC, longest first:
    /// replaced by their member before the value is cut into members.
    joined: Vec<(String, Str)>,
    /// For a set: the element whose value the members must fit, and the members fitting each
    /// of its values.
    pub fits: Option<(Str, BTreeMap<Str, Vec<Str>>)>,
    /// For text: the values it implies of other elements.
    pub implies: Vec<Implies>,
    /// Where the category's elements come from.
    pub sources: Vec<String>,
}

impl ElementDef {
    /// The vocabulary's spelling of a member written `word` (synonyms applied); for an open
    /// set, the normalised word itself.
    pub fn canonical(&self, word: &str) -> Option<Str> {
        let key = normalize(word);
        if self.vocabulary.is_empty() {
            return Some(key.into());
        }
        self.canonical.get(&key).cloned()
    }

    /// Parses a cell of this element.
    pub fn parse(&self, raw: &str) -> ElementValue {
        if self.joined.is_empty() {
            return crate::value::element::parse(raw, self.grammar, &|w| self.canonical(w));
        }
        let mut text = crate::value::name::nfkc(raw);
        for (written, member) in &self.joined {
            if text.contains(written.as_str()) {
                text = text.replace(written.as_str(), member);
            }
        }
        crate::value::element::parse(&text, self.grammar, &|w| self.canonical(w))
    }
}

/// The elements of every category (rules/categories.toml).
#[derive(Debug, Clone, Default)]
pub struct Categories {
    /// In the file's order.
    pub elements: Vec<ElementDef>,
    /// Normalised header → index in `elements`.
    headers: FxHashMap<String, usize>,
    /// The sources per category.
    pub sources: BTreeMap<Category, Vec<String>>,
}

impl Categories {
    /// The built-in file, parsed once.
    pub fn builtin() -> &'static Arc<Categories> {
        static BUILTIN: OnceLock<Arc<Categories>> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let text = RulesText {
                label: "rules/categories.toml (built in)".into(),
                text: EMBEDDED.into(),
            };
            Arc::new(Categories::parse(&text).expect("the built-in rules/categories.toml is valid"))
        })
    }

    /// Loads rules/categories.toml (embedded, or `rules_dir`'s own); a bad file is an error
    /// naming file, key and line.
    pub fn load(rules_dir: Option<&Path>) -> Result<Arc<Categories>> {
        let text = rules_file(rules_dir, "categories.toml", EMBEDDED)?;
        if matches!(text.text, std::borrow::Cow::Borrowed(_)) {
            return Ok(Categories::builtin().clone());
        }
        Categories::parse(&text).map(Arc::new)
    }

    fn parse(text: &RulesText) -> Result<Categories> {
        let file: FileToml = parse_toml(text)?;
        let bad = |key: &str, message: String| {
            let at = text.text.find(&format!("\"{key}\"")).or_else(|| text.text.find(key));
            text.error_at(key, at, message)
        };
        let category = |name: &str| -> Result<Category> {
            Category::parse(name).filter(|c| Category::POWERS.contains(c)).ok_or_else(|| {
                bad(name, format!("unknown category `{name}` (行政许可 … 其他行政权力)"))
            })
        };
        let mut out = Categories::default();
        for c in &file.category {
            let own = category(&c.category)?;
            if out.sources.insert(own, c.sources.clone()).is_some() {
                return Err(bad(&c.category, format!("category `{}` is given twice", c.category)));
            }
            if c.sources.is_empty() {
                return Err(bad(&c.category, "every category names its sources".into()));
            }
            for e in &c.element {
                let categories = if e.categories.is_empty() {
                    vec![own]
                } else {
                    e.categories.iter().map(|n| category(n)).collect::<Result<Vec<_>>>()?
                };
                let mut canonical = FxHashMap::default();
                for v in &e.vocabulary {
                    canonical.insert(normalize(v), Str::from(v.as_str()));
                }
                for (written, member) in &e.synonyms {
                    let Some(m) = canonical.get(&normalize(member)).cloned() else {
                        return Err(bad(
                            member,
                            format!("synonym `{written}` names `{member}`, not in the vocabulary"),
                        ));
                    };
                    canonical.insert(normalize(written), m);
                }
                if e.grammar != Grammar::Set
                    && (!e.vocabulary.is_empty() || !e.synonyms.is_empty() || !e.fits.is_empty())
                {
                    return Err(bad(&e.name, "only a `set` element has a vocabulary".into()));
                }
                let mut joined: Vec<(String, Str)> = e
                    .synonyms
                    .iter()
                    .filter(|(w, _)| w.chars().any(|c| "、，,；;/".contains(c)))
                    .filter_map(|(w, m)| {
                        Some((crate::value::name::nfkc(w), canonical.get(&normalize(m))?.clone()))
                    })
                    .collect();
                joined.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
                let mut headers = vec![e.name.clone(), e.alias.clone()];
                headers.extend(e.columns.iter().cloned());
                out.elements.push(ElementDef {
                    name: e.name.as_str().into(),
                    alias: e.alias.clone(),
                    headers,
                    grammar: e.grammar,
                    required: e.required,
                    categories,
                    vocabulary: e.vocabulary.iter().map(|v| Str::from(v.as_str())).collect(),
                    vocabulary_source: e.vocabulary_source.clone(),
                    canonical,
                    joined,
                    fits: None,
                    implies: Vec::new(),
                    sources: c.sources.clone(),
                });
            }
        }
        // Headers name one element each; references name elements that exist.
        for (i, e) in out.elements.iter().enumerate() {
            for h in &e.headers {
                let key = crate::value::name::normalize(h).to_ascii_lowercase();
                if key.is_empty() {
                    return Err(bad(&e.name, "an empty header name".into()));
                }
                if let Some(j) = out.headers.insert(key, i) {
                    if j != i {
                        return Err(bad(h, format!("the header `{h}` names two elements")));
                    }
                }
            }
        }
        let raw: Vec<&ElementToml> = file.category.iter().flat_map(|c| &c.element).collect();
        for (i, e) in raw.iter().enumerate() {
            if let Some(other) = &e.fits_element {
                let Some(j) = out.find(other) else {
                    return Err(bad(other, format!("fits-element `{other}` is no element")));
                };
                let mut fits = BTreeMap::new();
                for (value, members) in &e.fits {
                    let Some(v) = out.elements[j].canonical(value) else {
                        return Err(bad(value, format!("`{value}` is not a value of `{other}`")));
                    };
                    let mut list = Vec::new();
                    for m in members {
                        let Some(m) = out.elements[i].canonical(m) else {
                            return Err(bad(
                                m,
                                format!("`{m}` is not in the vocabulary of `{}`", e.name),
                            ));
                        };
                        list.push(m);
                    }
                    fits.insert(v, list);
                }
                out.elements[i].fits = Some((out.elements[j].name.clone(), fits));
            } else if !e.fits.is_empty() {
                return Err(bad(&e.name, "`fits` needs `fits-element`".into()));
            }
            for imp in &e.implies {
                let Some(j) = out.find(&imp.element) else {
                    return Err(bad(
                        &imp.element,
                        format!("implies `{}`: no such element", imp.element),
                    ));
                };
                let Some(value) = out.elements[j].canonical(&imp.value) else {
                    return Err(bad(
                        &imp.value,
                        format!("`{}` is not a value of `{}`", imp.value, imp.element),
                    ));
                };
                let mut suffixes: Vec<String> = imp.suffixes.iter().map(|s| normalize(s)).collect();
                suffixes.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
                let element = out.elements[j].name.clone();
                out.elements[i].implies.push(Implies { suffixes, element, value });
            }
        }
        Ok(out)
    }

    /// The element a header (or elements.csv 要素) names: its name, alias or an export column.
    pub fn find(&self, header: &str) -> Option<usize> {
        let key = normalize(header).to_ascii_lowercase();
        self.headers.get(&key).copied()
    }

    /// The element named `name` (its Chinese name).
    pub fn by_name(&self, name: &str) -> Option<&ElementDef> {
        self.elements.iter().find(|e| &*e.name == name)
    }

    /// The elements of `category`, in the file's order.
    pub fn of(&self, category: Category) -> impl Iterator<Item = &ElementDef> {
        self.elements.iter().filter(move |e| e.categories.contains(&category))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Arc<Categories>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("categories.toml"), text).unwrap();
        Categories::load(Some(dir.path()))
    }

    #[test]
    fn builtin_file_loads_with_every_category_sourced() {
        let c = Categories::builtin();
        for cat in Category::POWERS {
            assert!(c.sources.get(&cat).is_some_and(|s| !s.is_empty()), "{cat} has no source");
        }
        let kinds = c.by_name("处罚种类").unwrap();
        assert_eq!(kinds.vocabulary.len(), 13);
        assert_eq!(c.find("PUNISH_TYPE"), c.find("处罚种类"));
        assert_eq!(c.find("penalty-kinds"), c.find(" 处罚种类 "));
        assert_eq!(kinds.canonical("吊销营业执照").as_deref(), Some("吊销许可证件"));
        assert!(kinds.canonical("拘役").is_none());
        let coercion = c.by_name("强制种类").unwrap();
        let v = coercion.parse("扣押财物、查封场所、设施或者财物");
        assert_eq!(v, coercion.parse("查封，扣押"));
        let coercion = c.by_name("强制种类").unwrap();
        let (other, fits) = coercion.fits.as_ref().unwrap();
        assert_eq!(&**other, "强制类型");
        assert!(fits[&Str::from("行政强制措施")].contains(&Str::from("查封")));
        let result = c.by_name("审批结果名称").unwrap();
        assert_eq!(result.categories, vec![Category::Licensing, Category::Confirmation]);
        assert_eq!(result.implies[0].value.as_ref(), "出证办结");
        assert_eq!(result.implies[0].suffixes[0], "许可证");
        assert_eq!(c.of(Category::Other).count(), 0);
    }

    #[test]
    fn bad_files_name_key_and_line() {
        let e = load_text("[[category]]\ncategory = \"行政处罚\"\nsources = [\"x\"]\n[[category.element]]\nname = \"a\"\nalias = \"a2\"\ngrammar = \"sett\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":7"), "{e}");
        let e = load_text("[[category]]\ncategory = \"行政处份\"\nsources = [\"x\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2") && e.contains("行政处份"), "{e}");
        let e = load_text("[[category]]\ncategory = \"行政处罚\"\nsources = [\"x\"]\n[[category.element]]\nname = \"a\"\nalias = \"b\"\ngrammar = \"set\"\nvocabulary = [\"x\"]\n[category.element.synonyms]\n\"y\" = \"z\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":10") && e.contains("vocabulary"), "{e}");
        let e = load_text("[[category]]\ncategory = \"行政处罚\"\nsources = [\"x\"]\n[[category.element]]\nname = \"a\"\nalias = \"a\"\ngrammar = \"text\"\n[[category.element]]\nname = \"b\"\nalias = \"a\"\ngrammar = \"text\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("two elements"), "{e}");
    }
}
