//! Every TR-069 Amendment 6 method, request and response, as one table.
//!
//! The table below generates the argument structs, the [`Method`] catalogue
//! (element name, first namespace that defines it, who sends it, whether we
//! only decode it) and the [`Rpc`] enum that holds a typed message.
//!
//! ```
//! use cwmp_core::CwmpVersion;
//! use cwmp_soap::rpc::{Method, SentBy};
//!
//! let m = Method::from_name("ScheduleDownload").unwrap();
//! assert_eq!(m.since(), CwmpVersion::V1_2);
//! assert_eq!(m.sent_by(), SentBy::Acs);
//! assert!(Method::GetOptions.decode_only());
//! ```

use cwmp_core::limits::Limit;
use cwmp_core::{CwmpVersion, DateTime};

use crate::codec::{Base64, Cap, Fields, cwmp_struct};
use crate::decode::DecodeOptions;
use crate::error::{DecodeError, EncodeError};
use crate::list::List;
use crate::scan::Elem;
use crate::structs::*;
use crate::text::Text;
use crate::validate::ElementIndex;
use crate::writer::Writer;

/// Which side of a session sends a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SentBy {
    /// The ACS (requests to the CPE, responses to CPE requests).
    Acs,
    /// The CPE.
    Cpe,
    /// Either (GetRPCMethods and its response).
    Both,
}

const LIST: Cap = Cap::Array(Limit::ListLen, &NONE);
const NAMES: Cap = Cap::Array(Limit::ListLen, &NAME);
const VOUCHERS: Cap = Cap::Array(Limit::ListLen, &NONE);

/// Declares the argument struct of a method with no arguments.
macro_rules! empty_args {
    ($( $(#[$m:meta])* $name:ident; )*) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
        pub struct $name;

        impl<'a> Fields<'a> for $name {
            fn encode_fields(&self, _w: &mut Writer<'_>) -> Result<(), EncodeError> {
                Ok(())
            }
            fn decode_fields(_e: &Elem<'a>, _opts: &DecodeOptions) -> Result<Self, DecodeError> {
                Ok($name)
            }
        }
    )*};
}

empty_args! {
    /// `GetRPCMethods`: asks for the methods the peer supports.
    GetRpcMethods;
    /// `SetParameterAttributesResponse`.
    SetParameterAttributesResponse;
    /// `RebootResponse`.
    RebootResponse;
    /// `GetQueuedTransfers` (deprecated).
    GetQueuedTransfers;
    /// `ScheduleInformResponse`.
    ScheduleInformResponse;
    /// `SetVouchersResponse` (deprecated).
    SetVouchersResponse;
    /// `FactoryReset`.
    FactoryReset;
    /// `FactoryResetResponse`.
    FactoryResetResponse;
    /// `GetAllQueuedTransfers`.
    GetAllQueuedTransfers;
    /// `ScheduleDownloadResponse`.
    ScheduleDownloadResponse;
    /// `CancelTransferResponse`.
    CancelTransferResponse;
    /// `ChangeDUStateResponse`.
    ChangeDuStateResponse;
    /// `TransferCompleteResponse`.
    TransferCompleteResponse;
    /// `AutonomousTransferCompleteResponse`.
    AutonomousTransferCompleteResponse;
    /// `RequestDownloadResponse`.
    RequestDownloadResponse;
    /// `DUStateChangeCompleteResponse`.
    DuStateChangeCompleteResponse;
    /// `AutonomousDUStateChangeCompleteResponse`.
    AutonomousDuStateChangeCompleteResponse;
}

cwmp_struct! {
    /// `GetRPCMethodsResponse`.
    GetRpcMethodsResponse<'a> {
        /// Method names (each ≤ 64).
        method_list: List<'a, Text<'a>> = "MethodList", Cap::Array(Limit::ListLen, &METHOD_NAME);
    }
}

cwmp_struct! {
    /// `SetParameterValues`.
    SetParameterValues<'a> {
        /// Names and values to set.
        parameter_list: List<'a, ParameterValueStruct<'a>> = "ParameterList", LIST;
        /// New ParameterKey on success (≤ 32).
        parameter_key: Text<'a> = "ParameterKey", PARAMETER_KEY;
    }
}

cwmp_struct! {
    /// `SetParameterValuesResponse`.
    SetParameterValuesResponse {
        /// 0: applied; 1: committed, applied later.
        status: i32 = "Status", STATUS;
    }
}

cwmp_struct! {
    /// `GetParameterValues`.
    GetParameterValues<'a> {
        /// Names or partial paths (each ≤ 256).
        parameter_names: List<'a, Text<'a>> = "ParameterNames", NAMES;
    }
}

cwmp_struct! {
    /// `GetParameterValuesResponse`.
    GetParameterValuesResponse<'a> {
        /// The values.
        parameter_list: List<'a, ParameterValueStruct<'a>> = "ParameterList", LIST;
    }
}

cwmp_struct! {
    /// `GetParameterNames`.
    GetParameterNames<'a> {
        /// A name, a partial path ending in `.`, or empty for the whole tree (≤ 256).
        parameter_path: Text<'a> = "ParameterPath", NAME;
        /// Only the next level below a partial path.
        next_level: bool = "NextLevel", NONE;
    }
}

cwmp_struct! {
    /// `GetParameterNamesResponse`.
    GetParameterNamesResponse<'a> {
        /// The names with their writability.
        parameter_list: List<'a, ParameterInfoStruct<'a>> = "ParameterList", LIST;
    }
}

cwmp_struct! {
    /// `SetParameterAttributes`.
    SetParameterAttributes<'a> {
        /// The attribute changes.
        parameter_list: List<'a, SetParameterAttributesStruct<'a>> = "ParameterList", LIST;
    }
}

cwmp_struct! {
    /// `GetParameterAttributes`.
    GetParameterAttributes<'a> {
        /// Names or partial paths.
        parameter_names: List<'a, Text<'a>> = "ParameterNames", NAMES;
    }
}

cwmp_struct! {
    /// `GetParameterAttributesResponse`.
    GetParameterAttributesResponse<'a> {
        /// The attributes.
        parameter_list: List<'a, ParameterAttributeStruct<'a>> = "ParameterList", LIST;
    }
}

cwmp_struct! {
    /// `AddObject`.
    AddObject<'a> {
        /// Path of the table, ending in `.` (≤ 256).
        object_name: Text<'a> = "ObjectName", OBJECT_NAME;
        /// New ParameterKey on success (≤ 32).
        parameter_key: Text<'a> = "ParameterKey", PARAMETER_KEY;
    }
}

cwmp_struct! {
    /// `AddObjectResponse`.
    AddObjectResponse {
        /// The new instance number (≥ 1).
        instance_number: u32 = "InstanceNumber", INSTANCE_NUMBER;
        /// 0: created; 1: committed, applied later.
        status: i32 = "Status", STATUS;
    }
}

cwmp_struct! {
    /// `DeleteObject`.
    DeleteObject<'a> {
        /// Path of the instance, ending in `.` (≤ 256).
        object_name: Text<'a> = "ObjectName", OBJECT_NAME;
        /// New ParameterKey on success (≤ 32).
        parameter_key: Text<'a> = "ParameterKey", PARAMETER_KEY;
    }
}

cwmp_struct! {
    /// `DeleteObjectResponse`.
    DeleteObjectResponse {
        /// 0: deleted; 1: committed, applied later.
        status: i32 = "Status", STATUS;
    }
}

cwmp_struct! {
    /// `Download`.
    Download<'a> {
        /// Command key (≤ 32).
        command_key: Text<'a> = "CommandKey", COMMAND_KEY;
        /// `1 Firmware Upgrade Image` … or `X <OUI> …` (≤ 64).
        file_type: Text<'a> = "FileType", DOWNLOAD_FILE_TYPE;
        /// Source URL (≤ 256).
        url: Text<'a> = "URL", S256;
        /// User name (≤ 256).
        username: Text<'a> = "Username", S256;
        /// Password (≤ 256).
        password: Text<'a> = "Password", S256;
        /// Size in bytes (0 if unknown).
        file_size: u32 = "FileSize", NONE;
        /// Target file name (≤ 256).
        target_file_name: Text<'a> = "TargetFileName", S256;
        /// Seconds to wait before starting.
        delay_seconds: u32 = "DelaySeconds", NONE;
        /// Where to send the user on success (≤ 256).
        success_url: Text<'a> = "SuccessURL", S256;
        /// Where to send the user on failure (≤ 256).
        failure_url: Text<'a> = "FailureURL", S256;
    }
}

cwmp_struct! {
    /// `DownloadResponse`.
    DownloadResponse {
        /// 0: completed and applied; 1: not yet.
        status: i32 = "Status", STATUS;
        /// Start (Unknown Time when status is 1).
        start_time: DateTime = "StartTime", NONE;
        /// Completion (Unknown Time when status is 1).
        complete_time: DateTime = "CompleteTime", NONE;
    }
}

cwmp_struct! {
    /// `Reboot`.
    Reboot<'a> {
        /// Command key (≤ 32).
        command_key: Text<'a> = "CommandKey", COMMAND_KEY;
    }
}

cwmp_struct! {
    /// `GetQueuedTransfersResponse` (deprecated).
    GetQueuedTransfersResponse<'a> {
        /// Queued transfers (≤ 16).
        transfer_list: List<'a, QueuedTransferStruct<'a>> = "TransferList", Cap::Array(Limit::Transfers, &NONE);
    }
}

cwmp_struct! {
    /// `ScheduleInform`.
    ScheduleInform<'a> {
        /// Seconds until the Inform.
        delay_seconds: u32 = "DelaySeconds", NONE;
        /// Command key (≤ 32).
        command_key: Text<'a> = "CommandKey", COMMAND_KEY;
    }
}

cwmp_struct! {
    /// `SetVouchers` (deprecated).
    SetVouchers<'a> {
        /// Signed vouchers, base64.
        voucher_list: List<'a, Base64<'a>> = "VoucherList", VOUCHERS;
    }
}

cwmp_struct! {
    /// `GetOptions` (deprecated).
    GetOptions<'a> {
        /// Option name, or empty for all (≤ 64).
        option_name: Text<'a> = "OptionName", S64;
    }
}

cwmp_struct! {
    /// `GetOptionsResponse` (deprecated).
    GetOptionsResponse<'a> {
        /// Options.
        option_list: List<'a, OptionStruct<'a>> = "OptionList", LIST;
    }
}

cwmp_struct! {
    /// `Upload`.
    Upload<'a> {
        /// Command key (≤ 32).
        command_key: Text<'a> = "CommandKey", COMMAND_KEY;
        /// `1 Vendor Configuration File` … (≤ 64).
        file_type: Text<'a> = "FileType", UPLOAD_FILE_TYPE;
        /// Destination URL (≤ 256).
        url: Text<'a> = "URL", S256;
        /// User name (≤ 256).
        username: Text<'a> = "Username", S256;
        /// Password (≤ 256).
        password: Text<'a> = "Password", S256;
        /// Seconds to wait before starting.
        delay_seconds: u32 = "DelaySeconds", NONE;
    }
}

cwmp_struct! {
    /// `UploadResponse`.
    UploadResponse {
        /// 0: completed; 1: not yet.
        status: i32 = "Status", STATUS;
        /// Start.
        start_time: DateTime = "StartTime", NONE;
        /// Completion.
        complete_time: DateTime = "CompleteTime", NONE;
    }
}

cwmp_struct! {
    /// `GetAllQueuedTransfersResponse`.
    GetAllQueuedTransfersResponse<'a> {
        /// Transfers (≤ 16).
        transfer_list: List<'a, AllQueuedTransferStruct<'a>> = "TransferList", Cap::Array(Limit::Transfers, &NONE);
    }
}

cwmp_struct! {
    /// `ScheduleDownload`.
    ScheduleDownload<'a> {
        /// Command key (≤ 32).
        command_key: Text<'a> = "CommandKey", COMMAND_KEY;
        /// Download file type (≤ 64).
        file_type: Text<'a> = "FileType", DOWNLOAD_FILE_TYPE;
        /// Source URL (≤ 256).
        url: Text<'a> = "URL", S256;
        /// User name (≤ 256).
        username: Text<'a> = "Username", S256;
        /// Password (≤ 256).
        password: Text<'a> = "Password", S256;
        /// Size in bytes.
        file_size: u32 = "FileSize", NONE;
        /// Target file name (≤ 256).
        target_file_name: Text<'a> = "TargetFileName", S256;
        /// One or two time windows.
        time_window_list: List<'a, TimeWindowStruct<'a>> = "TimeWindowList", Cap::Array(Limit::TimeWindows, &NONE);
    }
}

cwmp_struct! {
    /// `CancelTransfer`.
    CancelTransfer<'a> {
        /// Command key of the transfer (≤ 32).
        command_key: Text<'a> = "CommandKey", COMMAND_KEY;
    }
}

cwmp_struct! {
    /// `ChangeDUState`.
    ChangeDuState<'a> {
        /// The operations (repeated `Operations` elements, each with `xsi:type`).
        operations: List<'a, Operation<'a>> = "Operations", Cap::Repeated;
        /// Command key (≤ 32), optional.
        command_key: Option<Text<'a>> = "CommandKey", COMMAND_KEY;
    }
}

cwmp_struct! {
    /// `Inform`.
    Inform<'a> {
        /// Who the CPE is.
        device_id: DeviceIdStruct<'a> = "DeviceId", NONE;
        /// Why it informs (≤ 64 events).
        event: List<'a, EventStruct<'a>> = "Event", Cap::Array(Limit::Events, &NONE);
        /// Envelopes per HTTP message (always 1 in practice).
        max_envelopes: u32 = "MaxEnvelopes", NONE;
        /// The CPE's clock.
        current_time: DateTime = "CurrentTime", NONE;
        /// Previous failed attempts.
        retry_count: u32 = "RetryCount", NONE;
        /// Forced-inform and changed parameters.
        parameter_list: List<'a, ParameterValueStruct<'a>> = "ParameterList", LIST;
    }
}

cwmp_struct! {
    /// `InformResponse`.
    InformResponse {
        /// Envelopes per HTTP message the ACS accepts.
        max_envelopes: u32 = "MaxEnvelopes", NONE;
    }
}

cwmp_struct! {
    /// `TransferComplete`.
    TransferComplete<'a> {
        /// Command key of the transfer (≤ 32).
        command_key: Text<'a> = "CommandKey", COMMAND_KEY;
        /// Outcome (FaultCode 0 on success).
        fault_struct: TransferFault<'a> = "FaultStruct", NONE;
        /// Start.
        start_time: DateTime = "StartTime", NONE;
        /// Completion.
        complete_time: DateTime = "CompleteTime", NONE;
    }
}

cwmp_struct! {
    /// `AutonomousTransferComplete`.
    AutonomousTransferComplete<'a> {
        /// URL announcing the transfer (≤ 1024).
        announce_url: Text<'a> = "AnnounceURL", URL;
        /// URL transferred (≤ 1024).
        transfer_url: Text<'a> = "TransferURL", URL;
        /// Download (true) or upload.
        is_download: bool = "IsDownload", NONE;
        /// Transfer file type (≤ 64).
        file_type: Text<'a> = "FileType", TRANSFER_FILE_TYPE;
        /// Size in bytes.
        file_size: u32 = "FileSize", NONE;
        /// Target file name (≤ 256).
        target_file_name: Text<'a> = "TargetFileName", S256;
        /// Outcome.
        fault_struct: TransferFault<'a> = "FaultStruct", NONE;
        /// Start.
        start_time: DateTime = "StartTime", NONE;
        /// Completion.
        complete_time: DateTime = "CompleteTime", NONE;
    }
}

cwmp_struct! {
    /// `Kicked` (deprecated).
    Kicked<'a> {
        /// Command (≤ 32).
        command: Text<'a> = "Command", S32;
        /// Referer (≤ 64).
        referer: Text<'a> = "Referer", S64;
        /// Argument (≤ 256).
        arg: Text<'a> = "Arg", S256;
        /// Next URL (≤ 1024).
        next: Text<'a> = "Next", S1024;
    }
}

cwmp_struct! {
    /// `KickedResponse` (deprecated).
    KickedResponse<'a> {
        /// URL to send the browser to (≤ 1024).
        next_url: Text<'a> = "NextURL", S1024;
    }
}

cwmp_struct! {
    /// `RequestDownload`.
    RequestDownload<'a> {
        /// Download file type (≤ 64).
        file_type: Text<'a> = "FileType", DOWNLOAD_FILE_TYPE;
        /// Arguments (≤ 16).
        file_type_arg: List<'a, ArgStruct<'a>> = "FileTypeArg", Cap::Array(Limit::Transfers, &NONE);
    }
}

cwmp_struct! {
    /// `DUStateChangeComplete`.
    DuStateChangeComplete<'a> {
        /// One result per operation (repeated `Results` elements).
        results: List<'a, OpResultStruct<'a>> = "Results", Cap::Repeated;
        /// Command key of the ChangeDUState (≤ 32), optional.
        command_key: Option<Text<'a>> = "CommandKey", COMMAND_KEY;
    }
}

cwmp_struct! {
    /// `AutonomousDUStateChangeComplete`.
    AutonomousDuStateChangeComplete<'a> {
        /// Results (repeated `Results` elements).
        results: List<'a, AutonOpResultStruct<'a>> = "Results", Cap::Repeated;
    }
}

/// A method we have no type for (vendor `X_…` methods, typos): its name
/// and the byte range of its element, so a CPE can answer 9000.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownRpc<'a> {
    /// Local name of the method element.
    pub name: &'a str,
    /// Namespace URI it was in.
    pub namespace: &'a str,
    /// The element's raw content.
    pub body: &'a str,
    /// Byte offset of the content in the document.
    pub offset: usize,
}

impl UnknownRpc<'_> {
    /// The fault that answers it when `role` answers: 9000/8000 *Method not
    /// supported*.
    pub fn fault(&self, role: crate::Role) -> cwmp_core::FaultCode {
        match role {
            crate::Role::Cpe => cwmp_core::FaultCode::new(9000),
            crate::Role::Acs => cwmp_core::FaultCode::new(8000),
        }
    }
}

impl InvalidRpc<'_> {
    /// The fault that answers it when `role` answers ([`DecodeError::fault`]).
    pub fn fault(&self, role: crate::Role) -> cwmp_core::FaultCode {
        self.error.fault(role)
    }
}

/// A known method whose arguments failed to decode in tolerant mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidRpc<'a> {
    /// The method.
    pub method: Method,
    /// What was wrong with its arguments, and where.
    pub error: DecodeError,
    /// The method element's raw content.
    pub body: &'a str,
}

macro_rules! rpcs {
    ($( $(#[$m:meta])* $v:ident($t:ty) = $name:literal, $since:ident, $by:ident, $enc:literal; )*) => {
        /// Every method of TR-069 Amendment 6, requests and responses.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        pub enum Method {
            $( $(#[$m])* $v, )*
        }

        impl Method {
            /// All methods, in table order.
            pub const ALL: &'static [Method] = &[$(Method::$v),*];

            /// The element name (`GetRPCMethods`, `DUStateChangeComplete` …).
            pub const fn name(self) -> &'static str {
                match self { $(Method::$v => $name,)* }
            }

            /// The method with element name `name`.
            pub fn from_name(name: &str) -> Option<Method> {
                match name { $($name => Some(Method::$v),)* _ => None }
            }

            /// The first CWMP version whose schema defines it.
            pub const fn since(self) -> CwmpVersion {
                match self { $(Method::$v => CwmpVersion::$since,)* }
            }

            /// Who sends it.
            pub const fn sent_by(self) -> SentBy {
                match self { $(Method::$v => SentBy::$by,)* }
            }

            /// Deprecated methods we decode but never send.
            pub const fn decode_only(self) -> bool {
                match self { $(Method::$v => !$enc,)* }
            }
        }

        /// A typed CWMP message body: one variant per method, plus the
        /// generic form of methods we do not know.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Rpc<'a> {
            $( $(#[$m])* $v($t), )*
            /// A method with no type here (vendor `X_` methods and the like).
            Unknown(UnknownRpc<'a>),
            /// A known method whose arguments do not decode (tolerant mode
            /// only; strict mode returns the error): enough to answer with
            /// fault 9003 under the request's `cwmp:ID`.
            Invalid(InvalidRpc<'a>),
        }

        impl<'a> Rpc<'a> {
            /// The method, `None` for [`Rpc::Unknown`].
            pub fn method(&self) -> Option<Method> {
                match self { $(Rpc::$v(_) => Some(Method::$v),)* Rpc::Unknown(_) => None, Rpc::Invalid(i) => Some(i.method) }
            }

            /// The element name.
            pub fn name(&self) -> &'a str {
                match self { $(Rpc::$v(_) => $name,)* Rpc::Unknown(u) => u.name, Rpc::Invalid(i) => i.method.name() }
            }

            pub(crate) fn encode_args(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
                match self {
                    $(Rpc::$v(m) => m.encode_fields(w),)*
                    Rpc::Unknown(_) | Rpc::Invalid(_) => Err(EncodeError::UnknownMethod),
                }
            }

            pub(crate) fn decode_args(
                method: Method,
                e: &Elem<'a>,
                opts: &DecodeOptions,
                ends: &ElementIndex<'_>,
            ) -> Result<Self, DecodeError> {
                match method { $(Method::$v => <$t as Fields<'a>>::decode_fields_indexed(e, opts, ends).map(Rpc::$v),)* }
            }
        }
    };
}

rpcs! {
    /// `GetRPCMethods`.
    GetRpcMethods(GetRpcMethods) = "GetRPCMethods", V1_0, Both, true;
    /// `GetRPCMethodsResponse`.
    GetRpcMethodsResponse(GetRpcMethodsResponse<'a>) = "GetRPCMethodsResponse", V1_0, Both, true;
    /// `SetParameterValues`.
    SetParameterValues(SetParameterValues<'a>) = "SetParameterValues", V1_0, Acs, true;
    /// `SetParameterValuesResponse`.
    SetParameterValuesResponse(SetParameterValuesResponse) = "SetParameterValuesResponse", V1_0, Cpe, true;
    /// `GetParameterValues`.
    GetParameterValues(GetParameterValues<'a>) = "GetParameterValues", V1_0, Acs, true;
    /// `GetParameterValuesResponse`.
    GetParameterValuesResponse(GetParameterValuesResponse<'a>) = "GetParameterValuesResponse", V1_0, Cpe, true;
    /// `GetParameterNames`.
    GetParameterNames(GetParameterNames<'a>) = "GetParameterNames", V1_0, Acs, true;
    /// `GetParameterNamesResponse`.
    GetParameterNamesResponse(GetParameterNamesResponse<'a>) = "GetParameterNamesResponse", V1_0, Cpe, true;
    /// `SetParameterAttributes`.
    SetParameterAttributes(SetParameterAttributes<'a>) = "SetParameterAttributes", V1_0, Acs, true;
    /// `SetParameterAttributesResponse`.
    SetParameterAttributesResponse(SetParameterAttributesResponse) = "SetParameterAttributesResponse", V1_0, Cpe, true;
    /// `GetParameterAttributes`.
    GetParameterAttributes(GetParameterAttributes<'a>) = "GetParameterAttributes", V1_0, Acs, true;
    /// `GetParameterAttributesResponse`.
    GetParameterAttributesResponse(GetParameterAttributesResponse<'a>) = "GetParameterAttributesResponse", V1_0, Cpe, true;
    /// `AddObject`.
    AddObject(AddObject<'a>) = "AddObject", V1_0, Acs, true;
    /// `AddObjectResponse`.
    AddObjectResponse(AddObjectResponse) = "AddObjectResponse", V1_0, Cpe, true;
    /// `DeleteObject`.
    DeleteObject(DeleteObject<'a>) = "DeleteObject", V1_0, Acs, true;
    /// `DeleteObjectResponse`.
    DeleteObjectResponse(DeleteObjectResponse) = "DeleteObjectResponse", V1_0, Cpe, true;
    /// `Download`.
    Download(Download<'a>) = "Download", V1_0, Acs, true;
    /// `DownloadResponse`.
    DownloadResponse(DownloadResponse) = "DownloadResponse", V1_0, Cpe, true;
    /// `Reboot`.
    Reboot(Reboot<'a>) = "Reboot", V1_0, Acs, true;
    /// `RebootResponse`.
    RebootResponse(RebootResponse) = "RebootResponse", V1_0, Cpe, true;
    /// `GetQueuedTransfers` (deprecated).
    GetQueuedTransfers(GetQueuedTransfers) = "GetQueuedTransfers", V1_0, Acs, false;
    /// `GetQueuedTransfersResponse` (deprecated).
    GetQueuedTransfersResponse(GetQueuedTransfersResponse<'a>) = "GetQueuedTransfersResponse", V1_0, Cpe, false;
    /// `ScheduleInform`.
    ScheduleInform(ScheduleInform<'a>) = "ScheduleInform", V1_0, Acs, true;
    /// `ScheduleInformResponse`.
    ScheduleInformResponse(ScheduleInformResponse) = "ScheduleInformResponse", V1_0, Cpe, true;
    /// `SetVouchers` (deprecated).
    SetVouchers(SetVouchers<'a>) = "SetVouchers", V1_0, Acs, false;
    /// `SetVouchersResponse` (deprecated).
    SetVouchersResponse(SetVouchersResponse) = "SetVouchersResponse", V1_0, Cpe, false;
    /// `GetOptions` (deprecated).
    GetOptions(GetOptions<'a>) = "GetOptions", V1_0, Acs, false;
    /// `GetOptionsResponse` (deprecated).
    GetOptionsResponse(GetOptionsResponse<'a>) = "GetOptionsResponse", V1_0, Cpe, false;
    /// `Upload`.
    Upload(Upload<'a>) = "Upload", V1_0, Acs, true;
    /// `UploadResponse`.
    UploadResponse(UploadResponse) = "UploadResponse", V1_0, Cpe, true;
    /// `FactoryReset`.
    FactoryReset(FactoryReset) = "FactoryReset", V1_0, Acs, true;
    /// `FactoryResetResponse`.
    FactoryResetResponse(FactoryResetResponse) = "FactoryResetResponse", V1_0, Cpe, true;
    /// `GetAllQueuedTransfers`.
    GetAllQueuedTransfers(GetAllQueuedTransfers) = "GetAllQueuedTransfers", V1_1, Acs, true;
    /// `GetAllQueuedTransfersResponse`.
    GetAllQueuedTransfersResponse(GetAllQueuedTransfersResponse<'a>) = "GetAllQueuedTransfersResponse", V1_1, Cpe, true;
    /// `ScheduleDownload`.
    ScheduleDownload(ScheduleDownload<'a>) = "ScheduleDownload", V1_2, Acs, true;
    /// `ScheduleDownloadResponse`.
    ScheduleDownloadResponse(ScheduleDownloadResponse) = "ScheduleDownloadResponse", V1_2, Cpe, true;
    /// `CancelTransfer`.
    CancelTransfer(CancelTransfer<'a>) = "CancelTransfer", V1_2, Acs, true;
    /// `CancelTransferResponse`.
    CancelTransferResponse(CancelTransferResponse) = "CancelTransferResponse", V1_2, Cpe, true;
    /// `ChangeDUState`.
    ChangeDuState(ChangeDuState<'a>) = "ChangeDUState", V1_2, Acs, true;
    /// `ChangeDUStateResponse`.
    ChangeDuStateResponse(ChangeDuStateResponse) = "ChangeDUStateResponse", V1_2, Cpe, true;
    /// `Inform`.
    Inform(Inform<'a>) = "Inform", V1_0, Cpe, true;
    /// `InformResponse`.
    InformResponse(InformResponse) = "InformResponse", V1_0, Acs, true;
    /// `TransferComplete`.
    TransferComplete(TransferComplete<'a>) = "TransferComplete", V1_0, Cpe, true;
    /// `TransferCompleteResponse`.
    TransferCompleteResponse(TransferCompleteResponse) = "TransferCompleteResponse", V1_0, Acs, true;
    /// `AutonomousTransferComplete`.
    AutonomousTransferComplete(AutonomousTransferComplete<'a>) = "AutonomousTransferComplete", V1_1, Cpe, true;
    /// `AutonomousTransferCompleteResponse`.
    AutonomousTransferCompleteResponse(AutonomousTransferCompleteResponse) = "AutonomousTransferCompleteResponse", V1_1, Acs, true;
    /// `Kicked` (deprecated).
    Kicked(Kicked<'a>) = "Kicked", V1_0, Cpe, false;
    /// `KickedResponse` (deprecated).
    KickedResponse(KickedResponse<'a>) = "KickedResponse", V1_0, Acs, false;
    /// `RequestDownload`.
    RequestDownload(RequestDownload<'a>) = "RequestDownload", V1_0, Cpe, true;
    /// `RequestDownloadResponse`.
    RequestDownloadResponse(RequestDownloadResponse) = "RequestDownloadResponse", V1_0, Acs, true;
    /// `DUStateChangeComplete`.
    DuStateChangeComplete(DuStateChangeComplete<'a>) = "DUStateChangeComplete", V1_2, Cpe, true;
    /// `DUStateChangeCompleteResponse`.
    DuStateChangeCompleteResponse(DuStateChangeCompleteResponse) = "DUStateChangeCompleteResponse", V1_2, Acs, true;
    /// `AutonomousDUStateChangeComplete`.
    AutonomousDuStateChangeComplete(AutonomousDuStateChangeComplete<'a>) = "AutonomousDUStateChangeComplete", V1_2, Cpe, true;
    /// `AutonomousDUStateChangeCompleteResponse`.
    AutonomousDuStateChangeCompleteResponse(AutonomousDuStateChangeCompleteResponse) = "AutonomousDUStateChangeCompleteResponse", V1_2, Acs, true;
}
