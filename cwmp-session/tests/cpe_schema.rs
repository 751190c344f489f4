//! Every message the CPE session sends in a full session validates against
//! the official CWMP schemas (`../shared/tools/xsd-validate`).

mod common;

use common::*;
use cwmp_core::{Instant, ParamType};
use cwmp_soap::rpc::{
    AddObject, Download, GetAllQueuedTransfers, GetParameterAttributes, GetParameterNames, GetParameterValues,
    GetRpcMethods, Reboot, SetParameterValues,
};
use cwmp_soap::structs::ParameterValueStruct;
use cwmp_soap::{List, ParamValue, Rpc, Text};

fn t(s: u64) -> Instant {
    Instant::from_secs(s)
}

#[test]
fn every_message_of_a_full_session_validates_against_the_official_schema() {
    started!(st, cpe, s);
    let mut bodies: Vec<(String, Vec<u8>)> = Vec::new();
    let inform = connect(&mut s, t(0), &mut cpe);
    bodies.push(("Inform".into(), inform.body.clone()));
    reply(&mut s, t(1), &mut cpe, &inform_response(&inform));
    let names = [Text::plain("Device.")];
    let ok_pv = [ParameterValueStruct {
        name: Text::plain("Device.IP.Interface.1.Alias"),
        value: ParamValue::new(ParamType::String, Text::plain("wan")),
    }];
    let bad_pv = [ParameterValueStruct {
        name: Text::plain("Device.DeviceInfo.SoftwareVersion"),
        value: ParamValue::new(ParamType::String, Text::plain("9.9")),
    }];
    let requests: Vec<(&str, Rpc<'_>)> = vec![
        ("GetRPCMethodsResponse", Rpc::GetRpcMethods(GetRpcMethods)),
        ("GPVResponse", Rpc::GetParameterValues(GetParameterValues { parameter_names: List::from(&names) })),
        (
            "GPNResponse",
            Rpc::GetParameterNames(GetParameterNames { parameter_path: Text::plain(""), next_level: false }),
        ),
        ("GPAResponse", Rpc::GetParameterAttributes(GetParameterAttributes { parameter_names: List::from(&names) })),
        (
            "SPVResponse",
            Rpc::SetParameterValues(SetParameterValues {
                parameter_list: List::from(&ok_pv),
                parameter_key: Text::plain("k"),
            }),
        ),
        (
            "SPVFault",
            Rpc::SetParameterValues(SetParameterValues {
                parameter_list: List::from(&bad_pv),
                parameter_key: Text::plain("k"),
            }),
        ),
        (
            "AddObjectResponse",
            Rpc::AddObject(AddObject {
                object_name: Text::plain("Device.IP.Interface."),
                parameter_key: Text::plain(""),
            }),
        ),
        (
            "DownloadResponse",
            Rpc::Download(Download {
                command_key: Text::plain("d"),
                file_type: Text::plain("1 Firmware Upgrade Image"),
                url: Text::plain("http://f.example.net/x"),
                username: Text::plain(""),
                password: Text::plain(""),
                file_size: 0,
                target_file_name: Text::plain(""),
                delay_seconds: 3600,
                success_url: Text::plain(""),
                failure_url: Text::plain(""),
            }),
        ),
        ("GetAllQueuedTransfersResponse", Rpc::GetAllQueuedTransfers(GetAllQueuedTransfers)),
        ("RebootResponse", Rpc::Reboot(Reboot { command_key: Text::plain("r") })),
    ];
    for (i, (name, rpc)) in requests.into_iter().enumerate() {
        let id = format!("x{i}");
        let r = reply(&mut s, t(2), &mut cpe, &acs_message(&id, rpc));
        assert_eq!(r.id(), id);
        bodies.push((name.into(), r.body));
    }
    let text = |n: &str| String::from_utf8_lossy(&bodies.iter().find(|(name, _)| name == n).unwrap().1).into_owned();
    let fault = text("SPVFault");
    assert!(fault.contains("<SetParameterValuesFault><ParameterName>Device.DeviceInfo.SoftwareVersion"), "{fault}");
    assert!(fault.contains("<FaultCode>9008</FaultCode>"), "{fault}");
    let inform = text("Inform");
    assert!(inform.contains("SupportedCWMPVersions"), "1.4 Informs carry the versions: {inform}");
    assert!(inform.contains("urn:dslforum-org:cwmp-1-2"), "never above 1-2");
    xsd_validate("cpe-schema", &bodies);
}
