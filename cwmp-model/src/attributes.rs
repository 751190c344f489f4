//! Parameter attributes (TR-069 §A.3.2.4/5): Notification 0–6 and
//! AccessList, their schema constraints, and a compact store that doubles as
//! the value-change watch list.
//!
//! The [`AttributeStore`] keys parameters by a 64-bit FNV-1a hash of their
//! full name, so an entry costs 16 bytes whatever the name length and no name
//! is copied. It keeps, per parameter, the attribute byte and the hash of the
//! last value seen (for polled change detection, see [`crate::notify`]).
//!
//! Persistence: [`AttributeStore::encode`] writes a small byte image firmware
//! keeps in flash (`b"CWA"`, version 1, count as `u16` LE, then 9 bytes per
//! entry: name hash `u64` LE and the attribute byte), and
//! [`AttributeStore::decode`] reads it back.
//!
//! ```
//! use cwmp_model::attributes::{Attr, AttributeStore, Notification};
//!
//! let mut store: AttributeStore<8> = AttributeStore::new();
//! store.set("Device.DeviceInfo.UpTime", Attr::new(Notification::Passive, false)).unwrap();
//! let mut flash = [0u8; 64];
//! let n = store.encode(&mut flash).unwrap();
//! assert_eq!(n, 6 + 9);
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

/// The 64-bit FNV-1a hash of a name (the store's key).
pub const fn name_hash(name: &str) -> u64 {
    let b = name.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < b.len() {
        h ^= b[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}

/// The 32-bit FNV-1a hash of a value (for polled change detection).
pub fn value_hash(value: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in value {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// One stored parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) key: u64,
    pub(crate) attr: Attr,
    /// Hash of the last value seen, valid when `seen`.
    pub(crate) value: u32,
    pub(crate) seen: bool,
    /// A change is waiting for the next Inform.
    pub(crate) pending: bool,
}

/// Attributes of up to `N` parameters, sorted by name hash. See the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct AttributeStore<const N: usize> {
    pub(crate) entries: heapless::Vec<Entry, N>,
}

impl<const N: usize> Default for AttributeStore<N> {
    fn default() -> Self {
        Self::new()
    }
}

const MAGIC: &[u8; 3] = b"CWA";
const VERSION: u8 = 1;

impl<const N: usize> AttributeStore<N> {
    /// An empty store.
    pub const fn new() -> Self {
        AttributeStore { entries: heapless::Vec::new() }
    }

    /// Number of parameters with stored attributes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no attribute is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn find(&self, key: u64) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&key, |e| e.key)
    }

    pub(crate) fn entry_mut(&mut self, key: u64) -> Option<&mut Entry> {
        let i = self.find(key).ok()?;
        self.entries.get_mut(i)
    }

    /// Whether a value change of the parameter with this key waits for the next Inform.
    pub(crate) fn is_pending(&self, key: u64) -> bool {
        self.find(key).ok().and_then(|i| self.entries.get(i)).is_some_and(|e| e.pending)
    }

    /// The stored attribute of `name`, if any (else the schema default applies).
    pub fn get(&self, name: &str) -> Option<Attr> {
        self.get_hashed(name_hash(name))
    }

    pub(crate) fn get_hashed(&self, key: u64) -> Option<Attr> {
        self.find(key).ok().and_then(|i| self.entries.get(i)).map(|e| e.attr)
    }

    /// Stores the attribute of `name`.
    pub fn set(&mut self, name: &str, attr: Attr) -> Result<(), AttrError> {
        self.set_hashed(name_hash(name), attr)
    }

    pub(crate) fn set_hashed(&mut self, key: u64, attr: Attr) -> Result<(), AttrError> {
        match self.find(key) {
            Ok(i) => {
                if let Some(e) = self.entries.get_mut(i) {
                    e.attr = attr;
                }
                Ok(())
            }
            Err(i) => self
                .entries
                .insert(i, Entry { key, attr, value: 0, seen: false, pending: false })
                .map_err(|_| AttrError::Full),
        }
    }

    /// Whether `k` more new entries fit.
    pub(crate) fn has_room(&self, k: usize) -> bool {
        self.entries.len().saturating_add(k) <= N
    }

    /// Drops the entry of `name`, if any.
    pub fn remove(&mut self, name: &str) {
        if let Ok(i) = self.find(name_hash(name)) {
            self.entries.remove(i);
        }
    }

    /// Size in bytes of [`encode`](Self::encode)'s output.
    pub fn encoded_len(&self) -> usize {
        6 + 9 * self.entries.len()
    }

    /// Writes the persistent image into `out`; returns its length.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, AttrError> {
        let len = self.encoded_len();
        let out = out.get_mut(..len).ok_or(AttrError::BufferTooSmall)?;
        let count = u16::try_from(self.entries.len()).map_err(|_| AttrError::BufferTooSmall)?;
        let (head, body) = out.split_at_mut(6);
        head[..3].copy_from_slice(MAGIC);
        head[3] = VERSION;
        head[4..6].copy_from_slice(&count.to_le_bytes());
        for (e, rec) in self.entries.iter().zip(body.chunks_exact_mut(9)) {
            rec[..8].copy_from_slice(&e.key.to_le_bytes());
            rec[8] = e.attr.to_byte();
        }
        Ok(len)
    }

    /// Reads an image written by [`encode`](Self::encode). Rejects a wrong
    /// magic or version, a length that does not match the count, unsorted
    /// or duplicate keys, and attribute bytes we never write.
    pub fn decode(image: &[u8]) -> Result<Self, AttrError> {
        let head = image.get(..6).ok_or(AttrError::BadImage(image.len()))?;
        if &head[..3] != MAGIC {
            return Err(AttrError::BadImage(0));
        }
        if head[3] != VERSION {
            return Err(AttrError::BadImage(3));
        }
        let count = usize::from(u16::from_le_bytes([head[4], head[5]]));
        if image.len() != 6 + 9 * count {
            return Err(AttrError::BadImage(4));
        }
        let mut store = AttributeStore::new();
        let mut last: Option<u64> = None;
        for (i, rec) in image[6..].chunks_exact(9).enumerate() {
            let at = 6 + 9 * i;
            let mut k = [0u8; 8];
            k.copy_from_slice(&rec[..8]);
            let key = u64::from_le_bytes(k);
            if last.is_some_and(|l| l >= key) {
                return Err(AttrError::BadImage(at));
            }
            last = Some(key);
            let attr = Attr::from_byte(rec[8]).ok_or(AttrError::BadImage(at + 8))?;
            store
                .entries
                .push(Entry { key, attr, value: 0, seen: false, pending: false })
                .map_err(|_| AttrError::Full)?;
        }
        Ok(store)
    }
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
            let mut buf = [0u8; 6 + 9 * 64];
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
