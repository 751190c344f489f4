//! Property: for arbitrary typed messages, decode(encode(m)) == m, in every
//! version and in the receiving role — without allocating on either side.

use cwmp_core::datetime::Tz;
use cwmp_core::{CwmpVersion, DateTime, FaultCode, ParamType, SoapFaultCode};
use cwmp_soap::decode::DecodeOptions;
use cwmp_soap::envelope::{CwmpFault, Role};
use cwmp_soap::model::*;
use cwmp_soap::rpc::*;
use cwmp_soap::{Body, Envelope, Fault, Header, List, ParamValue, Rpc, Text};
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

/// Any string XML can carry (incl. markup characters, CR, non-ASCII).
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]{0,12}").unwrap()
}

fn datetime() -> impl Strategy<Value = DateTime> {
    (1u16..=9999, 1u8..=12, 1u8..=28, 0u8..24, 0u8..60, 0u8..60, 0u8..4, -840i16..=840, 0u32..1000, 0u8..4).prop_map(
        |(y, mo, d, h, mi, s, tz, off, ms, fd)| {
            let tz = match tz {
                0 => Tz::Local,
                1 => Tz::Utc,
                _ => Tz::Offset(off),
            };
            let t = DateTime::new(y, mo, d, h, mi, s, tz).unwrap();
            if fd == 0 { t } else { t.with_fraction(ms * 1_000_000, 3).unwrap() }
        },
    )
}

/// A value of a random type with text in that type's lexical space.
fn value() -> impl Strategy<Value = (ParamType, String)> {
    prop_oneof![
        text().prop_map(|s| (ParamType::String, s)),
        any::<i32>().prop_map(|v| (ParamType::Int, v.to_string())),
        any::<u32>().prop_map(|v| (ParamType::UnsignedInt, v.to_string())),
        any::<i64>().prop_map(|v| (ParamType::Long, v.to_string())),
        any::<u64>().prop_map(|v| (ParamType::UnsignedLong, v.to_string())),
        prop_oneof![Just("true"), Just("false"), Just("0"), Just("1")]
            .prop_map(|v| (ParamType::Boolean, v.to_string())),
        datetime().prop_map(|t| (ParamType::DateTime, t.to_string())),
        "([A-Za-z0-9+/]{4}){0,4}".prop_map(|v| (ParamType::Base64, v)),
        "([0-9a-fA-F]{2}){0,6}".prop_map(|v| (ParamType::HexBinary, v)),
        "-?[0-9]{1,5}(\\.[0-9]{1,3})?".prop_map(|v| (ParamType::Decimal, v)),
    ]
}

#[derive(Debug, Clone)]
struct Seed {
    kind: usize,
    version: CwmpVersion,
    id: Option<String>,
    hold: Option<bool>,
    nmr: Option<bool>,
    v14_use: bool,
    strs: Vec<String>,
    values: Vec<(ParamType, String)>,
    nums: Vec<u32>,
    ints: Vec<i32>,
    flags: Vec<bool>,
    times: Vec<DateTime>,
    oui: String,
    n: usize,
}

fn seed() -> impl Strategy<Value = Seed> {
    (
        (0usize..KINDS, prop::sample::select(CwmpVersion::ALL.to_vec()), proptest::option::of(text())),
        (proptest::option::of(any::<bool>()), proptest::option::of(any::<bool>()), any::<bool>()),
        prop::collection::vec(text(), 24),
        prop::collection::vec(value(), 6),
        (
            prop::collection::vec(any::<u32>(), 8),
            prop::collection::vec(any::<i32>(), 8),
            prop::collection::vec(any::<bool>(), 8),
        ),
        (prop::collection::vec(datetime(), 4), "[0-9A-F]{6}", 0usize..6),
    )
        .prop_map(
            |((kind, version, id), (hold, nmr, v14_use), strs, values, (nums, ints, flags), (times, oui, n))| Seed {
                kind,
                version,
                id,
                hold,
                nmr,
                v14_use,
                strs,
                values,
                nums,
                ints,
                flags,
                times,
                oui,
                n,
            },
        )
}

const KINDS: usize = 12;

/// Values of the pattern/enumeration-restricted fields, valid in every namespace.
const EVENT_CODES: [&str; 5] = ["0 BOOTSTRAP", "1 BOOT", "M Reboot", "M X_ACME_Thing", "X 00D09E vendor event"];
const FILE_TYPES: [&str; 3] = ["1 Firmware Upgrade Image", "3 Vendor Configuration File", "X 00D09E blob"];
const UUIDS: [&str; 2] = ["0b0e8b8a-2c8a-4d1a-9f5e-0123456789ab", "FFFFFFFF-0000-4D1A-9F5E-ABCDEFabcdef"];
const DU_STATES: [&str; 3] = ["Installed", "Uninstalled", "Failed"];

/// Builds message `kind` from the seed (lists borrow the arenas) and checks
/// the round trip.
fn check(s: &Seed) -> Result<(), TestCaseError> {
    let st = |i: usize| Text::plain(&s.strs[i % s.strs.len()]);
    let pick = |pool: &[&'static str], i: usize| Text::plain(pool[(s.nums[i % 8] as usize + i) % pool.len()]);
    let max_notification = if s.version < CwmpVersion::V1_2 { 3 } else { 7 };
    let pvs: Vec<ParameterValueStruct<'_>> = (0..s.n)
        .map(|i| {
            let (ty, v) = &s.values[i % s.values.len()];
            ParameterValueStruct { name: st(i), value: ParamValue::new(*ty, Text::plain(v)) }
        })
        .collect();
    let names: Vec<Text<'_>> = (0..s.n).map(|i| st(i + 3)).collect();
    let access: Vec<Text<'_>> = (0..s.n % 3).map(|_| Text::Plain("Subscriber")).collect();
    let spa: Vec<SetParameterAttributesStruct<'_>> = (0..s.n.max(1))
        .map(|i| SetParameterAttributesStruct {
            name: st(i),
            notification_change: s.flags[i % 8],
            notification: s.ints[i % 8].rem_euclid(max_notification),
            access_list_change: s.flags[(i + 1) % 8],
            access_list: List::Slice(&access),
        })
        .collect();
    let events: Vec<EventStruct<'_>> =
        (0..s.n).map(|i| EventStruct { event_code: pick(&EVENT_CODES, i), command_key: st(i + 8) }).collect();
    let ops: Vec<Operation<'_>> = (0..s.n.max(1))
        .map(|i| match i % 3 {
            0 => Operation::Install(InstallOpStruct {
                url: st(i),
                uuid: s.flags[i % 8].then(|| pick(&UUIDS, i)),
                username: s.flags[(i + 1) % 8].then(|| st(i + 2)),
                password: None,
                execution_env_ref: Some(st(i + 3)),
            }),
            1 => Operation::Update(UpdateOpStruct {
                uuid: None,
                version: s.flags[i % 8].then(|| st(i)),
                url: Some(st(i + 1)),
                username: None,
                password: s.flags[(i + 2) % 8].then(|| st(i + 4)),
            }),
            _ => Operation::Uninstall(UninstallOpStruct {
                uuid: pick(&UUIDS, i),
                version: None,
                execution_env_ref: Some(st(i + 2)),
            }),
        })
        .collect();
    let results: Vec<OpResultStruct<'_>> = (0..s.n.max(1))
        .map(|i| OpResultStruct {
            uuid: pick(&UUIDS, i),
            deployment_unit_ref: st(i + 1),
            version: st(i + 2),
            current_state: pick(&DU_STATES, i),
            resolved: s.flags[i % 8],
            execution_unit_ref_list: st(i + 4),
            start_time: s.times[i % 4],
            complete_time: s.times[(i + 1) % 4],
            fault: DuFault {
                fault_code: FaultCode::new((s.nums[i % 8] % 10000) as u16),
                fault_string: s.flags[i % 8].then(|| st(i)),
            },
        })
        .collect();
    let windows: Vec<TimeWindowStruct<'_>> = (0..(s.n % 2) + 1)
        .map(|i| TimeWindowStruct {
            window_start: s.nums[i],
            window_end: s.nums[i + 1],
            window_mode: st(i),
            user_message: st(i + 1),
            max_retries: s.ints[i],
        })
        .collect();
    let spv_faults: Vec<SetParameterValuesFault<'_>> = (0..s.n)
        .map(|i| SetParameterValuesFault {
            parameter_name: st(i),
            fault_code: FaultCode::new(9000 + (s.nums[i % 8] % 900) as u16),
            fault_string: s.flags[i % 8].then(|| st(i + 1)),
        })
        .collect();
    let body = match s.kind {
        0 => Body::Rpc(Rpc::Inform(Inform {
            device_id: DeviceIdStruct {
                manufacturer: st(0),
                oui: Text::plain(&s.oui),
                product_class: st(1),
                serial_number: st(2),
            },
            event: List::Slice(&events),
            max_envelopes: s.nums[0],
            current_time: s.times[0],
            retry_count: s.nums[1],
            parameter_list: List::Slice(&pvs),
        })),
        1 => {
            Body::Rpc(Rpc::GetParameterValuesResponse(GetParameterValuesResponse { parameter_list: List::Slice(&pvs) }))
        }
        2 => Body::Rpc(Rpc::SetParameterValues(SetParameterValues {
            parameter_list: List::Slice(&pvs),
            parameter_key: st(4),
        })),
        3 => Body::Rpc(Rpc::GetParameterValues(GetParameterValues { parameter_names: List::Slice(&names) })),
        4 => Body::Rpc(Rpc::SetParameterAttributes(SetParameterAttributes { parameter_list: List::Slice(&spa) })),
        5 => Body::Rpc(Rpc::Download(Download {
            command_key: st(0),
            file_type: pick(&FILE_TYPES, 1),
            url: st(2),
            username: st(3),
            password: st(4),
            file_size: s.nums[0],
            target_file_name: st(5),
            delay_seconds: s.nums[1],
            success_url: st(6),
            failure_url: st(7),
        })),
        6 => Body::Rpc(Rpc::TransferComplete(TransferComplete {
            command_key: st(0),
            fault_struct: TransferFault { fault_code: FaultCode::new((s.nums[0] % 10000) as u16), fault_string: st(1) },
            start_time: s.times[0],
            complete_time: s.times[1],
        })),
        7 if s.version >= CwmpVersion::V1_2 => Body::Rpc(Rpc::ChangeDuState(ChangeDuState {
            operations: List::Slice(&ops),
            command_key: s.flags[0].then(|| st(0)),
        })),
        8 if s.version >= CwmpVersion::V1_2 => Body::Rpc(Rpc::DuStateChangeComplete(DuStateChangeComplete {
            results: List::Slice(&results),
            command_key: s.flags[1].then(|| st(1)),
        })),
        9 if s.version >= CwmpVersion::V1_2 => Body::Rpc(Rpc::ScheduleDownload(ScheduleDownload {
            command_key: st(0),
            file_type: pick(&FILE_TYPES, 1),
            url: st(2),
            username: st(3),
            password: st(4),
            file_size: s.nums[2],
            target_file_name: st(5),
            time_window_list: List::Slice(&windows),
        })),
        10 => Body::Fault(Fault {
            faultcode: if s.flags[0] { SoapFaultCode::Client } else { SoapFaultCode::Server },
            faultstring: st(0),
            detail: CwmpFault {
                fault_code: FaultCode::new(9000 + (s.nums[3] % 900) as u16),
                fault_string: s.flags[1].then(|| st(1)),
                set_parameter_values_fault: List::Slice(&spv_faults),
            },
        }),
        _ => Body::Rpc(Rpc::GetRpcMethodsResponse(GetRpcMethodsResponse { method_list: List::Slice(&names) })),
    };
    let header = Header {
        id: s.id.as_deref().map(Text::plain),
        hold_requests: s.hold,
        no_more_requests: s.nmr,
        session_timeout: (s.version >= CwmpVersion::V1_3).then_some(s.nums[4]),
        supported_cwmp_versions: (s.version == CwmpVersion::V1_4 && !s.v14_use).then(|| st(9)),
        use_cwmp_version: (s.version == CwmpVersion::V1_4 && s.v14_use).then_some(Text::Plain("1.4")),
    };
    let env = Envelope { version: s.version, header, body };
    let mut buf = vec![0u8; 64 * 1024];
    let n = assert_no_alloc(|| env.encode(&mut buf)).map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
    let wire = &buf[..n];
    let role = match &env.body {
        Body::Rpc(r) => match r.method().unwrap().sent_by() {
            SentBy::Acs => Role::Cpe,
            _ => Role::Acs,
        },
        Body::Fault(_) => Role::Acs,
    };
    // Strict mode also demands a cwmp:ID header.
    let modes: &[bool] = if env.header.id.is_some() { &[false, true] } else { &[false] };
    for &strict in modes {
        let opts = DecodeOptions { strict, ..DecodeOptions::default() };
        let back = assert_no_alloc(|| Envelope::decode_with(wire, Some(role), &opts)).map_err(|e| {
            TestCaseError::fail(format!("decode (strict {strict}): {e}\n{}", String::from_utf8_lossy(wire)))
        })?;
        prop_assert_eq!(&back, &env, "{}", String::from_utf8_lossy(wire));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
    #[test]
    fn decode_of_encode_is_identity(s in seed()) {
        check(&s)?;
    }
}
