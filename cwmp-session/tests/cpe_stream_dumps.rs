//! Whole-tree GetParameterValuesResponses of the real device dumps
//! (`devicemodels/genieacs-sim/*.csv`) streamed from the engine through the
//! resumable encoder: directly into a 512-byte buffer keeping only `Copy`
//! state between fills, and through the CPE session into 2 KiB HTTP chunks.
//! The output is decoded back and compared with the dump's rows.

mod common;

use std::collections::BTreeMap;

use common::{Cpe, NO_CONTENT, acs_message, events, inform_response, parse_request, transmit};
use cwmp_core::{CwmpVersion, Instant};
use cwmp_model::engine::{Engine, ParamCursor, UnknownNames};
use cwmp_model::loader::{Storage, load_genieacs_csv, records};
use cwmp_model::memory::MemoryNode;
use cwmp_model::schema::{Schema, tr098, tr181};
use cwmp_session::cpe::session::source::{Reader, ValuesSource};
use cwmp_session::cpe::session::{Config, Session};
use cwmp_soap::resumable::{Resumable, ResumeState};
use cwmp_soap::rpc::{GetParameterValues, GetParameterValuesResponse};
use cwmp_soap::{Body, Envelope, Header, List, Rpc, Text};
use cwmp_testkit::alloc::assert_no_alloc;

const DUMPS: &[&str] = &[
    "huawei-BM632w-igd.csv",
    "huawei-EG8145V5-igd.csv",
    "nokia-G-1425G-A-igd.csv",
    "realtek-W5-2100G.csv",
    "tplink-EC220-G5-v3.csv",
    "tplink-EX220.csv",
    "zte-ZXHN-H199A-igd.csv",
];

struct Dump {
    text: String,
    /// Parameter name → the value a GetParameterValues must return.
    want: BTreeMap<String, String>,
    schema: &'static Schema,
}

fn dump(file: &str) -> Dump {
    let text = String::from_utf8(cwmp_testkit::corpus::read(&format!("devicemodels/genieacs-sim/{file}"))).unwrap();
    let mut recs = records(&text).map(|r| r.unwrap().1);
    let header = recs.next().unwrap();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (cn, co, cv) = (col("Parameter"), col("Object"), col("Value"));
    let rows: Vec<(String, bool, String)> = recs
        .filter(|f| matches!(f[cn].split('.').next(), Some("Device" | "InternetGatewayDevice")))
        .map(|f| (f[cn].clone(), f[co] == "true", f[cv].clone()))
        .collect();
    let schema = if rows[0].0.starts_with("Device") { &tr181::SCHEMA } else { &tr098::SCHEMA };
    let want = rows
        .into_iter()
        .filter(|(_, object, _)| !object)
        .map(|(n, _, v)| {
            // hidden / secured parameters read as the empty string.
            let secret = schema.parameter(&n).is_some_and(|p| p.reads_empty());
            (n, if secret { String::new() } else { v })
        })
        .collect();
    Dump { text, want, schema }
}

fn decoded_values(body: &[u8]) -> (usize, BTreeMap<String, String>) {
    let env = Envelope::decode(body).unwrap();
    let Body::Rpc(Rpc::GetParameterValuesResponse(r)) = env.body else { panic!("{:?}", env.body) };
    let list: Vec<(String, String)> =
        r.parameter_list.iter().map(|p| (p.name.to_string(), p.value.text.to_string())).collect();
    (list.len(), list.into_iter().collect())
}

#[test]
fn stream_whole_tree_gpv_of_each_dump_through_512_bytes_with_copy_state_and_no_allocation() {
    for file in DUMPS {
        let d = dump(file);
        let mut st = Storage::for_text(&d.text);
        let mut m = st.model();
        load_genieacs_csv(&d.text, &mut m).unwrap();
        let engine: Engine<'_, 64> = Engine::new(d.schema).with_unknown_names(UnknownNames::Serve);
        let names = [""];
        let mut out: Vec<u8> = Vec::with_capacity(d.text.len() * 4 + 4096);
        let mut scratch = vec![0u8; 64 * 1024];
        // Entries are indivisible: one whose value alone exceeds 512 bytes
        // (DeviceLog: 32 KiB on the EG8145V5) is written into a buffer of
        // the size the encoder asks for; every other fill is 512 bytes.
        let mut big = vec![0u8; 64 * 1024];
        let mut oversize = 0usize;
        let reader = Reader { engine: &engine, model: &m };
        let header = Header { id: Some(Text::plain("1")), ..Header::default() };
        let env = || Envelope {
            version: CwmpVersion::V1_2,
            header,
            body: Body::Rpc(Rpc::GetParameterValuesResponse(GetParameterValuesResponse {
                parameter_list: List::Slice(&[]),
            })),
        };
        let fills = assert_no_alloc(|| {
            let mut cursor: ParamCursor<MemoryNode> = engine.get_parameter_values(&m, &names).unwrap();
            let count = cursor.count_entries(&engine, &m, &names).unwrap() as usize;
            // Only these two `Copy` values live between fills.
            let mut state = ResumeState::new(count);
            let mut fills = 0;
            loop {
                let mut small = [0u8; 512];
                let mut enc = Resumable::resume(env(), state, ValuesSource::new(reader, &names, cursor));
                let mut buf = &mut small[..];
                let n = match enc.fill_with(buf, &mut scratch) {
                    Err(cwmp_soap::EncodeError::BufferTooSmall { needed }) => {
                        oversize += 1;
                        buf = &mut big[..needed];
                        enc.fill_with(buf, &mut scratch).unwrap()
                    }
                    r => r.unwrap_or_else(|e| panic!("{file}: {e:?} {:?}", enc.source().failure)),
                };
                state = enc.state();
                cursor = enc.source().cursor;
                assert!(enc.source().failure.is_none());
                if n == 0 {
                    assert!(enc.is_done());
                    break fills;
                }
                assert!(out.len() + n <= out.capacity(), "the sink would grow");
                out.extend_from_slice(&buf[..n]);
                fills += 1;
            }
        });
        let (n, got) = decoded_values(&out);
        assert_eq!(n, d.want.len(), "{file}: one entry per parameter row");
        assert_eq!(got, d.want, "{file}");
        assert!(fills > 10, "{file}: streamed in {fills} fills");
        let long_values = d.want.values().filter(|v| v.len() > 300).count();
        assert!(oversize <= long_values, "{file}: {oversize} oversize pieces for {long_values} long values");
    }
}

#[test]
fn chunked_whole_tree_gpv_of_each_dump_through_the_session_in_2_kib_buffers() {
    for file in DUMPS {
        let d = dump(file);
        let mut st = Storage::for_text(&d.text);
        let mut model = st.model();
        load_genieacs_csv(&d.text, &mut model).unwrap();
        let mut cpe = Cpe::new(model);
        cpe.engine = Engine::new(d.schema).with_unknown_names(UnknownNames::Serve);
        let t = Instant::from_secs;
        let (mut s, _) = Session::<MemoryNode>::new(None, common::ACS_URL, Config::DEFAULT, t(0));
        events(&mut s);
        s.handle_connected(t(0));
        let inform = parse_request(&transmit(&mut s, t(0), &mut cpe, 2048));
        s.handle_input(t(1), &inform_response(&inform));
        assert!(parse_request(&transmit(&mut s, t(1), &mut cpe, 2048)).is_empty_post());
        let names = [Text::plain("")];
        let gpv =
            acs_message("all", Rpc::GetParameterValues(GetParameterValues { parameter_names: List::from(&names) }));
        s.handle_input(t(2), &gpv);
        let wire = transmit(&mut s, t(2), &mut cpe, 2048);
        let req = parse_request(&wire);
        assert_eq!(req.header("Transfer-Encoding"), Some("chunked"), "{file}");
        assert_eq!(req.id(), "all");
        let (n, got) = decoded_values(&req.body);
        assert_eq!(n, d.want.len(), "{file}");
        assert_eq!(got, d.want, "{file}");
        s.handle_input(t(3), NO_CONTENT);
        transmit(&mut s, t(3), &mut cpe, 2048);
        assert!(events(&mut s).iter().any(|e| e.contains("Success")), "{file}");
    }
}
