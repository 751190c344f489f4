//! One representative message per encodable method, shared by the encode,
//! schema-validation and round-trip tests.
#![allow(dead_code)]

use cwmp_core::datetime::Tz;
use cwmp_core::{CwmpVersion, DateTime, FaultCode, ParamType};
use cwmp_soap::envelope::CwmpFault;
use cwmp_soap::rpc::*;
use cwmp_soap::structs::*;
use cwmp_soap::{Body, Envelope, Fault, Header, List, ParamValue, Text};

pub(crate) fn t(s: &'static str) -> Text<'static> {
    Text::plain(s)
}

pub(crate) fn time() -> DateTime {
    DateTime::new(2024, 2, 29, 12, 30, 5, Tz::Utc).unwrap()
}

static PVS: [ParameterValueStruct<'static>; 3] = [
    ParameterValueStruct {
        name: Text::Plain("Device.DeviceInfo.SoftwareVersion"),
        value: ParamValue::new(ParamType::String, Text::Plain("1.0 <beta> & \"x\"")),
    },
    ParameterValueStruct {
        name: Text::Plain("Device.DeviceInfo.UpTime"),
        value: ParamValue::new(ParamType::UnsignedInt, Text::Plain("4294967295")),
    },
    ParameterValueStruct {
        name: Text::Plain("Device.ManagementServer.PeriodicInformEnable"),
        value: ParamValue::new(ParamType::Boolean, Text::Plain("true")),
    },
];
static NAMES: [Text<'static>; 2] = [Text::Plain("Device.DeviceInfo."), Text::Plain("Device.Time.NTPServer1")];
static METHODS: [Text<'static>; 3] =
    [Text::Plain("GetRPCMethods"), Text::Plain("Inform"), Text::Plain("TransferComplete")];
static INFOS: [ParameterInfoStruct<'static>; 2] = [
    ParameterInfoStruct { name: Text::Plain("Device.DeviceInfo."), writable: false },
    ParameterInfoStruct { name: Text::Plain("Device.DeviceInfo.ProvisioningCode"), writable: true },
];
static ACCESS: [Text<'static>; 1] = [Text::Plain("Subscriber")];
static SPA: [SetParameterAttributesStruct<'static>; 1] = [SetParameterAttributesStruct {
    name: Text::Plain("Device.DeviceInfo.SoftwareVersion"),
    notification_change: true,
    notification: 2,
    access_list_change: true,
    access_list: List::Slice(&ACCESS),
}];
static GPA: [ParameterAttributeStruct<'static>; 2] = [
    ParameterAttributeStruct {
        name: Text::Plain("Device.DeviceInfo.SoftwareVersion"),
        notification: 2,
        access_list: List::Slice(&ACCESS),
    },
    ParameterAttributeStruct {
        name: Text::Plain("Device.DeviceInfo.UpTime"),
        notification: 0,
        access_list: List::Slice(&[]),
    },
];
static EVENTS: [EventStruct<'static>; 2] = [
    EventStruct { event_code: Text::Plain("1 BOOT"), command_key: Text::Plain("") },
    EventStruct { event_code: Text::Plain("M Reboot"), command_key: Text::Plain("reboot-1") },
];
static WINDOWS: [TimeWindowStruct<'static>; 1] = [TimeWindowStruct {
    window_start: 0,
    window_end: 3600,
    window_mode: Text::Plain("1 At Any Time"),
    user_message: Text::Plain(""),
    max_retries: -1,
}];
static QT: [QueuedTransferStruct<'static>; 1] = [QueuedTransferStruct { command_key: Text::Plain("dl-1"), state: 2 }];
static AQT: [AllQueuedTransferStruct<'static>; 1] = [AllQueuedTransferStruct {
    command_key: Text::Plain("dl-1"),
    state: 1,
    is_download: true,
    file_type: Text::Plain("1 Firmware Upgrade Image"),
    file_size: 1024,
    target_file_name: Text::Plain("fw.bin"),
}];
static OPS: [Operation<'static>; 3] = [
    Operation::Install(InstallOpStruct {
        url: Text::Plain("http://example.com/du.ipk"),
        uuid: Some(Text::Plain("0b0e8b8a-2c8a-4d1a-9f5e-0123456789ab")),
        username: None,
        password: None,
        execution_env_ref: Some(Text::Plain("Device.SoftwareModules.ExecEnv.1")),
    }),
    Operation::Update(UpdateOpStruct {
        uuid: None,
        version: Some(Text::Plain("2.0")),
        url: None,
        username: None,
        password: None,
    }),
    Operation::Uninstall(UninstallOpStruct {
        uuid: Text::Plain("0b0e8b8a-2c8a-4d1a-9f5e-0123456789ab"),
        version: None,
        execution_env_ref: None,
    }),
];
static ARGS: [ArgStruct<'static>; 1] = [ArgStruct { name: Text::Plain("Version"), value: Text::Plain("2.0") }];
static SPV_FAULTS: [SetParameterValuesFault<'static>; 2] = [
    SetParameterValuesFault {
        parameter_name: Text::Plain("Device.Time.Enable"),
        fault_code: FaultCode::new(9007),
        fault_string: Some(Text::Plain("Invalid parameter value")),
    },
    SetParameterValuesFault {
        parameter_name: Text::Plain("Device.Foo"),
        fault_code: FaultCode::new(9005),
        fault_string: None,
    },
];

fn op_result() -> OpResultStruct<'static> {
    OpResultStruct {
        uuid: t("0b0e8b8a-2c8a-4d1a-9f5e-0123456789ab"),
        deployment_unit_ref: t("Device.SoftwareModules.DeploymentUnit.1"),
        version: t("1.0"),
        current_state: t("Installed"),
        resolved: true,
        execution_unit_ref_list: t("Device.SoftwareModules.ExecutionUnit.1"),
        start_time: time(),
        complete_time: time(),
        fault: DuFault { fault_code: FaultCode::new(0), fault_string: Some(t("")) },
    }
}

/// Leaked so the lists can borrow them for 'static in a test.
fn leak<T>(v: Vec<T>) -> &'static [T] {
    Vec::leak(v)
}

/// A representative body for every encodable method.
pub(crate) fn sample_bodies() -> Vec<Rpc<'static>> {
    let transfer_fault = TransferFault { fault_code: FaultCode::new(9010), fault_string: t("Download failure") };
    vec![
        Rpc::GetRpcMethods(GetRpcMethods),
        Rpc::GetRpcMethodsResponse(GetRpcMethodsResponse { method_list: List::Slice(&METHODS) }),
        Rpc::SetParameterValues(SetParameterValues { parameter_list: List::Slice(&PVS), parameter_key: t("key-1") }),
        Rpc::SetParameterValuesResponse(SetParameterValuesResponse { status: 1 }),
        Rpc::GetParameterValues(GetParameterValues { parameter_names: List::Slice(&NAMES) }),
        Rpc::GetParameterValuesResponse(GetParameterValuesResponse { parameter_list: List::Slice(&PVS) }),
        Rpc::GetParameterNames(GetParameterNames { parameter_path: t("Device."), next_level: true }),
        Rpc::GetParameterNamesResponse(GetParameterNamesResponse { parameter_list: List::Slice(&INFOS) }),
        Rpc::SetParameterAttributes(SetParameterAttributes { parameter_list: List::Slice(&SPA) }),
        Rpc::SetParameterAttributesResponse(SetParameterAttributesResponse),
        Rpc::GetParameterAttributes(GetParameterAttributes { parameter_names: List::Slice(&NAMES) }),
        Rpc::GetParameterAttributesResponse(GetParameterAttributesResponse { parameter_list: List::Slice(&GPA) }),
        Rpc::AddObject(AddObject { object_name: t("Device.IP.Interface."), parameter_key: t("") }),
        Rpc::AddObjectResponse(AddObjectResponse { instance_number: 3, status: 0 }),
        Rpc::DeleteObject(DeleteObject { object_name: t("Device.IP.Interface.3."), parameter_key: t("k") }),
        Rpc::DeleteObjectResponse(DeleteObjectResponse { status: 0 }),
        Rpc::Download(Download {
            command_key: t("dl-1"),
            file_type: t("1 Firmware Upgrade Image"),
            url: t("http://acs.example.com/fw.bin?a=1&b=2"),
            username: t("u"),
            password: t("p"),
            file_size: 123456,
            target_file_name: t("fw.bin"),
            delay_seconds: 0,
            success_url: t(""),
            failure_url: t(""),
        }),
        Rpc::DownloadResponse(DownloadResponse {
            status: 1,
            start_time: DateTime::UNKNOWN,
            complete_time: DateTime::UNKNOWN,
        }),
        Rpc::Reboot(Reboot { command_key: t("reboot-1") }),
        Rpc::RebootResponse(RebootResponse),
        Rpc::ScheduleInform(ScheduleInform { delay_seconds: 60, command_key: t("si") }),
        Rpc::ScheduleInformResponse(ScheduleInformResponse),
        Rpc::Upload(Upload {
            command_key: t("ul"),
            file_type: t("2 Vendor Log File"),
            url: t("http://acs.example.com/up"),
            username: t(""),
            password: t(""),
            delay_seconds: 5,
        }),
        Rpc::UploadResponse(UploadResponse { status: 0, start_time: time(), complete_time: time() }),
        Rpc::FactoryReset(FactoryReset),
        Rpc::FactoryResetResponse(FactoryResetResponse),
        Rpc::GetAllQueuedTransfers(GetAllQueuedTransfers),
        Rpc::GetAllQueuedTransfersResponse(GetAllQueuedTransfersResponse { transfer_list: List::Slice(&AQT) }),
        Rpc::ScheduleDownload(ScheduleDownload {
            command_key: t("sd"),
            file_type: t("1 Firmware Upgrade Image"),
            url: t("http://acs.example.com/fw.bin"),
            username: t(""),
            password: t(""),
            file_size: 0,
            target_file_name: t(""),
            time_window_list: List::Slice(&WINDOWS),
        }),
        Rpc::ScheduleDownloadResponse(ScheduleDownloadResponse),
        Rpc::CancelTransfer(CancelTransfer { command_key: t("dl-1") }),
        Rpc::CancelTransferResponse(CancelTransferResponse),
        Rpc::ChangeDuState(ChangeDuState { operations: List::Slice(&OPS), command_key: Some(t("cdu")) }),
        Rpc::ChangeDuStateResponse(ChangeDuStateResponse),
        Rpc::Inform(Inform {
            device_id: DeviceIdStruct {
                manufacturer: t("The Company"),
                oui: t("00D09E"),
                product_class: t("IGD"),
                serial_number: t("S123"),
            },
            event: List::Slice(&EVENTS),
            max_envelopes: 1,
            current_time: time(),
            retry_count: 0,
            parameter_list: List::Slice(&PVS),
        }),
        Rpc::InformResponse(InformResponse { max_envelopes: 1 }),
        Rpc::TransferComplete(TransferComplete {
            command_key: t("dl-1"),
            fault_struct: transfer_fault,
            start_time: time(),
            complete_time: time(),
        }),
        Rpc::TransferCompleteResponse(TransferCompleteResponse),
        Rpc::AutonomousTransferComplete(AutonomousTransferComplete {
            announce_url: t("http://x/announce"),
            transfer_url: t("http://x/fw.bin"),
            is_download: true,
            file_type: t("1 Firmware Upgrade Image"),
            file_size: 1,
            target_file_name: t("fw.bin"),
            fault_struct: TransferFault { fault_code: FaultCode::new(0), fault_string: t("") },
            start_time: time(),
            complete_time: time(),
        }),
        Rpc::AutonomousTransferCompleteResponse(AutonomousTransferCompleteResponse),
        Rpc::RequestDownload(RequestDownload {
            file_type: t("1 Firmware Upgrade Image"),
            file_type_arg: List::Slice(&ARGS),
        }),
        Rpc::RequestDownloadResponse(RequestDownloadResponse),
        Rpc::DuStateChangeComplete(DuStateChangeComplete {
            results: List::Slice(leak(vec![op_result()])),
            command_key: Some(t("cdu")),
        }),
        Rpc::DuStateChangeCompleteResponse(DuStateChangeCompleteResponse),
        Rpc::AutonomousDuStateChangeComplete(AutonomousDuStateChangeComplete {
            results: List::Slice(leak(vec![AutonOpResultStruct {
                uuid: t("0b0e8b8a-2c8a-4d1a-9f5e-0123456789ab"),
                deployment_unit_ref: t("Device.SoftwareModules.DeploymentUnit.1"),
                version: t("1.0"),
                current_state: t("Installed"),
                resolved: true,
                execution_unit_ref_list: t(""),
                start_time: time(),
                complete_time: time(),
                fault: DuFault { fault_code: FaultCode::new(0), fault_string: None },
                operation_performed: t("Install"),
            }])),
        }),
        Rpc::AutonomousDuStateChangeCompleteResponse(AutonomousDuStateChangeCompleteResponse),
    ]
}

/// A SOAP Fault with SetParameterValuesFault entries.
pub(crate) fn sample_fault() -> Fault<'static> {
    Fault {
        faultcode: cwmp_core::SoapFaultCode::Client,
        faultstring: t("CWMP fault"),
        detail: CwmpFault {
            fault_code: FaultCode::new(9003),
            fault_string: Some(t("Invalid arguments")),
            set_parameter_values_fault: List::Slice(&SPV_FAULTS),
        },
    }
}

/// Every sample, in every version that defines it, with a full header.
pub(crate) fn sample_envelopes() -> Vec<Envelope<'static>> {
    let mut out = Vec::new();
    let mut bodies: Vec<Body<'static>> = sample_bodies().into_iter().map(Body::Rpc).collect();
    bodies.push(Body::Fault(sample_fault()));
    for body in bodies {
        for v in CwmpVersion::ALL {
            if let Body::Rpc(r) = &body
                && r.method().unwrap().since() > v
            {
                continue;
            }
            let header = Header {
                id: Some(t("ID-1 <&>")),
                hold_requests: Some(false),
                no_more_requests: None,
                session_timeout: (v >= CwmpVersion::V1_3).then_some(60),
                supported_cwmp_versions: (v >= CwmpVersion::V1_4).then_some(t("1.0,1.1,1.2,1.3,1.4")),
                use_cwmp_version: None,
            };
            out.push(Envelope { version: v, header, body });
        }
    }
    out
}
