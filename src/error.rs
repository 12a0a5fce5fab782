//! The errors that stop a run (exit 2): unreadable input, invalid rules, bad arguments. Findings
//! are not errors; row-level problems are `Diagnostic`s in the load report.

use std::fmt;
use std::io;

/// Why a run could not be done. Every variant names the file and, where there is one, the line
/// and column.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    /// A rules file is invalid.
    #[error("{}", Located { file, line: *line, column: *column, key: key.as_deref(), message })]
    Rules {
        file: String,
        line: Option<u64>,
        column: Option<u64>,
        key: Option<String>,
        message: String,
    },
    /// An input dataset cannot be used at all (no items file, not a workbook, ...).
    #[error("{}", Located { file, line: *line, column: column.map(|c| c as u64), key: None, message })]
    Input { file: String, line: Option<u64>, column: Option<usize>, message: String },
    /// Bad arguments.
    #[error("{}", pick_lang(.0, false))]
    Usage(String),
}

/// Result with the crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<std::path::Path>, source: io::Error) -> Error {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }

    /// A dataset-level input error without a position.
    pub fn input(file: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Input { file: file.into(), line: None, column: None, message: message.into() }
    }

    /// A dataset-level input error worded in both languages ([`Error::message`] picks one).
    pub fn input2(file: impl Into<String>, zh: &str, en: &str) -> Error {
        Error::input(file, both(zh, en))
    }

    /// Bad arguments, worded in both languages ([`Error::message`] picks one).
    pub fn usage2(zh: &str, en: &str) -> Error {
        Error::Usage(both(zh, en))
    }

    /// The error as the user reads it: in Chinese when `zh`, else in English. A message made
    /// with [`Error::usage2`] or [`Error::input2`] has its own Chinese; the others are put into
    /// Chinese phrase by phrase ([`zh_message`]). The temporary file of an atomic write is
    /// never named: the user knows only the report's path.
    pub fn message(&self, zh: bool) -> String {
        let pick = |m: &str| pick_lang(m, zh);
        match self {
            Error::Io { path, source } => {
                let path = hide_temporary(path, zh);
                if zh {
                    match io_zh(source.kind()) {
                        Some(what) => format!("{path}：{what}"),
                        None => format!("{path}：读写失败（{source}）"),
                    }
                } else {
                    format!("{path}: {source}")
                }
            }
            Error::Rules { file, line, column, key, message } => {
                let message = pick(message);
                located(file, *line, *column, key.as_deref(), &message, zh)
            }
            Error::Input { file, line, column, message } => {
                let message = pick(message);
                located(file, *line, column.map(|c| c as u64), None, &message, zh)
            }
            Error::Usage(message) => pick(message),
        }
    }
}

/// Separates the English and the Chinese wording of one message.
const LANG_SEP: char = '\u{1f}';

fn both(zh: &str, en: &str) -> String {
    format!("{en}{LANG_SEP}{zh}")
}

/// One language of a message: its own Chinese half when it has one, else the English put into
/// Chinese by [`zh_message`] (or left as it is when no phrase matches).
fn pick_lang(message: &str, zh: bool) -> String {
    match message.split_once(LANG_SEP) {
        Some((en, zh_text)) => if zh { zh_text } else { en }.to_string(),
        None if zh => zh_message(message),
        None => message.to_string(),
    }
}

/// The Chinese of the English messages the library's readers give (the ones a newcomer meets
/// first), phrase by phrase: a known opening is replaced and the values after it are kept.
pub fn zh_message(en: &str) -> String {
    const PHRASES: &[(&str, &str)] = &[
        (
            "no items table: expected items.csv or 事项.csv (or one .xlsx workbook, or one CSV file of any name) in this folder",
            "没有事项表：此文件夹中应有 items.csv 或 事项.csv（或一个 .xlsx 工作簿，或任意名称的唯一一个 CSV 文件）",
        ),
        ("no item could be loaded: all ", "没有载入任何事项：全部 "),
        (" rows were rejected; first: ", " 行均未能读取；第一条原因："),
        (
            "the items table is empty: no header row, so no item was read",
            "事项表为空：没有表头，未读取任何事项",
        ),
        ("the items table cannot be read: ", "事项表无法读取："),
        ("the items sheet cannot be read: ", "事项工作表无法读取："),
        ("cannot read the items table: it is a ", "无法读取事项表：它是"),
        ("not a readable workbook (.xlsx): ", "不是可读取的工作簿（.xlsx）："),
        ("the workbook reader failed on its contents", "工作簿内容无法解析"),
        ("workbooks of type .", "不读取此类工作簿：."),
        (" are not read: save it as .xlsx (or CSV files)", "，请另存为 .xlsx（或 CSV 文件）"),
        ("not a dataset: a ", "不是数据集："),
        (
            " is neither a folder nor a file (nothing is read from it)",
            "既不是文件夹也不是文件（未读取）",
        ),
        ("unknown encoding ", "无法识别的编码 "),
        ("(use utf-8, gbk or gb18030)", "（可用 utf-8、gbk 或 gb18030）"),
        ("--jurisdiction needs a 区划代码", "--jurisdiction 需要一个区划代码"),
        ("the rules folder ", "规则目录"),
        ("the file changed while reading it", "读取过程中文件被修改"),
        (
            "a required column is missing: no row of this file was loaded",
            "缺少必需的列，本文件所有行均未载入",
        ),
        ("must be a file, not a ", "必须是文件，而不是"),
        ("that file is an input of this run", "该文件是本次运行的输入"),
        ("the report would replace it", "报告会覆盖它"),
        ("no rule ", "没有规则 "),
        ("(run `qingdan rules` for the list)", "（运行 `qingdan rules` 查看列表）"),
    ];
    let mut out = en.to_string();
    for (from, to) in PHRASES {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

/// What kind of I/O failure, in Chinese.
fn io_zh(kind: io::ErrorKind) -> Option<&'static str> {
    use io::ErrorKind as K;
    Some(match kind {
        K::NotFound => "找不到该文件或文件夹",
        K::PermissionDenied => "没有访问权限",
        K::AlreadyExists => "文件已存在",
        K::InvalidData => "内容无法读取",
        K::InvalidInput => "参数无效",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::NotADirectory => "路径中有一段不是文件夹",
        K::StorageFull => "磁盘空间不足",
        K::ReadOnlyFilesystem => "文件系统只读",
        K::UnexpectedEof => "文件意外结束",
        K::Interrupted => "操作被中断",
        _ => return None,
    })
}

/// A path as an error shows it: the temporary file of an atomic write (`.qingdan-<pid>-*.tmp`)
/// is named by its folder only.
fn hide_temporary(path: &str, zh: bool) -> String {
    let p = std::path::Path::new(path);
    let temporary = p
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(".qingdan-") && n.ends_with(".tmp"));
    if !temporary {
        return path.to_string();
    }
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.display().to_string(),
        _ => ".".to_string(),
    };
    if zh {
        format!("{dir}（写入报告时）")
    } else {
        format!("{dir} (writing the report)")
    }
}

fn located(
    file: &str,
    line: Option<u64>,
    column: Option<u64>,
    key: Option<&str>,
    message: &str,
    zh: bool,
) -> String {
    let mut s = file.to_string();
    if let Some(line) = line {
        s.push_str(&format!(":{line}"));
        if let Some(col) = column {
            s.push_str(&format!(":{col}"));
        }
    }
    if let Some(key) = key {
        if zh {
            s.push_str(&format!("：键 `{key}`"));
        } else {
            s.push_str(&format!(": key `{key}`"));
        }
    }
    s.push_str(if zh { "：" } else { ": " });
    s.push_str(message);
    s
}

struct Located<'a> {
    file: &'a str,
    line: Option<u64>,
    column: Option<u64>,
    key: Option<&'a str>,
    message: &'a str,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(key) = self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", pick_lang(self.message, false))
    }
}
