//! Segment-wise ordering of TR-106 object templates, shared with the generator.
//!
//! Templates such as `Device.IP.Interface.{i}.IPv4Address.{i}.` are sorted by
//! comparing their dot-separated segments one by one. A query path may carry an
//! instance number (`3`) or an alias (`[wan]`) where the template has `{i}`;
//! both compare exactly like `{i}`. This file has no dependencies so that the
//! std generator (`tools/schemagen`) sorts with the very same function the
//! `no_std` lookup searches with.

use core::cmp::Ordering;

/// The segment every instance number or `[alias]` stands for.
pub const INSTANCE: &str = "{i}";

/// `true` for a segment that addresses an instance: a non-empty run of ASCII
/// digits, a non-empty `[alias]`, or the `{i}` placeholder itself.
pub fn is_instance_segment(seg: &str) -> bool {
    is_instance_segment_bytes(seg.as_bytes())
}

/// Strips one trailing `.` (object paths end with one; parameter paths don't).
pub fn trim_dot(path: &str) -> &str {
    path.strip_suffix('.').unwrap_or(path)
}

/// `true` for an instance segment given as bytes (see [`is_instance_segment`]).
pub fn is_instance_segment_bytes(b: &[u8]) -> bool {
    b == INSTANCE.as_bytes()
        || (!b.is_empty() && b.iter().all(u8::is_ascii_digit))
        || (b.len() >= 3 && b.first() == Some(&b'[') && b.last() == Some(&b']'))
}

/// The comparison key of a segment given as bytes.
fn key_bytes(seg: &[u8]) -> &[u8] {
    if is_instance_segment_bytes(seg) { INSTANCE.as_bytes() } else { seg }
}

/// Length of the common byte prefix of `a` and `b`, eight bytes at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let word = |s: &[u8], i: usize| s.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
    let mut i = 0;
    while i + 8 <= n {
        match (word(a, i), word(b, i)) {
            (Some(x), Some(y)) if x == y => i += 8,
            (Some(x), Some(y)) => return i + (x ^ y).trailing_zeros() as usize / 8,
            _ => break,
        }
    }
    i + a.get(i..n).unwrap_or(&[]).iter().zip(b.get(i..n).unwrap_or(&[])).take_while(|(x, y)| x == y).count()
}

/// How two paths relate segment-wise.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// Same segments.
    Equal,
    /// `a`'s segments are a proper prefix of `b`'s.
    APrefix,
    /// `b`'s segments are a proper prefix of `a`'s.
    BPrefix,
    /// They differ at some segment, ordered by that segment's key.
    Differ(Ordering),
}

/// Compares `a` and `b` (trailing dots already trimmed): runs over the
/// common byte prefix, then compares the keys of the segments holding the
/// first difference, and carries on after them if both are instances.
fn relate(a: &[u8], b: &[u8]) -> Relation {
    let (mut a, mut b) = (a, b);
    loop {
        let common = common_prefix(a, b);
        // Back up to the start of the segment holding the first difference.
        let start = a.get(..common).and_then(|c| c.iter().rposition(|&c| c == b'.')).map_or(0, |p| p + 1);
        let (ta, tb) = (a.get(start..).unwrap_or(&[]), b.get(start..).unwrap_or(&[]));
        let ea = ta.iter().position(|&c| c == b'.');
        let eb = tb.iter().position(|&c| c == b'.');
        let sa = ta.get(..ea.unwrap_or(ta.len())).unwrap_or(&[]);
        let sb = tb.get(..eb.unwrap_or(tb.len())).unwrap_or(&[]);
        if sa != sb {
            match key_bytes(sa).cmp(key_bytes(sb)) {
                Ordering::Equal => {}
                other => return Relation::Differ(other),
            }
        }
        match (ea, eb) {
            (None, None) => return Relation::Equal,
            (None, Some(_)) => return Relation::APrefix,
            (Some(_), None) => return Relation::BPrefix,
            (Some(x), Some(y)) => {
                a = ta.get(x + 1..).unwrap_or(&[]);
                b = tb.get(y + 1..).unwrap_or(&[]);
            }
        }
    }
}

/// Compares two paths segment by segment, instance segments as `{i}`, a
/// path sorting before every longer path it is a prefix of. A trailing `.` is
/// ignored on both sides.
pub fn cmp_paths(a: &str, b: &str) -> Ordering {
    match relate(trim_dot(a).as_bytes(), trim_dot(b).as_bytes()) {
        Relation::Equal => Ordering::Equal,
        Relation::APrefix => Ordering::Less,
        Relation::BPrefix => Ordering::Greater,
        Relation::Differ(o) => o,
    }
}

/// `true` when `path` lies inside the subtree of the object `prefix` (or is
/// that object), compared segment-wise with instance segments as `{i}`.
pub fn is_within(prefix: &str, path: &str) -> bool {
    matches!(relate(trim_dot(prefix).as_bytes(), trim_dot(path).as_bytes()), Relation::Equal | Relation::APrefix)
}

/// The second segment of a path (`IP` in `Device.IP.Interface.1.`), or `""`.
pub fn second_segment(path: &str) -> &str {
    let Some(dot) = path.bytes().position(|c| c == b'.') else { return "" };
    let rest = path.get(dot + 1..).unwrap_or("");
    let end = rest.bytes().position(|c| c == b'.').unwrap_or(rest.len());
    rest.get(..end).unwrap_or("")
}
