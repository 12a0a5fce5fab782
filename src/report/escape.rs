//! Escaping of text taken from the data where a report writes it: control characters in plain
//! text (an item name holding ESC, BEL or CR would drive the clerk's terminal), HTML in Markdown
//! (rendered by the portal, where `<script>` in an item name would run).

use std::borrow::Cow;

/// `s` with every control character but tab and line feed written as `\u{..}` (ESC as
/// `\u{1b}`), so that text output shows what the data holds and the terminal does nothing.
pub fn control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    // C0 and C1 controls, DEL, and the bidirectional overrides that reorder what is shown.
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A whole rendered text report with [`control`] applied (line ends and tabs kept).
pub fn control_bytes(bytes: Vec<u8>) -> Vec<u8> {
    match std::str::from_utf8(&bytes) {
        Ok(s) => match control(s) {
            Cow::Borrowed(_) => bytes,
            Cow::Owned(s) => s.into_bytes(),
        },
        Err(_) => bytes,
    }
}

/// A writer that passes text on with its ASCII control characters (but tab and line feed)
/// written as `\u{..}`: for text reports rendered straight into their output.
pub struct Controls<W>(pub W);

impl<W: std::io::Write> std::io::Write for Controls<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
                self.0.write_all(buf.get(start..i).unwrap_or_default())?;
                write!(self.0, "\\u{{{b:x}}}")?;
                start = i + 1;
            }
        }
        self.0.write_all(buf.get(start..).unwrap_or_default())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `s` safe inside Markdown rendered to HTML: `<`, `>`, `&`, `"` and `'` as entities, and a
/// link scheme such as `javascript:` broken so that no renderer makes a link of it. Control
/// characters are escaped too.
pub fn markdown(s: &str) -> Cow<'_, str> {
    let s = control(s);
    let risky = s.contains(['<', '>', '&', '"', '\''])
        || s.to_ascii_lowercase().contains("javascript:")
        || s.to_ascii_lowercase().contains("data:")
        || s.to_ascii_lowercase().contains("vbscript:");
    if !risky {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // `javascript&#58;` is no scheme: the link is not made.
            ':' if scheme_before(&out) => out.push_str("&#58;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// True when `out` ends with a link scheme that runs or embeds code.
fn scheme_before(out: &str) -> bool {
    let lower = out.to_ascii_lowercase();
    ["javascript", "vbscript", "data"].iter().any(|s| lower.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_not_sent() {
        assert_eq!(control("食品\u{1b}[31m许可\u{7}\r"), "食品\\u{1b}[31m许可\\u{7}\\u{d}");
        assert_eq!(control("a\tb\nc"), "a\tb\nc");
        assert!(matches!(control("食品经营许可"), Cow::Borrowed(_)));
        assert_eq!(control("x\u{202e}y"), "x\\u{202e}y");
    }

    #[test]
    fn the_writer_escapes_as_the_function_does() {
        use std::io::Write;
        let mut w = Controls(Vec::new());
        w.write_all("食品\u{1b}[31m许可\u{7}\r\n".as_bytes()).unwrap();
        assert_eq!(String::from_utf8(w.0).unwrap(), "食品\\u{1b}[31m许可\\u{7}\\u{d}\n");
    }

    #[test]
    fn html_and_scripts_are_inert_in_markdown() {
        assert_eq!(markdown("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(markdown("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(markdown("[点我](javascript:alert(1))"), "[点我](javascript&#58;alert(1))");
        assert_eq!(markdown("JavaScript:x"), "JavaScript&#58;x");
        assert_eq!(markdown("食品经营许可：第三十五条"), "食品经营许可：第三十五条");
    }
}
