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

use crate::codec::Item;
use crate::decode::ItemsIter;

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
            List::Slice(s) => ListIter::Slice(s.iter()),
            List::Xml(x) => ListIter::Xml(ItemsIter::new(x)),
        }
    }
}

/// Iterator over a [`List`].
#[derive(Clone)]
pub enum ListIter<'a, T> {
    /// Over a caller slice.
    Slice(core::slice::Iter<'a, T>),
    /// Over a received body.
    Xml(ItemsIter<'a, T>),
}

impl<'a, T: Item<'a>> Iterator for ListIter<'a, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        match self {
            ListIter::Slice(it) => it.next().copied(),
            ListIter::Xml(it) => it.next(),
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
