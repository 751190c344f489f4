//! The resumable encoder: identical bytes for every buffer size from the
//! minimum up, untouched buffers when a piece does not fit, large responses
//! through small buffers without allocating.

mod rpc_common;

use cwmp_core::{CwmpVersion, ParamType};
use cwmp_soap::model::{ParameterAttributeStruct, ParameterInfoStruct, ParameterValueStruct};
use cwmp_soap::resumable::Resumable;
use cwmp_soap::rpc::{GetParameterNamesResponse, GetParameterValuesResponse, SetParameterValues};
use cwmp_soap::{Body, EncodeError, Envelope, Header, List, ParamValue, Rpc, Text};
use cwmp_testkit::alloc::assert_no_alloc;
use rpc_common::*;

fn one_shot(env: &Envelope<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 4 << 20];
    let n = env.encode(&mut buf).unwrap();
    buf.truncate(n);
    buf
}

/// Streams with a fixed buffer size; `Err(needed)` when a piece did not fit
/// (after checking the buffer was left untouched).
fn stream<'a, T, I>(mut enc: Resumable<'a, T, I>, size: usize) -> Result<Vec<u8>, usize>
where
    T: cwmp_soap::codec::Item<'a>,
    I: Iterator<Item = T>,
{
    let mut out = Vec::new();
    let mut buf = vec![0xA5u8; size];
    loop {
        match enc.fill(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => {
                out.extend_from_slice(&buf[..n]);
                buf.fill(0xA5);
            }
            Err(EncodeError::BufferTooSmall { needed }) => {
                assert!(needed > size);
                assert!(buf.iter().all(|&b| b == 0xA5), "buffer touched on BufferTooSmall");
                return Err(needed);
            }
            Err(e) => panic!("{e}"),
        }
    }
}

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("Device.IP.Interface.{i}.Stats.BytesSent<&>")).collect()
}

fn pvs(names: &[String]) -> Vec<ParameterValueStruct<'_>> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| ParameterValueStruct {
            name: Text::plain(n),
            value: if i % 2 == 0 {
                ParamValue::new(ParamType::UnsignedLong, Text::Plain("18446744073709551615"))
            } else {
                ParamValue::string("a value with \"quotes\" & <tags>")
            },
        })
        .collect()
}

fn header() -> Header<'static> {
    Header { id: Some(t("stream-1")), ..Header::default() }
}

/// Checks identical output for every buffer size from 1 to a bit past the
/// whole message: sizes below the largest piece fail cleanly, all others
/// succeed with the one-shot bytes.
fn check_all_sizes<'a, T, I, F>(expected: &[u8], make: F)
where
    T: cwmp_soap::codec::Item<'a>,
    I: Iterator<Item = T>,
    F: Fn() -> Resumable<'a, T, I>,
{
    let mut min_ok = None;
    for size in 1..=expected.len() + 3 {
        match stream(make(), size) {
            Ok(out) => {
                assert_eq!(out, expected, "buffer size {size}");
                min_ok.get_or_insert(size);
            }
            Err(needed) => assert!(min_ok.is_none(), "size {size} failed (needs {needed}) after a smaller one worked"),
        }
    }
    assert!(min_ok.is_some());
}

#[test]
fn gpv_response_identical_for_every_buffer_size() {
    let names = names(12);
    let items = pvs(&names);
    let env = Envelope {
        version: CwmpVersion::V1_0,
        header: header(),
        body: Body::Rpc(Rpc::GetParameterValuesResponse(GetParameterValuesResponse {
            parameter_list: List::Slice(&items),
        })),
    };
    let expected = one_shot(&env);
    check_all_sizes(&expected, || {
        Resumable::get_parameter_values_response(CwmpVersion::V1_0, header(), items.len(), items.iter().copied())
    });
}

#[test]
fn inform_spv_gpn_gpa_identical_for_every_buffer_size() {
    let names = names(5);
    let items = pvs(&names);
    let Rpc::Inform(mut inform) = sample_bodies().into_iter().find(|r| r.name() == "Inform").unwrap() else { panic!() };
    inform.parameter_list = List::Slice(&items);
    let env = Envelope { version: CwmpVersion::V1_2, header: header(), body: Body::Rpc(Rpc::Inform(inform)) };
    let expected = one_shot(&env);
    check_all_sizes(&expected, || {
        Resumable::inform(CwmpVersion::V1_2, header(), inform, items.len(), items.iter().copied())
    });

    let spv = SetParameterValues { parameter_list: List::Slice(&items), parameter_key: t("pk") };
    let env = Envelope { version: CwmpVersion::V1_1, header: header(), body: Body::Rpc(Rpc::SetParameterValues(spv)) };
    let expected = one_shot(&env);
    check_all_sizes(&expected, || {
        Resumable::set_parameter_values(CwmpVersion::V1_1, header(), t("pk"), items.len(), items.iter().copied())
    });

    let infos: Vec<ParameterInfoStruct<'_>> =
        names.iter().map(|n| ParameterInfoStruct { name: Text::plain(n), writable: n.len() % 2 == 0 }).collect();
    let gpn = GetParameterNamesResponse { parameter_list: List::Slice(&infos) };
    let env =
        Envelope { version: CwmpVersion::V1_4, header: header(), body: Body::Rpc(Rpc::GetParameterNamesResponse(gpn)) };
    let expected = one_shot(&env);
    check_all_sizes(&expected, || {
        Resumable::get_parameter_names_response(CwmpVersion::V1_4, header(), infos.len(), infos.iter().copied())
    });

    let access = [t("Subscriber")];
    let attrs: Vec<ParameterAttributeStruct<'_>> = names
        .iter()
        .map(|n| ParameterAttributeStruct { name: Text::plain(n), notification: 1, access_list: List::Slice(&access) })
        .collect();
    let gpa = cwmp_soap::rpc::GetParameterAttributesResponse { parameter_list: List::Slice(&attrs) };
    let env = Envelope {
        version: CwmpVersion::V1_0,
        header: header(),
        body: Body::Rpc(Rpc::GetParameterAttributesResponse(gpa)),
    };
    let expected = one_shot(&env);
    check_all_sizes(&expected, || {
        Resumable::get_parameter_attributes_response(CwmpVersion::V1_0, header(), attrs.len(), attrs.iter().copied())
    });
}

#[test]
fn half_a_megabyte_through_one_kilobyte_without_allocating() {
    let names = names(8000);
    let items = pvs(&names);
    let env = Envelope {
        version: CwmpVersion::V1_0,
        header: header(),
        body: Body::Rpc(Rpc::GetParameterValuesResponse(GetParameterValuesResponse {
            parameter_list: List::Slice(&items),
        })),
    };
    let expected = one_shot(&env);
    assert!(expected.len() > 500 * 1024, "{}", expected.len());
    let mut out = vec![0u8; expected.len()];
    let mut at = 0;
    let mut chunk = [0u8; 1024];
    let mut enc =
        Resumable::get_parameter_values_response(CwmpVersion::V1_0, header(), items.len(), items.iter().copied());
    assert_no_alloc(|| {
        loop {
            let n = enc.fill(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            out[at..at + n].copy_from_slice(&chunk[..n]);
            at += n;
        }
    });
    assert!(enc.is_done());
    assert_eq!(enc.entries_written(), 8000);
    assert_eq!(at, expected.len());
    assert_eq!(out, expected);
    let back = Envelope::decode(&out).unwrap();
    let Body::Rpc(Rpc::GetParameterValuesResponse(r)) = back.body else { panic!() };
    assert_eq!(r.parameter_list.len(), 8000);
    assert!(r.parameter_list.iter().eq(items.iter().copied()));
}

#[test]
fn a_source_that_breaks_its_count_is_an_error() {
    let names = names(3);
    let items = pvs(&names);
    let mut buf = [0u8; 4096];
    let mut short = Resumable::get_parameter_values_response(CwmpVersion::V1_0, header(), 4, items.iter().copied());
    assert_eq!(
        short.fill(&mut buf),
        Err(EncodeError::CountMismatch { field: "ParameterList", announced: 4, given: 3 })
    );
    let mut long = Resumable::get_parameter_values_response(CwmpVersion::V1_0, header(), 2, items.iter().copied());
    assert_eq!(long.fill(&mut buf), Err(EncodeError::CountMismatch { field: "ParameterList", announced: 2, given: 3 }));
    // Errors are final.
    assert_eq!(long.fill(&mut buf), Err(EncodeError::CountMismatch { field: "ParameterList", announced: 2, given: 3 }));
    assert!(!long.is_done());
}
