//! The struct types of the CWMP schema (`cwmp-1-2.xsd`), member order as in
//! the schema's `xs:sequence`, each member with its schema cap.
//!
//! ```
//! use cwmp_soap::structs::ParameterValueStruct;
//! use cwmp_soap::{ParamValue, Text};
//!
//! let p = ParameterValueStruct { name: Text::plain("Device.DeviceInfo.UpTime"), value: ParamValue::string("42") };
//! assert_eq!(p.name, "Device.DeviceInfo.UpTime");
//! ```

use cwmp_core::limits::Limit;
use cwmp_core::{DateTime, FaultCode};

use crate::codec::{Cap, Field, Item, ParamValue, cwmp_struct};
use crate::decode::DecodeOptions;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::facet::Facet;
use crate::list::List;
use crate::scan::Elem;
use crate::text::Text;
use crate::writer::Writer;

pub(crate) const NAME: Cap = Cap::Len(Limit::ParameterNameLen);
pub(crate) const COMMAND_KEY: Cap = Cap::Len(Limit::CommandKeyLen);
pub(crate) const PARAMETER_KEY: Cap = Cap::Len(Limit::ParameterKeyLen);
pub(crate) const DEVICE_FIELD: Cap = Cap::Len(Limit::DeviceIdFieldLen);
pub(crate) const FAULT_STRING: Cap = Cap::Len(Limit::FaultStringLen);
pub(crate) const URL: Cap = Cap::Len(Limit::UrlLen);
pub(crate) const S64: Cap = Cap::Fixed(64);
pub(crate) const S256: Cap = Cap::Fixed(256);
pub(crate) const S32: Cap = Cap::Fixed(32);
pub(crate) const S1024: Cap = Cap::Fixed(1024);
pub(crate) const METHOD_NAME: Cap = Cap::Len(Limit::MethodNameLen);
pub(crate) const NONE: Cap = Cap::None;
pub(crate) const UUID: Cap = Cap::Facet(Facet::Uuid, &S64);
pub(crate) const ACCESS_LIST: Cap = Cap::Array(Limit::ListLen, &Cap::Facet(Facet::AccessListEntry, &METHOD_NAME));
pub(crate) const NOTIFICATION: Cap = Cap::Facet(Facet::Notification, &NONE);
pub(crate) const TRANSFER_STATE: Cap = Cap::Facet(Facet::TransferState, &NONE);
pub(crate) const STATUS: Cap = Cap::Facet(Facet::Status, &NONE);
pub(crate) const INSTANCE_NUMBER: Cap = Cap::Facet(Facet::InstanceNumber, &NONE);
pub(crate) const DOWNLOAD_FILE_TYPE: Cap = Cap::Facet(Facet::DownloadFileType, &S64);
pub(crate) const UPLOAD_FILE_TYPE: Cap = Cap::Facet(Facet::UploadFileType, &S64);
pub(crate) const TRANSFER_FILE_TYPE: Cap = Cap::Facet(Facet::TransferFileType, &S64);
pub(crate) const OBJECT_NAME: Cap = Cap::Facet(Facet::ObjectName, &NAME);
pub(crate) const WINDOW_MODE: Cap = Cap::Facet(Facet::WindowMode, &S64);
pub(crate) const TRANSFER_FAULT_CODE: Cap = Cap::Facet(Facet::TransferFaultCode, &NONE);
pub(crate) const DU_FAULT_CODE: Cap = Cap::Facet(Facet::DuFaultCode, &NONE);
pub(crate) const SPV_FAULT_CODE: Cap = Cap::Facet(Facet::SpvFaultCode, &NONE);

cwmp_struct! {
    /// `DeviceIdStruct`: who the CPE is.
    DeviceIdStruct<'a> {
        /// Manufacturer (≤ 64).
        manufacturer: Text<'a> = "Manufacturer", DEVICE_FIELD;
        /// Organizationally unique identifier: 6 upper-case hex digits.
        oui: Text<'a> = "OUI", Cap::Oui;
        /// Product class (≤ 64).
        product_class: Text<'a> = "ProductClass", DEVICE_FIELD;
        /// Serial number (≤ 64).
        serial_number: Text<'a> = "SerialNumber", DEVICE_FIELD;
    }
}

cwmp_struct! {
    /// `EventStruct`: one Inform event.
    EventStruct<'a> {
        /// Event code, e.g. `1 BOOT`, `M Reboot` (≤ 64). Parse it with
        /// [`cwmp_core::EventCode::parse`].
        event_code: Text<'a> = "EventCode", Cap::Facet(Facet::EventCode, &Cap::Len(Limit::EventCodeLen));
        /// Command key of an `M` event (≤ 32).
        command_key: Text<'a> = "CommandKey", COMMAND_KEY;
    }
}

cwmp_struct! {
    /// `ParameterValueStruct`: a parameter name and its typed value.
    ParameterValueStruct<'a> {
        /// Parameter name (≤ 256).
        name: Text<'a> = "Name", NAME;
        /// The value with its `xsi:type`.
        value: ParamValue<'a> = "Value", NONE;
    }
}

cwmp_struct! {
    /// `ParameterInfoStruct`: an entry of a GetParameterNamesResponse.
    ParameterInfoStruct<'a> {
        /// Parameter or partial path name (≤ 256).
        name: Text<'a> = "Name", NAME;
        /// Whether it is writable (for objects: whether AddObject/DeleteObject work).
        writable: bool = "Writable", NONE;
    }
}

cwmp_struct! {
    /// `SetParameterAttributesStruct`.
    SetParameterAttributesStruct<'a> {
        /// Parameter or partial path name (≤ 256).
        name: Text<'a> = "Name", NAME;
        /// Whether to change the notification attribute.
        notification_change: bool = "NotificationChange", NONE;
        /// Notification: 0 off, 1 passive, 2 active, 3–6 lightweight variants.
        notification: i32 = "Notification", NOTIFICATION;
        /// Whether to change the access list.
        access_list_change: bool = "AccessListChange", NONE;
        /// Entities allowed to write (only `Subscriber` is defined).
        access_list: List<'a, Text<'a>> = "AccessList", ACCESS_LIST;
    }
}

cwmp_struct! {
    /// `ParameterAttributeStruct`: an entry of a GetParameterAttributesResponse.
    ParameterAttributeStruct<'a> {
        /// Parameter name (≤ 256).
        name: Text<'a> = "Name", NAME;
        /// Notification value (0–6).
        notification: i32 = "Notification", NOTIFICATION;
        /// Access list.
        access_list: List<'a, Text<'a>> = "AccessList", ACCESS_LIST;
    }
}

cwmp_struct! {
    /// `TimeWindowStruct` of a ScheduleDownload.
    TimeWindowStruct<'a> {
        /// Seconds from the request to the window's start.
        window_start: u32 = "WindowStart", NONE;
        /// Seconds from the request to the window's end.
        window_end: u32 = "WindowEnd", NONE;
        /// `1 At Any Time`, `2 Immediately`, `3 When Idle`, `4 Confirmation Needed`, `X …` (≤ 64).
        window_mode: Text<'a> = "WindowMode", WINDOW_MODE;
        /// Message shown to the user (≤ 256).
        user_message: Text<'a> = "UserMessage", S256;
        /// Retries allowed (−1: CPE decides).
        max_retries: i32 = "MaxRetries", NONE;
    }
}

cwmp_struct! {
    /// `QueuedTransferStruct` (deprecated GetQueuedTransfersResponse).
    QueuedTransferStruct<'a> {
        /// Command key of the transfer.
        command_key: Text<'a> = "CommandKey", COMMAND_KEY;
        /// 1 not started, 2 in progress, 3 completed.
        state: i32 = "State", TRANSFER_STATE;
    }
}

cwmp_struct! {
    /// `AllQueuedTransferStruct` (GetAllQueuedTransfersResponse).
    AllQueuedTransferStruct<'a> {
        /// Command key.
        command_key: Text<'a> = "CommandKey", COMMAND_KEY;
        /// 1 not started, 2 in progress, 3 completed.
        state: i32 = "State", TRANSFER_STATE;
        /// Download (true) or upload.
        is_download: bool = "IsDownload", NONE;
        /// Transfer file type (≤ 64).
        file_type: Text<'a> = "FileType", TRANSFER_FILE_TYPE;
        /// Size in bytes.
        file_size: u32 = "FileSize", NONE;
        /// Target file name (≤ 256).
        target_file_name: Text<'a> = "TargetFileName", S256;
    }
}

cwmp_struct! {
    /// `InstallOpStruct` of ChangeDUState.
    InstallOpStruct<'a> {
        /// Where to fetch the deployment unit (≤ 1024).
        url: Text<'a> = "URL", URL;
        /// Deployment unit UUID.
        uuid: Option<Text<'a>> = "UUID", UUID;
        /// User name (≤ 256).
        username: Option<Text<'a>> = "Username", S256;
        /// Password (≤ 256).
        password: Option<Text<'a>> = "Password", S256;
        /// Execution environment reference (≤ 256).
        execution_env_ref: Option<Text<'a>> = "ExecutionEnvRef", S256;
    }
}

cwmp_struct! {
    /// `UpdateOpStruct` of ChangeDUState.
    UpdateOpStruct<'a> {
        /// Deployment unit UUID.
        uuid: Option<Text<'a>> = "UUID", UUID;
        /// Version (≤ 32).
        version: Option<Text<'a>> = "Version", S32;
        /// Where to fetch the update (≤ 1024).
        url: Option<Text<'a>> = "URL", URL;
        /// User name (≤ 256).
        username: Option<Text<'a>> = "Username", S256;
        /// Password (≤ 256).
        password: Option<Text<'a>> = "Password", S256;
    }
}

cwmp_struct! {
    /// `UninstallOpStruct` of ChangeDUState.
    UninstallOpStruct<'a> {
        /// Deployment unit UUID.
        uuid: Text<'a> = "UUID", UUID;
        /// Version (≤ 32).
        version: Option<Text<'a>> = "Version", S32;
        /// Execution environment reference (≤ 256).
        execution_env_ref: Option<Text<'a>> = "ExecutionEnvRef", S256;
    }
}

cwmp_struct! {
    /// `FaultStruct` of (Autonomous)TransferComplete; FaultCode 0 is success.
    TransferFault<'a> {
        /// Fault code (0 = no fault); the schema allows a subset per
        /// namespace ([`Facet::TransferFaultCode`]).
        fault_code: FaultCode = "FaultCode", TRANSFER_FAULT_CODE;
        /// Fault string (≤ 256, empty on success).
        fault_string: Text<'a> = "FaultString", FAULT_STRING;
    }
}

cwmp_struct! {
    /// `Fault` of a deployment-unit operation result; FaultCode 0 is success.
    DuFault<'a> {
        /// Fault code (0 = no fault); the schema allows a subset
        /// ([`Facet::DuFaultCode`]).
        fault_code: FaultCode = "FaultCode", DU_FAULT_CODE;
        /// Fault string.
        fault_string: Option<Text<'a>> = "FaultString", FAULT_STRING;
    }
}

cwmp_struct! {
    /// `OpResultStruct` of DUStateChangeComplete.
    OpResultStruct<'a> {
        /// Deployment unit UUID.
        uuid: Text<'a> = "UUID", UUID;
        /// Path of the DeploymentUnit instance.
        deployment_unit_ref: Text<'a> = "DeploymentUnitRef", NONE;
        /// Version (≤ 32).
        version: Text<'a> = "Version", S32;
        /// `Installed`, `Uninstalled` or `Failed`.
        current_state: Text<'a> = "CurrentState", Cap::Facet(Facet::DuState, &NONE);
        /// Whether all dependencies are resolved.
        resolved: bool = "Resolved", NONE;
        /// Comma-separated ExecutionUnit paths.
        execution_unit_ref_list: Text<'a> = "ExecutionUnitRefList", NONE;
        /// Start of the operation.
        start_time: DateTime = "StartTime", NONE;
        /// End of the operation.
        complete_time: DateTime = "CompleteTime", NONE;
        /// Outcome.
        fault: DuFault<'a> = "Fault", NONE;
    }
}

cwmp_struct! {
    /// `AutonOpResultStruct` of AutonomousDUStateChangeComplete.
    AutonOpResultStruct<'a> {
        /// Deployment unit UUID.
        uuid: Text<'a> = "UUID", UUID;
        /// Path of the DeploymentUnit instance.
        deployment_unit_ref: Text<'a> = "DeploymentUnitRef", NONE;
        /// Version (≤ 32).
        version: Text<'a> = "Version", S32;
        /// `Installed`, `Uninstalled` or `Failed`.
        current_state: Text<'a> = "CurrentState", Cap::Facet(Facet::DuState, &NONE);
        /// Whether all dependencies are resolved.
        resolved: bool = "Resolved", NONE;
        /// Comma-separated ExecutionUnit paths.
        execution_unit_ref_list: Text<'a> = "ExecutionUnitRefList", NONE;
        /// Start of the operation.
        start_time: DateTime = "StartTime", NONE;
        /// End of the operation.
        complete_time: DateTime = "CompleteTime", NONE;
        /// Outcome.
        fault: DuFault<'a> = "Fault", NONE;
        /// `Install`, `Update`, `Uninstall` or a vendor string.
        operation_performed: Text<'a> = "OperationPerformed", NONE;
    }
}

cwmp_struct! {
    /// `OptionStruct` (deprecated GetOptionsResponse).
    OptionStruct<'a> {
        /// Option name (≤ 64).
        option_name: Text<'a> = "OptionName", S64;
        /// Voucher serial number.
        voucher_sn: u32 = "VoucherSN", NONE;
        /// State (0–3).
        state: u32 = "State", NONE;
        /// Mode (0–2).
        mode: i32 = "Mode", NONE;
        /// Start date.
        start_date: DateTime = "StartDate", NONE;
        /// Expiration date, if any.
        expiration_date: Option<DateTime> = "ExpirationDate", NONE;
        /// 0 or 1.
        is_transferable: i32 = "IsTransferable", NONE;
    }
}

cwmp_struct! {
    /// `ArgStruct` of RequestDownload.
    ArgStruct<'a> {
        /// Argument name (≤ 64).
        name: Text<'a> = "Name", S64;
        /// Argument value (≤ 256).
        value: Text<'a> = "Value", S256;
    }
}

cwmp_struct! {
    /// One `SetParameterValuesFault` entry of a cwmp:Fault.
    SetParameterValuesFault<'a> {
        /// The parameter that failed.
        parameter_name: Text<'a> = "ParameterName", NAME;
        /// Its fault code (CPE codes only in cwmp-1-2: [`Facet::SpvFaultCode`]).
        fault_code: FaultCode = "FaultCode", SPV_FAULT_CODE;
        /// Its fault string.
        fault_string: Option<Text<'a>> = "FaultString", FAULT_STRING;
    }
}

/// One `Operations` entry of ChangeDUState (abstract `OperationStruct`; the
/// concrete type travels in `xsi:type`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operation<'a> {
    /// Install a deployment unit.
    Install(InstallOpStruct<'a>),
    /// Update one or all deployment units.
    Update(UpdateOpStruct<'a>),
    /// Uninstall a deployment unit.
    Uninstall(UninstallOpStruct<'a>),
}

impl<'a> Item<'a> for Operation<'a> {
    const ITEM: &'static str = "Operations";
    const ARRAY_TYPE: &'static str = "cwmp:OperationStruct";

    fn encode_item(&self, w: &mut Writer<'_>, tag: &'static str, _cap: &Cap) -> Result<(), EncodeError> {
        use crate::codec::Fields;
        w.raw("<");
        w.raw(tag);
        w.raw(" xsi:type=\"cwmp:");
        w.raw(match self {
            Operation::Install(_) => "InstallOpStruct",
            Operation::Update(_) => "UpdateOpStruct",
            Operation::Uninstall(_) => "UninstallOpStruct",
        });
        w.raw("\">");
        match self {
            Operation::Install(o) => o.encode_fields(w)?,
            Operation::Update(o) => o.encode_fields(w)?,
            Operation::Uninstall(o) => o.encode_fields(w)?,
        }
        w.close(tag);
        Ok(())
    }

    fn decode_item(e: Elem<'a>, tag: &'static str, _cap: &Cap, opts: &DecodeOptions) -> Result<Self, DecodeError> {
        use crate::codec::Fields;
        let ty = e.attr("type").map(|t| t.rsplit_once(':').map_or(t, |(_, l)| l));
        // Some implementations (jdalberg/cwmp fixtures) nest the concrete
        // struct as a child element instead of using xsi:type.
        let (kind, body) = match ty {
            Some(k) => (k, e),
            None => match e.children().next() {
                Some(c) if opts.accepts(crate::quirk::Quirk::WrappedStruct) => (c.local(), c),
                _ => return Err(DecodeError::new(e.offset(), DecodeErrorKind::Missing { field: "xsi:type" })),
            },
        };
        Ok(match kind {
            "InstallOpStruct" => Operation::Install(InstallOpStruct::decode_fields(&body, opts)?),
            "UpdateOpStruct" => Operation::Update(UpdateOpStruct::decode_fields(&body, opts)?),
            "UninstallOpStruct" => Operation::Uninstall(UninstallOpStruct::decode_fields(&body, opts)?),
            _ => {
                return Err(DecodeError::new(
                    e.offset(),
                    DecodeErrorKind::Invalid { field: tag, reason: "unknown operation type" },
                ));
            }
        })
    }
}

/// Fields holding an [`Operation`] list are repeated elements.
impl<'a> Field<'a> for Operation<'a> {
    fn encode_field(&self, w: &mut Writer<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError> {
        self.encode_item(w, tag, cap)
    }
    fn decode_field(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        cap: &Cap,
        opts: &DecodeOptions,
    ) -> Result<Self, DecodeError> {
        let e = found.ok_or_else(|| crate::codec::missing(parent, tag))?;
        Self::decode_item(e, tag, cap, opts)
    }
}
