//! The diff as a pipeline: items matched per jurisdiction, the regressions (which lead the
//! report) diffed and sorted first, then the other item diffs made, sorted and rendered a chunk
//! of jurisdictions at a time on worker threads and handed over in report order, so that the
//! report is written while the next chunks are diffed (a province diff is ~0.7 M item diffs and
//! 600 MB of JSON: made whole, then sorted, then rendered, the disk stood idle through the
//! comparison and the item diffs took ~250 MB).
//!
//! The order is exactly `report_order`'s stable sort of all item diffs: regressions (sorted
//! among themselves), then the others by jurisdiction as written; a chunk holds whole
//! jurisdictions, so sorting within each chunk sorts them all.

use std::ops::Range;
use std::sync::{Condvar, Mutex, PoisonError};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::matching::{self, Pairing};
use super::{by_jurisdiction, diff_pair, one_sided, report_order, ItemDiff, Measures, Scoring};
use super::{Versions, Warning};
use crate::error::Result;
use crate::model::{Dataset, Item};

/// Item diffs made, sorted and rendered as one piece of work (whole jurisdictions are added
/// until a chunk holds at least this many): large enough that handing a chunk over costs
/// nothing, small enough that the pipeline fills at once and memory stays small.
const CHUNK: usize = 2048;

/// Chunks ahead of the one being written, per worker, at most.
const AHEAD: usize = 3;

/// One item diff to make.
#[derive(Clone, Copy)]
enum Task<'a> {
    Pair(&'a Item, &'a Item),
    Removed(&'a Item),
    Added(&'a Item),
}

impl<'a> Task<'a> {
    fn diff(self, scoring: &Scoring) -> ItemDiff {
        match self {
            Task::Pair(a, b) => diff_pair(a, b, scoring),
            Task::Removed(a) => one_sided(a, false),
            Task::Added(b) => one_sided(b, true),
        }
    }

    /// The jurisdiction of the item diff, as `diff_pair` and `one_sided` take it.
    fn jurisdiction(self) -> &'a str {
        match self {
            Task::Pair(_, b) => &b.jurisdiction,
            Task::Removed(a) | Task::Added(a) => &a.jurisdiction,
        }
    }
}

/// The matching done and the order decided: what remains is making, sorting and rendering the
/// item diffs chunk by chunk (`Plan::run`).
pub struct Plan<'a> {
    tasks: Vec<Task<'a>>,
    /// The regressions, diffed and in report order.
    regressions: Vec<ItemDiff>,
    /// The other tasks (indices into `tasks`) by jurisdiction as written, each jurisdiction's
    /// in task order.
    rest: Vec<u32>,
    /// Where each jurisdiction's tasks start in `rest` (and, last, the end).
    starts: Vec<usize>,
    /// Chunks of `rest` (whole jurisdictions each: ranges of `starts`), in order.
    chunks: Vec<Range<usize>>,
    /// Duplicate codes met while matching, sorted.
    pub warnings: Vec<Warning>,
}

/// A chunk handed to the consumer of `Plan::run`: its item diffs in report order and what the
/// renderer made of them.
pub struct Piece<'p> {
    /// The item diffs of the chunk. The consumer may take them (`std::mem::take`); what it
    /// leaves is reused.
    pub items: PieceItems<'p>,
    /// The rendered bytes.
    pub bytes: &'p [u8],
}

/// The item diffs of a chunk: a part of the regressions (kept by the plan) or made for it.
pub enum PieceItems<'p> {
    Regressions(&'p [ItemDiff]),
    Made(&'p mut Vec<ItemDiff>),
}

impl PieceItems<'_> {
    /// The item diffs, in report order.
    pub fn as_slice(&self) -> &[ItemDiff] {
        match self {
            PieceItems::Regressions(s) => s,
            PieceItems::Made(v) => v,
        }
    }
}

impl<'a> Plan<'a> {
    /// Matches the items of both versions per jurisdiction (in parallel), diffs the
    /// regressions and decides the order of the rest.
    pub fn new(old: &'a Dataset, new: &'a Dataset, scoring: &Scoring) -> Plan<'a> {
        let groups = by_jurisdiction(old, new);
        // Per jurisdiction, in parallel: the matching, then the regressions (only a matched
        // pair can score below zero, and the score needs the measures alone, so only the
        // regressions are diffed now: a few percent of a province), and the jurisdiction as
        // written when all its items have the same (nearly always).
        let matched: Vec<Matched<'a>> = groups
            .par_iter()
            .map(|(_, o, n)| {
                let pairing = matching::match_items(o, n, scoring.item_name_threshold);
                let regressions = pairing
                    .pairs
                    .iter()
                    .enumerate()
                    .filter_map(|(k, &(i, j, _))| {
                        let (a, b) = (o[i], n[j]);
                        if scoring.score(&Measures::of(a), &Measures::of(b)) >= 0.0 {
                            return None;
                        }
                        let d = diff_pair(a, b, scoring);
                        d.is_regression().then_some((k, d))
                    })
                    .collect();
                let first = o.first().or(n.first()).map(|it| &*it.jurisdiction);
                let same = first.filter(|f| o.iter().chain(n).all(|it| &*it.jurisdiction == *f));
                Matched { pairing, regressions, same }
            })
            .collect();
        let warnings = warnings(&groups, &matched);
        // One task per item diff, in the order of the jurisdictions and, within one, the
        // pairs, then the removed, then the added items; with each its jurisdiction as
        // written.
        let total = matched
            .iter()
            .map(|m| m.pairing.pairs.len() + m.pairing.old_only.len() + m.pairing.new_only.len())
            .sum();
        let mut tasks: Vec<Task<'a>> = Vec::with_capacity(total);
        let mut jurisdictions: Vec<&'a str> = Vec::with_capacity(total);
        let mut is_regression = vec![false; total];
        let mut regressions = Vec::new();
        for ((_, o, n), m) in groups.iter().zip(matched) {
            let at = tasks.len();
            let p = &m.pairing;
            tasks.extend(p.pairs.iter().map(|&(i, k, _)| Task::Pair(o[i], n[k])));
            tasks.extend(p.old_only.iter().map(|&i| Task::Removed(o[i])));
            tasks.extend(p.new_only.iter().map(|&k| Task::Added(n[k])));
            match m.same {
                Some(j) => jurisdictions.resize(tasks.len(), j),
                None => jurisdictions.extend(tasks[at..].iter().map(|t| t.jurisdiction())),
            }
            for (k, d) in m.regressions {
                is_regression[at + k] = true;
                regressions.push(d);
            }
        }
        drop(groups);
        // Stable, as the report order is a stable sort of the item diffs in task order.
        regressions.par_sort_by(report_order);
        let (rest, starts, chunks) = order_rest(&jurisdictions, &is_regression);
        Plan { tasks, regressions, rest, starts, chunks, warnings }
    }

    /// Item diffs in the report.
    pub fn len(&self) -> usize {
        self.regressions.len() + self.rest.len()
    }

    /// Whether the report has no item diff.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes the item diffs chunk by chunk on `threads` worker threads (at least one), each
    /// chunk sorted and rendered there by `render` (given the index in the report of the
    /// chunk's first item diff, its item diffs in order and a buffer to append to), and hands
    /// the chunks to `consume` on this thread in report order. A chunk is made at most a few
    /// chunks ahead of the one being consumed, so memory stays bounded. The first error (of
    /// `render` or `consume`) stops the run and is returned.
    pub fn run<R, C>(
        &self,
        scoring: &Scoring,
        threads: usize,
        render: R,
        mut consume: C,
    ) -> Result<()>
    where
        R: Fn(usize, &[ItemDiff], &mut Vec<u8>) -> Result<()> + Sync,
        C: FnMut(Piece<'_>) -> Result<()>,
    {
        let reg_chunks = self.regressions.len().div_ceil(CHUNK);
        let n = reg_chunks + self.chunks.len();
        let threads = threads.max(1);
        let window = AHEAD * threads + 1;
        let state = Mutex::new(State {
            next: 0,
            consumed: 0,
            done: (0..n).map(|_| None).collect(),
            spare: Vec::new(),
            stop: false,
        });
        let ready = Condvar::new();
        let room = Condvar::new();
        // Chunk `k`: where its item diffs start in the report and, for a chunk of the rest, the
        // item diffs made and sorted into `items`; rendered into `buf`.
        let make = |k: usize, items: &mut Vec<ItemDiff>, buf: &mut Vec<u8>| -> Result<()> {
            if k < reg_chunks {
                let r = k * CHUNK..((k + 1) * CHUNK).min(self.regressions.len());
                return render(r.start, &self.regressions[r], buf);
            }
            // A jurisdiction at a time, made, sorted and rendered while its item diffs and the
            // strings they share with the datasets are still in the cache.
            let g = self.chunks[k - reg_chunks].clone();
            for w in self.starts[g.start..=g.end].windows(2) {
                let at = items.len();
                let tasks = &self.rest[w[0]..w[1]];
                // Diffed in task order, then sorted: the pairs come in the order of the old
                // file, so the items are read in the order they lie in memory (diffing in
                // report order instead cost ~0.1 s of CPU more in a province).
                items.extend(tasks.iter().map(|&t| self.tasks[t as usize].diff(scoring)));
                sort_jurisdiction(&mut items[at..]);
                render(self.regressions.len() + w[0], &items[at..], buf)?;
            }
            Ok(())
        };
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| loop {
                    let (k, mut items, mut buf) = {
                        let mut s = lock(&state);
                        loop {
                            if s.stop || s.next >= n {
                                return;
                            }
                            if s.next < s.consumed + window {
                                break;
                            }
                            s = room.wait(s).unwrap_or_else(PoisonError::into_inner);
                        }
                        let k = s.next;
                        s.next += 1;
                        let (items, buf) = s.spare.pop().unwrap_or_default();
                        (k, items, buf)
                    };
                    // The previous chunk's item diffs are freed here, on a worker.
                    items.clear();
                    buf.clear();
                    // A panic is handed to the consumer too (resumed there), else it would
                    // wait for this chunk for ever.
                    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        make(k, &mut items, &mut buf)
                    }))
                    .map(|r| r.map(|()| (items, buf)));
                    let mut s = lock(&state);
                    s.done[k] = Some(made);
                    ready.notify_all();
                });
            }
            let stop = |state: &Mutex<State>| {
                lock(state).stop = true;
                room.notify_all();
            };
            for k in 0..n {
                let made = {
                    let mut s = lock(&state);
                    loop {
                        if let Some(d) = s.done[k].take() {
                            break d;
                        }
                        s = ready.wait(s).unwrap_or_else(PoisonError::into_inner);
                    }
                };
                let (mut items, buf) = match made {
                    Ok(Ok(m)) => m,
                    Ok(Err(e)) => {
                        stop(&state);
                        return Err(e);
                    }
                    Err(panic) => {
                        stop(&state);
                        std::panic::resume_unwind(panic);
                    }
                };
                let piece = Piece {
                    items: if k < reg_chunks {
                        let r = k * CHUNK..((k + 1) * CHUNK).min(self.regressions.len());
                        PieceItems::Regressions(&self.regressions[r])
                    } else {
                        PieceItems::Made(&mut items)
                    },
                    bytes: &buf,
                };
                if let Err(e) = consume(piece) {
                    stop(&state);
                    return Err(e);
                }
                let mut s = lock(&state);
                s.consumed = k + 1;
                s.spare.push((items, buf));
                room.notify_all();
            }
            Ok(())
        })
    }

    /// All item diffs in report order (the regressions, then the rest made and sorted).
    pub fn collect(mut self, scoring: &Scoring, threads: usize) -> (Vec<ItemDiff>, Vec<Warning>) {
        // The regressions lead and the rest is appended to them as it is made: one list (two,
        // joined at the end, held a province's item diffs twice for a moment: +250 MB).
        let mut all = std::mem::take(&mut self.regressions);
        all.reserve_exact(self.rest.len());
        let run = self.run(
            scoring,
            threads,
            |_, _, _| Ok(()),
            |piece| {
                if let PieceItems::Made(v) = piece.items {
                    all.append(v);
                }
                Ok(())
            },
        );
        // Neither the renderer nor the consumer above can fail.
        debug_assert!(run.is_ok());
        (all, self.warnings)
    }
}

/// A chunk made by a worker: its item diffs (of a chunk of the rest) and bytes, the renderer's
/// error, or the worker's panic.
type Made = std::thread::Result<Result<(Vec<ItemDiff>, Vec<u8>)>>;

/// The state locked; a panicking holder leaves nothing half-done that matters here.
fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the workers and the consumer of `Plan::run` share.
struct State {
    /// The next chunk to make.
    next: usize,
    /// Chunks consumed so far.
    consumed: usize,
    /// Chunks made and not yet consumed: the item diffs (of a chunk of the rest) and the bytes.
    done: Vec<Option<Made>>,
    /// Buffers of consumed chunks, for the next ones.
    spare: Vec<(Vec<ItemDiff>, Vec<u8>)>,
    /// Set when the consumer stops early (an error): the workers stop too.
    stop: bool,
}

/// One jurisdiction matched: the pairing, the regressions among its pairs (with their index
/// in `pairing.pairs`, in order), and the jurisdiction as written when all its items have it.
struct Matched<'a> {
    pairing: Pairing,
    regressions: Vec<(usize, ItemDiff)>,
    same: Option<&'a str>,
}

/// The duplicate codes of every jurisdiction as warnings, sorted by jurisdiction and code.
fn warnings(groups: &[Versions<'_>], matched: &[Matched<'_>]) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for ((j, _, _), m) in groups.iter().zip(matched) {
        warnings.extend(m.pairing.duplicates.iter().map(|(code, no, nn)| Warning {
            jurisdiction: (*j).into(),
            item: code.clone(),
            message: format!("事项编码重复：旧版本 {no} 行，新版本 {nn} 行，按文件顺序配对"),
            message_en: format!(
                "duplicate item code: {no} rows in the old version, {nn} in the new; paired in file order"
            ),
        }));
    }
    warnings.sort_by(|a, b| (&a.jurisdiction, &a.item).cmp(&(&b.jurisdiction, &b.item)));
    warnings
}

/// Sorts the item diffs of one jurisdiction, none a regression, as `report_order` sorts them
/// (stable): by the item's first bytes, then by the full order on a tie; then each item diff is
/// moved to its place once (sorting them directly moved each ~336-byte item diff many times
/// and compared the same jurisdiction every time).
fn sort_jurisdiction(items: &mut [ItemDiff]) {
    let mut keys: Vec<(u128, u32)> =
        items.iter().enumerate().map(|(k, d)| (prefix(&d.item), k as u32)).collect();
    if keys.windows(2).all(|w| w[0].0 < w[1].0) {
        return;
    }
    keys.sort_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| report_order(&items[a.1 as usize], &items[b.1 as usize]))
    });
    let order: Vec<usize> = keys.into_iter().map(|(_, k)| k as usize).collect();
    apply_order(items, &order);
}

/// The first 16 bytes of `s`, big-endian, zero-padded: when two prefixes differ, the strings
/// compare the same way (a shorter string is a prefix of the other, or differs at that byte).
fn prefix(s: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

/// Rearranges `items` so that `items[k]` becomes the old `items[order[k]]` (`order` is a
/// permutation), cycle by cycle.
fn apply_order<T>(items: &mut [T], order: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        if placed[start] {
            continue;
        }
        let mut at = start;
        loop {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            // `items[from]` still holds its original value: every position the cycle already
            // filled was taken from a later link of it.
            items.swap(at, from);
            at = from;
        }
    }
}

/// The tasks that are not regressions, by jurisdiction as written (the report's first key
/// after the regressions), each jurisdiction's in task order (a stable counting sort); and
/// chunks of them made of whole jurisdictions.
fn order_rest(
    jurisdictions: &[&str],
    is_regression: &[bool],
) -> (Vec<u32>, Vec<usize>, Vec<Range<usize>>) {
    // The jurisdictions: tasks of one come together, so one entry per run, then sorted.
    let mut names: Vec<&str> = Vec::new();
    for (&j, &r) in jurisdictions.iter().zip(is_regression) {
        if !r && names.last() != Some(&j) {
            names.push(j);
        }
    }
    names.sort_unstable();
    names.dedup();
    let rank: FxHashMap<&str, u32> =
        names.iter().enumerate().map(|(k, j)| (*j, k as u32)).collect();
    let mut of_task: Vec<u32> = vec![u32::MAX; jurisdictions.len()];
    let mut counts = vec![0usize; names.len() + 1];
    let mut last: Option<(&str, u32)> = None;
    for (k, (&j, &r)) in jurisdictions.iter().zip(is_regression).enumerate() {
        if r {
            continue;
        }
        let g = match last {
            Some((name, g)) if name == j => g,
            _ => {
                let g = rank.get(j).copied().unwrap_or(0);
                last = Some((j, g));
                g
            }
        };
        of_task[k] = g;
        counts[g as usize + 1] += 1;
    }
    for g in 1..counts.len() {
        counts[g] += counts[g - 1];
    }
    // `counts[g]` is now where jurisdiction g starts; `at` fills each in turn.
    let mut at = counts.clone();
    let n = counts.last().copied().unwrap_or(0);
    let mut rest = vec![0u32; n];
    for (k, &g) in of_task.iter().enumerate() {
        if g != u32::MAX {
            rest[at[g as usize]] = k as u32;
            at[g as usize] += 1;
        }
    }
    let mut chunks = Vec::new();
    let mut start = 0;
    for (g, &end) in counts.iter().enumerate().skip(1) {
        if end - counts[start] >= CHUNK {
            chunks.push(start..g);
            start = g;
        }
    }
    if counts[start] < n {
        chunks.push(start..counts.len() - 1);
    }
    (rest, counts, chunks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testutil::*;
    use crate::model::*;

    /// The report order as a stable sort of every item diff in task order (what `diff` did
    /// before the pipeline).
    fn reference(old: &Dataset, new: &Dataset, scoring: &Scoring) -> Vec<ItemDiff> {
        let mut v = Vec::new();
        for (_, o, n) in by_jurisdiction(old, new) {
            let p = matching::match_items(&o, &n, scoring.item_name_threshold);
            v.extend(p.pairs.iter().map(|&(i, k, _)| diff_pair(o[i], n[k], scoring)));
            v.extend(p.old_only.iter().map(|&i| one_sided(o[i], false)));
            v.extend(p.new_only.iter().map(|&k| one_sided(n[k], true)));
        }
        v.sort_by(report_order);
        v
    }

    /// Two versions over several jurisdictions (one written with a space, which sorts apart
    /// from the same code without it), with more than a chunk of regressions and of the rest:
    /// regressions of several scores, simpler items, unchanged ones, recoded, duplicate codes,
    /// items without a code, added and removed.
    fn versions() -> (Dataset, Dataset) {
        let js = ["450103", "450102", " 450102", "450101", "450125"];
        let (mut old, mut new) = (Vec::new(), Vec::new());
        for k in 0..7000usize {
            let j = js[(k / 300) % js.len()];
            // Duplicate codes in one jurisdiction only: the others take the way without ties.
            let code = match k % 23 {
                0 => String::new(),
                1 if j == "450101" => "000101001000".to_string(),
                2 => format!(" {:06}{:06} ", k % 97, k),
                _ => format!("{:06}{:06}", k % 97, k),
            };
            let name = format!("事项{}号", k % 1300);
            let a = item(j, &code, &name);
            let mut b = a.clone();
            match k % 7 {
                0 | 3 => {
                    for m in 0..(k % 4 + 1) {
                        b.materials.push(material(&format!("材料{m}"), true, m % 2 == 0));
                    }
                }
                1 => b.visits = Count::parse("0".into()).into(),
                2 => b.steps = vec![step(1, "受理", 1)],
                4 if k % 5 == 0 => b = item(j, &format!("99{k:010}"), &format!("新设{k}")),
                5 if k % 3 == 0 => b.code = Code::parse(format!("88{k:010}").into()).into(),
                _ => {}
            }
            if k % 41 != 0 {
                old.push(a);
            }
            new.push(b);
        }
        (dataset(old), dataset(new))
    }

    #[test]
    fn chunks_in_order_give_the_report_order() {
        let (old, new) = versions();
        let scoring = Scoring::default();
        let want = reference(&old, &new, &scoring);
        assert!(want.iter().filter(|d| d.is_regression()).count() > CHUNK);
        assert!(want.len() > 3 * CHUNK);
        for threads in [1, 2, 3] {
            let plan = Plan::new(&old, &new, &scoring);
            assert!(plan.chunks.len() > 1);
            assert_eq!(plan.len(), want.len());
            let (got, _) = plan.collect(&scoring, threads);
            assert!(got == want, "{threads} threads");
        }
    }

    #[test]
    fn rendering_sees_each_item_once_at_its_index() {
        let (old, new) = versions();
        let scoring = Scoring::default();
        let want = reference(&old, &new, &scoring);
        let plan = Plan::new(&old, &new, &scoring);
        let mut bytes = Vec::new();
        let mut seen = Vec::new();
        plan.run(
            &scoring,
            2,
            |first, items, buf| {
                for (k, d) in items.iter().enumerate() {
                    buf.extend_from_slice(
                        format!("{} {} {}\n", first + k, d.jurisdiction, d.item).as_bytes(),
                    );
                }
                Ok(())
            },
            |piece| {
                bytes.extend_from_slice(piece.bytes);
                seen.extend(piece.items.as_slice().iter().map(|d| d.item.clone()));
                Ok(())
            },
        )
        .unwrap();
        let lines: String = want
            .iter()
            .enumerate()
            .map(|(k, d)| format!("{k} {} {}\n", d.jurisdiction, d.item))
            .collect();
        assert_eq!(String::from_utf8(bytes).unwrap(), lines);
        let items: Vec<Str> = want.iter().map(|d| d.item.clone()).collect();
        assert_eq!(seen, items);
    }

    #[test]
    fn an_error_stops_the_run_without_waiting() {
        let (old, new) = versions();
        let scoring = Scoring::default();
        let plan = Plan::new(&old, &new, &scoring);
        let mut pieces = 0;
        let r = plan.run(
            &scoring,
            2,
            |_, _, _| Ok(()),
            |_| {
                pieces += 1;
                if pieces == 2 {
                    Err(crate::error::Error::Usage("stop".into()))
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(r, Err(crate::error::Error::Usage(ref m)) if m == "stop"));
        assert_eq!(pieces, 2);
        let r = plan.run(
            &scoring,
            1,
            |first, _, _| {
                if first > 0 {
                    Err(crate::error::Error::Usage("render".into()))
                } else {
                    Ok(())
                }
            },
            |_| Ok(()),
        );
        assert!(matches!(r, Err(crate::error::Error::Usage(ref m)) if m == "render"));
    }

    #[test]
    fn no_items_no_chunks() {
        let scoring = Scoring::default();
        let (old, new) = (dataset(Vec::new()), dataset(Vec::new()));
        let plan = Plan::new(&old, &new, &scoring);
        assert!(plan.is_empty());
        let mut pieces = 0;
        plan.run(
            &scoring,
            2,
            |_, _, _| Ok(()),
            |_| {
                pieces += 1;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(pieces, 0);
    }
}
