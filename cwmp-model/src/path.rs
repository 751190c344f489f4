//! TR-106 parameter and object paths (TR-106 §3.1, TR-069 Amd 6 §A.3.2.1).
//!
//! A path is either
//! * a **full parameter name**: `Device.DeviceInfo.UpTime`,
//! * a **partial path** naming an object, ending with `.`: `Device.IP.Interface.3.`,
//! * or the **empty path**, meaning the whole tree (GetParameterNames /
//!   GetParameterValues accept it).
//!
//! Segments are names (`[A-Za-z_][A-Za-z0-9_-]*`), instance numbers (`1` …
//! `4294967295`) or instance aliases in brackets (`[wan]`, TR-069 Amd 6
//! §3.6.1). Parsing borrows the text and never allocates; every error carries
//! the byte offset and maps to fault 9005 (Invalid parameter name).
//!
//! ```
//! use cwmp_model::path::{Path, Segment};
//!
//! let p = Path::parse("Device.IP.Interface.[wan].IPv4Address.1.IPAddress").unwrap();
//! assert!(!p.is_partial());
//! let segs: Vec<_> = p.segments().collect();
//! assert_eq!(segs[3], Segment::Alias("wan"));
//! assert_eq!(segs[5], Segment::Instance(1));
//! assert_eq!(Path::parse("Device.IP..X").unwrap_err().offset, 10);
//! assert!(Path::parse("").unwrap().is_empty());
//! ```

use cwmp_core::FaultCode;

/// Longest path accepted, in bytes (the `string(256)` of the CWMP schema).
pub const MAX_PATH_LEN: usize = 256;

/// Longest instance alias accepted, in bytes (TR-181 `Alias` is `string(64)`).
pub const MAX_ALIAS_LEN: usize = 64;

/// Most segments a path may have. TR-181 nests at most about 12 deep.
pub const MAX_DEPTH: usize = 32;

/// One dot-separated segment of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Segment<'a> {
    /// An object or parameter name such as `Interface` or `X_ZTE-COM_ALG`.
    Name(&'a str),
    /// An instance number (never 0).
    Instance(u32),
    /// An instance alias, the text between `[` and `]`.
    Alias(&'a str),
}

impl Segment<'_> {
    /// Whether this segment selects an instance (number or alias), i.e.
    /// stands where a schema template has `{i}`.
    pub const fn is_instance(&self) -> bool {
        matches!(self, Segment::Instance(_) | Segment::Alias(_))
    }
}

/// What is wrong with a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PathErrorKind {
    /// Longer than [`MAX_PATH_LEN`] bytes.
    TooLong,
    /// More than [`MAX_DEPTH`] segments.
    TooDeep,
    /// Two dots in a row, or a leading dot.
    EmptySegment,
    /// A byte that may not appear in a name.
    BadCharacter,
    /// The first segment is not a name (a path must start at a root object).
    RootNotName,
    /// An instance number of 0, with a leading zero, or above `u32::MAX`.
    BadInstanceNumber,
    /// An alias that is empty, too long, unterminated or contains `.`/`[`.
    BadAlias,
}

/// A path that failed to parse: what and at which byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("invalid parameter name at byte {offset}: {kind:?} (fault 9005)")]
pub struct PathError {
    /// What is wrong.
    pub kind: PathErrorKind,
    /// Byte offset in the path text where the problem was found.
    pub offset: usize,
}

impl PathError {
    /// The CWMP fault for a malformed name: always 9005.
    pub const fn fault(&self) -> FaultCode {
        FaultCode::INVALID_PARAMETER_NAME
    }
}

/// A validated TR-106 path borrowing its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Path<'a> {
    text: &'a str,
}

const fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

const fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Checks one segment starting at byte `at`; `first` says whether it is the root.
fn check_segment(seg: &str, at: usize, first: bool) -> Result<(), PathError> {
    let err = |kind, offset| Err(PathError { kind, offset });
    let bytes = seg.as_bytes();
    let Some(&b0) = bytes.first() else {
        return err(PathErrorKind::EmptySegment, at);
    };
    if b0 == b'[' {
        if first {
            return err(PathErrorKind::RootNotName, at);
        }
        let inner = match bytes.last() {
            Some(b']') if bytes.len() >= 2 => &seg[1..seg.len() - 1],
            _ => return err(PathErrorKind::BadAlias, at),
        };
        if inner.is_empty() || inner.len() > MAX_ALIAS_LEN {
            return err(PathErrorKind::BadAlias, at);
        }
        if let Some(i) = inner.bytes().position(|b| b == b'[' || b == b']' || b.is_ascii_control()) {
            return err(PathErrorKind::BadAlias, at + 1 + i);
        }
        return Ok(());
    }
    if b0.is_ascii_digit() {
        if first {
            return err(PathErrorKind::RootNotName, at);
        }
        if let Some(i) = bytes.iter().position(|b| !b.is_ascii_digit()) {
            return err(PathErrorKind::BadCharacter, at + i);
        }
        return match parse_instance(seg) {
            Some(_) => Ok(()),
            None => err(PathErrorKind::BadInstanceNumber, at),
        };
    }
    if !is_name_start(b0) {
        return err(PathErrorKind::BadCharacter, at);
    }
    match bytes.iter().position(|&b| !is_name_byte(b)) {
        Some(i) => err(PathErrorKind::BadCharacter, at + i),
        None => Ok(()),
    }
}

/// Parses a canonical instance number: 1..=u32::MAX, no leading zero.
pub fn parse_instance(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.first() == Some(&b'0') || b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.parse::<u32>().ok()
}

fn classify(seg: &str) -> Segment<'_> {
    if let Some(inner) = seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        Segment::Alias(inner)
    } else if let Some(n) = parse_instance(seg) {
        Segment::Instance(n)
    } else {
        Segment::Name(seg)
    }
}

impl<'a> Path<'a> {
    /// The empty path: the whole tree.
    pub const EMPTY: Path<'static> = Path { text: "" };

    /// Parses and validates `text`. Aliases may contain any byte but `[`, `]`
    /// and control characters; a `.` inside brackets is taken as a separator
    /// and so rejected.
    pub fn parse(text: &'a str) -> Result<Path<'a>, PathError> {
        if text.len() > MAX_PATH_LEN {
            return Err(PathError { kind: PathErrorKind::TooLong, offset: MAX_PATH_LEN });
        }
        if text.is_empty() {
            return Ok(Path { text });
        }
        let body = text.strip_suffix('.').unwrap_or(text);
        let mut at = 0usize;
        for (depth, seg) in body.split('.').enumerate() {
            if depth >= MAX_DEPTH {
                return Err(PathError { kind: PathErrorKind::TooDeep, offset: at });
            }
            check_segment(seg, at, depth == 0)?;
            at = at.saturating_add(seg.len()).saturating_add(1);
        }
        Ok(Path { text })
    }

    /// The path text as given.
    pub const fn as_str(&self) -> &'a str {
        self.text
    }

    /// Whether this is the empty path (the whole tree).
    pub const fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether this names an object (ends with `.`) or is empty.
    pub fn is_partial(&self) -> bool {
        self.text.is_empty() || self.text.ends_with('.')
    }

    /// The segments, root first. Empty for the empty path.
    pub fn segments(&self) -> impl Iterator<Item = Segment<'a>> + Clone + 'a {
        let body = self.text.strip_suffix('.').unwrap_or(self.text);
        body.split('.').filter(|s| !s.is_empty()).map(classify)
    }

    /// Number of segments.
    pub fn depth(&self) -> usize {
        self.segments().count()
    }

    /// The last segment, if any.
    pub fn last(&self) -> Option<Segment<'a>> {
        self.segments().last()
    }

    /// Whether any segment is an alias (the path needs alias resolution).
    pub fn has_alias(&self) -> bool {
        self.segments().any(|s| matches!(s, Segment::Alias(_)))
    }

    /// The partial path of the parent object (`Device.A.B` → `Device.A.`,
    /// `Device.A.` → `Device.`); `None` for a root or the empty path.
    pub fn parent(&self) -> Option<Path<'a>> {
        let body = self.text.strip_suffix('.').unwrap_or(self.text);
        let cut = body.rfind('.')?;
        Some(Path { text: &self.text[..=cut] })
    }

    /// Whether `name` lies within this path: equal to it, or below it when
    /// this is a partial path. The empty path contains everything.
    pub fn contains(&self, name: &str) -> bool {
        if self.is_partial() { name.starts_with(self.text) } else { name == self.text }
    }

    /// Whether this path (with numbers only, no aliases) fits a schema
    /// template such as `Device.IP.Interface.{i}.IPv4Address.{i}.`: same
    /// segment count and partial-ness, names equal, an instance where the
    /// template has `{i}`. An alias also matches `{i}`.
    pub fn matches_template(&self, template: &str) -> bool {
        if self.is_partial() != (template.is_empty() || template.ends_with('.')) {
            return false;
        }
        let tbody = template.strip_suffix('.').unwrap_or(template);
        let mut tsegs = tbody.split('.').filter(|s| !s.is_empty());
        for seg in self.segments() {
            let Some(t) = tsegs.next() else { return false };
            let ok = match seg {
                Segment::Name(n) => n == t,
                Segment::Instance(_) | Segment::Alias(_) => t == "{i}",
            };
            if !ok {
                return false;
            }
        }
        tsegs.next().is_none()
    }
}

impl core::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn accepts_tr106_forms() {
        for ok in [
            "",
            "Device.",
            "Device.DeviceInfo.UpTime",
            "InternetGatewayDevice.LANDevice.1.WLANConfiguration.2.SSID",
            "Device.IP.Interface.[cpe-wan].IPv4Address.1.",
            "InternetGatewayDevice.Firewall.X_ZTE-COM_ALG.",
            "Device.X_TP_Thing._Hidden",
        ] {
            assert!(Path::parse(ok).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn rejects_with_offsets() {
        let cases: &[(&str, PathErrorKind, usize)] = &[
            (".Device.", PathErrorKind::EmptySegment, 0),
            ("Device..A", PathErrorKind::EmptySegment, 7),
            ("Device.A b", PathErrorKind::BadCharacter, 8),
            ("Device.0.", PathErrorKind::BadInstanceNumber, 7),
            ("Device.01.", PathErrorKind::BadInstanceNumber, 7),
            ("Device.4294967296.", PathErrorKind::BadInstanceNumber, 7),
            ("Device.1a.", PathErrorKind::BadCharacter, 8),
            ("1.Device", PathErrorKind::RootNotName, 0),
            ("[a].B", PathErrorKind::RootNotName, 0),
            ("Device.[].", PathErrorKind::BadAlias, 7),
            ("Device.[ab.", PathErrorKind::BadAlias, 7),
            ("Device.-x", PathErrorKind::BadCharacter, 7),
            ("Device.A..", PathErrorKind::EmptySegment, 9),
        ];
        for &(text, kind, offset) in cases {
            let e = Path::parse(text).unwrap_err();
            assert_eq!((e.kind, e.offset), (kind, offset), "{text:?}");
            assert_eq!(e.fault().code(), 9005);
        }
        let long = "A.".repeat(129);
        assert_eq!(Path::parse(&long).unwrap_err().kind, PathErrorKind::TooLong);
        let deep = "A.".repeat(33);
        assert_eq!(Path::parse(&deep).unwrap_err().kind, PathErrorKind::TooDeep);
    }

    #[test]
    fn parent_contains_template() {
        let p = Path::parse("Device.IP.Interface.3.IPv4Address.1.IPAddress").unwrap();
        assert_eq!(p.parent().unwrap().as_str(), "Device.IP.Interface.3.IPv4Address.1.");
        assert!(p.matches_template("Device.IP.Interface.{i}.IPv4Address.{i}.IPAddress"));
        assert!(!p.matches_template("Device.IP.Interface.{i}.IPv4Address.{i}."));
        assert!(!p.matches_template("Device.IP.Interface.{i}.IPv6Address.{i}.IPAddress"));
        let o = Path::parse("Device.IP.Interface.[wan].").unwrap();
        assert!(o.matches_template("Device.IP.Interface.{i}."));
        assert!(Path::parse("Device.").unwrap().contains("Device.X"));
        assert!(Path::EMPTY.contains("Device.X"));
        assert!(!Path::parse("Device.A").unwrap().contains("Device.AB"));
        assert_eq!(Path::parse("Device.").unwrap().parent(), None);
    }

    proptest::proptest! {
        /// Any path assembled from valid segments parses, and its segments
        /// come back as assembled.
        #[test]
        fn valid_paths_round_trip(
            root in "[A-Za-z_][A-Za-z0-9_-]{0,10}",
            segs in proptest::collection::vec(
                proptest::prop_oneof![
                    "[A-Za-z_][A-Za-z0-9_-]{0,10}".prop_map(|s| (s.clone(), 0u8)),
                    (1u32..).prop_map(|n| (std::format!("{n}"), 1u8)),
                    "[a-z][a-z0-9-]{0,10}".prop_map(|s| (std::format!("[{s}]"), 2u8)),
                ],
                0..8,
            ),
            partial in proptest::bool::ANY,
        ) {
            let mut text = root.clone();
            for (s, _) in &segs {
                text.push('.');
                text.push_str(s);
            }
            if partial { text.push('.'); }
            let p = Path::parse(&text).unwrap();
            proptest::prop_assert_eq!(p.is_partial(), partial);
            proptest::prop_assert_eq!(p.depth(), segs.len() + 1);
            for (got, (s, kind)) in p.segments().skip(1).zip(&segs) {
                match (got, kind) {
                    (Segment::Name(n), 0) => proptest::prop_assert_eq!(n, s.as_str()),
                    (Segment::Instance(n), 1) => proptest::prop_assert_eq!(std::format!("{n}"), s.clone()),
                    (Segment::Alias(a), 2) => proptest::prop_assert_eq!(std::format!("[{a}]"), s.clone()),
                    other => proptest::prop_assert!(false, "{:?}", other),
                }
            }
        }

        /// Arbitrary text never panics; an accepted path has no empty segment.
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
            if let Ok(p) = Path::parse(&text) {
                proptest::prop_assert!(!p.as_str().contains(".."));
            }
        }
    }
}
