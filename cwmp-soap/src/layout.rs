//! The byte layout of list entries: one serializer writes every entry of a
//! list the same way, so after the first entry the markup of the next ones
//! is known in advance.
//!
//! A [`Layout`] is learnt from one entry the leaf reader (the one behind
//! [`Leaf`]) has read: the
//! entry is cut into *variable parts* (attribute values and leaf contents)
//! and the fixed markup between them (tags, names, white space). Another
//! entry whose markup is byte for byte the same is then read by comparing
//! that markup and searching only the ends of its variable parts. As the
//! leaf reader's result depends on nothing else, both readings agree; an
//! entry that differs anywhere in its markup is read the general way.
//!
//! The layout keeps offsets into the document only (no copies), about 100
//! bytes in the list iterator; entries longer than 64 KiB are not learnt.
//! It pays for its code: without it typed decode plus reading every entry
//! costs 0.7-0.9 more instructions per byte (callgrind, 2026-12-04:
//! synthetic GPV 500 23.97 -> 24.88, TP-Link EX220 GPV 22.56 -> 23.47,
//! Huawei EG8145V5 GPV 20.29 -> 21.01, Thomson ST706 GPN 23.59 -> 24.30),
//! which is the margin of the speed goals in `benches/README.md`. It is
//! checked against the general reader by property tests here and over the
//! whole corpus in `tests/rpc_corpus.rs`, never in the read path itself.
//! Nothing about it is visible but speed:
//!
//! ```
//! use cwmp_soap::{Body, Envelope, Rpc};
//!
//! let entry = |i| format!("<ParameterValueStruct>\n <Name>A.{i}</Name>\n <Value>{i}</Value>\n</ParameterValueStruct>");
//! let entries: String = (0..3).map(entry).collect();
//! let doc = format!(
//!     r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">
//!     <s:Body><cwmp:GetParameterValuesResponse><ParameterList>{entries}<ParameterValueStruct><Name>B</Name>
//!     <Value>other layout</Value></ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse></s:Body></s:Envelope>"#
//! );
//! let env = Envelope::decode(doc.as_bytes()).unwrap();
//! let Body::Rpc(Rpc::GetParameterValuesResponse(r)) = env.body else { panic!() };
//! // The first entry teaches the layout, the next two are read with it,
//! // the last (laid out differently) is read tag by tag.
//! let names: Vec<String> = r.parameter_list.iter().map(|p| p.name.to_string()).collect();
//! assert_eq!(names, ["A.0", "A.1", "A.2", "B"]);
//! ```

use crate::scan::{Leaf, find_lt, name_at, read_leaves, tag_close};
use crate::xml::chars::{find_any, find_byte, same_bytes};

/// Most variable parts a layout holds (a `ParameterValueStruct` has three:
/// the `Name` text, the `xsi:type` value and the `Value` text).
const PARTS: usize = 6;
/// Most members a layout maps to leaves.
const MEMBERS: usize = 4;

/// A place in an entry: `delta` bytes after the end of variable part
/// `anchor - 1`, or after the entry's start when `anchor` is 0. Everything
/// between is fixed markup.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Mark {
    anchor: u8,
    delta: u16,
}

/// Where one member's leaf lies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Member {
    /// The entry has a leaf for this member.
    present: bool,
    /// The variable part holding its text; `None` for an empty element.
    content: Option<u8>,
    /// Its raw attribute text (possibly empty).
    attrs: (Mark, Mark),
}

/// Whether a layout has been learnt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Nothing learnt yet.
    Unknown,
    /// Learnt; entries may be read with it.
    Learnt,
    /// The entries do not fit a layout (too many parts or members).
    Unusable,
}

/// The learnt layout of a list entry (see the module docs); what the list
/// iterator keeps between entries.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    state: State,
    /// Offset of the learnt entry's `<`; parts are relative to it.
    origin: usize,
    /// Length of the learnt entry.
    len: u16,
    /// Variable parts: (start, end, what ends it: `<` for text, the quote
    /// for an attribute value), relative to `origin`.
    parts: [(u16, u16, u8); PARTS],
    n: u8,
    members: [Member; MEMBERS],
    /// Entries in a row the layout did not fit.
    misses: u8,
}

impl Layout {
    /// Nothing learnt.
    pub(crate) const UNKNOWN: Layout = Layout {
        state: State::Unknown,
        origin: 0,
        len: 0,
        parts: [(0, 0, 0); PARTS],
        n: 0,
        members: [Member {
            present: false,
            content: None,
            attrs: (Mark { anchor: 0, delta: 0 }, Mark { anchor: 0, delta: 0 }),
        }; MEMBERS],
        misses: 0,
    };

    /// Whether a layout is learnt (tests).
    #[cfg(test)]
    pub(crate) fn is_learnt(&self) -> bool {
        self.state == State::Learnt
    }

    /// Reads the entry whose `<` is at `at` with the learnt layout, filling
    /// `slots` (one per member) and returning the offset after the entry;
    /// `None` when nothing is learnt or the entry's markup differs.
    #[inline]
    pub(crate) fn read<'a>(
        &mut self,
        doc: &'a str,
        at: usize,
        limit: usize,
        slots: &mut [Option<Leaf<'a>>],
    ) -> Option<usize> {
        if self.state != State::Learnt {
            return None;
        }
        let found = self.read_parts(doc, at, limit, slots);
        self.misses = if found.is_some() { 0 } else { self.misses.saturating_add(1) };
        found
    }

    fn read_parts<'a>(&self, doc: &'a str, at: usize, limit: usize, slots: &mut [Option<Leaf<'a>>]) -> Option<usize> {
        let b = doc.as_bytes().get(..limit)?;
        let learnt = doc.as_bytes();
        let fixed = |from: u16, to: u16| learnt.get(self.origin + from as usize..self.origin + to as usize);
        // The new entry's parts: (start, end, no reference or CR).
        let mut found = [(0usize, 0usize, true); PARTS];
        let mut p = at;
        let mut prev = 0u16;
        for (&(start, end, stop), slot) in self.parts.iter().zip(found.iter_mut()).take(usize::from(self.n)) {
            let markup = fixed(prev, start)?;
            if !b.get(p..p + markup.len()).is_some_and(|m| same_bytes(m, markup)) {
                return None;
            }
            p += markup.len();
            let rest = b.get(p..)?;
            let (len, plain) = if stop == b'<' {
                let k = find_any([b'<', b'&', b'\r'], rest)?;
                match rest.get(k) {
                    Some(b'<') => (k, true),
                    _ => (find_lt(b, p + k, limit)? - p, false),
                }
            } else {
                (find_byte(stop, rest)?, true)
            };
            *slot = (p, p + len, plain);
            p += len;
            prev = end;
        }
        let markup = fixed(prev, self.len)?;
        if !b.get(p..p + markup.len()).is_some_and(|m| same_bytes(m, markup)) {
            return None;
        }
        let after = p + markup.len();
        let place = |m: Mark| match m.anchor.checked_sub(1) {
            None => at + m.delta as usize,
            Some(k) => found.get(usize::from(k)).map_or(at, |f| f.1) + m.delta as usize,
        };
        let mut leaves = [None; MEMBERS];
        for (member, leaf) in self.members.iter().zip(leaves.iter_mut()) {
            if !member.present {
                continue;
            }
            let (content, plain) = match member.content {
                Some(k) => {
                    let (s, e, plain) = *found.get(usize::from(k))?;
                    (doc.get(s..e)?, plain)
                }
                None => ("", true),
            };
            let attrs = doc.get(place(member.attrs.0)..place(member.attrs.1))?;
            *leaf = Some(Leaf { attrs, content, plain });
        }
        for (slot, leaf) in slots.iter_mut().zip(leaves) {
            *slot = leaf;
        }
        Some(after)
    }

    /// Learns the layout from the entry `doc[at..after]`, which the leaf
    /// reader read into `slots`, unless a layout is learnt and fits; kept
    /// only when reading that entry with it gives the same leaves.
    pub(crate) fn learn<'a>(&mut self, doc: &'a str, at: usize, after: usize, slots: &[Option<Leaf<'a>>]) {
        let relearn = self.state == State::Learnt && self.misses >= 2;
        if self.state != State::Unknown && !relearn {
            return;
        }
        *self = Layout::cut(doc, at, after, slots).unwrap_or(Layout { state: State::Unusable, ..Layout::UNKNOWN });
        let mut again = [None; MEMBERS];
        let same = again.get_mut(..slots.len()).is_some_and(|again| {
            self.read_parts(doc, at, after, again) == Some(after)
                && again.iter().zip(slots).all(|(a, b)| match (a, b) {
                    (Some(a), Some(b)) => same_leaf(a, b),
                    (None, None) => true,
                    _ => false,
                })
        });
        if !same {
            self.state = State::Unusable;
        }
    }

    /// Cuts the entry `doc[at..after]` into parts and maps `slots` onto them.
    fn cut(doc: &str, at: usize, after: usize, slots: &[Option<Leaf<'_>>]) -> Option<Layout> {
        let b = doc.as_bytes().get(..after)?;
        let mut l =
            Layout { state: State::Learnt, origin: at, len: u16::try_from(after - at).ok()?, ..Layout::UNKNOWN };
        let rel = |x: usize| x.checked_sub(at).and_then(|d| u16::try_from(d).ok());
        let push = |l: &mut Layout, s: usize, e: usize, stop: u8| -> Option<()> {
            let slot = l.parts.get_mut(usize::from(l.n))?;
            *slot = (rel(s)?, rel(e)?, stop);
            l.n += 1;
            Some(())
        };
        // Walk the entry's tags: its own (depth 0 → 1), its leaves' (1 → 2).
        let mut p = at;
        let mut depth = 0usize;
        while p < after {
            if b.get(p + 1) == Some(&b'/') {
                p += find_byte(b'>', b.get(p..)?)? + 1;
                depth = depth.checked_sub(1)?;
            } else {
                // A start tag: its attribute values are parts.
                let tag_end = tag_close(b, p + 1, |s, e, quote| push(&mut l, s, e, quote))? + 1;
                p = tag_end;
                if b.get(tag_end - 2) != Some(&b'/') {
                    depth += 1;
                    if depth == 2 {
                        // A leaf's text runs to its end tag.
                        let e = p + find_byte(b'<', b.get(p..)?)?;
                        push(&mut l, p, e, b'<')?;
                        p = e;
                        continue;
                    }
                }
            }
            if depth == 0 {
                break;
            }
            // Between the entry's children: fixed text up to the next tag.
            p += find_byte(b'<', b.get(p..)?)?;
        }
        if p != after || slots.len() > MEMBERS {
            return None;
        }
        // Each leaf's text is a part; its attributes are placed after parts.
        let parts = l.parts;
        let n = usize::from(l.n);
        let mark = |x: usize| -> Option<Mark> {
            let x = rel(x)?;
            let anchor = parts.iter().take(n).rposition(|&(_, e, _)| e <= x);
            Some(match anchor {
                None => Mark { anchor: 0, delta: x },
                Some(k) => Mark { anchor: u8::try_from(k + 1).ok()?, delta: x - parts.get(k)?.1 },
            })
        };
        for (member, slot) in l.members.iter_mut().zip(slots) {
            let Some(leaf) = slot else { continue };
            // The leaf reader's slices all lie in the document (an empty
            // element's text is the empty slice after its tag, where no
            // part starts).
            let s = offset_in(doc, leaf.content)?;
            let (ps, pe) = (rel(s)?, rel(s + leaf.content.len())?);
            let content = match parts.iter().take(n).position(|&(a, b, _)| (a, b) == (ps, pe)) {
                Some(k) => Some(u8::try_from(k).ok()?),
                None if leaf.content.is_empty() => None,
                None => return None,
            };
            let a = offset_in(doc, leaf.attrs)?;
            *member = Member { present: true, content, attrs: (mark(a)?, mark(a + leaf.attrs.len())?) };
        }
        Some(l)
    }
}

/// Where `part` starts in `doc`, when it is a slice of it.
fn offset_in(doc: &str, part: &str) -> Option<usize> {
    let off = (part.as_ptr() as usize).checked_sub(doc.as_ptr() as usize)?;
    (off.checked_add(part.len())? <= doc.len()).then_some(off)
}

/// Two leaves are the same text at the same place.
fn same_leaf(a: &Leaf<'_>, b: &Leaf<'_>) -> bool {
    let same = |x: &str, y: &str| x.as_ptr() == y.as_ptr() && x.len() == y.len();
    same(a.attrs, b.attrs) && same(a.content, b.content) && a.plain == b.plain
}

/// Reads the element whose start tag, named `tag` (unprefixed), is the first
/// markup at or after `from`, when its children are all leaves: the first
/// child named by each of `tags` (compared by local name) goes to the same
/// index of `slots`, other children are passed over. Returns the offset
/// after the element; `None` when the element is not there, when a child is
/// not a leaf, when there is a comment, CDATA section or processing
/// instruction between the children, or when no child is named in `tags`
/// (maybe a wrapped struct): the general reader decides those.
pub(crate) fn read_leaf_struct<'a>(
    doc: &'a str,
    from: usize,
    limit: usize,
    tag: &'a str,
    tags: &[&str],
    slots: &mut [Option<Leaf<'a>>],
    layout: &mut Layout,
) -> Option<usize> {
    let b = doc.as_bytes();
    let at = find_lt(b, from, limit)?;
    // A learnt layout starts with the entry's start tag: it checks the name.
    if let Some(after) = layout.read(doc, at, limit, slots) {
        return Some(after);
    }
    if !name_at(b, at + 1, tag) {
        return None;
    }
    let after = read_leaves(doc, at, limit, tag, tags, slots)?;
    layout.learn(doc, at, after, slots);
    Some(after)
}
