//! CWMP protocol versions and their namespaces.
//!
//! Only three namespace URIs exist: `urn:dslforum-org:cwmp-1-0`, `-1-1` and
//! `-1-2`. CWMP 1.2, 1.3 and 1.4 all use `cwmp-1-2` (the cwmp-1-3 and
//! cwmp-1-4 schemas keep `targetNamespace="urn:dslforum-org:cwmp-1-2"`) and
//! are told apart by the headers they use: 1.3 adds `SessionTimeout`, 1.4
//! adds `SupportedCWMPVersions` / `UseCWMPVersion`. Some stacks send
//! `cwmp-1-3` or `cwmp-1-4` anyway; we accept any `cwmp-1-N` on input and
//! never emit a namespace above `cwmp-1-2`.
//!
//! ```
//! use cwmp_core::CwmpVersion;
//!
//! let v = CwmpVersion::from_namespace("urn:dslforum-org:cwmp-1-2").unwrap();
//! assert_eq!(v, CwmpVersion::V1_2);
//! assert_eq!(CwmpVersion::V1_4.namespace(), "urn:dslforum-org:cwmp-1-2");
//! assert_eq!(CwmpVersion::parse("1.3"), Some(CwmpVersion::V1_3));
//! let best = CwmpVersion::negotiate("1.0,1.1,1.2,1.3", CwmpVersion::V1_4);
//! assert_eq!(best, Some(CwmpVersion::V1_3));
//! ```

use core::fmt;

/// A CWMP protocol version (TR-069 Amendment 1 … 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CwmpVersion {
    /// CWMP 1.0 (TR-069 Amendment 1), namespace `cwmp-1-0`.
    V1_0,
    /// CWMP 1.1 (Amendment 2), namespace `cwmp-1-1`.
    V1_1,
    /// CWMP 1.2 (Amendment 3), namespace `cwmp-1-2`.
    V1_2,
    /// CWMP 1.3 (Amendment 4), namespace `cwmp-1-2`; adds `SessionTimeout`.
    V1_3,
    /// CWMP 1.4 (Amendments 5 and 6), namespace `cwmp-1-2`; adds version negotiation.
    V1_4,
}

const NS_PREFIX: &str = "urn:dslforum-org:cwmp-1-";

impl CwmpVersion {
    /// All versions, oldest first.
    pub const ALL: [CwmpVersion; 5] =
        [CwmpVersion::V1_0, CwmpVersion::V1_1, CwmpVersion::V1_2, CwmpVersion::V1_3, CwmpVersion::V1_4];

    /// The newest version this library speaks.
    pub const LATEST: CwmpVersion = CwmpVersion::V1_4;

    /// The namespace URI to emit for this version.
    pub const fn namespace(self) -> &'static str {
        match self {
            CwmpVersion::V1_0 => "urn:dslforum-org:cwmp-1-0",
            CwmpVersion::V1_1 => "urn:dslforum-org:cwmp-1-1",
            CwmpVersion::V1_2 | CwmpVersion::V1_3 | CwmpVersion::V1_4 => "urn:dslforum-org:cwmp-1-2",
        }
    }

    /// The lowest version a namespace URI implies: `cwmp-1-0` → 1.0,
    /// `cwmp-1-1` → 1.1, `cwmp-1-2` → 1.2; the non-standard `cwmp-1-3` /
    /// `cwmp-1-4` → 1.3 / 1.4, and any later `cwmp-1-N` → 1.4. Headers may
    /// then raise a `cwmp-1-2` message to 1.3 or 1.4. `None` for anything
    /// that is not a CWMP namespace.
    pub fn from_namespace(uri: &str) -> Option<CwmpVersion> {
        let minor = uri.strip_prefix(NS_PREFIX)?;
        if minor.is_empty() || minor.len() > 3 || !minor.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(match minor.parse::<u16>().ok()? {
            0 => CwmpVersion::V1_0,
            1 => CwmpVersion::V1_1,
            2 => CwmpVersion::V1_2,
            3 => CwmpVersion::V1_3,
            _ => CwmpVersion::V1_4,
        })
    }

    /// True when `uri` is a CWMP envelope namespace (any `cwmp-1-N`).
    pub fn is_cwmp_namespace(uri: &str) -> bool {
        CwmpVersion::from_namespace(uri).is_some()
    }

    /// `"1.0"` … `"1.4"`, as in `SupportedCWMPVersions` / `UseCWMPVersion`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CwmpVersion::V1_0 => "1.0",
            CwmpVersion::V1_1 => "1.1",
            CwmpVersion::V1_2 => "1.2",
            CwmpVersion::V1_3 => "1.3",
            CwmpVersion::V1_4 => "1.4",
        }
    }

    /// Parses `"1.N"` (surrounding whitespace allowed).
    pub fn parse(s: &str) -> Option<CwmpVersion> {
        CwmpVersion::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// The versions listed in a `SupportedCWMPVersions` value
    /// (comma-separated, e.g. `"1.0,1.1,1.2,1.3,1.4"`); entries we do not
    /// know (a future `1.5`) are skipped.
    pub fn parse_list(list: &str) -> impl Iterator<Item = CwmpVersion> + '_ {
        list.split(',').filter_map(CwmpVersion::parse)
    }

    /// The highest version in the peer's `SupportedCWMPVersions` list that is
    /// not above `ours`; `None` when there is none (ACS fault 8006).
    pub fn negotiate(peer_list: &str, ours: CwmpVersion) -> Option<CwmpVersion> {
        CwmpVersion::parse_list(peer_list).filter(|v| *v <= ours).max()
    }

    /// Whether this version defines the `SessionTimeout` header (1.3+).
    pub const fn has_session_timeout(self) -> bool {
        matches!(self, CwmpVersion::V1_3 | CwmpVersion::V1_4)
    }

    /// Whether this version negotiates with `SupportedCWMPVersions` /
    /// `UseCWMPVersion` (1.4).
    pub const fn has_version_negotiation(self) -> bool {
        matches!(self, CwmpVersion::V1_4)
    }
}

impl fmt::Display for CwmpVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_any_minor_emits_at_most_1_2() {
        assert_eq!(CwmpVersion::from_namespace("urn:dslforum-org:cwmp-1-4"), Some(CwmpVersion::V1_4));
        assert_eq!(CwmpVersion::from_namespace("urn:dslforum-org:cwmp-1-9"), Some(CwmpVersion::V1_4));
        assert_eq!(CwmpVersion::from_namespace("urn:dslforum-org:cwmp-2-0"), None);
        assert_eq!(CwmpVersion::from_namespace("urn:dslforum-org:cwmp-1-"), None);
        assert_eq!(CwmpVersion::from_namespace("urn:dslforum-org:cwmp-1-2x"), None);
        for v in CwmpVersion::ALL {
            assert!(v.namespace() <= "urn:dslforum-org:cwmp-1-2");
            assert_eq!(CwmpVersion::parse(v.as_str()), Some(v));
        }
    }

    #[test]
    fn negotiation() {
        assert_eq!(CwmpVersion::negotiate("1.0, 1.1, 1.2, 1.3, 1.4", CwmpVersion::V1_2), Some(CwmpVersion::V1_2));
        assert_eq!(CwmpVersion::negotiate("1.4,1.5", CwmpVersion::V1_4), Some(CwmpVersion::V1_4));
        assert_eq!(CwmpVersion::negotiate("1.3", CwmpVersion::V1_2), None);
        assert_eq!(CwmpVersion::negotiate("", CwmpVersion::V1_4), None);
    }
}
