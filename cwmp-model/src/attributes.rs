//! Parameter attributes (TR-069 §A.3.2.4/5): Notification 0–6 and
//! AccessList, their schema constraints, and a compact store that doubles as
//! the value-change watch list.
//!
//! The [`AttributeStore`] keys parameters by their **exact** canonical name
//! (instance numbers, no aliases): names live in a byte pool inside the
//! store ([`NAME_BYTES_PER_ENTRY`] bytes per entry on average), entries are
//! sorted by name and found by binary search. Nothing is hashed, so two
//! parameters can never share attributes. Per parameter it keeps the
//! attribute byte, whether a `writeOnceReadOnly` parameter was written, and
//! the last value seen (see [`Watch`], for change detection in
//! [`crate::notify`]).
//!
//! Persistence: [`AttributeStore::encode`] writes a small byte image firmware
//! keeps in flash (`b"CWA"`, version 2, count as `u16` LE, then per entry in
//! name order: the flags byte (attribute bits 0–3, written-once bit 4), the
//! number of leading bytes shared with the previous name, the length of the
//! rest, and the rest: names of one object share most of their text, so an
//! entry takes a few bytes plus its last segment), and
//! [`AttributeStore::decode`] reads it back.
//!
//! ```
//! use cwmp_model::attributes::{Attr, AttributeStore, Notification};
//!
//! let mut store: AttributeStore<8> = AttributeStore::new();
//! store.set("Device.DeviceInfo.UpTime", Attr::new(Notification::Passive, false)).unwrap();
//! store.set("Device.DeviceInfo.SoftwareVersion", Attr::new(Notification::Active, false)).unwrap();
//! let mut flash = [0u8; 64];
//! let n = store.encode(&mut flash).unwrap();
//! // Second name: 18 shared bytes, then "UpTime".
//! assert_eq!(n, 6 + (3 + 33) + (3 + 6));
//! let back: AttributeStore<8> = AttributeStore::decode(&flash[..n]).unwrap();
//! assert_eq!(back.get("Device.DeviceInfo.UpTime").unwrap().notification(), Notification::Passive);
//! ```

use crate::schema::ActiveNotify;

/// The Notification attribute (cwmp-1-2.xsd; 3–6 are the lightweight
/// variants of CWMP 1.2+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Notification {
    /// 0: off.
    Off = 0,
    /// 1: passive (value in the next Inform).
    Passive = 1,
    /// 2: active (start a session).
    Active = 2,
    /// 3: passive lightweight (next UDP lightweight notification).
    PassiveLightweight = 3,
    /// 4: passive and passive lightweight.
    PassiveAndPassiveLightweight = 4,
    /// 5: active lightweight.
    ActiveLightweight = 5,
    /// 6: passive and active lightweight.
    PassiveAndActiveLightweight = 6,
}

impl Notification {
    /// All seven values.
    pub const ALL: [Notification; 7] = [
        Notification::Off,
        Notification::Passive,
        Notification::Active,
        Notification::PassiveLightweight,
        Notification::PassiveAndPassiveLightweight,
        Notification::ActiveLightweight,
        Notification::PassiveAndActiveLightweight,
    ];

    /// From the wire value 0–6.
    pub fn from_u8(v: u8) -> Option<Notification> {
        Notification::ALL.get(usize::from(v)).copied()
    }

    /// Whether it asks the CPE to start a session or send a notification at
    /// once (2, 5, 6): what `canDeny` lets the CPE refuse.
    pub const fn is_active(self) -> bool {
        matches!(
            self,
            Notification::Active | Notification::ActiveLightweight | Notification::PassiveAndActiveLightweight
        )
    }

    /// Whether a change should be reported in the next Inform (1, 2, 4, 6).
    pub const fn reports_in_inform(self) -> bool {
        matches!(
            self,
            Notification::Passive
                | Notification::Active
                | Notification::PassiveAndPassiveLightweight
                | Notification::PassiveAndActiveLightweight
        )
    }
}

/// Why a requested attribute is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AttrError {
    /// The schema forbids this notification value for the parameter (9009).
    #[error("notification {requested:?} not allowed: parameter is {rule:?} (fault 9009)")]
    Rejected {
        /// The value asked for.
        requested: Notification,
        /// The parameter's activeNotify rule.
        rule: ActiveNotify,
    },
    /// The store is full (9004).
    #[error("attribute store full (fault 9004)")]
    Full,
    /// The persisted image is malformed at this byte.
    #[error("bad attribute image at byte {0}")]
    BadImage(usize),
    /// The output buffer is too small.
    #[error("buffer too small for the attribute image")]
    BufferTooSmall,
}

/// The attribute byte: Notification in bits 0–2, `Subscriber` in the
/// AccessList in bit 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Attr(u8);

const SUBSCRIBER: u8 = 0x08;

impl Attr {
    /// Notification off, empty AccessList.
    pub const DEFAULT: Attr = Attr(0);

    /// Builds an attribute from its parts.
    pub const fn new(notification: Notification, subscriber: bool) -> Attr {
        Attr(notification as u8 | if subscriber { SUBSCRIBER } else { 0 })
    }

    /// From the stored byte; `None` if it holds bits or values we never write.
    pub fn from_byte(b: u8) -> Option<Attr> {
        (b & !0x0f == 0 && Notification::from_u8(b & 0x07).is_some()).then_some(Attr(b))
    }

    /// The stored byte.
    pub const fn to_byte(self) -> u8 {
        self.0
    }

    /// The Notification value.
    pub fn notification(self) -> Notification {
        Notification::from_u8(self.0 & 0x07).unwrap_or(Notification::Off)
    }

    /// Whether the AccessList holds `Subscriber` (the only defined entry).
    pub const fn subscriber(self) -> bool {
        self.0 & SUBSCRIBER != 0
    }

    /// This attribute with another Notification.
    pub const fn with_notification(self, n: Notification) -> Attr {
        Attr(self.0 & !0x07 | n as u8)
    }

    /// This attribute with another AccessList.
    pub const fn with_subscriber(self, yes: bool) -> Attr {
        Attr(if yes { self.0 | SUBSCRIBER } else { self.0 & !SUBSCRIBER })
    }

    /// The attribute a parameter has before any SetParameterAttributes:
    /// active for `forceEnabled` and `forceDefaultEnabled`, off otherwise.
    pub const fn default_for(rule: ActiveNotify) -> Attr {
        match rule {
            ActiveNotify::ForceEnabled | ActiveNotify::ForceDefaultEnabled => Attr::new(Notification::Active, false),
            _ => Attr::DEFAULT,
        }
    }
}

/// Checks a requested Notification against the schema's `activeNotify`
/// rule (TR-106 §A.2.7): `canDeny` parameters refuse active values (2, 5, 6)
/// — this CPE always exercises the right to deny — and `forceEnabled`
/// parameters refuse anything but Active (2).
pub fn check_notification(rule: ActiveNotify, requested: Notification) -> Result<(), AttrError> {
    let ok = match rule {
        ActiveNotify::Normal | ActiveNotify::ForceDefaultEnabled => true,
        ActiveNotify::CanDeny => !requested.is_active(),
        ActiveNotify::ForceEnabled => requested == Notification::Active,
    };
    if ok { Ok(()) } else { Err(AttrError::Rejected { requested, rule }) }
}

/// The 32-bit FNV-1a hash of a byte string.
pub fn value_hash(value: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in value {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Values up to this many bytes are kept verbatim by a [`Watch`].
pub const WATCH_INLINE: usize = 16;

/// The last value seen of a watched parameter: the value itself when it has
/// at most [`WATCH_INLINE`] bytes (booleans, counters, enumerations, IPv4
/// addresses, MAC addresses: a change is never missed), otherwise its
/// length and two independent 64-bit hashes (FNV-1a and a multiply-rotate
/// hash), so a change goes unseen only if both collide at once. 18 bytes
/// per watched parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Watch {
    len: u16,
    bytes: [u8; WATCH_INLINE],
}

/// Builds a [`Watch`] from consecutive pieces of a value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WatchBuilder {
    len: usize,
    head: [u8; WATCH_INLINE],
    fnv: u64,
    mix: u64,
}

impl WatchBuilder {
    pub(crate) const fn new() -> Self {
        WatchBuilder { len: 0, head: [0; WATCH_INLINE], fnv: 0xcbf2_9ce4_8422_2325, mix: 0x9e37_79b9_7f4a_7c15 }
    }

    pub(crate) fn push(&mut self, piece: &[u8]) {
        for &b in piece {
            if let Some(slot) = self.head.get_mut(self.len) {
                *slot = b;
            }
            self.len = self.len.saturating_add(1);
            self.fnv = (self.fnv ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            self.mix = (self.mix.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x5851_f42d_4c95_7f2d);
        }
    }

    pub(crate) fn finish(self) -> Watch {
        if self.len <= WATCH_INLINE {
            return Watch { len: self.len as u16, bytes: self.head };
        }
        let mut bytes = [0u8; WATCH_INLINE];
        bytes[..8].copy_from_slice(&self.fnv.to_le_bytes());
        bytes[8..].copy_from_slice(&self.mix.to_le_bytes());
        Watch { len: u16::try_from(self.len).unwrap_or(u16::MAX), bytes }
    }
}

impl Watch {
    /// The watch of a value.
    pub fn of(value: &[u8]) -> Watch {
        let mut b = WatchBuilder::new();
        b.push(value);
        b.finish()
    }
}

/// Entry flag: the watch holds a value read since the last push.
const SEEN: u8 = 1;
/// Entry flag: a change waits for the next Inform.
const PENDING: u8 = 2;
/// Entry flag (persisted): a `writeOnceReadOnly` parameter was written.
const WRITTEN: u8 = 4;

/// Image flag bit for [`WRITTEN`].
const IMAGE_WRITTEN: u8 = 0x10;

/// Average name bytes the store reserves per entry. Canonical TR-181 names
/// of the real device dumps average about 50 bytes; a store full of longer
/// names holds fewer entries (9004 when full).
pub const NAME_BYTES_PER_ENTRY: usize = 64;

/// One stored parameter: where its name is in the pool, its attribute,
/// flags, the last value seen and an id unique within the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    off: u32,
    len: u16,
    flags: u8,
    pub(crate) attr: Attr,
    /// Unique among the entries this store ever created (the session's
    /// record of ACS writes refers to entries by it).
    pub(crate) id: u32,
    /// The last value seen, valid when `seen()`.
    pub(crate) watch: Watch,
}

impl Entry {
    pub(crate) fn seen(&self) -> bool {
        self.flags & SEEN != 0
    }

    pub(crate) fn pending(&self) -> bool {
        self.flags & PENDING != 0
    }

    pub(crate) fn written(&self) -> bool {
        self.flags & WRITTEN != 0
    }

    fn set_flag(&mut self, flag: u8, on: bool) {
        self.flags = if on { self.flags | flag } else { self.flags & !flag };
    }

    pub(crate) fn set_seen(&mut self, on: bool) {
        self.set_flag(SEEN, on);
    }

    pub(crate) fn set_pending(&mut self, on: bool) {
        self.set_flag(PENDING, on);
    }

    pub(crate) fn set_written(&mut self) {
        self.set_flag(WRITTEN, true);
    }

    /// Records the value just read as the last one seen.
    pub(crate) fn observe(&mut self, watch: Watch) {
        self.watch = watch;
        self.set_seen(true);
    }
}

/// Attributes of up to `N` parameters, keyed by exact name, with
/// `N * NAME_BYTES_PER_ENTRY` bytes of names. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct AttributeStore<const N: usize> {
    pub(crate) entries: heapless::Vec<Entry, N>,
    pool: [[u8; NAME_BYTES_PER_ENTRY]; N],
    /// Pool bytes in use, garbage included (reclaimed by compaction).
    used: usize,
    next_id: u32,
}

impl<const N: usize> Default for AttributeStore<N> {
    fn default() -> Self {
        Self::new()
    }
}

const MAGIC: &[u8; 3] = b"CWA";
const VERSION: u8 = 2;

impl<const N: usize> AttributeStore<N> {
    /// An empty store.
    pub const fn new() -> Self {
        AttributeStore { entries: heapless::Vec::new(), pool: [[0; NAME_BYTES_PER_ENTRY]; N], used: 0, next_id: 0 }
    }

    /// Number of parameters with stored attributes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no attribute is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn pool(&self) -> &[u8] {
        self.pool.as_flattened()
    }

    fn name_of(&self, e: &Entry) -> &[u8] {
        let off = e.off as usize;
        self.pool().get(off..off.saturating_add(usize::from(e.len))).unwrap_or(&[])
    }

    pub(crate) fn find(&self, name: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|e| self.name_of(e).cmp(name.as_bytes()))
    }

    pub(crate) fn entry(&self, name: &str) -> Option<&Entry> {
        self.find(name).ok().and_then(|i| self.entries.get(i))
    }

    pub(crate) fn entry_mut(&mut self, name: &str) -> Option<&mut Entry> {
        let i = self.find(name).ok()?;
        self.entries.get_mut(i)
    }

    /// The stored attribute of `name`, if any (else the schema default applies).
    pub fn get(&self, name: &str) -> Option<Attr> {
        self.entry(name).map(|e| e.attr)
    }

    /// Live name bytes.
    fn live_bytes(&self) -> usize {
        self.entries.iter().map(|e| usize::from(e.len)).sum()
    }

    /// Whether `entries` more new entries holding `bytes` more name bytes fit.
    pub(crate) fn has_room(&self, entries: usize, bytes: usize) -> bool {
        self.entries.len().saturating_add(entries) <= N
            && self.live_bytes().saturating_add(bytes) <= N * NAME_BYTES_PER_ENTRY
    }

    /// Moves live names to the front of the pool, in entry order.
    fn compact(&mut self) {
        let mut order: heapless::Vec<usize, N> = (0..self.entries.len()).collect();
        order.sort_unstable_by_key(|&i| self.entries.get(i).map_or(0, |e| e.off));
        let mut at = 0usize;
        for i in order {
            let Some(e) = self.entries.get_mut(i) else { continue };
            let (off, len) = (e.off as usize, usize::from(e.len));
            // Entries in offset order only ever move down.
            self.pool.as_flattened_mut().copy_within(off..off + len, at);
            e.off = at as u32;
            at += len;
        }
        self.used = at;
    }

    /// Stores `name` in the pool; its offset.
    fn store_name(&mut self, name: &[u8]) -> Result<u32, AttrError> {
        let cap = N * NAME_BYTES_PER_ENTRY;
        if self.used.saturating_add(name.len()) > cap {
            self.compact();
        }
        let end = self.used.checked_add(name.len()).filter(|&e| e <= cap).ok_or(AttrError::Full)?;
        let off = u32::try_from(self.used).map_err(|_| AttrError::Full)?;
        self.pool.as_flattened_mut().get_mut(self.used..end).ok_or(AttrError::Full)?.copy_from_slice(name);
        self.used = end;
        Ok(off)
    }

    /// The entry of `name`, created (attribute default, nothing seen) if
    /// missing.
    pub(crate) fn entry_or_insert(&mut self, name: &str) -> Result<&mut Entry, AttrError> {
        let i = match self.find(name) {
            Ok(i) => i,
            Err(i) => {
                if self.entries.is_full() {
                    return Err(AttrError::Full);
                }
                let len = u16::try_from(name.len()).map_err(|_| AttrError::Full)?;
                let off = self.store_name(name.as_bytes())?;
                let id = self.next_id;
                self.next_id = self.next_id.wrapping_add(1);
                let e = Entry { off, len, flags: 0, attr: Attr::DEFAULT, id, watch: Watch::default() };
                self.entries.insert(i, e).map_err(|_| AttrError::Full)?;
                i
            }
        };
        self.entries.get_mut(i).ok_or(AttrError::Full)
    }

    /// Stores the attribute of `name`.
    pub fn set(&mut self, name: &str, attr: Attr) -> Result<(), AttrError> {
        self.entry_or_insert(name)?.attr = attr;
        Ok(())
    }

    /// Drops the entry of `name`, if any, unless it records that a
    /// `writeOnceReadOnly` parameter was written (then only its attribute
    /// returns to the default).
    pub fn remove(&mut self, name: &str) {
        let Ok(i) = self.find(name) else { return };
        match self.entries.get_mut(i) {
            Some(e) if e.written() => {
                e.attr = Attr::DEFAULT;
                e.set_seen(false);
                e.set_pending(false);
            }
            Some(_) => {
                self.entries.remove(i);
            }
            None => {}
        }
    }

    /// Size in bytes of [`encode`](Self::encode)'s output.
    pub fn encoded_len(&self) -> usize {
        let mut prev: &[u8] = &[];
        let mut n = 6usize;
        for e in &self.entries {
            let name = self.name_of(e);
            let shared = shared_prefix(prev, name);
            n = n.saturating_add(3 + name.len() - shared);
            prev = name;
        }
        n
    }

    /// Writes the persistent image into `out`; returns its length.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, AttrError> {
        let len = self.encoded_len();
        let out = out.get_mut(..len).ok_or(AttrError::BufferTooSmall)?;
        let count = u16::try_from(self.entries.len()).map_err(|_| AttrError::BufferTooSmall)?;
        let (head, mut body) = out.split_at_mut(6);
        head[..3].copy_from_slice(MAGIC);
        head[3] = VERSION;
        head[4..6].copy_from_slice(&count.to_le_bytes());
        let mut prev: &[u8] = &[];
        for e in &self.entries {
            let name = self.name_of(e);
            let shared = shared_prefix(prev, name);
            let rest = name.get(shared..).unwrap_or(&[]);
            let (rec, tail) = core::mem::take(&mut body).split_at_mut(3 + rest.len());
            let flags = e.attr.to_byte() | if e.written() { IMAGE_WRITTEN } else { 0 };
            // Names are at most MAX_PATH_LEN (256) bytes: shared <= 255 by
            // the cap in `shared_prefix`, the rest fits in a byte unless a
            // whole 256-byte name is new (then it is refused).
            let rest_len = u8::try_from(rest.len()).map_err(|_| AttrError::BufferTooSmall)?;
            rec[0] = flags;
            rec[1] = shared as u8;
            rec[2] = rest_len;
            rec[3..].copy_from_slice(rest);
            body = tail;
            prev = name;
        }
        Ok(len)
    }

    /// Reads an image written by [`encode`](Self::encode). Rejects a wrong
    /// magic or version, a length that does not match the entries, names
    /// out of order or repeated, and flag bytes we never write.
    pub fn decode(image: &[u8]) -> Result<Self, AttrError> {
        let head = image.get(..6).ok_or(AttrError::BadImage(image.len()))?;
        if &head[..3] != MAGIC {
            return Err(AttrError::BadImage(0));
        }
        if head[3] != VERSION {
            return Err(AttrError::BadImage(3));
        }
        let count = usize::from(u16::from_le_bytes([head[4], head[5]]));
        let mut store = AttributeStore::new();
        let mut name = [0u8; 256];
        let mut name_len = 0usize;
        let mut at = 6usize;
        for _ in 0..count {
            let rec = image.get(at..at.saturating_add(3)).ok_or(AttrError::BadImage(at))?;
            let (flags, shared, rest_len) = (rec[0], usize::from(rec[1]), usize::from(rec[2]));
            let attr = Attr::from_byte(flags & !IMAGE_WRITTEN).ok_or(AttrError::BadImage(at))?;
            if shared > name_len {
                return Err(AttrError::BadImage(at + 1));
            }
            let rest = image.get(at + 3..at + 3 + rest_len).ok_or(AttrError::BadImage(at + 2))?;
            let end = shared + rest_len;
            let prev_len = name_len;
            let mut prev = [0u8; 256];
            prev[..prev_len].copy_from_slice(&name[..prev_len]);
            name.get_mut(shared..end).ok_or(AttrError::BadImage(at + 2))?.copy_from_slice(rest);
            name_len = end;
            let text = core::str::from_utf8(&name[..name_len]).map_err(|_| AttrError::BadImage(at + 3))?;
            if prev_len > 0 && prev[..prev_len] >= name[..name_len] || name_len == 0 {
                return Err(AttrError::BadImage(at));
            }
            let e = store.entry_or_insert(text)?;
            e.attr = attr;
            if flags & IMAGE_WRITTEN != 0 {
                e.set_written();
            }
            at += 3 + rest_len;
        }
        if at != image.len() {
            return Err(AttrError::BadImage(at));
        }
        Ok(store)
    }
}

/// Length of the common prefix of two names, at most 255.
fn shared_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take(255).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_rules() {
        use ActiveNotify::*;
        for n in Notification::ALL {
            assert!(check_notification(Normal, n).is_ok());
            assert!(check_notification(ForceDefaultEnabled, n).is_ok());
            assert_eq!(check_notification(CanDeny, n).is_ok(), !matches!(n as u8, 2 | 5 | 6));
            assert_eq!(check_notification(ForceEnabled, n).is_ok(), n == Notification::Active);
        }
        assert_eq!(Attr::default_for(ForceEnabled).notification(), Notification::Active);
        assert_eq!(Attr::default_for(CanDeny), Attr::DEFAULT);
    }

    #[test]
    fn attr_byte_round_trip() {
        for n in Notification::ALL {
            for s in [false, true] {
                let a = Attr::new(n, s);
                assert_eq!(Attr::from_byte(a.to_byte()), Some(a));
                assert_eq!((a.notification(), a.subscriber()), (n, s));
            }
        }
        assert_eq!(Attr::from_byte(7), None);
        assert_eq!(Attr::from_byte(0x10), None);
    }

    proptest::proptest! {
        /// Any set of attributes survives encode → decode, and decoding a
        /// truncated or corrupted image fails instead of panicking.
        #[test]
        fn image_round_trip(items in proptest::collection::vec(("[A-Za-z.]{1,30}", 0u8..7, proptest::bool::ANY), 0..40),
                            cut in 0usize..400, flip in 0usize..400) {
            let mut store: AttributeStore<64> = AttributeStore::new();
            let mut model = std::collections::BTreeMap::new();
            for (name, n, s) in &items {
                let a = Attr::new(Notification::from_u8(*n).unwrap(), *s);
                store.set(name, a).unwrap();
                model.insert(name.clone(), a);
            }
            let mut buf = std::vec![0u8; store.encoded_len()];
            let len = store.encode(&mut buf).unwrap();
            let back: AttributeStore<64> = AttributeStore::decode(&buf[..len]).unwrap();
            for (name, a) in &model {
                proptest::prop_assert_eq!(back.get(name), Some(*a));
            }
            proptest::prop_assert_eq!(back.len(), model.len());
            if cut < len {
                proptest::prop_assert!(AttributeStore::<64>::decode(&buf[..cut]).is_err());
            }
            if flip < len {
                buf[flip] ^= 0xff;
                let _ = AttributeStore::<64>::decode(&buf[..len]);
            }
        }
    }
}
