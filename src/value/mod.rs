//! Parsers of the values in a list: numerals, time limits, fees, legal bases, names, codes and
//! counts. Each type keeps its raw text beside the parsed form, for reports. Every parser accepts
//! any string: what it cannot read becomes an `Unparsed` value (a finding-to-be), never a panic.

pub mod basis;
pub mod code;
pub mod count;
pub mod fee;
pub mod limit;
pub mod name;
pub mod numeral;
