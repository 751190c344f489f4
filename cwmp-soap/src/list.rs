//! Lists in CWMP messages: one type for both directions.
//!
//! A [`List`] is either a caller slice (what an application encodes) or a
//! lazy view over an already-validated part of a received body (what the
//! decoder produces). Either way [`List::iter`] yields the entries by value,
//! and two lists are equal when their entries are, so
//! `decode(encode(m)) == m` is meaningful.
//!
//! ```
//! use cwmp_soap::{List, Text};
//!
//! let names = [Text::plain("Device.DeviceInfo."), Text::plain("Device.Time.")];
//! let list = List::from(&names[..]);
//! assert_eq!(list.len(), 2);
//! assert_eq!(list.iter().nth(1), Some(Text::plain("Device.Time.")));
//! ```

use core::fmt;
use core::marker::PhantomData;

use cwmp_core::Limits;

use crate::codec::Item;
use crate::decode::DecodeOptions;
use crate::layout::Layout;
use crate::scan::{Elem, member_group, next_child_is, parse_element};

/// The entries of a SOAP array or of a repeated element.
#[derive(Clone, Copy)]
pub enum List<'a, T> {
    /// Entries supplied by the caller.
    Slice(&'a [T]),
    /// Entries still in the received body, decoded one by one on iteration.
    Xml(XmlList<'a>),
}

/// A validated, not yet materialised list inside a received body: the byte
/// range of the array element's content and its entry count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XmlList<'a> {
    /// The whole document the range points into.
    pub(crate) doc: &'a str,
    /// Start of the content (just after the array's start tag).
    pub(crate) start: usize,
    /// End of the content (the `<` of the array's end tag).
    pub(crate) end: usize,
    /// Entries found when the list was validated.
    pub(crate) len: usize,
    /// Local name of the entry elements (`ParameterValueStruct`, `string` …);
    /// repeated-element lists use the field's own name.
    pub(crate) item: &'static str,
    /// For repeated elements: the range covers the parent, and only children
    /// named `item` are entries.
    pub(crate) repeated: bool,
    /// The entries' struct members are written directly in the array,
    /// without the entry element ([`Quirk::UnwrappedEntries`](crate::quirk::Quirk::UnwrappedEntries)).
    pub(crate) unwrapped: bool,
}

impl<T> Default for List<'_, T> {
    fn default() -> Self {
        List::Slice(&[])
    }
}

impl<'a, T> From<&'a [T]> for List<'a, T> {
    fn from(s: &'a [T]) -> Self {
        List::Slice(s)
    }
}

impl<'a, T, const N: usize> From<&'a [T; N]> for List<'a, T> {
    fn from(s: &'a [T; N]) -> Self {
        List::Slice(s)
    }
}

impl<'a, T: Item<'a>> List<'a, T> {
    /// Number of entries.
    pub fn len(&self) -> usize {
        match self {
            List::Slice(s) => s.len(),
            List::Xml(x) => x.len,
        }
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries, in order. For a decoded list each entry is parsed from
    /// the body as the iterator reaches it; nothing is stored.
    pub fn iter(&self) -> ListIter<'a, T> {
        match *self {
            List::Slice(s) => ListIter(Inner::Slice(s, 0)),
            List::Xml(x) => ListIter(Inner::Xml(ItemsIter::new(x))),
        }
    }

    /// The entries from `pos` on ([`ListIter::position`] of an iterator
    /// over this list; [`ListPos::START`] or the default for the start).
    /// A position from another list yields some suffix of this one, or
    /// nothing; never a panic.
    pub fn iter_from(&self, pos: ListPos) -> ListIter<'a, T> {
        match *self {
            List::Slice(s) => ListIter(Inner::Slice(s, pos.index.min(s.len()))),
            List::Xml(x) if pos == ListPos::START => ListIter(Inner::Xml(ItemsIter::new(x))),
            List::Xml(x) => ListIter(Inner::Xml(ItemsIter::resume(x, pos.offset, pos.index))),
        }
    }
}

impl<'a, T> ListIter<'a, T> {
    /// Where the iteration stands, to resume with [`List::iter_from`].
    pub fn position(&self) -> ListPos {
        match &self.0 {
            Inner::Slice(_, index) => ListPos { index: *index, offset: 0 },
            Inner::Xml(it) => {
                let (offset, index) = it.position();
                ListPos { index, offset }
            }
        }
    }
}

/// Where an iteration over a [`List`] stands: plain `Copy` data, so a
/// session can keep "how far into the request's names am I" between two
/// calls and resume with [`List::iter_from`]. Only meaningful for the list
/// it was taken from.
///
/// ```
/// use cwmp_soap::{List, Text};
///
/// let names = [Text::plain("A"), Text::plain("B"), Text::plain("C")];
/// let list = List::from(&names);
/// let mut it = list.iter();
/// it.next();
/// let pos = it.position();
/// assert_eq!(pos.index(), 1);
/// assert!(list.iter_from(pos).eq(names[1..].iter().copied()));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ListPos {
    /// Entries before the position.
    index: usize,
    /// Byte offset in the received body (decoded lists only).
    offset: usize,
}

impl ListPos {
    /// The start of any list.
    pub const START: ListPos = ListPos { index: 0, offset: 0 };

    /// Entries before this position.
    pub const fn index(&self) -> usize {
        self.index
    }
}

/// Iterator over a [`List`].
#[derive(Clone)]
pub struct ListIter<'a, T>(Inner<'a, T>);

#[derive(Clone)]
enum Inner<'a, T> {
    /// Over a caller slice: the slice and the index of the next entry.
    Slice(&'a [T], usize),
    /// Over a received body.
    Xml(ItemsIter<'a, T>),
}

impl<'a, T: Item<'a>> Iterator for ListIter<'a, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        match &mut self.0 {
            Inner::Slice(s, i) => {
                let v = s.get(*i).copied()?;
                *i += 1;
                Some(v)
            }
            Inner::Xml(it) => it.next(),
        }
    }
}

impl<'a, T: Item<'a>> IntoIterator for List<'a, T> {
    type Item = T;
    type IntoIter = ListIter<'a, T>;
    fn into_iter(self) -> ListIter<'a, T> {
        self.iter()
    }
}

impl<'a, T: Item<'a>> PartialEq for List<'a, T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<'a, T: Item<'a>> fmt::Debug for List<'a, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(feature = "defmt")]
impl<'a, T: Item<'a> + defmt::Format> defmt::Format for List<'a, T> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "[");
        for (i, e) in self.iter().enumerate() {
            if i > 0 {
                defmt::write!(f, ", ");
            }
            defmt::write!(f, "{}", e);
        }
        defmt::write!(f, "]");
    }
}

/// Limits that never trigger: used when re-reading a list already checked.
/// Re-reading a list already checked: no limit, every quirk.
pub(crate) const UNCHECKED: DecodeOptions = DecodeOptions { limits: Limits::UNBOUNDED, ..DecodeOptions::TOLERANT };

/// Lazy iterator over the entries of a decoded [`List`](crate::List).
#[derive(Clone, Debug)]
pub(crate) struct ItemsIter<'a, T> {
    pos: usize,
    /// Entries read so far.
    index: usize,
    list: XmlList<'a>,
    /// The entries' layout, learnt from the first one.
    layout: Layout,
    _t: PhantomData<fn() -> T>,
}

impl<'a, T> ItemsIter<'a, T> {
    pub(crate) fn new(list: XmlList<'a>) -> Self {
        Self::resume(list, list.start, 0)
    }

    /// Resumes at byte `pos` of the list's content, `index` entries read.
    /// A position outside the content reads as the end.
    pub(crate) fn resume(list: XmlList<'a>, pos: usize, index: usize) -> Self {
        let pos = if (list.start..=list.end).contains(&pos) { pos } else { list.end };
        ItemsIter { pos, index, list, layout: Layout::UNKNOWN, _t: PhantomData }
    }

    /// (byte position, entries read).
    pub(crate) fn position(&self) -> (usize, usize) {
        (self.pos, self.index)
    }
}

impl<'a, T: Item<'a>> Iterator for ItemsIter<'a, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        // Limits and strictness were applied when the list was validated.
        let opts = &UNCHECKED;
        let doc = self.list.doc;
        if let Some((v, after)) = T::decode_leaves_at(doc, self.pos, self.list.end, self.list.item, &mut self.layout) {
            self.pos = after;
            self.index += 1;
            return Some(v);
        }
        if self.list.unwrapped {
            let (start, end) = member_group(doc, self.pos, self.list.end, T::MEMBERS)?.ok()?;
            let e = Elem::span(doc, start, end, self.list.item);
            let v = T::decode_item(e, self.list.item, &crate::codec::Cap::None, opts).ok()?;
            self.pos = end;
            self.index += 1;
            return Some(v);
        }
        loop {
            let (at, is_item) = next_child_is(doc, self.pos, self.list.end, self.list.item)?;
            if is_item {
                // The list was fully decoded once when it was validated, so
                // this cannot fail; should it, the iteration ends.
                let (v, after) =
                    T::decode_item_at(doc, at, self.list.end, self.list.item, &crate::codec::Cap::None, opts).ok()?;
                self.pos = after;
                self.index += 1;
                return Some(v);
            }
            self.pos = parse_element(doc, at, self.list.end)?.end_offset();
        }
    }
}
