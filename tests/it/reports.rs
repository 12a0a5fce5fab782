//! Integration tests of the reports people read: check's html page (escaping, no external
//! references, a real browser when one is installed), check's and diff's xlsx (read back with
//! calamine: sheets present, no formula cells from data), baselines, diff's html highlights.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/reports").join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run qingdan")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn check_html(dataset: &Path, extra: &[&str], out: &Path) -> String {
    let mut args = vec!["check", s(dataset), "--format", "html", "-o", s(out)];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.code() == Some(0) || o.status.code() == Some(1), "{o:?}");
    std::fs::read_to_string(out).expect("html written")
}

fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("http://") && !html.contains("https://"), "external reference");
    assert!(!html.contains("<link"), "stylesheet link");
    assert!(!html.contains("<script src"), "external script");
    assert!(!html.contains("@import") && !html.contains("url("), "external css resource");
    // The only script is the filter box's own.
    assert_eq!(html.matches("<script>").count(), 1);
}

#[test]
fn check_html_escapes_every_value_from_data() {
    let dir = tempfile::tempdir().unwrap();
    for lang in ["zh", "en"] {
        let out = dir.path().join(format!("evil-{lang}.html"));
        let html = check_html(&fixture("evil"), &["--lang", lang], &out);
        assert_self_contained(&html);
        // The hostile names appear, only as inert text.
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("<script>alert(1)"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("onerror=alert(1)>"));
        // A hostile jurisdiction name too.
        assert!(html.contains("&lt;b&gt;邕宁区&lt;/b&gt;&amp;&#39;"));
        assert!(!html.contains("<b>邕宁区"));
        // Variant table of the name: the reference value marked, the deviants listed.
        assert!(html.contains("<tr class=\"ref\"><td>食品经营许可</td><td>5</td>"));
        if lang == "zh" {
            assert!(html.contains("区域总览") && html.contains("按部门"));
        } else {
            assert!(html.contains("The region at a glance") && html.contains("By department"));
        }
    }
}

#[test]
fn check_html_of_examples_with_and_without_standard() {
    let dir = tempfile::tempdir().unwrap();
    let region = root().join("examples/region");
    let std = root().join("examples/standard");
    let a = check_html(&region, &[], &dir.path().join("a.html"));
    let b = check_html(&region, &["--standard", s(&std)], &dir.path().join("b.html"));
    for html in [&a, &b] {
        assert_self_contained(html);
        assert!(html.contains("id=\"heat\"") && html.contains("id=\"variants\""));
        assert!(html.contains("<input id=\"q\""));
        // The region tree: the city heads it, its counties under it.
        assert!(html.contains("<div class=\"tree\""));
        assert!(html.contains("data-k=\"450100\""));
        assert!(html.contains("450100 南宁市（下辖9个）"));
    }
    assert!(b.contains("★ 标注标准目录的取值"));
    screenshot(&dir.path().join("b.html"));
}

/// Debian's chromium, which .ci/run installs: a browser test fails, never skips, without it.
const CHROMIUM: &str = "/usr/bin/chromium";

/// Headless Chromium on `page` with `extra` arguments (a fresh profile each time).
fn chromium(page: &Path, extra: &[&str]) -> Output {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium fonts-wqy-zenhei)"
    );
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", s(profile.path())),
            "--window-size=1400,1000",
        ])
        .args(extra)
        .arg(format!("file://{}", s(page)))
        .output()
        .expect("start chromium");
    assert!(o.status.success(), "chromium failed: {}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Loads the page in headless Chromium and saves a screenshot to /tmp/check.png (looked at by
/// hand).
fn screenshot(page: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shot.png");
    chromium(page, &[&format!("--screenshot={}", s(&shot))]);
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "screenshot too small");
    let _ = std::fs::copy(&shot, "/tmp/check.png");
}

/// The page laid out by Chromium and measured by `probe`, a JavaScript expression whose value
/// (JSON-serialisable) is returned: the probe runs after the page's own script, on a copy of
/// the page, and its answer is read back from the dumped DOM.
fn measure(page: &Path, probe: &str) -> serde_json::Value {
    let html = std::fs::read_to_string(page).expect("page written");
    let script = format!(
        "<script>window.addEventListener('load',function(){{var p=document.createElement('pre');\
         p.id='qd-probe';p.textContent=JSON.stringify(({probe})());document.body.appendChild(p);}});</script>"
    );
    let at = html.rfind("</body>").expect("page has a body");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("probed.html");
    std::fs::write(&copy, format!("{}{script}{}", &html[..at], &html[at..])).unwrap();
    let o = chromium(&copy, &["--dump-dom"]);
    let dom = String::from_utf8(o.stdout).expect("utf-8 dom");
    let start =
        dom.find("<pre id=\"qd-probe\">").expect("probe ran") + "<pre id=\"qd-probe\">".len();
    let end = start + dom[start..].find("</pre>").expect("probe closed");
    let text = dom[start..end].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    serde_json::from_str(&text).expect("probe answered json")
}

/// Sheet names, each sheet's rows, and the number of formula cells.
type Book = (Vec<String>, Vec<(String, Vec<Vec<Data>>)>, usize);

fn read_xlsx(path: &Path) -> Book {
    let mut book: Xlsx<_> = calamine::open_workbook(path).expect("open xlsx");
    let names = book.sheet_names().to_vec();
    let mut sheets = Vec::new();
    let mut formulas = 0;
    for n in &names {
        let range = book.worksheet_range(n).expect("sheet");
        sheets.push((n.clone(), range.rows().map(|r| r.to_vec()).collect()));
        formulas += book
            .worksheet_formula(n)
            .expect("formulas")
            .rows()
            .flatten()
            .filter(|f| !f.is_empty())
            .count();
    }
    (names, sheets, formulas)
}

#[test]
fn check_xlsx_keeps_formulas_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("f.xlsx");
    let o = run(&["check", s(&fixture("formula")), "--format", "xlsx", "-o", s(&out)]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{o:?}");
    let (names, sheets, formulas) = read_xlsx(&out);
    assert_eq!(names, ["汇总", "问题清单", "差异对照"]);
    assert_eq!(formulas, 0, "no formula cells");
    let evil = Data::String("=HYPERLINK(\"http://x\",\"y\")".into());
    let findings = &sheets[1].1;
    assert_eq!(findings[0][0], Data::String("区划代码".into()));
    assert!(findings.iter().any(|r| r.contains(&evil)), "item name kept as a string");
    assert!(sheets[2].1.iter().any(|r| r.contains(&evil)), "variants sheet has it");
    // Every data cell of the findings is a string (counts elsewhere are numbers, issue 16.7).
    for r in findings {
        for c in r {
            assert!(matches!(c, Data::String(_) | Data::Empty), "{c:?}");
        }
    }
    // And in csv the formula is defused.
    let o = run(&["check", s(&fixture("formula")), "--format", "csv"]);
    let csv = String::from_utf8(o.stdout).unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), "{csv}");
}

#[test]
fn check_xlsx_of_examples_has_all_findings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.xlsx");
    let region = root().join("examples/region");
    let std = root().join("examples/standard");
    let o = run(&["check", s(&region), "--standard", s(&std), "--format", "xlsx", "-o", s(&out)]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{o:?}");
    let o = run(&["check", s(&region), "--standard", s(&std), "--format", "jsonl"]);
    let n = String::from_utf8(o.stdout).unwrap().lines().count();
    let (names, sheets, formulas) = read_xlsx(&out);
    assert_eq!(names.len(), 3);
    assert_eq!(formulas, 0);
    assert_eq!(sheets[1].1.len(), n + 1, "one row per finding plus the header");
    assert!(sheets[2].1.len() > 1);
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.jsonl");
    let region = root().join("examples/region");
    let std = root().join("examples/standard");
    let o = run(&["check", s(&region), "--standard", s(&std), "--write-baseline", s(&base)]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{o:?}");
    let lines = std::fs::read_to_string(&base).unwrap().lines().count();
    assert!(lines > 0);
    let o = run(&["check", s(&region), "--standard", s(&std), "--baseline", s(&base)]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains(&format!("新增0条，已解决0条，持续{lines}条")), "{err}");
    // Without the standard the findings differ: some new, some resolved.
    let o = run(&["check", s(&region), "--baseline", s(&base), "--lang", "en"]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains(" new, ") && !err.contains("0 new, 0 resolved"), "{err}");
    // Dropping one line of the baseline makes exactly one finding new.
    let text = std::fs::read_to_string(&base).unwrap();
    let short: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let base2 = dir.path().join("short.jsonl");
    std::fs::write(&base2, short).unwrap();
    let o =
        run(&["check", s(&region), "--standard", s(&std), "--baseline", s(&base2), "--lang", "en"]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains(&format!("1 new, 0 resolved, {} persisting", lines - 1)), "{err}");
    // The html marks new findings and lists the resolved ones.
    let html = check_html(
        &region,
        &["--standard", s(&std), "--baseline", s(&base2)],
        &dir.path().join("b.html"),
    );
    assert_eq!(
        html.matches("<td class=\"st-new\">").count(),
        1,
        "once, in its jurisdiction's findings"
    );
    assert!(html.contains("id=\"resolved\""));
}

/// One baseline file kept from night to night: `--baseline B --write-baseline B` reads
/// yesterday's whole, then replaces it with tonight's (only `-o` onto it is refused).
#[test]
fn a_rolling_baseline_replaces_itself() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("baseline.jsonl");
    let region = root().join("examples/region");
    let std = root().join("examples/standard");
    let b = s(&base);
    let o = run(&["check", s(&region), "--standard", s(&std), "--write-baseline", b]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let first = std::fs::read_to_string(&base).unwrap();
    let lines = first.lines().count();
    assert!(lines > 0);
    // Without the standard tonight: some findings resolved, some new, and the file replaced.
    let o = run(&["check", s(&region), "--baseline", b, "--write-baseline", b, "--lang", "en"]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{o:?}");
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains(" new, ") && !err.contains("0 new, 0 resolved"), "{err}");
    let second = std::fs::read_to_string(&base).unwrap();
    assert_ne!(first, second, "tonight's findings replace yesterday's");
    let o = run(&["check", s(&region), "--baseline", b, "--write-baseline", b, "--lang", "en"]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("0 new, 0 resolved"), "{err}");
    assert_eq!(std::fs::read_to_string(&base).unwrap(), second);
    // -o onto the baseline is still refused, and the file is kept.
    let o = run(&["check", s(&region), "--baseline", b, "-o", b]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert_eq!(std::fs::read_to_string(&base).unwrap(), second);
}

#[test]
fn bad_baseline_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("bad.jsonl");
    std::fs::write(&base, "{\"rule\":\"QD101\",\"field\":\"name\"}\nnot json at all\n").unwrap();
    let o = run(&["check", s(&root().join("examples/region")), "--baseline", s(&base)]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("bad.jsonl") && err.contains(":2"), "{err}");
}

#[test]
fn diff_html_highlights_changes_and_stays_inert() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.html");
    let (old, new) = (root().join("examples/region"), root().join("examples/region-v2"));
    let o = run(&["diff", s(&old), s(&new), "--format", "html", "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert_self_contained(&html);
    // The generator rewords 申请书 → 申请表: the same material, shown side by side.
    assert!(html.contains("<td>申请<del>书</del></td><td>申请<ins>表</ins></td>"));
    // Bar charts are inline SVG.
    assert!(html.matches("<svg").count() >= 4);
    // Hostile names in a diff stay inert.
    let out = dir.path().join("evil.html");
    let o = run(&[
        "diff",
        s(&fixture("evil")),
        s(&fixture("formula")),
        "--format",
        "html",
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(!html.contains("<script>alert") && !html.contains("<img"));
    assert!(html.contains("&lt;script&gt;") || html.contains("&lt;/script&gt;"));
}

/// What the diff page's change tables look like once laid out: every cell's width and text.
const DIFF_PROBE: &str = r#"function(){
  var rows=[];
  document.querySelectorAll('table.sbs, table.chg').forEach(function(t){
    var tw=t.getBoundingClientRect().width;
    t.querySelectorAll('tr').forEach(function(tr){
      var tds=Array.prototype.slice.call(tr.querySelectorAll('td'));
      if(!tds.length) return;
      rows.push({table:t.className, width:tw,
        cells:tds.map(function(td){return {w:td.getBoundingClientRect().width,
          h:td.getBoundingClientRect().height, text:td.textContent.trim(),
          marked:!!(td.querySelector('del')&&td.querySelector('ins'))};})});
    });
  });
  var ranks={};
  document.querySelectorAll('h3').forEach(function(h){
    var svg=h.nextElementSibling, labels=[];
    if(svg&&svg.tagName.toLowerCase()==='svg'){
      svg.querySelectorAll('text').forEach(function(x,i){ if(i%2===0) labels.push(x.textContent); });
    }
    ranks[h.textContent]=labels;
  });
  return {rows:rows, ranks:ranks};
}"#;

/// Issue 16.5: the diff page as a browser lays it out. The 调整后 column once collapsed to one
/// character (`.sbs td{width:50%}` on a 3-column table: 申请人承诺书 read vertically), the 变化
/// column was empty in every row, 7→3 read "73个工作日", and the 按部门 ranking was labelled
/// with division codes.
#[test]
fn diff_html_laid_out_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.html");
    let (old, new) = (root().join("examples/region"), root().join("examples/region-v2"));
    let o = run(&["diff", s(&old), s(&new), "--format", "html", "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let m = measure(&out, DIFF_PROBE);
    let rows = m["rows"].as_array().expect("rows");
    let (mut sbs, mut chg) = (0, 0);
    for row in rows {
        let table = row["table"].as_str().unwrap();
        let width = row["width"].as_f64().unwrap();
        let cells = row["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 3, "{row}");
        let w = |k: usize| cells[k]["w"].as_f64().unwrap();
        let text = |k: usize| cells[k]["text"].as_str().unwrap();
        // The 变化 column (first of a side-by-side table, second of a field table) says what
        // changed in every row.
        let kind = if table == "sbs" { 0 } else { 1 };
        assert!(!text(kind).is_empty(), "empty 变化 cell: {row}");
        if table == "sbs" {
            sbs += 1;
            // 调整前 and 调整后 share the room: neither is squeezed to a sliver.
            assert!(w(1) > width * 0.3 && w(2) > width * 0.3, "{row}");
            assert!(!(text(1).is_empty() && text(2).is_empty()), "{row}");
        } else {
            chg += 1;
            assert!(!text(0).is_empty(), "{row}");
            assert!(w(2) > width * 0.4, "{row}");
            assert!(!text(2).is_empty(), "{row}");
        }
        // No text cell is a column of single characters: a short text fits on one or two lines.
        for c in cells {
            let chars = c["text"].as_str().unwrap().chars().count();
            if chars > 0 && chars <= 12 {
                assert!(c["h"].as_f64().unwrap() < 50.0, "text wrapped in a sliver: {row}");
            }
        }
        // An old run followed by a new one reads old→new, never run together.
        for c in cells {
            if c["marked"].as_bool().unwrap() {
                assert!(c["text"].as_str().unwrap().contains('→'), "{row}");
            }
        }
    }
    assert!(sbs > 10 && chg > 10, "sbs {sbs}, chg {chg}");
    let ranks = m["ranks"].as_object().unwrap();
    let by_dept = ranks["按部门"].as_array().expect("按部门 chart");
    assert!(!by_dept.is_empty());
    for label in by_dept {
        let label = label.as_str().unwrap();
        let name = label.split_once(". ").map(|(_, n)| n).unwrap_or(label);
        assert!(name.chars().any(|c| !c.is_ascii_digit()), "a code, not a department: {label}");
        assert!(name.ends_with('局') || name.contains("委员会") || name.len() > 6, "{label}");
    }
    let by_j = ranks["按区划"].as_array().expect("按区划 chart");
    assert!(by_j.iter().all(|l| l.as_str().unwrap().chars().any(|c| !c.is_ascii_digit())));
}

/// What the region tree does in a browser, measured on the laid-out page.
const TREE_PROBE: &str = r#"function(){
function ns(c){return [].filter.call(c.children,function(e){return e.classList.contains('n');});}
function vis(e){return e.checkVisibility?e.checkVisibility():e.getBoundingClientRect().height>0;}
var top=document.querySelector('.tree .top');var roots=ns(top);var root=roots[0];
var kids=ns(root.querySelector('.kids'));
var tile=function(c){return +document.querySelector('.tile.'+c+' b').textContent;};
var res={roots:roots.length,rootOpen:root.open,rootText:root.querySelector('summary .nm').textContent,
rootSum:(+root.dataset.e)+(+root.dataset.w)+(+root.dataset.i),rootT:+root.dataset.t,
tiles:tile('error')+tile('warning')+tile('info'),
kids:kids.map(function(k){return {k:k.dataset.k,e:+k.dataset.e,w:+k.dataset.w,i:+k.dataset.i,open:!!k.open,
self:k.classList.contains('self'),border:getComputedStyle(k.querySelector('.nm')).borderLeftColor};})};
var county=kids.filter(function(k){return k.tagName==='DETAILS'&&k.querySelector('.kids .n:not(.self) a');})[0];
var town=county.querySelector('.kids .n:not(.self) a').closest('.n');
res.townHidden=!vis(town);county.open=true;res.townShown=vis(town);
var hd=document.querySelector('.tree .hd').children,r1=root.querySelector('summary').children;
res.aligned=hd.length===r1.length&&[].every.call(hd,function(h,i){return Math.abs(h.getBoundingClientRect().left-r1[i].getBoundingClientRect().left)<1;});
res.narrow=[].filter.call(r1,function(c){return c.scrollWidth>c.clientWidth+1&&!c.classList.contains('nm');}).length;
var s=document.getElementById('sort');s.value='worst';s.dispatchEvent(new Event('change'));
res.sorted=ns(root.querySelector('.kids')).map(function(k){return [k.dataset.k,+k.dataset.e,+k.dataset.w];});
var a=town.querySelector('a');res.link=a.getAttribute('href');var t=document.getElementById(res.link.slice(1));
t.open=false;a.click();res.targetOpen=t.open;res.targetRows=t.querySelectorAll('tr.f').length;
var il=document.querySelector('details.jd a[href^=\'#i\']');res.itemLink=!!(il&&document.getElementById(il.getAttribute('href').slice(1)));
return res;}"#;

/// Issue 16.6: the region at a glance. The city heads the tree, open; its counties are closed
/// rows coloured by their worst finding, their towns hidden until opened; the counts add up to
/// the tiles; sorting puts the worst first; a count opens the jurisdiction's findings, whose
/// items link to their variant tables; the columns line up.
#[test]
fn check_html_region_tree_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tree.html");
    let region = root().join("examples/region");
    let std = root().join("examples/standard");
    check_html(&region, &["--standard", s(&std)], &out);
    let m = measure(&out, TREE_PROBE);
    assert_eq!(m["roots"], 1, "{m}");
    assert_eq!(m["rootOpen"], true, "{m}");
    assert!(m["rootText"].as_str().unwrap().contains("450100 南宁市"), "{m}");
    assert_eq!(m["rootSum"], m["tiles"], "{m}");
    assert_eq!(m["rootSum"], m["rootT"], "{m}");
    assert!(m["tiles"].as_u64().unwrap() > 0, "{m}");
    let kids = m["kids"].as_array().unwrap();
    assert_eq!(kids[0]["self"], true, "the city's own list first: {m}");
    assert!(kids.len() >= 4, "{m}");
    for k in &kids[1..] {
        assert_eq!(k["open"], false, "{k}");
        let colour = k["border"].as_str().unwrap();
        if k["e"].as_u64().unwrap() > 0 {
            assert_eq!(colour, "rgb(198, 40, 40)", "an error row is red: {k}");
        } else if k["w"].as_u64().unwrap() > 0 {
            assert_eq!(colour, "rgb(239, 138, 23)", "a warning row is orange: {k}");
        }
    }
    assert_eq!(m["townHidden"], true, "{m}");
    assert_eq!(m["townShown"], true, "{m}");
    assert_eq!(m["aligned"], true, "header and rows share the columns: {m}");
    assert_eq!(m["narrow"], 0, "a count overflows its column: {m}");
    let sorted = m["sorted"].as_array().unwrap();
    assert_eq!(sorted[0][0], "", "own list stays first: {m}");
    let key = |r: &serde_json::Value| (r[1].as_u64().unwrap(), r[2].as_u64().unwrap());
    for w in sorted[1..].windows(2) {
        assert!(key(&w[0]) >= key(&w[1]), "worst first: {m}");
    }
    assert!(m["link"].as_str().unwrap().starts_with("#j"), "{m}");
    assert_eq!(m["targetOpen"], true, "{m}");
    assert!(m["targetRows"].as_u64().unwrap() > 0, "{m}");
    assert_eq!(m["itemLink"], true, "{m}");
}

/// Issue 16.5: one rounding for 承诺时限压缩率 in html, text and xlsx (64.6% in one, 64.5% in
/// the others).
#[test]
fn diff_rates_round_alike_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (root().join("examples/region"), root().join("examples/region-v2"));
    let mut shown = Vec::new();
    for format in ["text", "html"] {
        let out = dir.path().join(format!("d.{format}"));
        let o = run(&["diff", s(&old), s(&new), "--format", format, "-o", s(&out)]);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        let body = std::fs::read_to_string(&out).unwrap();
        // The first percentage after the rate's name: the rate before the change.
        let at = body.find("承诺时限压缩率").expect("rate shown");
        let rest = &body[at..];
        let end = rest.find('%').expect("a percentage");
        let digits: String = rest[..end]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        shown.push(digits);
    }
    assert_eq!(shown[0], shown[1], "text vs html");
    assert!(!shown[0].is_empty());
}

#[test]
fn diff_xlsx_sheets_and_no_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.xlsx");
    let o = run(&[
        "diff",
        s(&fixture("evil")),
        s(&fixture("formula")),
        "--format",
        "xlsx",
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let (names, sheets, formulas) = read_xlsx(&out);
    assert_eq!(names, ["汇总", "变化明细", "逐项对比"]);
    assert_eq!(formulas, 0);
    let evil = Data::String("=HYPERLINK(\"http://x\",\"y\")".into());
    assert!(sheets[1].1.iter().any(|r| r.contains(&evil)), "{:?}", sheets[1].1);
    assert!(sheets[2].1.iter().any(|r| r.contains(&evil)));
}

#[test]
fn one_summary_line_on_stderr_and_none_when_quiet() {
    let region = root().join("examples/region");
    let o = run(&["check", s(&region), "--format", "json"]);
    let err = String::from_utf8(o.stderr).unwrap();
    // No progress drawn on a pipe: only the summary line.
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("读取3156行") && err.contains("错误") && err.contains("秒"), "{err}");
    let o = run(&["check", s(&region), "--format", "json", "--quiet"]);
    assert!(o.stderr.is_empty());
    let o = run(&["diff", s(&region), s(&root().join("examples/region-v2")), "--lang", "en"]);
    let err = String::from_utf8(o.stderr).unwrap();
    let last = err.lines().last().unwrap_or("");
    assert!(last.contains("rows read") && last.ends_with('s'), "{err}");
}

#[test]
fn csv_defuses_formulas_unless_raw() {
    let formula = fixture("formula");
    let evil = fixture("evil");
    for (args, raw) in [
        (vec!["check", s(&formula), "--format", "csv"], false),
        (vec!["check", s(&formula), "--format", "csv", "--raw"], true),
        (vec!["diff", s(&evil), s(&formula), "--format", "csv"], false),
        (vec!["diff", s(&evil), s(&formula), "--format", "csv", "--raw"], true),
    ] {
        let o = run(&args);
        let csv = String::from_utf8(o.stdout).unwrap();
        let mut r = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        let cells: Vec<String> = r
            .records()
            .flatten()
            .flat_map(|rec| rec.iter().map(str::to_string).collect::<Vec<_>>())
            .collect();
        let plain = "=HYPERLINK(\"http://x\",\"y\")";
        let defused = format!("'{plain}");
        assert!(
            cells.iter().any(|c| c == if raw { plain } else { defused.as_str() }),
            "{args:?}: {csv}"
        );
        // The only cells beginning with = are the codes written for Excel: ="000105001000".
        let code = |c: &str| {
            c.strip_prefix("=\"")
                .and_then(|c| c.strip_suffix('"'))
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        };
        assert!(raw || !cells.iter().any(|c| c.starts_with('=') && !code(c)), "{args:?}");
    }
}

#[test]
fn html_and_xlsx_are_identical_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let region = root().join("examples/region");
    let v2 = root().join("examples/region-v2");
    for format in ["html", "xlsx"] {
        let mut outs = Vec::new();
        for threads in ["1", "2"] {
            let c = dir.path().join(format!("c{threads}.{format}"));
            let d = dir.path().join(format!("d{threads}.{format}"));
            let o =
                run(&["check", s(&region), "--format", format, "-o", s(&c), "--threads", threads]);
            assert!(o.status.code().is_some_and(|x| x < 2));
            let o = run(&[
                "diff",
                s(&region),
                s(&v2),
                "--format",
                format,
                "-o",
                s(&d),
                "--threads",
                threads,
            ]);
            assert_eq!(o.status.code(), Some(0));
            outs.push((std::fs::read(&c).unwrap(), std::fs::read(&d).unwrap()));
        }
        assert!(outs[0] == outs[1], "{format} differs between 1 and 2 threads");
    }
}

/// The xml of every worksheet part of a workbook (xl/worksheets/sheetN.xml, in order) and its
/// xl/workbook.xml.
fn sheet_xml(path: &Path) -> (Vec<String>, String) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let read = |zip: &mut zip::ZipArchive<std::fs::File>, name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let mut sheets = Vec::new();
    for n in 1.. {
        let name = format!("xl/worksheets/sheet{n}.xml");
        if zip.by_name(&name).is_err() {
            break;
        }
        sheets.push(read(&mut zip, &name));
    }
    let workbook = read(&mut zip, "xl/workbook.xml");
    (sheets, workbook)
}

/// Issue 16.7: every sheet prints landscape, one page wide, its header row repeated.
fn assert_print_setup(path: &Path) {
    let (sheets, workbook) = sheet_xml(path);
    assert!(!sheets.is_empty());
    for (k, xml) in sheets.iter().enumerate() {
        assert!(xml.contains("orientation=\"landscape\""), "sheet {k} not landscape");
        assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "sheet {k} not fitted");
        assert!(xml.contains("fitToHeight=\"0\""), "sheet {k}: fit to width only");
    }
    assert_eq!(
        workbook.matches("_xlnm.Print_Titles").count(),
        sheets.len(),
        "a repeated header row per sheet: {workbook}"
    );
}

/// The cell of `rows` right of the first cell equal to `label`.
fn beside<'a>(rows: &'a [Vec<Data>], label: &str) -> &'a Data {
    for r in rows {
        if let Some(k) = r.iter().position(|c| *c == Data::String(label.into())) {
            return &r[k + 1];
        }
    }
    panic!("no {label} in {rows:?}")
}

/// Issue 16.7: counts, scores and rates in the diff workbook are numbers (they were text:
/// '14', '-2', '64.5%'), 变化明细 says what changed in Chinese, and every sheet prints.
#[test]
fn diff_xlsx_numbers_words_and_print_setup() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.xlsx");
    let (old, new) = (root().join("examples/region"), root().join("examples/region-v2"));
    let o = run(&["diff", s(&old), s(&new), "--format", "xlsx", "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let (names, sheets, _) = read_xlsx(&out);
    assert_eq!(names[..3], ["汇总", "变化明细", "逐项对比"]);
    let summary = &sheets[0].1;
    assert!(matches!(beside(summary, "事项"), Data::Float(n) if *n > 100.0));
    assert!(matches!(beside(summary, "简化总分"), Data::Float(_)));
    // The rate as the fraction of the rounded percentage other formats show (64.6%).
    match beside(summary, "承诺时限压缩率") {
        Data::Float(x) => assert!((x * 1000.0 - (x * 1000.0).round()).abs() < 1e-9, "{x}"),
        other => panic!("rate as {other:?}"),
    }
    let changes = &sheets[1].1;
    let kinds: std::collections::BTreeSet<String> =
        changes.iter().skip(1).map(|r| r[5].to_string()).collect();
    assert!(
        kinds.contains("新增") && kinds.contains("删除") && kinds.contains("改名"),
        "{kinds:?}"
    );
    for k in ["added", "removed", "reworded", ""] {
        assert!(!kinds.contains(k), "{k:?} in {kinds:?}");
    }
    let items = &sheets[2].1;
    // Codes keep their leading zeros (text); score and measures are numbers.
    assert!(items.iter().skip(1).all(|r| matches!(&r[1], Data::String(_))));
    assert!(items.iter().skip(1).any(|r| matches!(&r[1], Data::String(c) if c.starts_with("000"))));
    assert!(items.iter().skip(1).all(|r| matches!(r[5], Data::Float(_))));
    assert!(items.iter().skip(1).any(|r| matches!(r[5], Data::Float(x) if x < 0.0)));
    assert!(items.iter().skip(1).all(|r| matches!(r[6], Data::Float(_) | Data::Empty)));
    assert_print_setup(&out);
}

/// Issue 16.7: check's workbook counts are numbers and it prints landscape.
#[test]
fn check_xlsx_numbers_and_print_setup() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.xlsx");
    let (list, standard) = (root().join("examples/region"), root().join("examples/standard"));
    let o =
        run(&["check", s(&list), "--standard", s(&standard), "--format", "xlsx", "-o", s(&out)]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{o:?}");
    let (_, sheets, _) = read_xlsx(&out);
    let summary = &sheets[0].1;
    assert!(matches!(beside(summary, "事项"), Data::Float(n) if *n > 100.0));
    assert!(matches!(beside(summary, "错误"), Data::Float(_)));
    assert_print_setup(&out);
}

/// Issue 16.7: the 审核意见 workbook carries the head of a written opinion (审核单位, 被审核单位,
/// 依据的标准目录 and its date, 审核日期, the counts) and prints landscape, one page wide, with
/// its header row on every page (it printed as 19 portrait pages of two columns).
#[test]
fn review_xlsx_has_the_opinion_head_and_prints() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("审核意见.xlsx");
    let (list, standard) = (root().join("examples/region"), root().join("examples/standard"));
    let o = run(&[
        "review",
        s(&list),
        "--standard",
        s(&standard),
        "--reviewer",
        "南宁市行政审批局",
        "--format",
        "xlsx",
        "-o",
        s(&out),
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{o:?}");
    let (names, sheets, _) = read_xlsx(&out);
    assert_eq!(names[0], "汇总");
    let head = &sheets[0].1;
    assert_eq!(head[0][0], Data::String("行政权力事项清单审核意见".into()));
    assert_eq!(beside(head, "审核单位"), &Data::String("南宁市行政审批局".into()));
    // Ten jurisdictions: the first named and the count (the line fits the printed page), each
    // of them in the table below.
    assert_eq!(beside(head, "被审核单位").to_string(), "南宁市（450100）等10个区划（逐一见下表）");
    assert!(
        head.iter().any(|r| r.first() == Some(&Data::String("450102".into()))
            && r.get(1) == Some(&Data::String("兴宁区".into()))),
        "{head:?}"
    );
    assert!(beside(head, "依据的标准目录").to_string().ends_with("standard"));
    for date in ["标准目录日期", "审核日期"] {
        assert!(
            matches!(beside(head, date), Data::DateTime(_)),
            "{date}: {:?}",
            beside(head, date)
        );
    }
    for count in ["审核事项", "通过", "退回修改", "缺失事项", "标准目录外事项"]
    {
        assert!(matches!(beside(head, count), Data::Float(_)), "{count}");
    }
    let items = match beside(head, "审核事项") {
        Data::Float(n) => *n,
        _ => unreachable!(),
    };
    let passed = match beside(head, "通过") {
        Data::Float(n) => *n,
        _ => unreachable!(),
    };
    let returned = match beside(head, "退回修改") {
        Data::Float(n) => *n,
        _ => unreachable!(),
    };
    assert_eq!(items, passed + returned);
    assert_print_setup(&out);
}

/// Issue 16.8: csv is for Excel by default (a UTF-8 BOM, Chinese headers under --lang zh, codes
/// Excel keeps whole: 000105001000 lost its zeros and became 1.05E+11) and for a script with
/// --no-bom (no BOM, CLI.md's English keys, codes as they are); json keeps the English keys.
#[test]
fn csv_for_people_and_for_scripts() {
    let (list, standard) = (root().join("examples/region"), root().join("examples/standard"));
    let (old, new) = (root().join("examples/region"), root().join("examples/region-v2"));
    let runs: [(&str, Vec<&str>); 3] = [
        ("check", vec!["check", s(&list), "--standard", s(&standard), "--format", "csv"]),
        ("diff", vec!["diff", s(&old), s(&new), "--format", "csv"]),
        ("review", vec!["review", s(&list), "--standard", s(&standard), "--format", "csv"]),
    ];
    for (name, args) in runs {
        // For people, in Chinese.
        let o = run(&args);
        assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"), "{name}: no BOM");
        let body = std::str::from_utf8(&o.stdout[3..]).unwrap();
        let mut r = csv::Reader::from_reader(body.as_bytes());
        let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
        assert!(head.contains(&"区划代码".to_string()), "{name}: {head:?}");
        assert!(head.contains(&"事项编码".to_string()), "{name}: {head:?}");
        let item = head.iter().position(|h| h == "事项编码").unwrap();
        let codes: Vec<String> = r.records().map(|x| x.unwrap()[item].to_string()).collect();
        assert!(!codes.is_empty(), "{name}");
        assert!(
            codes.iter().any(|c| c.starts_with("=\"000") && c.ends_with('"')),
            "{name}: {:?}",
            &codes[..3.min(codes.len())]
        );
        // For people, in English: the BOM, the keys.
        let mut en = args.clone();
        en.extend(["--lang", "en"]);
        let o = run(&en);
        assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"), "{name} en: no BOM");
        let body = std::str::from_utf8(&o.stdout[3..]).unwrap();
        assert!(body.lines().next().unwrap().contains("jurisdiction"), "{name}: {body:.80}");
        // For a script.
        let mut script = args.clone();
        script.push("--no-bom");
        let o = run(&script);
        let body = std::str::from_utf8(&o.stdout).unwrap();
        assert!(!body.starts_with('\u{feff}'), "{name}: BOM with --no-bom");
        let mut r = csv::Reader::from_reader(body.as_bytes());
        let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
        assert!(head.contains(&"jurisdiction".to_string()), "{name}: {head:?}");
        assert!(head.contains(&"item".to_string()), "{name}: {head:?}");
        let item = head.iter().position(|h| h == "item").unwrap();
        assert!(r.records().all(|x| !x.unwrap()[item].starts_with('=')), "{name}");
    }
    // json keeps its English keys under --lang zh.
    let o = run(&["check", s(&list), "--standard", s(&standard), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v[0].get("jurisdiction").is_some() && v[0].get("区划代码").is_none());
}

/// The html report's variant tables show a category element each (要素·处罚种类), not all of an
/// item's elements as one value; the respellings of the same kinds (罚款，责令停业) count with the
/// value they mean.
#[test]
fn variant_tables_show_each_category_element() {
    let ex = root().join("examples");
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let o = run(&[
        "check",
        s(&ex.join("region")),
        "--standard",
        s(&ex.join("standard")),
        "--format",
        "html",
        "-o",
        s(&html),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    // examples/truth.csv: 450102002 adds 吊销许可证件 to 000210001000's 罚款、责令停产停业.
    let at = page.find("<th>要素·处罚种类</th>").expect("an element's own table");
    let table = &page[at..at + page[at..].find("</table>").unwrap()];
    assert!(table.contains("罚款、责令停产停业、吊销许可证件"), "{table}");
    assert!(table.contains("<td>8</td>"), "{table}");
    assert!(!page.contains("<th>要素</th>"), "elements shown as one value");
}
