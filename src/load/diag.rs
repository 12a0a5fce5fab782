//! The diagnostics of loading: a fixed set of messages (Chinese in the report, English on
//! request via [`message_en`]) and a per-file collector that caps how many it keeps, so that a
//! file whose every row is bad cannot flood memory or the report.

use crate::model::{Diagnostic, Str};

/// How many diagnostics of one kind one file keeps; the rest are counted in one summary line.
pub(crate) const MAX_PER_KIND: u64 = 200;

/// Longest offending text kept in a diagnostic, in characters.
pub(crate) const TEXT_CHARS: usize = 80;

/// Every message loading can give. The Chinese text is what `Diagnostic::message` holds; the
/// values (counts, names) go to `text` and `column`, so the message itself is fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Msg {
    DuplicateTable,
    UnreadableSheet,
    UnreadableFile,
    Undecodable,
    EmptyFile,
    HeaderNotFirst,
    MissingColumn,
    FieldCount,
    CsvError,
    FieldTooLong,
    CellsBeyondWidth,
    NoNameNoCode,
    NoJurisdiction,
    NoItem,
    DuplicateJurisdiction,
    UnknownLevel,
    JurisdictionNotListed,
    ParentCycle,
    NotADivisionCode,
    NotRegularFile,
    RepeatedHeader,
    UnterminatedQuote,
    TooManyReferences,
    SupersededVersion,
    LoneCsvAsItems,
    Suppressed,
    UnknownElement,
}

impl Msg {
    const ALL: [Msg; 27] = [
        Msg::DuplicateTable,
        Msg::UnreadableSheet,
        Msg::UnreadableFile,
        Msg::Undecodable,
        Msg::EmptyFile,
        Msg::HeaderNotFirst,
        Msg::MissingColumn,
        Msg::FieldCount,
        Msg::CsvError,
        Msg::FieldTooLong,
        Msg::CellsBeyondWidth,
        Msg::NoNameNoCode,
        Msg::NoJurisdiction,
        Msg::NoItem,
        Msg::DuplicateJurisdiction,
        Msg::UnknownLevel,
        Msg::JurisdictionNotListed,
        Msg::ParentCycle,
        Msg::NotADivisionCode,
        Msg::NotRegularFile,
        Msg::RepeatedHeader,
        Msg::UnterminatedQuote,
        Msg::TooManyReferences,
        Msg::SupersededVersion,
        Msg::LoneCsvAsItems,
        Msg::Suppressed,
        Msg::UnknownElement,
    ];

    /// The Chinese message.
    pub(crate) fn zh(self) -> &'static str {
        match self {
            Msg::DuplicateTable => "同一张表有多个文件或工作表，只读取第一个，本文件已跳过",
            Msg::UnreadableSheet => "工作表无法读取，已跳过",
            Msg::UnreadableFile => "文件无法读取，已跳过",
            Msg::Undecodable => "文件含无法解码的字节（既非 UTF-8 也非 GB18030），已替换为 �",
            Msg::EmptyFile => "文件为空（没有表头）",
            Msg::HeaderNotFirst => "表头不在第一行，其上的行（标题等）未作为数据读取",
            Msg::MissingColumn => "缺少必需的列，本文件所有行均未载入",
            Msg::FieldCount => "本行的列数与表头不符，本行未载入",
            Msg::CsvError => "CSV 格式错误，其后的内容未读取",
            Msg::FieldTooLong => "单元格超过 1 MB，已截断",
            Msg::CellsBeyondWidth => {
                "工作表中超出第 4096 列的单元格未读取（括号内为首个单元格的位置）"
            }
            Msg::NoNameNoCode => "本行既无事项名称也无事项编码，本行未载入",
            Msg::NoJurisdiction => "本行没有区划代码（可用 --jurisdiction 指定），本行未载入",
            Msg::NoItem => "找不到本行所属的事项（区划代码、事项编码），本行未载入",
            Msg::DuplicateJurisdiction => "区划代码重复，只保留第一行，本行未载入",
            Msg::UnknownLevel => "层级无法识别，已按区划代码推断",
            Msg::JurisdictionNotListed => "事项所在区划不在区划表中，已按区划代码推断层级后补入",
            Msg::ParentCycle => "上级区划代码构成循环",
            Msg::NotADivisionCode => "区划代码不是6位或9位的区划代码，无法推断层级，暂按县级处理",
            Msg::NotRegularFile => {
                "不是普通文件（命名管道、设备、文件夹或失效的链接），未读取，已跳过"
            }
            Msg::RepeatedHeader => "表头在数据中间重复出现（多个导出文件拼接），本行已跳过",
            Msg::UnterminatedQuote => {
                "引号未闭合：自本行起的内容被并入一个单元格，本行未载入，已从下一行起继续读取"
            }
            Msg::TooManyReferences => {
                "设定依据引用的法律法规过多，只保留前面的引用（括号内为保留条数）"
            }
            Msg::SupersededVersion => {
                "同一事项的旧版本（事项ID相同、版本号较低），只分析最新版本，本行未分析（括号内为事项ID、本行版本 → 最新版本及其行号）"
            }
            Msg::LoneCsvAsItems => {
                "文件夹中没有 items.csv（事项.csv），只有这一个 CSV 文件，已作为事项表读取"
            }
            Msg::Suppressed => "同类问题过多，其余未逐条列出（括号内为条数）",
            Msg::UnknownElement => {
                "要素名称不是 rules/categories.toml 中任何事项类型的要素，本行未载入（括号内为要素名称）"
            }
        }
    }

    /// The English message.
    pub(crate) fn en(self) -> &'static str {
        match self {
            Msg::DuplicateTable => "a second file or sheet for the same table: skipped, the first one is read",
            Msg::UnreadableSheet => "sheet cannot be read: skipped",
            Msg::UnreadableFile => "file cannot be read: skipped",
            Msg::Undecodable => "undecodable bytes (neither UTF-8 nor GB18030), replaced by �",
            Msg::EmptyFile => "empty file (no header)",
            Msg::HeaderNotFirst => {
                "the header is not the first row: the rows above it (a title, ...) were not read as data"
            }
            Msg::MissingColumn => "a required column is missing: no row of this file was loaded",
            Msg::FieldCount => "the row has a different number of fields than the header: not loaded",
            Msg::CsvError => "malformed CSV: the rest of the file was not read",
            Msg::FieldTooLong => "cell longer than 1 MB: truncated",
            Msg::CellsBeyondWidth => {
                "cells beyond column 4096 of the sheet were not read (the first one's position in the text)"
            }
            Msg::NoNameNoCode => "the row has neither 事项名称 nor 事项编码: not loaded",
            Msg::NoJurisdiction => "the row has no 区划代码 (use --jurisdiction): not loaded",
            Msg::NoItem => "no item with this 区划代码 and 事项编码: not loaded",
            Msg::DuplicateJurisdiction => "duplicate 区划代码: the first row is kept, this one not loaded",
            Msg::UnknownLevel => "unknown 层级: inferred from the division code",
            Msg::JurisdictionNotListed => "jurisdiction of an item missing from the jurisdictions table: added, level inferred from its code",
            Msg::ParentCycle => "the 上级区划代码 form a cycle",
            Msg::NotADivisionCode => {
                "not a 6- or 9-digit division code: its level cannot be inferred, taken as county"
            }
            Msg::NotRegularFile => {
                "not a regular file (a named pipe, a device, a folder or a dangling link): not read, skipped"
            }
            Msg::RepeatedHeader => {
                "the header row appears again among the data (files joined together): row skipped"
            }
            Msg::UnterminatedQuote => {
                "unterminated quote: it opened on this line and swallowed the lines after it; this line is not loaded, reading goes on from the next line"
            }
            Msg::TooManyReferences => {
                "the legal basis cites too many laws: only the first references are kept (count in the text)"
            }
            Msg::SupersededVersion => {
                "an earlier version of an item (same record id, lower version): only the latest version is analysed, this row is not (record id, this row's version → the latest and its line in the text)"
            }
            Msg::LoneCsvAsItems => {
                "no items.csv (事项.csv) in the folder, and this is its only CSV file: read as the items table"
            }
            Msg::Suppressed => "too many of the same kind: the rest are not listed (count in the text)",
            Msg::UnknownElement => {
                "the 要素 is no category's element in rules/categories.toml: not loaded (the name in the text)"
            }
        }
    }
}

/// The English text of a loading diagnostic's (Chinese) message, for `--lang en`.
pub fn message_en(zh: &str) -> Option<&'static str> {
    Msg::ALL.iter().find(|m| m.zh() == zh).map(|m| m.en())
}

/// Shortens text for a diagnostic: at most [`TEXT_CHARS`] characters, with … when cut.
pub(crate) fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(TEXT_CHARS).collect();
    if s.chars().nth(TEXT_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// Collects the diagnostics of one file, keeping at most [`MAX_PER_KIND`] per message.
#[derive(Debug)]
pub(crate) struct Diags {
    file: Str,
    /// The diagnostics kept, with their kind (to re-apply the cap when merging).
    list: Vec<(Msg, Diagnostic)>,
    counts: Vec<(Msg, u64)>,
    /// Why the file cannot be used at all (it changed while it was read): the run stops.
    fatal: Option<String>,
}

impl Diags {
    pub(crate) fn new(file: Str) -> Diags {
        Diags { file, list: Vec::new(), counts: Vec::new(), fatal: None }
    }

    /// Records why the file cannot be used at all: the run stops with this message (the first
    /// one recorded is kept).
    pub(crate) fn fail(&mut self, why: String) {
        self.fatal.get_or_insert(why);
    }

    /// Why the file cannot be used at all, if it cannot.
    pub(crate) fn fatal(&self) -> Option<&str> {
        self.fatal.as_deref()
    }

    /// The file the diagnostics are about.
    pub(crate) fn file(&self) -> Str {
        self.file.clone()
    }

    /// True when nothing was reported.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Reports `msg` at a line and column with the offending text (shortened here).
    pub(crate) fn push_at(
        &mut self,
        line: Option<u64>,
        column: Option<String>,
        text: Option<String>,
        msg: Msg,
    ) {
        let n = self.bump(msg, 1);
        if n <= MAX_PER_KIND {
            self.list.push((
                msg,
                Diagnostic {
                    file: self.file.clone(),
                    line,
                    column,
                    text: text.map(|t| shorten(&t)),
                    message: msg.zh().to_string(),
                },
            ));
        }
    }

    /// Appends the diagnostics of a later part of the same file (a chunk read in parallel), as
    /// if they had been pushed here: the cap per kind holds over the whole file.
    pub(crate) fn absorb(&mut self, later: Diags) {
        if let Some(why) = later.fatal {
            self.fail(why);
        }
        let mut listed: Vec<(Msg, u64)> = Vec::new();
        for (msg, d) in later.list {
            match listed.iter_mut().find(|(m, _)| *m == msg) {
                Some((_, n)) => *n += 1,
                None => listed.push((msg, 1)),
            }
            let n = self.bump(msg, 1);
            if n <= MAX_PER_KIND {
                self.list.push((msg, d));
            }
        }
        // Those the later part counted but did not keep.
        for (msg, n) in later.counts {
            let kept = listed.iter().find(|(m, _)| *m == msg).map(|(_, k)| *k).unwrap_or(0);
            if n > kept {
                self.bump(msg, n - kept);
            }
        }
    }

    /// Adds `by` to the count of `msg`; returns the new count.
    fn bump(&mut self, msg: Msg, by: u64) -> u64 {
        match self.counts.iter_mut().find(|(m, _)| *m == msg) {
            Some((_, n)) => {
                *n += by;
                *n
            }
            None => {
                self.counts.push((msg, by));
                by
            }
        }
    }

    /// The diagnostics kept, plus one summary per message that overflowed.
    /// Sorted by line (file-level ones, without a line, first); stable, so the order of
    /// pushing decides among diagnostics of one line.
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        let mut list: Vec<Diagnostic> = self.list.into_iter().map(|(_, d)| d).collect();
        list.sort_by_key(|d| d.line.unwrap_or(0));
        for (msg, n) in &self.counts {
            if *n > MAX_PER_KIND {
                list.push(Diagnostic {
                    file: self.file.clone(),
                    line: None,
                    column: None,
                    text: Some(format!("{}: {}", msg.zh(), n - MAX_PER_KIND)),
                    message: Msg::Suppressed.zh().to_string(),
                });
            }
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_per_kind_and_summarises() {
        let mut d = Diags::new("x.csv".into());
        for i in 0..(MAX_PER_KIND + 5) {
            d.push_at(Some(i), None, None, Msg::FieldCount);
        }
        d.push_at(Some(1), None, Some("长".repeat(200)), Msg::NoItem);
        let list = d.finish();
        assert_eq!(list.len() as u64, MAX_PER_KIND + 2);
        let last = list.last().unwrap();
        assert_eq!(last.message, Msg::Suppressed.zh());
        assert!(last.text.as_deref().unwrap().ends_with(": 5"));
        let long = list.iter().find(|d| d.message == Msg::NoItem.zh()).unwrap();
        assert_eq!(long.text.as_deref().unwrap().chars().count(), TEXT_CHARS + 1);
    }

    #[test]
    fn absorbing_parts_keeps_the_cap_and_the_counts_of_one_file() {
        let push = |d: &mut Diags, lines: std::ops::Range<u64>| {
            for i in lines {
                d.push_at(Some(i), None, None, Msg::FieldCount);
                d.push_at(Some(i), None, None, Msg::NoItem);
            }
        };
        let mut whole = Diags::new("x.csv".into());
        push(&mut whole, 0..(MAX_PER_KIND * 3 / 2));
        let mut first = Diags::new("x.csv".into());
        push(&mut first, 0..(MAX_PER_KIND / 2));
        let mut second = Diags::new("x.csv".into());
        push(&mut second, (MAX_PER_KIND / 2)..(MAX_PER_KIND + 10));
        let mut third = Diags::new("x.csv".into());
        push(&mut third, (MAX_PER_KIND + 10)..(MAX_PER_KIND * 3 / 2));
        first.absorb(second);
        first.absorb(third);
        assert_eq!(first.finish(), whole.finish());
    }

    #[test]
    fn english_messages_found_by_chinese_text() {
        for m in Msg::ALL {
            assert_eq!(message_en(m.zh()), Some(m.en()));
        }
    }
}
