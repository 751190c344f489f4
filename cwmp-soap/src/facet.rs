//! Schema facets beyond length: the `xs:pattern`s and `xs:enumeration`s of
//! the CWMP schemas, per namespace, so that everything we encode validates
//! against the official XSD (strict decoding reports them too).
//!
//! ```
//! use cwmp_core::CwmpVersion;
//! use cwmp_soap::facet::Facet;
//!
//! assert!(Facet::DownloadFileType.check("4 Tone File", CwmpVersion::V1_2));
//! assert!(!Facet::DownloadFileType.check("4 Tone File", CwmpVersion::V1_0));
//! assert!(Facet::EventCode.check("M X_ACME_Foo", CwmpVersion::V1_0));
//! assert!(!Facet::ObjectName.check("Device.IP.Interface", CwmpVersion::V1_4));
//! ```

use cwmp_core::CwmpVersion;

/// A lexical rule of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Facet {
    /// `ObjectNameType`: ends with `.`.
    ObjectName,
    /// `DeploymentUnitUUID`: 8-4-4-4-12 hex digits.
    Uuid,
    /// `AccessListValueType`: `Subscriber`.
    AccessListEntry,
    /// `DeploymentUnitState`: `Installed`, `Uninstalled`, `Failed`.
    DuState,
    /// `DownloadFileType`.
    DownloadFileType,
    /// `UploadFileType`.
    UploadFileType,
    /// `TransferFileType` (AllQueuedTransferStruct, AutonomousTransferComplete).
    TransferFileType,
    /// `EventCodeType`.
    EventCode,
    /// A Status of 0 or 1.
    Status,
    /// Notification 0–2 (cwmp-1-0/1-1) or 0–6 (cwmp-1-2).
    Notification,
    /// Transfer state 1–3.
    TransferState,
}

fn is_s(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// `\S+`
fn word(s: &str) -> bool {
    !s.is_empty() && !s.contains(is_s)
}

/// `first( \S+)+` where `first` is checked by `head`.
fn numbered(s: &str, head: fn(&str) -> bool) -> bool {
    let mut parts = s.split(' ');
    let Some(first) = parts.next() else { return false };
    let mut n = 0;
    for p in parts {
        if !word(p) {
            return false;
        }
        n += 1;
    }
    n > 0 && head(first)
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn nonzero_number(s: &str) -> bool {
    digits(s) && !s.starts_with('0')
}

/// `X [0-9A-F]{6} .*` (`.+` when `rest_required`).
fn vendor_oui(s: &str, rest_required: bool) -> bool {
    let Some(rest) = s.strip_prefix("X ") else { return false };
    let (oui, tail) = match (rest.get(..6), rest.get(6..)) {
        (Some(o), Some(t)) => (o, t),
        _ => return false,
    };
    if !oui.bytes().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F')) {
        return false;
    }
    match tail.strip_prefix(' ') {
        Some(t) => !(t.contains('\n') || rest_required && t.is_empty()),
        None => false,
    }
}

/// `X \S+ .+`
fn vendor_any(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("X ") else { return false };
    match rest.split_once(' ') {
        Some((w, t)) => word(w) && !t.is_empty() && !t.contains('\n'),
        None => false,
    }
}

fn modern_file_type(s: &str) -> bool {
    numbered(s, nonzero_number) || vendor_oui(s, true) || vendor_any(s)
}

impl Facet {
    /// True when `s` satisfies the rule in the namespace of `version`.
    pub fn check(self, s: &str, version: CwmpVersion) -> bool {
        let old = version < CwmpVersion::V1_2;
        match self {
            Facet::ObjectName => s.ends_with('.'),
            Facet::Uuid => {
                let groups = [8usize, 4, 4, 4, 12];
                let mut parts = s.split('-');
                groups
                    .iter()
                    .all(|&n| parts.next().is_some_and(|p| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit())))
                    && parts.next().is_none()
            }
            Facet::AccessListEntry => s == "Subscriber",
            Facet::DuState => matches!(s, "Installed" | "Uninstalled" | "Failed"),
            Facet::DownloadFileType if old => {
                matches!(s, "1 Firmware Upgrade Image" | "2 Web Content" | "3 Vendor Configuration File")
                    || vendor_oui(s, false)
            }
            Facet::UploadFileType if old => {
                matches!(s, "1 Vendor Configuration File" | "2 Vendor Log File") || vendor_oui(s, false)
            }
            Facet::TransferFileType if old => {
                matches!(
                    s,
                    "1 Firmware Upgrade Image" | "2 Web Content" | "3 Vendor Configuration File" | "4 Vendor Log File"
                ) || vendor_oui(s, false)
            }
            Facet::DownloadFileType | Facet::UploadFileType | Facet::TransferFileType => modern_file_type(s),
            Facet::EventCode if version == CwmpVersion::V1_0 => {
                matches!(
                    s,
                    "0 BOOTSTRAP"
                        | "1 BOOT"
                        | "2 PERIODIC"
                        | "3 SCHEDULED"
                        | "4 VALUE CHANGE"
                        | "5 KICKED"
                        | "6 CONNECTION REQUEST"
                        | "7 TRANSFER COMPLETE"
                        | "8 DIAGNOSTICS COMPLETE"
                        | "9 REQUEST DOWNLOAD"
                        | "M Reboot"
                        | "M ScheduleInform"
                        | "M Download"
                        | "M Upload"
                ) || s.strip_prefix("M X_").is_some_and(word)
                    || vendor_oui(s, false)
            }
            Facet::EventCode => {
                numbered(s, digits)
                    || s.strip_prefix("M ").is_some_and(word)
                    || vendor_oui(s, !old)
                    || (!old && vendor_any(s))
            }
            Facet::Status => matches!(s, "0" | "1"),
            Facet::Notification if old => matches!(s, "0" | "1" | "2"),
            Facet::Notification => matches!(s, "0" | "1" | "2" | "3" | "4" | "5" | "6"),
            Facet::TransferState => matches!(s, "1" | "2" | "3"),
        }
    }

    /// What the rule demands, for error messages.
    pub const fn describe(self) -> &'static str {
        match self {
            Facet::ObjectName => "an object name must end with '.'",
            Facet::Uuid => "a UUID is 8-4-4-4-12 hex digits",
            Facet::AccessListEntry => "the only access list entry is 'Subscriber'",
            Facet::DuState => "Installed, Uninstalled or Failed",
            Facet::DownloadFileType => "not a download file type of this namespace",
            Facet::UploadFileType => "not an upload file type of this namespace",
            Facet::TransferFileType => "not a transfer file type of this namespace",
            Facet::EventCode => "not an event code of this namespace",
            Facet::Status => "Status is 0 or 1",
            Facet::Notification => "notification out of range for this namespace",
            Facet::TransferState => "transfer state is 1, 2 or 3",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CwmpVersion::*;

    #[test]
    fn patterns_follow_the_schemas() {
        assert!(Facet::EventCode.check("14 HEARTBEAT", V1_2));
        assert!(!Facet::EventCode.check("14 HEARTBEAT", V1_0));
        assert!(Facet::EventCode.check("14 HEARTBEAT", V1_1));
        assert!(Facet::EventCode.check("X 00D09E VENDOR EVENT", V1_4));
        assert!(Facet::EventCode.check("X ACME thing", V1_4));
        assert!(!Facet::EventCode.check("X ACME thing", V1_1));
        assert!(!Facet::EventCode.check("2  PERIODIC", V1_2));
        assert!(!Facet::EventCode.check("2 PERIODIC ", V1_2));
        assert!(!Facet::EventCode.check("", V1_2));
        assert!(Facet::UploadFileType.check("3 Vendor Configuration File 2", V1_2));
        assert!(!Facet::UploadFileType.check("3 Vendor Configuration File 2", V1_1));
        assert!(!Facet::DownloadFileType.check("0 Bad", V1_2));
        assert!(Facet::DownloadFileType.check("X 00D09E ", V1_0));
        assert!(!Facet::DownloadFileType.check("X 00D09E ", V1_2));
        assert!(Facet::Uuid.check("0b0e8b8a-2c8a-4d1a-9f5e-0123456789AB", V1_2));
        assert!(!Facet::Uuid.check("some-uuid", V1_2));
        assert!(Facet::Notification.check("6", V1_2) && !Facet::Notification.check("3", V1_1));
    }
}
