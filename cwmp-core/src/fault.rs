//! CWMP fault codes (TR-069 Table A.5 / the `FaultCode` documentation of the
//! official `cwmp-1-x.xsd` schemas).
//!
//! A [`FaultCode`] is any `u16`: the known codes carry their fault string and
//! SOAP `faultcode`, vendor and reserved ranges are classified, and unknown
//! codes are preserved as they came.
//!
//! ```
//! use cwmp_core::{FaultCode, fault::{FaultKind, SoapFaultCode}};
//!
//! let f = FaultCode::new(9005);
//! assert_eq!(f, FaultCode::INVALID_PARAMETER_NAME);
//! assert_eq!(f.fault_string(), Some("Invalid parameter name"));
//! assert_eq!(f.soap_faultcode(), SoapFaultCode::Client);
//! assert_eq!(FaultCode::new(9850).kind(), FaultKind::CpeVendor);
//! assert_eq!(FaultCode::new(1234).fault_string(), None);
//! ```

use core::fmt;

use crate::CwmpVersion;

/// A CWMP fault code, as carried in `cwmp:Fault/FaultCode`,
/// `SetParameterValuesFault/FaultCode` and `FaultStruct/FaultCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FaultCode(u16);

/// Where a fault code sits in the numbering plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FaultKind {
    /// `0`: "no fault", used in `FaultStruct` of TransferComplete and DU results.
    NoFault,
    /// A CPE fault defined by TR-069 (9000–9032).
    Cpe,
    /// A CPE code reserved for future extension (9033–9799).
    CpeReserved,
    /// A vendor-defined CPE fault (9800–9899).
    CpeVendor,
    /// An ACS fault defined by TR-069 (8000–8006).
    Acs,
    /// An ACS code reserved for future extension (8007–8799).
    AcsReserved,
    /// A vendor-defined ACS fault (8800–8899).
    AcsVendor,
    /// Outside every CWMP range.
    Unknown,
}

/// Where a fault code is carried: each schema allows its own set of codes in
/// each (see [`FaultCode::allowed_in`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FaultContext {
    /// `cwmp:Fault/FaultCode` (the fault response to any RPC).
    Fault,
    /// `SetParameterValuesFault/FaultCode` inside a `cwmp:Fault`.
    SetParameterValuesFault,
    /// `FaultStruct/FaultCode` of TransferComplete and
    /// AutonomousTransferComplete.
    TransferComplete,
    /// `FaultStruct/FaultCode` of a deployment-unit operation result
    /// (DUStateChangeComplete, AutonomousDUStateChangeComplete; cwmp-1-2 on).
    DeploymentUnit,
}

impl FaultContext {
    /// Every context.
    pub const ALL: [FaultContext; 4] = [
        FaultContext::Fault,
        FaultContext::SetParameterValuesFault,
        FaultContext::TransferComplete,
        FaultContext::DeploymentUnit,
    ];
}

/// The SOAP 1.1 `faultcode` a fault travels under: `Client` when the
/// request was at fault, `Server` when the responder was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SoapFaultCode {
    /// `SOAP-ENV:Client`.
    Client,
    /// `SOAP-ENV:Server`.
    Server,
}

impl SoapFaultCode {
    /// The local part of the SOAP faultcode QName (`"Client"` / `"Server"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            SoapFaultCode::Client => "Client",
            SoapFaultCode::Server => "Server",
        }
    }
}

/// One row of the fault table.
struct FaultDef {
    code: u16,
    name: &'static str,
    string: &'static str,
    /// The cwmp-1-0 / cwmp-1-1 string, where it differs.
    old_string: Option<&'static str>,
    soap: SoapFaultCode,
}

macro_rules! faults {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $soap:ident, $string:literal $(, old: $old:literal)? ; )*) => {
        impl FaultCode {
            $( $(#[$doc])* pub const $name: FaultCode = FaultCode($code); )*
        }
        const FAULTS: &[FaultDef] = &[
            $( FaultDef {
                code: $code,
                name: stringify!($name),
                string: $string,
                old_string: faults!(@old $($old)?),
                soap: SoapFaultCode::$soap,
            }, )*
        ];
    };
    (@old) => { None };
    (@old $old:literal) => { Some($old) };
}

// Fault strings: the FaultCode documentation of cwmp-1-2.xsd (1-4 adds 8006);
// `old:` strings from cwmp-1-0.xsd / cwmp-1-1.xsd. Client/Server: TR-069
// Table A.5 as implemented by catawampus and icwmp (the table itself was not
// reachable; see SPEC-FACTS.md §3). Codes without a reported class are Server.
faults! {
    /// 9000 Method not supported.
    METHOD_NOT_SUPPORTED = 9000, Server, "Method not supported";
    /// 9001 Request denied (no reason specified).
    REQUEST_DENIED = 9001, Server, "Request denied (no reason specified)";
    /// 9002 Internal error.
    INTERNAL_ERROR = 9002, Server, "Internal error";
    /// 9003 Invalid arguments.
    INVALID_ARGUMENTS = 9003, Client, "Invalid arguments";
    /// 9004 Resources exceeded.
    RESOURCES_EXCEEDED = 9004, Server, "Resources exceeded";
    /// 9005 Invalid parameter name.
    INVALID_PARAMETER_NAME = 9005, Client, "Invalid parameter name";
    /// 9006 Invalid parameter type.
    INVALID_PARAMETER_TYPE = 9006, Client, "Invalid parameter type";
    /// 9007 Invalid parameter value.
    INVALID_PARAMETER_VALUE = 9007, Client, "Invalid parameter value";
    /// 9008 Attempt to set a non-writable parameter.
    NON_WRITABLE_PARAMETER = 9008, Client, "Attempt to set a non-writable parameter";
    /// 9009 Notification request rejected.
    NOTIFICATION_REQUEST_REJECTED = 9009, Server, "Notification request rejected";
    /// 9010 File transfer failure ("Download failure" before CWMP 1.2).
    FILE_TRANSFER_FAILURE = 9010, Server, "File transfer failure", old: "Download failure";
    /// 9011 Upload failure.
    UPLOAD_FAILURE = 9011, Server, "Upload failure";
    /// 9012 File transfer server authentication failure.
    FILE_TRANSFER_AUTHENTICATION_FAILURE = 9012, Server, "File transfer server authentication failure";
    /// 9013 Unsupported protocol for file transfer.
    UNSUPPORTED_TRANSFER_PROTOCOL = 9013, Server, "Unsupported protocol for file transfer";
    /// 9014 File transfer failure: unable to join multicast group.
    TRANSFER_MULTICAST_JOIN_FAILED = 9014, Server, "File transfer failure: unable to join multicast group",
        old: "Download failure: unable to join multicast group";
    /// 9015 File transfer failure: unable to contact file server.
    TRANSFER_SERVER_UNREACHABLE = 9015, Server, "File transfer failure: unable to contact file server",
        old: "Download failure: unable to contact file server";
    /// 9016 File transfer failure: unable to access file.
    TRANSFER_FILE_INACCESSIBLE = 9016, Server, "File transfer failure: unable to access file",
        old: "Download failure: unable to access file";
    /// 9017 File transfer failure: unable to complete download.
    TRANSFER_INCOMPLETE = 9017, Server, "File transfer failure: unable to complete download",
        old: "Download failure: unable to complete download";
    /// 9018 File transfer failure: file corrupted.
    TRANSFER_FILE_CORRUPTED = 9018, Server, "File transfer failure: file corrupted",
        old: "Download failure: file corrupted";
    /// 9019 File transfer failure: file authentication failure.
    TRANSFER_FILE_AUTHENTICATION_FAILURE = 9019, Server, "File transfer failure: file authentication failure",
        old: "Download failure: file authentication failure";
    /// 9020 File transfer failure: unable to complete download within specified time windows (CWMP 1.2+).
    TRANSFER_TIME_WINDOW_MISSED = 9020, Server,
        "File transfer failure: unable to complete download within specified time windows";
    /// 9021 Cancelation of file transfer not permitted in current transfer state.
    CANCEL_NOT_PERMITTED = 9021, Client, "Cancelation of file transfer not permitted in current transfer state";
    /// 9022 Invalid UUID Format.
    INVALID_UUID_FORMAT = 9022, Client, "Invalid UUID Format";
    /// 9023 Unknown Execution Environment.
    UNKNOWN_EXECUTION_ENVIRONMENT = 9023, Client, "Unknown Execution Environment";
    /// 9024 Disabled Execution Environment.
    DISABLED_EXECUTION_ENVIRONMENT = 9024, Server, "Disabled Execution Environment";
    /// 9025 Deployment Unit to Execution Environment Mismatch.
    DU_EE_MISMATCH = 9025, Client, "Deployment Unit to Execution Environment Mismatch";
    /// 9026 Duplicate Deployment Unit.
    DUPLICATE_DU = 9026, Server, "Duplicate Deployment Unit";
    /// 9027 System Resources Exceeded.
    SYSTEM_RESOURCES_EXCEEDED = 9027, Server, "System Resources Exceeded";
    /// 9028 Unknown Deployment Unit.
    UNKNOWN_DU = 9028, Server, "Unknown Deployment Unit";
    /// 9029 Invalid Deployment Unit State.
    INVALID_DU_STATE = 9029, Server, "Invalid Deployment Unit State";
    /// 9030 Invalid Deployement Unit Update – Downgrade not permitted (the
    /// schema's spelling, en dash included).
    DU_DOWNGRADE_NOT_PERMITTED = 9030, Server, "Invalid Deployement Unit Update \u{2013} Downgrade not permitted";
    /// 9031 Invalid Deployement Unit Update – Version not specified (sic).
    DU_VERSION_NOT_SPECIFIED = 9031, Server, "Invalid Deployement Unit Update \u{2013} Version not specified";
    /// 9032 Invalid Deployment Unit Update – Version already exists.
    DU_VERSION_EXISTS = 9032, Server, "Invalid Deployment Unit Update \u{2013} Version already exists";
    /// 8000 Method not supported (ACS).
    ACS_METHOD_NOT_SUPPORTED = 8000, Server, "Method not supported";
    /// 8001 Request denied (no reason specified) (ACS).
    ACS_REQUEST_DENIED = 8001, Server, "Request denied (no reason specified)";
    /// 8002 Internal error (ACS).
    ACS_INTERNAL_ERROR = 8002, Server, "Internal error";
    /// 8003 Invalid arguments (ACS).
    ACS_INVALID_ARGUMENTS = 8003, Client, "Invalid arguments";
    /// 8004 Resources exceeded (ACS).
    ACS_RESOURCES_EXCEEDED = 8004, Server, "Resources exceeded";
    /// 8005 Retry request (ACS): the CPE resends the same request.
    ACS_RETRY_REQUEST = 8005, Server, "Retry request";
    /// 8006 ACS version incompatible with CPE (CWMP 1.4).
    ACS_VERSION_INCOMPATIBLE = 8006, Server, "ACS version incompatible with CPE";
}

impl FaultCode {
    /// `0`, "no fault", as in `FaultStruct` of a successful transfer.
    pub const NO_FAULT: FaultCode = FaultCode(0);

    /// A fault code from its number; any value is kept.
    pub const fn new(code: u16) -> FaultCode {
        FaultCode(code)
    }

    /// The number.
    pub const fn code(self) -> u16 {
        self.0
    }

    fn def(self) -> Option<&'static FaultDef> {
        FAULTS.iter().find(|d| d.code == self.0)
    }

    /// Every fault code TR-069 defines, CPE then ACS, ascending.
    pub fn all_defined() -> impl Iterator<Item = FaultCode> {
        FAULTS.iter().map(|d| FaultCode(d.code))
    }

    /// The fault string of the current schemas (cwmp-1-2 and later), or
    /// `None` for codes TR-069 does not define.
    pub fn fault_string(self) -> Option<&'static str> {
        self.def().map(|d| d.string)
    }

    /// The fault string as the given protocol version's schema spells it
    /// (9010 and 9014–9019 said "Download failure" before CWMP 1.2).
    pub fn fault_string_for(self, version: CwmpVersion) -> Option<&'static str> {
        let d = self.def()?;
        Some(match (version, d.old_string) {
            (CwmpVersion::V1_0 | CwmpVersion::V1_1, Some(old)) => old,
            _ => d.string,
        })
    }

    /// The Rust constant name, e.g. `"INVALID_PARAMETER_NAME"`, for logs.
    pub fn name(self) -> Option<&'static str> {
        self.def().map(|d| d.name)
    }

    /// Which range the code is in.
    pub const fn kind(self) -> FaultKind {
        match self.0 {
            0 => FaultKind::NoFault,
            9000..=9032 => FaultKind::Cpe,
            9033..=9799 => FaultKind::CpeReserved,
            9800..=9899 => FaultKind::CpeVendor,
            8000..=8006 => FaultKind::Acs,
            8007..=8799 => FaultKind::AcsReserved,
            8800..=8899 => FaultKind::AcsVendor,
            _ => FaultKind::Unknown,
        }
    }

    /// True for codes in the CPE part of the numbering plan (9000–9899:
    /// defined, reserved and vendor). This is the set the cwmp-1-1 and
    /// cwmp-1-2 schemas allow for CPE codes in `cwmp:Fault`; cwmp-1-0 allows
    /// fewer (9000–9013 and 9800–9899 only) and each fault context its own
    /// subset: ask [`FaultCode::allowed_in`] what a schema accepts.
    pub const fn is_cpe(self) -> bool {
        matches!(self.kind(), FaultKind::Cpe | FaultKind::CpeReserved | FaultKind::CpeVendor)
    }

    /// True for codes in the ACS part of the numbering plan (8000–8899:
    /// defined, reserved and vendor). This is the set the cwmp-1-1 and
    /// cwmp-1-2 schemas allow for ACS codes in `cwmp:Fault`; cwmp-1-0 allows
    /// only 8000–8005 and 8800–8899 (so not 8006, defined by CWMP 1.4): ask
    /// [`FaultCode::allowed_in`] what a schema accepts.
    pub const fn is_acs(self) -> bool {
        matches!(self.kind(), FaultKind::Acs | FaultKind::AcsReserved | FaultKind::AcsVendor)
    }

    /// Whether the schema of `version`'s namespace accepts this code in
    /// `context` (cwmp-1-0 and cwmp-1-1 have their own schemas; CWMP 1.2, 1.3
    /// and 1.4 share cwmp-1-2, whose 1-3 and 1-4 revisions add no fault
    /// codes outside it):
    ///
    /// | context | cwmp-1-0 | cwmp-1-1 | cwmp-1-2 |
    /// |---|---|---|---|
    /// | [`Fault`](FaultContext::Fault) | 9000–9013, 9800–9899, 8000–8005, 8800–8899 | 9000–9899, 8000–8899 | 9000–9899, 8000–8899 |
    /// | [`SetParameterValuesFault`](FaultContext::SetParameterValuesFault) | as `Fault` | as `Fault` | 9000–9899 |
    /// | [`TransferComplete`](FaultContext::TransferComplete) | 0, 9001, 9002, 9010–9012 | 0, 9001, 9002, 9010–9012, 9014–9899 | 0, 9001, 9002, 9010–9012, 9014–9020, 9033–9899 |
    /// | [`DeploymentUnit`](FaultContext::DeploymentUnit) | none | none | 0, 9001, 9003, 9012, 9013, 9015–9018, 9022–9899 |
    ///
    /// So 9020 (and every code up to 9799) is accepted by cwmp-1-1 through
    /// its reserved range, and 8006 is refused by cwmp-1-0.
    ///
    /// ```
    /// use cwmp_core::{CwmpVersion, FaultCode, fault::FaultContext};
    ///
    /// let ctx = FaultContext::TransferComplete;
    /// assert!(FaultCode::new(9020).allowed_in(ctx, CwmpVersion::V1_1));
    /// assert!(!FaultCode::new(9021).allowed_in(ctx, CwmpVersion::V1_2));
    /// assert!(!FaultCode::ACS_VERSION_INCOMPATIBLE.allowed_in(FaultContext::Fault, CwmpVersion::V1_0));
    /// ```
    pub const fn allowed_in(self, context: FaultContext, version: CwmpVersion) -> bool {
        let c = self.0;
        let old = match version {
            CwmpVersion::V1_0 => Some(true),
            CwmpVersion::V1_1 => Some(false),
            _ => None,
        };
        match (context, old) {
            (FaultContext::Fault | FaultContext::SetParameterValuesFault, Some(true)) => {
                matches!(c, 9000..=9013 | 9800..=9899 | 8000..=8005 | 8800..=8899)
            }
            (FaultContext::Fault, _) | (FaultContext::SetParameterValuesFault, Some(false)) => {
                self.is_cpe() || self.is_acs()
            }
            (FaultContext::SetParameterValuesFault, None) => self.is_cpe(),
            (FaultContext::TransferComplete, Some(true)) => matches!(c, 0 | 9001 | 9002 | 9010..=9012),
            (FaultContext::TransferComplete, Some(false)) => matches!(c, 0 | 9001 | 9002 | 9010..=9012 | 9014..=9899),
            (FaultContext::TransferComplete, None) => self.allowed_in_transfer_complete(),
            (FaultContext::DeploymentUnit, Some(_)) => false,
            (FaultContext::DeploymentUnit, None) => self.allowed_in_du_result(),
        }
    }

    /// The SOAP `faultcode` to send this fault under. Undefined and vendor
    /// codes go as `Server`.
    pub fn soap_faultcode(self) -> SoapFaultCode {
        self.def().map_or(SoapFaultCode::Server, |d| d.soap)
    }

    /// May this code appear in `TransferComplete` / `AutonomousTransferComplete`
    /// `FaultStruct` under cwmp-1-2 (0, 9001, 9002, 9010, 9011, 9012,
    /// 9014–9020, extension and vendor ranges; **not** 9013)? cwmp-1-0 and
    /// cwmp-1-1 allow other sets: see [`FaultCode::allowed_in`].
    pub const fn allowed_in_transfer_complete(self) -> bool {
        matches!(self.0, 0 | 9001 | 9002 | 9010 | 9011 | 9012 | 9014..=9020 | 9033..=9899)
    }

    /// May this code appear in a deployment-unit result `Fault` under
    /// cwmp-1-2 (0, 9001, 9003, 9012, 9013, 9015–9018, 9022–9032, extension
    /// and vendor ranges)? The context does not exist before cwmp-1-2 (see
    /// [`FaultCode::allowed_in`]).
    pub const fn allowed_in_du_result(self) -> bool {
        matches!(self.0, 0 | 9001 | 9003 | 9012 | 9013 | 9015..=9018 | 9022..=9032 | 9033..=9899)
    }
}

impl From<u16> for FaultCode {
    fn from(code: u16) -> Self {
        FaultCode(code)
    }
}

impl From<FaultCode> for u16 {
    fn from(code: FaultCode) -> Self {
        code.0
    }
}

impl fmt::Display for FaultCode {
    /// The number followed by the fault string when known: `9005 Invalid parameter name`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fault_string() {
            Some(s) => write!(f, "{} {}", self.0, s),
            None => write!(f, "{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_defined_code_is_in_range_and_unique() {
        let mut prev = None;
        for c in FaultCode::all_defined() {
            assert!(matches!(c.kind(), FaultKind::Cpe | FaultKind::Acs), "{c}");
            assert_ne!(Some(c), prev);
            prev = Some(c);
        }
        assert_eq!(FaultCode::all_defined().count(), 33 + 7);
    }

    #[test]
    fn ranges_and_classes() {
        assert_eq!(FaultCode::new(0).kind(), FaultKind::NoFault);
        assert_eq!(FaultCode::new(9033).kind(), FaultKind::CpeReserved);
        assert_eq!(FaultCode::new(9899).kind(), FaultKind::CpeVendor);
        assert_eq!(FaultCode::new(9900).kind(), FaultKind::Unknown);
        assert_eq!(FaultCode::new(8899).kind(), FaultKind::AcsVendor);
        assert!(FaultCode::new(8005).is_acs() && !FaultCode::new(8005).is_cpe());
        assert_eq!(FaultCode::INVALID_ARGUMENTS.soap_faultcode(), SoapFaultCode::Client);
        assert_eq!(FaultCode::INTERNAL_ERROR.soap_faultcode(), SoapFaultCode::Server);
        assert_eq!(FaultCode::new(9850).soap_faultcode(), SoapFaultCode::Server);
        assert!(!FaultCode::UNSUPPORTED_TRANSFER_PROTOCOL.allowed_in_transfer_complete());
        assert!(FaultCode::TRANSFER_TIME_WINDOW_MISSED.allowed_in_transfer_complete());
        assert!(FaultCode::UNSUPPORTED_TRANSFER_PROTOCOL.allowed_in_du_result());
        assert!(!FaultCode::TRANSFER_MULTICAST_JOIN_FAILED.allowed_in_du_result());
    }

    proptest::proptest! {
        #[test]
        fn display_parse_round_trip(code in proptest::num::u16::ANY) {
            let f = FaultCode::new(code);
            let s = std::format!("{f}");
            let num: u16 = s.split(' ').next().unwrap().parse().unwrap();
            proptest::prop_assert_eq!(FaultCode::new(num), f);
            proptest::prop_assert_eq!(u16::from(f), code);
        }
    }
}
