//! Legal bases (设定依据): a set of references 《title》第N条第N款第N项.
//!
//! The parser is a hand-written scanner over the NFKC form of the text: titles in 《》, 〈〉 or <>
//! (or bare titles ending in 法/条例/规定/办法/细则/决定/规则 just before 第), article tokens 第N条,
//! 第N款, 第N项 in Chinese or Arabic numerals, separators ；, newlines, 、, and quoted text after
//! ： that is skipped. 【法律】-style category tags are ignored.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use serde::Serialize;

use crate::value::numeral;
use crate::vocab::Str;

/// One reference to a law, regulation or rule. Equality, order and hash use the key and the
/// numbers only: 《食品安全法》第35条 and 《中华人民共和国食品安全法》第三十五条 are the same reference.
#[derive(Debug, Clone, Serialize)]
pub struct LawRef {
    /// Comparison key of the title: normalised, without the 中华人民共和国 prefix.
    pub key: String,
    /// 第N条.
    pub article: Option<u32>,
    /// 第N款.
    pub paragraph: Option<u32>,
    /// 第N项.
    pub item: Option<u32>,
    /// The title as written (without 《》), for reports.
    pub title: String,
}

impl LawRef {
    /// A reference to `title` (as written) with the given numbers; computes the key.
    pub fn new(
        title: &str,
        article: Option<u32>,
        paragraph: Option<u32>,
        item: Option<u32>,
    ) -> LawRef {
        let title = title.trim();
        LawRef { key: title_key(title), article, paragraph, item, title: title.to_string() }
    }

    /// 《title》第三十五条第一款第二项, numbers in Chinese numerals.
    pub fn display(&self) -> String {
        self.render(|n| numeral::to_chinese(u64::from(n)))
    }

    /// 《title》第35条第1款第2项, numbers in Arabic numerals.
    pub fn display_arabic(&self) -> String {
        self.render(|n| n.to_string())
    }

    fn render(&self, num: impl Fn(u32) -> String) -> String {
        let mut s = String::with_capacity(self.title.len() + 24);
        s.push('《');
        s.push_str(&self.title);
        s.push('》');
        for (n, unit) in [(self.article, '条'), (self.paragraph, '款'), (self.item, '项')] {
            if let Some(n) = n {
                s.push('第');
                s.push_str(&num(n));
                s.push(unit);
            }
        }
        s
    }

    fn sort_key(&self) -> (&str, Option<u32>, Option<u32>, Option<u32>) {
        (&self.key, self.article, self.paragraph, self.item)
    }
}

impl PartialEq for LawRef {
    fn eq(&self, other: &LawRef) -> bool {
        self.sort_key() == other.sort_key()
    }
}

impl Eq for LawRef {}

impl PartialOrd for LawRef {
    fn partial_cmp(&self, other: &LawRef) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LawRef {
    fn cmp(&self, other: &LawRef) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl Hash for LawRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.sort_key().hash(state);
    }
}

/// A legal basis: the set of references plus the raw text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Basis {
    pub raw: Str,
    /// Sorted and de-duplicated.
    pub refs: Vec<LawRef>,
}

impl Basis {
    /// Reads the references in `raw`; text that names none gives an empty `refs`.
    pub fn parse(raw: Str) -> Basis {
        let refs = parse_refs(&raw);
        Basis { raw, refs }
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.raw.trim().is_empty()
    }

    /// True when both bases cite the same set of references (titles compared by key).
    pub fn same_refs(&self, other: &Basis) -> bool {
        self.refs == other.refs
    }

    /// The references in a standard spelling, 《title》第35条第1款 joined by ；, or the trimmed raw
    /// text when no reference was found.
    pub fn canonical(&self) -> String {
        if self.refs.is_empty() {
            return self.raw.trim().to_string();
        }
        let parts: Vec<String> = self.refs.iter().map(LawRef::display_arabic).collect();
        parts.join("；")
    }
}

/// Lead-in words before a bare title ("依据食品安全法第三十五条").
const LEAD_INS: &[&str] = &[
    "设定依据",
    "实施依据",
    "增补依据",
    "法律依据",
    "依据",
    "根据",
    "依照",
    "按照",
    "参照",
    "遵照",
    "按",
    "据",
    "和",
    "及",
    "与",
];

/// Endings that make a bare run of text a title.
const TITLE_ENDINGS: &[&str] = &["法", "条例", "规定", "办法", "细则", "决定", "规则"];

/// The comparison key of a title: [`crate::laws::law_key`] (NFKC, whitespace and quotation
/// brackets removed, 中华人民共和国 dropped, version notes such as (2019修正) or (国务院令第412号)
/// dropped), so that references look up directly in the law registry.
pub fn title_key(title: &str) -> String {
    crate::laws::law_key(title)
}

/// Byte index of the `(` that opens the group ending `s` with `)`, if `s` ends so.
fn trailing_group_start(s: &str) -> Option<usize> {
    if !s.ends_with(')') {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// An article token: 第N条, 第N款 or 第N项.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Article,
    Paragraph,
    Item,
}

/// The reference being read: numbers seen since the last push.
#[derive(Debug, Default, Clone, Copy)]
struct Pending {
    article: Option<u32>,
    paragraph: Option<u32>,
    item: Option<u32>,
}

struct Parser<'a> {
    text: &'a str,
    refs: Vec<LawRef>,
    /// The current title as written and whether a reference used it already.
    title: Option<&'a str>,
    title_used: bool,
    pending: Option<Pending>,
    /// Where the text since the last token starts (for bare titles and lead-ins).
    chunk_start: usize,
    /// Parenthesis depth: separators inside (…) do not end a chunk.
    depth: usize,
}

impl<'a> Parser<'a> {
    fn push(&mut self, p: Pending) {
        if let Some(t) = self.title {
            self.refs.push(LawRef::new(t, p.article, p.paragraph, p.item));
            self.title_used = true;
        }
    }

    /// Ends the reference being read (and a title cited without article).
    fn flush(&mut self) {
        if let Some(p) = self.pending.take() {
            self.push(p);
        } else if self.title.is_some() && !self.title_used {
            self.push(Pending::default());
        }
    }

    fn set_title(&mut self, title: &'a str) {
        self.flush();
        self.title = Some(title);
        self.title_used = false;
    }

    fn token(&mut self, level: Level, n: u32) {
        let cur = self.pending.unwrap_or_default();
        let next = match level {
            Level::Article => Pending { article: Some(n), paragraph: None, item: None },
            Level::Paragraph => Pending { article: cur.article, paragraph: Some(n), item: None },
            Level::Item => {
                Pending { article: cur.article, paragraph: cur.paragraph, item: Some(n) }
            }
        };
        // 第三条、第五条 and 第三条第一款、第二款: a number at a level already filled starts a new
        // reference; a deeper level refines the one being read.
        let starts_new = match (self.pending, level) {
            (None, _) => false,
            (Some(_), Level::Article) => true,
            (Some(p), Level::Paragraph) => p.paragraph.is_some() || p.item.is_some(),
            (Some(p), Level::Item) => p.item.is_some(),
        };
        if starts_new {
            if let Some(p) = self.pending.take() {
                self.push(p);
            }
        }
        self.pending = Some(next);
    }

    /// The text of the current chunk, when it is (only) a bare title before 第.
    fn bare_title(&self, end: usize) -> Option<&'a str> {
        let mut chunk = self.text.get(self.chunk_start..end)?.trim();
        while let Some(open) = trailing_group_start(chunk) {
            chunk = chunk.get(..open)?.trim_end();
        }
        // The title is the last run of letters (CJK included) and digits.
        let start = chunk
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_alphanumeric() || c == '·')
            .last()
            .map(|(i, _)| i)?;
        let mut title = chunk.get(start..)?;
        loop {
            let before = title;
            for w in LEAD_INS {
                if let Some(rest) = title.strip_prefix(w) {
                    title = rest;
                    break;
                }
            }
            if before.len() == title.len() {
                break;
            }
        }
        let ending = TITLE_ENDINGS.iter().find(|e| title.ends_with(*e))?;
        let chars = title.chars().count();
        // "本法第十条" points back into the current law.
        let self_ref =
            title.starts_with(['本', '该', '此', '上']) && chars <= ending.chars().count() + 2;
        (chars > ending.chars().count() && !self_ref).then_some(title)
    }
}

/// Reads `第N条`-style token at `at` (which holds 第): its level, number and end.
fn article_token(text: &str, at: usize) -> Option<(Level, u32, usize)> {
    let after = text.get(at + '第'.len_utf8()..)?;
    let mut rest = after.trim_start();
    let mut end = at + '第'.len_utf8() + (after.len() - rest.len());
    let paren = rest.starts_with('(');
    if paren {
        rest = rest.get(1..)?;
        end += 1;
    }
    let run_len: usize =
        rest.chars().take_while(|&c| numeral::is_numeral_char(c)).map(char::len_utf8).sum();
    let n = numeral::parse_number(rest.get(..run_len)?)?;
    rest = rest.get(run_len..)?;
    end += run_len;
    if paren {
        rest = rest.strip_prefix(')')?;
        end += 1;
    }
    let trimmed = rest.trim_start();
    end += rest.len() - trimmed.len();
    let c = trimmed.chars().next()?;
    let level = match c {
        '条' => Level::Article,
        '款' => Level::Paragraph,
        '项' => Level::Item,
        _ => return None,
    };
    Some((level, u32::try_from(n).ok()?, end + c.len_utf8()))
}

/// Where the title opened by `open` at byte `at` closes: (inner start, inner end, after close).
fn title_span(text: &str, at: usize, open: char) -> Option<(usize, usize, usize)> {
    let close = match open {
        '《' => '》',
        '〈' => '〉',
        _ => '>',
    };
    let inner_start = at + open.len_utf8();
    let mut depth = 0usize;
    for (i, c) in text.get(inner_start..)?.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                let inner_end = inner_start + i;
                return Some((inner_start, inner_end, inner_end + c.len_utf8()));
            }
            depth -= 1;
        } else if c == '\n' || c == ';' {
            return None;
        }
    }
    None
}

/// The byte index just past `close` after `from`, or the end of the text.
fn skip_past(text: &str, from: usize, close: char) -> usize {
    text.get(from..)
        .and_then(|r| r.find(close))
        .map(|i| from + i + close.len_utf8())
        .unwrap_or(text.len())
}

/// True when the text at `at` starts a new reference after a quotation ends with 。.
fn starts_reference(text: &str, at: usize) -> bool {
    let rest = text.get(at..).unwrap_or("").trim_start();
    let opens = |r: &str| r.trim_start().starts_with(['《', '〈', '【', '<']);
    opens(rest)
        || ["依据", "根据", "依照", "按照"]
            .iter()
            .any(|w| rest.strip_prefix(w).is_some_and(|r| opens(r.trim_start_matches([':', ' ']))))
}

fn parse_refs(raw: &str) -> Vec<LawRef> {
    if raw.trim().is_empty() {
        return Vec::new();
    }
    let norm = crate::value::name::nfkc(raw);
    let text = norm.as_str();
    let mut p = Parser {
        text,
        refs: Vec::new(),
        title: None,
        title_used: false,
        pending: None,
        chunk_start: 0,
        depth: 0,
    };
    let mut quoting = false;
    let mut pos = 0usize;
    while let Some(c) = text.get(pos..).and_then(|r| r.chars().next()) {
        let next = pos + c.len_utf8();
        if quoting {
            // Quoted article text after ：. It ends at a ; or newline, at a 。 that is followed by a
            // new reference, or at a category tag.
            match c {
                ';' | '\n' | '\r' => {
                    quoting = false;
                    p.chunk_start = next;
                    p.depth = 0;
                }
                '【' => {
                    quoting = false;
                    continue;
                }
                '。' if starts_reference(text, next) => {
                    quoting = false;
                    p.chunk_start = next;
                }
                // A quoted passage runs to its closing mark, whatever ; or line end it holds (an
                // export quoting the article's words: 第十二条："…决定；⏎二十日内…").
                '“' => {
                    pos = skip_past(text, next, '”');
                    continue;
                }
                '"' => {
                    pos = skip_past(text, next, '"');
                    continue;
                }
                _ => {}
            }
            pos = next;
            continue;
        }
        match c {
            '《' | '〈' | '<' => {
                if let Some((a, b, after)) = title_span(text, pos, c) {
                    let title = text.get(a..b).unwrap_or("").trim();
                    if !title.is_empty() {
                        p.set_title(title);
                    }
                    p.chunk_start = after;
                    pos = after;
                    continue;
                }
            }
            '第' => {
                if let Some((level, n, end)) = article_token(text, pos) {
                    if let Some(t) = p.bare_title(pos) {
                        p.set_title(t);
                    }
                    if p.title.is_some() {
                        p.token(level, n);
                    }
                    p.chunk_start = end;
                    pos = end;
                    continue;
                }
            }
            '【' => {
                // A category tag (【法律】) starts a new reference; 【2017】 inside (…) does not.
                if p.depth == 0 {
                    p.flush();
                }
                pos = skip_past(text, next, '】');
                p.chunk_start = pos;
                continue;
            }
            '“' | '"' => {
                // Quoted text: a citation of the article's words, not a reference.
                let close = if c == '“' { '”' } else { '"' };
                pos = skip_past(text, next, close);
                p.chunk_start = pos;
                continue;
            }
            ':' => {
                let since = text.get(p.chunk_start..pos).unwrap_or("").trim();
                if since.is_empty() && (p.pending.is_some() || p.title.is_some()) {
                    quoting = true;
                }
                p.chunk_start = next;
            }
            '(' => p.depth += 1,
            ')' => p.depth = p.depth.saturating_sub(1),
            ';' | '\n' | '\r' => {
                p.depth = 0;
                p.chunk_start = next;
            }
            '、' | ',' | '。' | ' ' | '\t' if p.depth == 0 => p.chunk_start = next,
            _ => {}
        }
        pos = next;
    }
    p.flush();
    let mut refs = p.refs;
    refs.retain(|r| !r.key.is_empty());
    refs.sort();
    refs.dedup();
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, Option<u32>, Option<u32>, Option<u32>);

    fn refs(s: &str) -> Vec<Row> {
        Basis::parse(s.into())
            .refs
            .into_iter()
            .map(|r| (r.key, r.article, r.paragraph, r.item))
            .collect()
    }

    fn r(key: &str, a: Option<u32>, p: Option<u32>, i: Option<u32>) -> Row {
        (key.to_string(), a, p, i)
    }

    /// Regression: an article quoted in straight double quotes whose words hold a ； and a
    /// line end swallowed the next reference (the closing quote was taken for an opening one).
    #[test]
    fn straight_quoted_articles_with_semicolons_and_line_ends() {
        let text = "1、《中华人民共和国医师法》第七十五条：\"违反本规定的，由有关主管部门责令改正，给予警告、通报批评；情节严重的，依法处理。\"\n2、《中华人民共和国行政许可法》第十二条：\"有关部门应当自受理申请之日起二十日内作出决定；\n二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日。\"";
        assert_eq!(
            refs(text),
            vec![r("医师法", Some(75), None, None), r("行政许可法", Some(12), None, None)]
        );
        let plain = Basis::parse(
            "《中华人民共和国医师法》第七十五条；《中华人民共和国行政许可法》第十二条".into(),
        );
        assert_eq!(Basis::parse(text.into()).refs, plain.refs);
    }

    #[test]
    fn single_reference_with_quotation() {
        assert_eq!(
            refs("《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。从事食品生产、食品销售，应当依法取得许可。但是，销售食用农产品，不需要取得许可。依照本法第十条规定。"),
            vec![r("食品安全法", Some(35), None, None)]
        );
    }

    #[test]
    fn numerals_and_prefix_do_not_matter() {
        let a = Basis::parse("《中华人民共和国食品安全法》第三十五条".into());
        let b = Basis::parse("《食品安全法》第35条".into());
        let c = Basis::parse("  《食品安全法》 第 35 条：国家对食品生产经营实行许可制度。".into());
        assert!(a.same_refs(&b));
        assert!(a.same_refs(&c));
        assert_ne!(a, b, "raw text differs");
        let d = Basis::parse("《食品安全法》第36条".into());
        assert!(!a.same_refs(&d));
    }

    #[test]
    fn several_articles_of_one_title() {
        assert_eq!(
            refs("《广播电视管理条例》（国务院令第228号）第十一条、第十四条"),
            vec![
                r("广播电视管理条例", Some(11), None, None),
                r("广播电视管理条例", Some(14), None, None)
            ]
        );
        assert_eq!(
            refs("《X条例》第三条第一款、第二款"),
            vec![r("X条例", Some(3), Some(1), None), r("X条例", Some(3), Some(2), None)]
        );
        assert_eq!(
            refs("《X条例》第三条第一款第二项、第三项；第五条"),
            vec![
                r("X条例", Some(3), Some(1), Some(2)),
                r("X条例", Some(3), Some(1), Some(3)),
                r("X条例", Some(5), None, None)
            ]
        );
    }

    #[test]
    fn bare_titles() {
        assert_eq!(refs("依据食品安全法第三十五条"), vec![r("食品安全法", Some(35), None, None)]);
        assert_eq!(
            refs("【规章】港口危险货物安全管理规定（交通运输部令2017年第27号）第五十八条；增补依据：【规章】港口经营管理规定（交通运输部令2020年第21号）第二十九条"),
            vec![r("港口危险货物安全管理规定", Some(58), None, None), r("港口经营管理规定", Some(29), None, None)]
        );
        // 本法 points back into the law being quoted, not to a law called 本法.
        assert_eq!(
            refs("《种子法》第三条；本法第十条"),
            vec![r("种子法", Some(3), None, None), r("种子法", Some(10), None, None)]
        );
    }

    #[test]
    fn brackets_and_widths() {
        let want = vec![r("食品安全法", Some(35), Some(1), None)];
        assert_eq!(refs("〈食品安全法〉第三十五条第一款"), want);
        assert_eq!(refs("<食品安全法>第35条第1款"), want);
        assert_eq!(refs("《食品安全法》第３５条第１款"), want);
        assert_eq!(refs("《中华人民共和国食品安全法（2021修正）》第三十五条第一款"), want);
        assert_eq!(refs("《食品安全法》第35条第(一)款"), want);
    }

    #[test]
    fn title_without_article() {
        assert_eq!(
            refs("《残疾退役军人医疗保障办法》"),
            vec![r("残疾退役军人医疗保障办法", None, None, None)]
        );
        assert_eq!(refs(""), vec![]);
        assert_eq!(refs("国务院有关规定"), vec![]);
        let b = Basis::parse("详见相关规定".into());
        assert_eq!(b.canonical(), "详见相关规定");
    }

    /// The 依据 column of the Liaoning catalogue sample.
    #[test]
    fn liaoning_rows() {
        assert_eq!(
            refs("【法律】《中华人民共和国专利法》第六十五条；【地方性法规】《辽宁省专利条例》第二十二条"),
            vec![r("专利法", Some(65), None, None), r("辽宁省专利条例", Some(22), None, None)]
        );
        assert_eq!(
            refs("【行政法规】《军人抚恤优待条例》（国务院、中央军委令第788号）第四十四条；【规范性文件】《残疾退役军人医疗保障办法》；《优抚对象医疗保障办法》"),
            vec![
                r("优抚对象医疗保障办法", None, None, None),
                r("军人抚恤优待条例", Some(44), None, None),
                r("残疾退役军人医疗保障办法", None, None, None),
            ]
        );
        assert_eq!(
            refs("【法律】《中华人民共和国科学技术普及法》第二十九条；《中华人民共和国促进科技成果转化法》第四十四条；《中华人民共和国农业技术推广法》第七条、第八条；《中华人民共和国标准化法》第九条").len(),
            5
        );
        assert_eq!(
            refs("【规范性文件】《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）附件第193项；《国务院关于第五批取消和下放管理层级行政审批项目的决定》（国发〔2010〕21号）附件2第37项"),
            vec![
                r("国务院关于第五批取消和下放管理层级行政审批项目的决定", None, None, Some(37)),
                r("国务院对确需保留的行政审批项目设定行政许可的决定", None, None, Some(193)),
            ]
        );
        assert_eq!(
            refs("【规范性文件】《国家税务总局关于发布〈出口货物劳务增值税和消费税管理办法〉的公告》（国家税务总局公告2012年第24号）第五条第（一）项；《财政部 税务总局关于明确国有农用地出租等增值税政策的公告》第四条"),
            vec![
                r("国家税务总局关于发布出口货物劳务增值税和消费税管理办法的公告", Some(5), None, Some(1)),
                r("财政部税务总局关于明确国有农用地出租等增值税政策的公告", Some(4), None, None),
            ]
        );
        assert_eq!(
            refs("1、《军人抚恤优待条例》第三十三条"),
            vec![r("军人抚恤优待条例", Some(33), None, None)]
        );
        assert_eq!(
            refs("《中华人民共和国特种设备安全法》第五十条；《特种设备安全监察条例》（国务院令第549号）第四十一条、第一百零一条"),
            vec![
                r("特种设备安全法", Some(50), None, None),
                r("特种设备安全监察条例", Some(41), None, None),
                r("特种设备安全监察条例", Some(101), None, None),
            ]
        );
    }

    #[test]
    fn bracket_inside_parenthesis_is_no_tag() {
        assert_eq!(
            refs("【行政法规】《矿产资源开采登记管理办法》（国务院令第241号）第十条；《辽宁省矿产资源权益金制度改革实施方案》（辽政发【2017】33号）；《矿业权出让收益征收管理暂行办法》（财综【2017】35号）第六条"),
            vec![
                r("矿业权出让收益征收管理暂行办法", Some(6), None, None),
                r("矿产资源开采登记管理办法", Some(10), None, None),
                r("辽宁省矿产资源权益金制度改革实施方案", None, None, None),
            ]
        );
    }

    #[test]
    fn whole_liaoning_column_parses() {
        let text = crate::value::real_data("liaoning-catalog-sample/catalog.csv");
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let (mut rows, mut total) = (0, 0);
        for rec in rdr.records().flatten() {
            let basis = Basis::parse(rec.get(6).unwrap_or("").into());
            total += basis.refs.len();
            assert!(!basis.refs.is_empty(), "{}", &basis.raw);
            rows += 1;
        }
        assert_eq!(rows, 30);
        // Checked by reading each row's canonical form against its text.
        assert_eq!(total, 57);
    }

    #[test]
    fn dedup_and_order() {
        let b = Basis::parse(
            "《食品安全法》第35条；《中华人民共和国食品安全法》第三十五条；《A法》第1条".into(),
        );
        assert_eq!(b.refs.len(), 2);
        assert_eq!(b.refs[0].key, "A法");
        assert_eq!(b.canonical(), "《A法》第1条；《食品安全法》第35条");
    }

    #[test]
    fn display_uses_chinese_numerals() {
        let r = LawRef::new("中华人民共和国食品安全法", Some(35), Some(1), None);
        assert_eq!(r.display(), "《中华人民共和国食品安全法》第三十五条第一款");
        assert_eq!(r.key, "食品安全法");
    }

    fn any_ref() -> impl proptest::strategy::Strategy<Value = LawRef> {
        use proptest::prelude::*;
        (
            "(中华人民共和国)?[食品安全药广告][食品安全药广告]{0,6}(法|条例|办法)",
            proptest::option::of(1u32..500),
            proptest::option::of(1u32..10),
            proptest::option::of(1u32..20),
        )
            .prop_map(|(t, a, p, i)| LawRef::new(&t, a, p, i))
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let b = Basis::parse(s.as_str().into());
            let _ = b.canonical();
        }

        #[test]
        fn basis_soup_never_panics(s in "[《》〈〉<>第条款项一二三十百0-9；;、：:“”【】()（）法 \n]{0,30}") {
            let b = Basis::parse(s.as_str().into());
            let _ = b.canonical();
        }

        #[test]
        fn display_round_trips(refs in proptest::collection::vec(any_ref(), 1..5)) {
            let mut want = refs.clone();
            want.sort();
            want.dedup();
            let chinese: Vec<String> = refs.iter().map(LawRef::display).collect();
            let b = Basis::parse(chinese.join("；").as_str().into());
            proptest::prop_assert_eq!(&b.refs, &want);
            let again = Basis::parse(b.canonical().as_str().into());
            proptest::prop_assert!(again.same_refs(&b));
        }
    }
}
