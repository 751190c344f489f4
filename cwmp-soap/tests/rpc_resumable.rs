//! The resumable encoder: identical bytes for every buffer size from the
//! minimum up, untouched buffers when a piece does not fit, large responses
//! through small buffers without allocating.

mod rpc_common;

use cwmp_core::{CwmpVersion, ParamType};
use cwmp_soap::resumable::{EntrySource, Resumable};
use cwmp_soap::rpc::{GetParameterNamesResponse, GetParameterValuesResponse, SetParameterValues};
use cwmp_soap::structs::{ParameterAttributeStruct, ParameterInfoStruct, ParameterValueStruct};
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
fn stream<'a, S: EntrySource + 'a>(mut enc: Resumable<'a, S>, size: usize) -> Result<Vec<u8>, usize> {
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
fn check_all_sizes<'a, S: EntrySource + 'a>(expected: &[u8], make: impl Fn() -> Resumable<'a, S>) {
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

/// `core::fmt::Write` into a byte slice.
struct SliceWriter<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl std::fmt::Write for SliceWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn format_into<'b>(buf: &'b mut [u8], args: std::fmt::Arguments<'_>) -> Option<&'b str> {
    let mut w = SliceWriter { buf, len: 0 };
    std::fmt::Write::write_fmt(&mut w, args).ok()?;
    let SliceWriter { buf, len } = w;
    std::str::from_utf8(&buf[..len]).ok()
}

/// The entry `i` of the generated tree: a name and a value computed on demand.
fn generated(i: u32) -> (String, String) {
    (format!("Device.Gen.{}.Value<&>", i), format!("{}", u64::from(i) * 7919))
}

/// Produces `Device.Gen.{i}.Value<&>` = `i * 7919` into the scratch buffer:
/// nothing but the counter is stored.
#[derive(Clone, Copy)]
struct Generator {
    i: u32,
    n: u32,
}

impl EntrySource for Generator {
    type Entry<'s> = ParameterValueStruct<'s>;
    type Mark = u32;

    fn mark(&self) -> u32 {
        self.i
    }

    fn rewind(&mut self, mark: u32) {
        self.i = mark;
    }

    fn next<'s>(&'s mut self, scratch: &'s mut [u8]) -> Option<Result<ParameterValueStruct<'s>, EncodeError>> {
        if self.i == self.n {
            return None;
        }
        let i = self.i;
        self.i += 1;
        let (name_buf, value_buf) = scratch.split_at_mut(scratch.len() / 2);
        let too_small = Err(EncodeError::BufferTooSmall { needed: 64 });
        let Some(name) = format_into(name_buf, format_args!("Device.Gen.{}.Value<&>", i)) else {
            return Some(too_small);
        };
        let Some(value) = format_into(value_buf, format_args!("{}", u64::from(i) * 7919)) else {
            return Some(too_small);
        };
        Some(Ok(ParameterValueStruct {
            name: Text::plain(name),
            value: ParamValue::new(ParamType::UnsignedLong, Text::plain(value)),
        }))
    }
}

fn empty_gpv(version: CwmpVersion) -> Envelope<'static> {
    Envelope {
        version,
        header: header(),
        body: Body::Rpc(Rpc::GetParameterValuesResponse(GetParameterValuesResponse {
            parameter_list: List::Slice(&[]),
        })),
    }
}

#[test]
fn a_lending_source_streams_through_small_buffers_without_allocating_and_decodes_back() {
    const N: u32 = 3000;
    for size in [481usize, 497, 512] {
        let mut enc = Resumable::new(empty_gpv(CwmpVersion::V1_2), N as usize, Generator { i: 0, n: N });
        let mut out = vec![0u8; 1 << 20];
        let mut at = 0;
        let mut chunk = [0u8; 512];
        let mut scratch = [0u8; 96];
        let chunk = &mut chunk[..size];
        assert_no_alloc(|| {
            loop {
                let n = enc.fill_with(chunk, &mut scratch).unwrap();
                if n == 0 {
                    break;
                }
                out[at..at + n].copy_from_slice(&chunk[..n]);
                at += n;
            }
        });
        assert!(enc.is_done());
        assert_eq!(enc.entries_written(), N as usize);
        out.truncate(at);
        let back = Envelope::decode(&out).unwrap();
        let Body::Rpc(Rpc::GetParameterValuesResponse(r)) = back.body else { panic!() };
        assert_eq!(r.parameter_list.len(), N as usize);
        for (i, e) in r.parameter_list.iter().enumerate() {
            let (name, value) = generated(i as u32);
            assert_eq!(e.name, name.as_str());
            assert_eq!(e.value.text, value.as_str());
            assert_eq!(e.value.param_type(), ParamType::UnsignedLong);
        }
        // Byte for byte what the one-shot encoder writes for the same entries.
        let owned: Vec<(String, String)> = (0..N).map(generated).collect();
        let items: Vec<ParameterValueStruct<'_>> = owned
            .iter()
            .map(|(n, v)| ParameterValueStruct {
                name: Text::plain(n),
                value: ParamValue::new(ParamType::UnsignedLong, Text::plain(v)),
            })
            .collect();
        let full = Envelope {
            body: Body::Rpc(Rpc::GetParameterValuesResponse(GetParameterValuesResponse {
                parameter_list: List::Slice(&items),
            })),
            ..empty_gpv(CwmpVersion::V1_2)
        };
        assert_eq!(out, one_shot(&full), "buffer size {size}");
    }
}

#[test]
fn any_message_with_one_array_streams_like_the_one_shot_encoder() {
    // A request (GetParameterValues: a list of strings) and a list between
    // other fields (SetParameterValues: ParameterKey after it).
    let names = names(7);
    let texts: Vec<Text<'_>> = names.iter().map(|n| Text::plain(n)).collect();
    let gpv = Envelope {
        version: CwmpVersion::V1_1,
        header: header(),
        body: Body::Rpc(Rpc::GetParameterValues(cwmp_soap::rpc::GetParameterValues {
            parameter_names: List::Slice(&texts),
        })),
    };
    let expected = one_shot(&gpv);
    check_all_sizes(&expected, || {
        Resumable::new(gpv, texts.len(), cwmp_soap::resumable::FromIter::new(texts.iter().copied()))
    });
}

#[test]
fn a_message_without_the_streamed_list_is_an_error() {
    let names = names(1);
    let texts: Vec<Text<'_>> = names.iter().map(|n| Text::plain(n)).collect();
    let mut enc =
        Resumable::new(empty_gpv(CwmpVersion::V1_0), 1, cwmp_soap::resumable::FromIter::new(texts.into_iter()));
    let mut buf = [0u8; 4096];
    assert!(matches!(enc.fill(&mut buf), Err(EncodeError::InvalidValue { field: "string", .. })));
    assert!(enc.fill(&mut buf).is_err(), "errors are final");
}

#[test]
fn a_source_error_ends_the_message_with_it() {
    let mut enc = Resumable::new(empty_gpv(CwmpVersion::V1_0), 3, Generator { i: 0, n: 3 });
    let mut buf = [0u8; 4096];
    let mut tiny_scratch = [0u8; 8];
    assert_eq!(enc.fill_with(&mut buf, &mut tiny_scratch), Err(EncodeError::BufferTooSmall { needed: 64 }));
}

/// A source over a slice whose whole state is its position.
struct AtIndex<'s, 'a> {
    items: &'s [ParameterValueStruct<'a>],
    at: usize,
}

impl<'a> EntrySource for AtIndex<'_, 'a> {
    type Entry<'x>
        = ParameterValueStruct<'a>
    where
        Self: 'x;
    type Mark = usize;
    fn mark(&self) -> usize {
        self.at
    }
    fn rewind(&mut self, mark: usize) {
        self.at = mark;
    }
    fn next<'x>(&'x mut self, _scratch: &'x mut [u8]) -> Option<Result<ParameterValueStruct<'a>, EncodeError>> {
        let e = *self.items.get(self.at)?;
        self.at += 1;
        Some(Ok(e))
    }
}

#[test]
fn resume_state_rebuilt_every_fill_gives_the_one_shot_bytes_for_every_buffer_size() {
    use cwmp_soap::resumable::ResumeState;
    let names = names(9);
    let items = pvs(&names);
    let gpv = |list| Envelope {
        version: CwmpVersion::V1_2,
        header: header(),
        body: Body::Rpc(Rpc::GetParameterValuesResponse(GetParameterValuesResponse { parameter_list: list })),
    };
    let expected = one_shot(&gpv(List::Slice(&items)));
    let mut checked = 0;
    for size in 1..expected.len() + 8 {
        // Only `Copy` data survives between fills: the state and the index.
        let (mut state, mut at) = (ResumeState::new(items.len()), 0usize);
        let mut out = Vec::new();
        let mut buf = vec![0u8; size];
        let ok = loop {
            let mut enc = Resumable::resume(gpv(List::Slice(&[])), state, AtIndex { items: &items, at });
            match enc.fill(&mut buf) {
                Ok(0) => break enc.is_done(),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(EncodeError::BufferTooSmall { .. }) => break false,
                Err(e) => panic!("{e}"),
            }
            state = enc.state();
            at = enc.source().at;
        };
        if ok {
            assert_eq!(out, expected, "buffer of {size} bytes");
            checked += 1;
        }
    }
    assert!(checked > expected.len() / 2, "{checked} sizes streamed");
}
