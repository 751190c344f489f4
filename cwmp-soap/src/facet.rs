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
//! assert!(Facet::WindowMode.check("4 Confirmation Needed", CwmpVersion::V1_2));
//! // 9021 may end a transfer in cwmp-1-1 (range 9020–9799), not in cwmp-1-2.
//! assert!(Facet::TransferFaultCode.check("9021", CwmpVersion::V1_1));
//! assert!(!Facet::TransferFaultCode.check("9021", CwmpVersion::V1_2));
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
    /// `AddObjectResponse.InstanceNumber`: an unsignedInt of at least 1.
    InstanceNumber,
    /// `TimeWindowModeValueType` (cwmp-1-2 `TimeWindowStruct.WindowMode`):
    /// `[1-9]\d*( \S+)+`, `X [0-9A-F]{6} .+` or `X \S+ .+`.
    WindowMode,
    /// `cwmp:Fault/FaultCode`: cwmp-1-0 `FaultCodeType` (9000–9013,
    /// 9800–9899, 8000–8005, 8800–8899); cwmp-1-1 `FaultCodeType` and the
    /// cwmp-1-2 union of `CPEFaultCodeType`, `CPEVendorFaultCodeType`,
    /// `ACSFaultCodeType`, `ACSVendorFaultCodeType` (8000–8899, 9000–9899).
    FaultCode,
    /// `SetParameterValuesFault/FaultCode`: as [`Facet::FaultCode`] in
    /// cwmp-1-0/1-1 (`FaultCodeType`); CPE codes only (9000–9899) in cwmp-1-2.
    SpvFaultCode,
    /// `FaultCode` of the (Autonomous)TransferComplete `FaultStruct`:
    /// cwmp-1-0 0, 9001, 9002, 9010–9012; cwmp-1-1 also 9014–9899;
    /// cwmp-1-2 (`TransferCompleteFaultStruct`) 0, 9001, 9002, 9010–9012,
    /// 9014–9020, 9033–9899.
    TransferFaultCode,
    /// `FaultCode` of `DeploymentUnitFaultStruct` (cwmp-1-2 only): 0, 9001,
    /// 9003, 9012, 9013, 9015–9018, 9022–9899.
    DuFaultCode,
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

/// XSD `.`: any character but a line feed or carriage return.
fn dot(c: char) -> bool {
    !matches!(c, '\n' | '\r')
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
        Some(t) => t.chars().all(dot) && !(rest_required && t.is_empty()),
        None => false,
    }
}

/// `X \S+ .+`
fn vendor_any(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("X ") else { return false };
    match rest.split_once(' ') {
        Some((w, t)) => word(w) && !t.is_empty() && t.chars().all(dot),
        None => false,
    }
}

/// The version whose schema governs `doc`, found as `xsd-validate` picks the
/// schema: the first `urn:dslforum-org:cwmp-1-N` in the document; cwmp-1-2
/// rules when there is none. (Decoding learns the version only after the
/// body is read, so strict checks that differ per namespace look it up.)
pub(crate) fn document_version(doc: &str) -> CwmpVersion {
    const NS: &str = "urn:dslforum-org:cwmp-1-";
    let found = doc.find(NS).and_then(|at| {
        let tail = doc.get(at + NS.len()..)?;
        let minor = tail.find(|c: char| !c.is_ascii_digit()).unwrap_or(tail.len());
        CwmpVersion::from_namespace(doc.get(at..at + NS.len() + minor)?)
    });
    found.unwrap_or(CwmpVersion::V1_2)
}

fn modern_file_type(s: &str) -> bool {
    numbered(s, nonzero_number) || vendor_oui(s, true) || vendor_any(s)
}

/// The value of an `xs:unsignedInt` literal: XSD white space around it,
/// ASCII digits only (no sign: xmllint refuses `+9001`), leading zeros
/// allowed. `None` when not a literal or beyond `u16` (no CWMP fault code is).
fn fault_code_literal(s: &str) -> Option<cwmp_core::FaultCode> {
    let s = s.trim_matches(is_s);
    if !digits(s) {
        return None;
    }
    s.parse::<u16>().ok().map(cwmp_core::FaultCode::new)
}

/// cwmp-1-0 `FaultCodeType`; from cwmp-1-1 on, every CPE and ACS code
/// (`FaultCode::is_cpe` / `is_acs` are exactly the cwmp-1-1 union and the
/// cwmp-1-2 union of CPE, CPE vendor, ACS and ACS vendor types).
fn any_fault_code(code: cwmp_core::FaultCode, version: CwmpVersion) -> bool {
    match version {
        CwmpVersion::V1_0 => matches!(code.code(), 9000..=9013 | 9800..=9899 | 8000..=8005 | 8800..=8899),
        _ => code.is_cpe() || code.is_acs(),
    }
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
            Facet::InstanceNumber => digits(s) && s.bytes().any(|b| b != b'0'),
            // The same three patterns as the cwmp-1-2 file types.
            Facet::WindowMode => modern_file_type(s),
            Facet::FaultCode | Facet::SpvFaultCode | Facet::TransferFaultCode | Facet::DuFaultCode => {
                fault_code_literal(s).is_some_and(|c| self.allows_fault_code(c, version))
            }
        }
    }

    /// True when this is a fault-code facet that allows `code` in the
    /// namespace of `version` (false for every other facet).
    ///
    /// ```
    /// use cwmp_core::{CwmpVersion, FaultCode};
    /// use cwmp_soap::facet::Facet;
    ///
    /// assert!(Facet::FaultCode.allows_fault_code(FaultCode::new(9019), CwmpVersion::V1_1));
    /// assert!(!Facet::FaultCode.allows_fault_code(FaultCode::new(9019), CwmpVersion::V1_0));
    /// assert!(!Facet::SpvFaultCode.allows_fault_code(FaultCode::ACS_REQUEST_DENIED, CwmpVersion::V1_4));
    /// ```
    pub fn allows_fault_code(self, code: cwmp_core::FaultCode, version: CwmpVersion) -> bool {
        match self {
            Facet::FaultCode => any_fault_code(code, version),
            Facet::SpvFaultCode if version >= CwmpVersion::V1_2 => code.is_cpe(),
            Facet::SpvFaultCode => any_fault_code(code, version),
            Facet::TransferFaultCode => match version {
                CwmpVersion::V1_0 => matches!(code.code(), 0 | 9001 | 9002 | 9010..=9012),
                CwmpVersion::V1_1 => matches!(code.code(), 0 | 9001 | 9002 | 9010..=9012 | 9014..=9899),
                _ => code.allowed_in_transfer_complete(),
            },
            // DeploymentUnitFaultStruct exists in cwmp-1-2 only.
            Facet::DuFaultCode => code.allowed_in_du_result(),
            _ => false,
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
            Facet::InstanceNumber => "an instance number is at least 1",
            Facet::WindowMode => "not a time window mode",
            Facet::FaultCode => "fault code not allowed in a cwmp:Fault of this namespace",
            Facet::SpvFaultCode => "fault code not allowed in a SetParameterValuesFault of this namespace",
            Facet::TransferFaultCode => "fault code not allowed in a transfer FaultStruct of this namespace",
            Facet::DuFaultCode => "fault code not allowed in a deployment unit fault",
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
        // XSD `.` matches neither LF nor CR.
        assert!(!Facet::EventCode.check("X ACME a\rb", V1_2));
        assert!(!Facet::DownloadFileType.check("X 00D09E a\r", V1_0));
    }

    #[test]
    fn window_modes_follow_the_schema() {
        for ok in ["1 At Any Time", "2 Immediately", "3 When Idle", "4 Confirmation Needed", "17 Later On"] {
            assert!(Facet::WindowMode.check(ok, V1_2), "{ok}");
        }
        assert!(Facet::WindowMode.check("X 00D09E Night Only", V1_4));
        assert!(Facet::WindowMode.check("X ACME night", V1_2));
        for bad in [
            "",
            "1",
            "0 Never",
            "01 x",
            "1  Two",
            "1 x ",
            "1 a\tb",
            "X 00D09E ",
            "X ACME",
            "X ACME a\rb",
            "At Any Time",
        ] {
            assert!(!Facet::WindowMode.check(bad, V1_2), "{bad:?}");
        }
    }

    #[test]
    fn fault_codes_follow_the_schemas() {
        let f = |facet: Facet, s: &str, v| facet.check(s, v);
        assert!(f(Facet::FaultCode, "9013", V1_0) && !f(Facet::FaultCode, "9014", V1_0));
        assert!(!f(Facet::FaultCode, "8006", V1_0) && f(Facet::FaultCode, "8006", V1_1));
        assert!(f(Facet::FaultCode, "8899", V1_4) && !f(Facet::FaultCode, "8900", V1_4));
        assert!(!f(Facet::FaultCode, "0", V1_2) && !f(Facet::FaultCode, "9900", V1_2));
        assert!(f(Facet::FaultCode, " 09001 ", V1_2) && !f(Facet::FaultCode, "+9001", V1_2));
        assert!(!f(Facet::FaultCode, "", V1_2) && !f(Facet::FaultCode, "4294967296", V1_2));
        assert!(f(Facet::SpvFaultCode, "8005", V1_1) && !f(Facet::SpvFaultCode, "8005", V1_2));
        assert!(!f(Facet::TransferFaultCode, "9850", V1_0) && f(Facet::TransferFaultCode, "9850", V1_1));
        assert!(f(Facet::TransferFaultCode, "9021", V1_1) && !f(Facet::TransferFaultCode, "9021", V1_2));
        assert!(!f(Facet::TransferFaultCode, "9013", V1_1) && f(Facet::TransferFaultCode, "0", V1_0));
        assert!(f(Facet::DuFaultCode, "9013", V1_2) && !f(Facet::DuFaultCode, "9014", V1_2));
        assert!(!Facet::Status.allows_fault_code(cwmp_core::FaultCode::new(0), V1_2));
    }

    #[test]
    fn the_document_namespace_picks_the_rules() {
        assert_eq!(document_version("<a xmlns:c=\"urn:dslforum-org:cwmp-1-0\">"), V1_0);
        assert_eq!(document_version("<a xmlns:c='urn:dslforum-org:cwmp-1-1'>"), V1_1);
        assert_eq!(document_version("<a xmlns:c=\"urn:dslforum-org:cwmp-1-2\">"), V1_2);
        assert!(document_version("<a xmlns:c=\"urn:dslforum-org:cwmp-1-4\">") >= V1_2);
        assert_eq!(document_version("<a/>"), V1_2);
        assert_eq!(document_version("urn:dslforum-org:cwmp-1-"), V1_2);
    }
}
