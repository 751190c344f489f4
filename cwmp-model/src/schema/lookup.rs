//! Instance-aware, allocation-free lookup and walks over a [`Schema`].
//!
//! A concrete path such as `Device.IP.Interface.3.IPv4Address.[lan].` is
//! matched segment by segment against the sorted templates: an instance
//! number or `[alias]` matches `{i}` (see [`template`]). Finding the subtree is
//! a scan over the (few dozen) top-level names; finding the object inside it
//! is a binary search.

use core::cmp::Ordering;

use super::template::{self, cmp_paths, is_within, trim_dot};
use super::{ObjectDef, ParamDef, Schema, Subtree};

impl Schema {
    /// A schema over `subtrees`. The subtree with the empty name (holding the
    /// root object) should come first; walks visit subtrees in this order.
    pub const fn new(
        model: &'static str,
        root: &'static str,
        subtrees: &'static [&'static Subtree],
        forced_inform: &'static [&'static str],
    ) -> Schema {
        let sorted = names_sorted(subtrees);
        Schema { model, root, subtrees, forced_inform, sorted, by_first: by_first(subtrees, sorted) }
    }

    /// The same model restricted to `subtrees` (a firmware subset). Objects
    /// of subtrees not named are unknown to the result, and the linker can
    /// drop their tables.
    pub const fn subset(&self, subtrees: &'static [&'static Subtree]) -> Schema {
        Schema {
            model: self.model,
            root: self.root,
            subtrees,
            forced_inform: self.forced_inform,
            sorted: names_sorted(subtrees),
            by_first: by_first(subtrees, names_sorted(subtrees)),
        }
    }

    /// The version part of [`Schema::model`], e.g. `2.17`.
    pub fn version(&self) -> &'static str {
        match self.model.rsplit_once(':') {
            Some((_, v)) => v,
            None => "",
        }
    }

    /// The subtrees (main part and split parts) a path falls into, by its
    /// second segment. Empty when the first segment is not the root's.
    fn candidates<'s>(&'s self, path: &'s str) -> impl Iterator<Item = &'static Subtree> + 's {
        self.indexed_candidates(path).map(|(_, s)| s)
    }

    /// [`Self::candidates`] with each part's index in `subtrees`.
    fn indexed_candidates<'s>(&'s self, path: &'s str) -> impl Iterator<Item = (usize, &'static Subtree)> + 's {
        let root = trim_dot(self.root).as_bytes();
        let p = path.as_bytes();
        let root_ok = p.starts_with(root) && matches!(p.get(root.len()), None | Some(b'.'));
        let second = template::second_segment(path);
        let (start, subs) = if !root_ok {
            (0, &[][..])
        } else if self.sorted {
            // The parts named `second` are adjacent: find where they start,
            // among the few parts whose name starts with the same byte when
            // the index covers it, else by binary search.
            let first = second.as_bytes().first();
            let below = |s: &&Subtree| match s.name.as_bytes().first().cmp(&first) {
                Ordering::Equal => cmp_bytes(s.name.as_bytes(), second.as_bytes()) == Ordering::Less,
                o => o == Ordering::Less,
            };
            let slot = first.and_then(|&c| usize::from(c).checked_sub(FIRST_BASE)).filter(|&i| i + 1 < BY_FIRST);
            let run = slot.and_then(|i| {
                let (lo, hi) = (*self.by_first.get(i)?, *self.by_first.get(i + 1)?);
                (hi != u8::MAX).then_some((usize::from(lo), usize::from(hi)))
            });
            let start = match run {
                Some((lo, hi)) => {
                    let names = self.subtrees.get(lo..hi).unwrap_or(&[]);
                    lo.saturating_add(names.iter().position(|s| !below(s)).unwrap_or(names.len()))
                }
                None => self.subtrees.partition_point(below),
            };
            (start, self.subtrees.get(start..).unwrap_or(&[]))
        } else {
            (0, self.subtrees)
        };
        let sorted = self.sorted;
        subs.iter()
            .copied()
            .enumerate()
            .map(move |(i, s)| (start.saturating_add(i), s))
            .take_while(move |(_, s)| !sorted || same_bytes(s.name.as_bytes(), second.as_bytes()))
            .filter(move |(_, s)| sorted || same_bytes(s.name.as_bytes(), second.as_bytes()))
    }

    /// The definition at `at` (see [`ObjectAt`]).
    pub(crate) fn object_at(&self, at: ObjectAt) -> Option<&'static ObjectDef> {
        self.subtrees.get(usize::from(at.part))?.objects.get(usize::from(at.index))
    }

    /// Where the object or table at `path` sits, and whether `path` names
    /// the table: the same answer as [`Self::object`], then [`Self::table`].
    pub(crate) fn locate_path(&self, path: &str) -> Option<(ObjectAt, bool)> {
        // One pass: the first object found wins, else the first table.
        let mut table = None;
        for (part, sub) in self.indexed_candidates(path) {
            match descend(sub.objects, path) {
                Some(Found::Object(i)) => return Some((ObjectAt::new(part, i)?, false)),
                Some(Found::Table(i)) if table.is_none() => table = ObjectAt::new(part, i),
                _ => {}
            }
        }
        Some((table?, true))
    }

    /// Where `def`, a definition of this schema, sits.
    pub(crate) fn locate(&self, def: &'static ObjectDef) -> Option<ObjectAt> {
        self.indexed_candidates(def.name).find_map(|(part, sub)| {
            let i = sub.objects.iter().position(|o| core::ptr::eq(o, def))?;
            ObjectAt::new(part, i)
        })
    }

    /// The direct child object named `seg` of the object at `parent`, when
    /// it lies in the parent's part (a child that starts a part of its own
    /// is not found here: look it up by its path). `true` when the child is
    /// a table (its template is the parent's plus `seg.{i}.`).
    pub(crate) fn child_object(&self, parent: ObjectAt, seg: &str) -> Option<(ObjectAt, bool)> {
        let objects = self.subtrees.get(usize::from(parent.part))?.objects;
        let (j, table) = child_in(objects, usize::from(parent.index), seg.as_bytes())?;
        Some((ObjectAt { part: parent.part, index: u16::try_from(j).ok()? }, table))
    }

    /// The object whose template matches the concrete or template object path
    /// `path` (trailing `.` optional): `Device.IP.Interface.3.` and
    /// `Device.IP.Interface.[wan].` both give `Device.IP.Interface.{i}.`.
    ///
    /// A path naming a table without an instance (`Device.IP.Interface.`) is
    /// not an object; see [`Schema::table`].
    pub fn object(&self, path: &str) -> Option<&'static ObjectDef> {
        self.candidates(path).find_map(|sub| match descend(sub.objects, path) {
            Some(Found::Object(i)) => sub.objects.get(i),
            _ => None,
        })
    }

    /// The multi-instance object behind a table path such as
    /// `Device.IP.Interface.` (the path AddObject takes).
    pub fn table(&self, path: &str) -> Option<&'static ObjectDef> {
        self.candidates(path).find_map(|sub| match descend(sub.objects, path) {
            Some(Found::Table(i)) => sub.objects.get(i),
            _ => None,
        })
    }

    /// The parameter addressed by a concrete or template parameter path, e.g.
    /// `Device.IP.Interface.3.IPv4Address.1.IPAddress`, with its object.
    pub fn parameter_with_object(&self, path: &str) -> Option<(&'static ObjectDef, &'static ParamDef)> {
        // The last segment is short: a plain backwards scan costs less
        // than `rsplit_once`'s searcher.
        let dot = path.bytes().rposition(|b| b == b'.')?;
        let (obj_path, name) = (path.get(..dot)?, path.get(dot.saturating_add(1)..)?);
        if name.is_empty() {
            return None;
        }
        let obj = self.object(obj_path)?;
        Some((obj, obj.param(name)?))
    }

    /// The parameter addressed by a concrete or template parameter path.
    pub fn parameter(&self, path: &str) -> Option<&'static ParamDef> {
        self.parameter_with_object(path).map(|(_, p)| p)
    }

    /// The root object (`Device.`), if its subtree is included.
    pub fn root_object(&self) -> Option<&'static ObjectDef> {
        self.object(self.root)
    }

    /// Every object of the schema, subtree by subtree, each subtree in
    /// template order (a parent before its descendants).
    pub fn objects(&self) -> Objects {
        Objects { subtrees: self.subtrees, current: &[], within: None }
    }

    /// Number of objects in the schema.
    pub fn object_count(&self) -> usize {
        self.subtrees.iter().map(|s| s.objects.len()).sum()
    }

    /// Number of parameters in the schema.
    pub fn parameter_count(&self) -> usize {
        self.objects().map(|o| o.param_count()).sum()
    }

    /// The object at `path` (concrete or template) and all its descendants,
    /// parents before children. A table path (`Device.IP.Interface.`) walks
    /// its multi-instance object. Empty when `path` is neither; the root path
    /// (or the empty path) walks the whole schema.
    pub fn walk(&self, path: &str) -> Objects {
        if path.is_empty() || cmp_paths(path, self.root) == Ordering::Equal {
            return self.objects();
        }
        match self.object(path).or_else(|| self.table(path)) {
            Some(o) => Objects { subtrees: self.subtrees, current: &[], within: Some(o.name) },
            None => Objects { subtrees: &[], current: &[], within: None },
        }
    }

    /// The direct child objects of `obj` (single-instance children and
    /// tables, e.g. `Device.IP.Diagnostics.` and `Device.IP.Interface.{i}.`
    /// for `Device.IP.`).
    pub fn children(&self, obj: &'static ObjectDef) -> Children {
        let within = if cmp_paths(obj.name, self.root) == Ordering::Equal { None } else { Some(obj.name) };
        Children { objects: Objects { subtrees: self.subtrees, current: &[], within }, parent_depth: obj.depth() }
    }

    /// The forced-inform parameter templates whose objects this schema holds.
    pub fn forced_inform(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.forced_inform.iter().copied().filter(|p| self.parameter(p).is_some())
    }
}

/// Where an object definition sits in a [`Schema`]: the index of its part
/// in [`Schema::subtrees`] and its index in that part's objects. Plain data
/// a walk keeps per object instead of a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ObjectAt {
    part: u8,
    index: u16,
}

impl ObjectAt {
    /// No definition: [`Schema::object_at`] answers `None` (no schema has
    /// 255 parts; [`ObjectAt::new`] never makes it).
    pub(crate) const NONE: ObjectAt = ObjectAt { part: u8::MAX, index: u16::MAX };

    fn new(part: usize, index: usize) -> Option<ObjectAt> {
        let part = u8::try_from(part).ok().filter(|&p| p != u8::MAX)?;
        Some(ObjectAt { part, index: u16::try_from(index).ok()? })
    }
}

/// What a path names inside a subtree part.
enum Found {
    /// The object at this index.
    Object(usize),
    /// The table (multi-instance object without an instance) at this index.
    Table(usize),
}

/// Byte equality with the cheap length and first-byte tests first (most
/// sibling names differ there), before the full comparison.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.first() == b.first() && a == b
}

/// Byte-wise order, stopping at the first difference (names differ within
/// a few bytes, sooner than a `memcmp` call pays off).
fn cmp_bytes(a: &[u8], b: &[u8]) -> Ordering {
    match a.iter().zip(b).find(|(x, y)| x != y) {
        Some((x, y)) => x.cmp(y),
        None => a.len().cmp(&b.len()),
    }
}

/// Splits `s` at its first `.`: `(segment, rest after the dot)`.
fn first_segment(s: &[u8]) -> (&[u8], Option<&[u8]>) {
    match s.iter().position(|&c| c == b'.') {
        Some(i) => (s.get(..i).unwrap_or(s), s.get(i + 1..)),
        None => (s, None),
    }
}

/// The rest of `query` after the segments of the template `tpl`, when they
/// match segment-wise (instances as `{i}`): `Some(None)` when nothing is
/// left, `Some(Some(rest))` when more segments follow.
fn strip_template<'q>(tpl: &[u8], query: &'q [u8]) -> Option<Option<&'q [u8]>> {
    if !tpl.contains(&b'{') {
        // No `{i}` in the template: segment-wise matching is a prefix match
        // ending at a segment boundary (a template name is never an
        // instance segment).
        return match query.strip_prefix(tpl)?.split_first() {
            None => Some(None),
            Some((b'.', rest)) => Some(Some(rest)),
            Some(_) => None,
        };
    }
    let (mut t, mut q) = (Some(tpl), Some(query));
    loop {
        match (t, q) {
            (None, rest) => return Some(rest),
            (Some(_), None) => return None,
            (Some(ts), Some(qs)) => {
                let (a, ta) = first_segment(ts);
                let (b, qa) = first_segment(qs);
                let instances = template::is_instance_segment_bytes(a) && template::is_instance_segment_bytes(b);
                if !(same_bytes(a, b) || instances) {
                    return None;
                }
                (t, q) = (ta, qa);
            }
        }
    }
}

/// Finds `path` in one subtree part by descending from the part's first
/// object: at each level, the children are visited sibling by sibling
/// (skipping each one's descendants), comparing one segment. No allocation,
/// and each query segment is compared against a handful of short names.
fn descend(objects: &'static [ObjectDef], path: &str) -> Option<Found> {
    let first = objects.first()?;
    if first.is_multi_instance() && cmp_paths(first.table_name(), path) == Ordering::Equal {
        // The part starts with a table (`Device.InterfaceStack.{i}.`) and the
        // path names that table.
        return Some(Found::Table(0));
    }
    let query = trim_dot(path).as_bytes();
    let mut rest = strip_template(trim_dot(first.name).as_bytes(), query)?;
    let mut at = 0usize;
    loop {
        let Some(q) = rest else { return Some(Found::Object(at)) };
        let (seg, after) = first_segment(q);
        let (j, is_table) = child_in(objects, at, seg)?;
        if is_table {
            let Some(after) = after else { return Some(Found::Table(j)) };
            let (inst, after_inst) = first_segment(after);
            if !template::is_instance_segment_bytes(inst) {
                return None;
            }
            rest = after_inst;
        } else {
            rest = after;
        }
        at = j;
    }
}

/// The direct child object named `seg` of `objects[at]` inside this part:
/// its index, and whether it is a table. The children are visited sibling
/// by sibling, skipping each one's descendants.
#[inline]
fn child_in(objects: &'static [ObjectDef], at: usize, seg: &[u8]) -> Option<(usize, bool)> {
    let parent = objects.get(at)?;
    let end = at.checked_add(1)?.checked_add(usize::from(parent.descendants))?;
    let mut j = at.checked_add(1)?;
    while j < end {
        let child = objects.get(j)?;
        // A child's template is its parent's plus `Name.` or `Name.{i}.`.
        let extra = child.name.as_bytes().get(parent.name.len()..)?;
        // Most siblings differ in their first byte, or have no `.` right
        // after as many bytes as `seg` has: skip them before comparing.
        if extra.first() == seg.first()
            && extra.get(seg.len()) == Some(&b'.')
            && extra.get(..seg.len()).is_some_and(|name| name == seg)
        {
            return Some((j, extra.get(seg.len().saturating_add(1)..) == Some(b"{i}.")));
        }
        j = j.checked_add(1)?.checked_add(usize::from(child.descendants))?;
    }
    None
}

/// Entries of the first-byte index of part names: bytes `0x40..0x80`
/// (letters and `_`; anything else is found by binary search).
pub(crate) const BY_FIRST: usize = 0x40;
/// The byte of the index's first entry.
const FIRST_BASE: usize = 0x40;

/// The first-byte index of sorted part names (see `Schema::by_first`).
const fn by_first(subtrees: &[&Subtree], sorted: bool) -> [u8; BY_FIRST] {
    let mut index = [u8::MAX; BY_FIRST];
    if !sorted || subtrees.len() >= u8::MAX as usize {
        return index;
    }
    let mut c = 0;
    while c < BY_FIRST {
        let mut below = 0;
        while below < subtrees.len() {
            let name = subtrees[below].name.as_bytes();
            if !name.is_empty() && name[0] as usize >= FIRST_BASE + c {
                break;
            }
            below += 1;
        }
        index[c] = below as u8;
        c += 1;
    }
    index
}

/// `a <= b` bytewise, usable in `const` constructors.
const fn name_le(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() <= b.len()
}

/// Whether the subtree names are in non-decreasing byte order.
const fn names_sorted(subtrees: &[&Subtree]) -> bool {
    let mut i = 1;
    while i < subtrees.len() {
        if !name_le(subtrees[i - 1].name, subtrees[i].name) {
            return false;
        }
        i += 1;
    }
    true
}

/// The objects of `objects` inside the subtree of the template `tpl`: a
/// contiguous run, found by binary search.
fn range_within(objects: &'static [ObjectDef], tpl: &str) -> &'static [ObjectDef] {
    let start = objects.partition_point(|o| cmp_paths(o.name, tpl) == Ordering::Less);
    let tail = objects.get(start..).unwrap_or(&[]);
    tail.get(..tail.partition_point(|o| is_within(tpl, o.name))).unwrap_or(&[])
}

/// Iterator over object definitions (see [`Schema::objects`], [`Schema::walk`]).
#[derive(Debug, Clone)]
pub struct Objects {
    subtrees: &'static [&'static Subtree],
    current: &'static [ObjectDef],
    /// Only objects inside this template's subtree (`None`: all).
    within: Option<&'static str>,
}

impl Objects {
    /// Moves to the next subtree (part) holding objects to visit; `false`
    /// when there is none.
    fn advance(&mut self) -> bool {
        while let Some((sub, rest)) = self.subtrees.split_first() {
            self.subtrees = rest;
            self.current = match self.within {
                None => sub.objects,
                Some(tpl) => {
                    if sub.name != template::second_segment(tpl) {
                        continue;
                    }
                    range_within(sub.objects, tpl)
                }
            };
            if !self.current.is_empty() {
                return true;
            }
        }
        false
    }
}

impl Iterator for Objects {
    type Item = &'static ObjectDef;

    fn next(&mut self) -> Option<&'static ObjectDef> {
        loop {
            if let Some((first, rest)) = self.current.split_first() {
                self.current = rest;
                return Some(first);
            }
            if !self.advance() {
                return None;
            }
        }
    }
}

/// Iterator over the direct child objects of an object (see [`Schema::children`]).
#[derive(Debug, Clone)]
pub struct Children {
    objects: Objects,
    parent_depth: usize,
}

impl Iterator for Children {
    type Item = &'static ObjectDef;

    fn next(&mut self) -> Option<&'static ObjectDef> {
        loop {
            let Some(first) = self.objects.current.first() else {
                if !self.objects.advance() {
                    return None;
                }
                continue;
            };
            let rest = self.objects.current;
            let extra = first.depth().saturating_sub(self.parent_depth);
            // The parent itself: step over it. Anything else: skip its own
            // subtree, so what follows is its next sibling (or, for an object
            // deeper than a child, the next candidate).
            let len = if extra == 0 { 1 } else { rest.partition_point(|o| is_within(first.name, o.name)) };
            self.objects.current = rest.get(len.max(1)..).unwrap_or(&[]);
            if extra == 1 || (extra == 2 && first.is_multi_instance()) {
                return Some(first);
            }
        }
    }
}

/// `true` when `seg` addresses an instance (number, `[alias]` or `{i}`).
pub fn is_instance_segment(seg: &str) -> bool {
    template::is_instance_segment(seg)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;
    use std::vec::Vec;

    use super::*;
    use crate::schema::{tr098, tr181};

    /// The first-byte index finds, for any second segment (every part name,
    /// and each with a byte changed or cut), the same parts as a plain scan
    /// of all parts, for both models and for an unsorted subset (no index).
    #[test]
    fn first_byte_index_finds_the_same_parts_as_a_scan() {
        static UNSORTED: [&Subtree; 3] = [&tr181::WIFI, &tr181::DNS, &tr181::IP];
        let unsorted = tr181::SCHEMA.subset(&UNSORTED);
        for schema in [&tr181::SCHEMA, &tr098::SCHEMA, &unsorted] {
            let root = trim_dot(schema.root);
            let mut seconds: Vec<String> = Vec::new();
            for s in schema.subtrees {
                seconds.push(s.name.into());
                seconds.push(s.name.get(..s.name.len().saturating_sub(1)).unwrap_or("").into());
                seconds.push(std::format!("{}A", s.name));
                seconds.push(std::format!("{}~", s.name));
                seconds.push(std::format!("Zz{}", s.name));
                seconds.push(std::format!("0{}", s.name));
            }
            for second in &seconds {
                let path = std::format!("{root}.{second}.X");
                let found: Vec<usize> = schema.indexed_candidates(&path).map(|(i, _)| i).collect();
                let scan: Vec<usize> =
                    (0..schema.subtrees.len()).filter(|&i| schema.subtrees[i].name == second).collect();
                assert_eq!(found, scan, "{path}");
            }
        }
    }
}
