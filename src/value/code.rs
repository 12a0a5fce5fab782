//! Item codes: the 12-character base code PP TT DD MMM SSS and the 31-character implementation
//! code (credit code + level digit + base code).

use serde::Serialize;

use crate::model::Str;

/// The parts of a 12-character base code (基本编码, GB/T 39554.1-2020).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BaseCode {
    /// PP: 00 national catalogue, or the province (45).
    pub prefix: String,
    /// TT: the category digits.
    pub category: String,
    /// DD: the department.
    pub dept: String,
    /// MMM: the main item.
    pub main: String,
    /// SSS: the sub-item.
    pub sub: String,
}

/// A code with its raw text, its normalised form and, when well-formed, its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Code {
    pub raw: Str,
    pub norm: Str,
    pub base: Option<BaseCode>,
}

impl Code {
    pub fn parse(raw: Str) -> Code {
        let norm: Str = crate::value::name::normalize(&raw).into();
        Code { raw, norm, base: None }
    }

    /// True when no code was written.
    pub fn is_empty(&self) -> bool {
        self.norm.is_empty()
    }
}

/// The parts of a 31-character implementation code (实施编码).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ImplCode {
    /// The implementing body's 18-character unified social credit code.
    pub credit: String,
    /// Division code embedded in the credit code (characters 3–8), `None` for TE placeholders.
    pub division: Option<String>,
    /// Level digit: 1 国, 2 省, 3 市, 4 县, 5 乡镇.
    pub level: u8,
    /// The embedded 12-character base code.
    pub base: String,
}
