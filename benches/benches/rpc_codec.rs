//! Typed RPC decode and encode: cwmp-soap against quick-xml serde,
//! serde-xml-rs and the quick-xml `Writer`, measured in the same run on the
//! generated 500-entry GetParameterValuesResponse (~71 KB), and decode
//! against quick-xml serde on real documents: the Thomson ST706
//! GetParameterNamesResponse of the corpus (587 KB) and
//! GetParameterValuesResponses built from the TP-Link EX220 and Huawei
//! EG8145V5 dumps (every parameter with the name, value and type the device
//! reported). Every subject touches every entry's name and value. Prints
//! medians, MB/s, how many times faster ours is, and heap allocations per
//! document.
//!
//! `cargo bench -p cwmp-benches --bench rpc_codec`
//!
//! For callgrind: `RPC_CODEC_ONLY=<subject> RPC_CODEC_N=<n>
//! [RPC_CODEC_DOC=<doc>]` runs one subject n times and exits (subjects:
//! `decode`, `iterate` (the entries of a decoded response read again),
//! `quick-xml-serde`, `serde-xml-rs`, `encode`, `quick-xml-writer`;
//! documents for `decode`, `iterate` and `quick-xml-serde`: `synthetic`
//! (the default), `tplink`, `huawei`, `thomson`); instructions per byte are
//! `(Ir(n=11) - Ir(n=1)) / (10 * bytes)`.

use std::hint::black_box;
use std::io::Cursor;

use cwmp_benches::docs::{gpv_from_dump, gpv_response, thomson_gpn_response};
use cwmp_benches::measure::Table;
use cwmp_core::{CwmpVersion, ParamType};
use cwmp_soap::rpc::GetParameterValuesResponse;
use cwmp_soap::structs::ParameterValueStruct;
use cwmp_soap::{Body, Envelope, Header, List, ParamValue, Rpc, Text};
use cwmp_testkit::alloc::measure;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use serde::Deserialize;

/// quick-xml serde matches local names and reads text as `$text`.
mod serde_model {
    use super::Deserialize;

    #[derive(Deserialize)]
    pub(crate) struct Envelope {
        #[serde(rename = "Body")]
        pub(crate) body: Body,
    }
    #[derive(Deserialize)]
    pub(crate) struct Body {
        #[serde(rename = "GetParameterValuesResponse", default)]
        pub(crate) response: Option<Response>,
        #[serde(rename = "GetParameterNamesResponse", default)]
        pub(crate) names: Option<NamesResponse>,
    }
    #[derive(Deserialize)]
    pub(crate) struct NamesResponse {
        #[serde(rename = "ParameterList")]
        pub(crate) list: InfoList,
    }
    #[derive(Deserialize)]
    pub(crate) struct InfoList {
        #[serde(rename = "ParameterInfoStruct", default)]
        pub(crate) items: Vec<Info>,
    }
    #[derive(Deserialize)]
    pub(crate) struct Info {
        #[serde(rename = "Name")]
        pub(crate) name: String,
        #[serde(rename = "Writable")]
        pub(crate) writable: String,
    }
    #[derive(Deserialize)]
    pub(crate) struct Response {
        #[serde(rename = "ParameterList")]
        pub(crate) list: ParamList,
    }
    #[derive(Deserialize)]
    pub(crate) struct ParamList {
        #[serde(rename = "ParameterValueStruct", default)]
        pub(crate) items: Vec<Pvs>,
    }
    #[derive(Deserialize)]
    pub(crate) struct Pvs {
        #[serde(rename = "Name")]
        pub(crate) name: String,
        #[serde(rename = "Value")]
        pub(crate) value: Value,
    }
    #[derive(Deserialize)]
    pub(crate) struct Value {
        #[serde(rename = "$text", default)]
        pub(crate) text: String,
    }
}

/// serde-xml-rs 0.8 matches names with their prefixes and reads text as `#text`.
mod sxr_model {
    use super::Deserialize;

    #[derive(Deserialize)]
    pub(crate) struct Envelope {
        #[serde(rename = "SOAP-ENV:Body")]
        pub(crate) body: Body,
    }
    #[derive(Deserialize)]
    pub(crate) struct Body {
        #[serde(rename = "cwmp:GetParameterValuesResponse")]
        pub(crate) response: Response,
    }
    #[derive(Deserialize)]
    pub(crate) struct Response {
        #[serde(rename = "ParameterList")]
        pub(crate) list: ParamList,
    }
    #[derive(Deserialize)]
    pub(crate) struct ParamList {
        #[serde(rename = "ParameterValueStruct", default)]
        pub(crate) items: Vec<Pvs>,
    }
    #[derive(Deserialize)]
    pub(crate) struct Pvs {
        #[serde(rename = "Name")]
        pub(crate) name: String,
        #[serde(rename = "Value")]
        pub(crate) value: Value,
    }
    #[derive(Deserialize)]
    pub(crate) struct Value {
        #[serde(rename = "#text", default)]
        pub(crate) text: String,
    }
}

/// Ours: typed decode, then every entry's name and value read (unescaped).
fn ours_decode(doc: &[u8]) -> u64 {
    ours_iterate(&Envelope::decode(doc).expect("decode"))
}

/// Ours, iteration only: every entry of an already decoded response read
/// (what `decode` costs beyond `Envelope::decode`): GPV name and value
/// lengths, GPN name lengths and the writable flags.
fn ours_iterate(env: &Envelope<'_>) -> u64 {
    match &env.body {
        Body::Rpc(Rpc::GetParameterValuesResponse(r)) => {
            r.parameter_list.iter().map(|p| (p.name.byte_len() + p.value.text.byte_len()) as u64).sum()
        }
        Body::Rpc(Rpc::GetParameterNamesResponse(r)) => {
            r.parameter_list.iter().map(|p| p.name.byte_len() as u64 + u64::from(p.writable)).sum()
        }
        other => panic!("not a GPV or GPN response: {other:?}"),
    }
}

fn quick_xml_serde(doc: &[u8]) -> u64 {
    let s = std::str::from_utf8(doc).expect("UTF-8");
    let env: serde_model::Envelope = quick_xml::de::from_str(s).expect("quick-xml serde");
    if let Some(r) = env.body.response {
        return r.list.items.iter().map(|p| (p.name.len() + p.value.text.len()) as u64).sum();
    }
    let r = env.body.names.expect("a GPV or GPN response");
    r.list.items.iter().map(|p| p.name.len() as u64 + u64::from(matches!(p.writable.trim(), "1" | "true"))).sum()
}

fn serde_xml_rs(doc: &[u8]) -> u64 {
    let env: sxr_model::Envelope = serde_xml_rs::from_reader(Cursor::new(doc)).expect("serde-xml-rs");
    env.body.response.list.items.iter().map(|p| (p.name.len() + p.value.text.len()) as u64).sum()
}

/// The decoded entries as owned strings (name, xsi type, value), the input
/// of both encoders. The generated document's `xsd:base64` values are not
/// valid base64 (9 characters); our encoder refuses those, so they are sent
/// as `xsd:string` by both encoders.
fn entries(doc: &[u8]) -> Vec<(String, ParamType, String)> {
    let env = Envelope::decode(doc).expect("decode");
    let Body::Rpc(Rpc::GetParameterValuesResponse(r)) = env.body else { panic!() };
    r.parameter_list
        .iter()
        .map(|p| {
            let text = p.value.text.to_string();
            let ty = match cwmp_core::Value::parse(p.value.param_type(), &text) {
                Ok(_) => p.value.param_type(),
                Err(_) => ParamType::String,
            };
            (p.name.to_string(), ty, text)
        })
        .collect()
}

fn ours_encode(items: &[ParameterValueStruct<'_>], buf: &mut [u8]) -> u64 {
    let env = Envelope {
        version: CwmpVersion::V1_0,
        header: Header { id: Some(Text::Plain("1234567890")), ..Header::default() },
        body: Body::Rpc(Rpc::GetParameterValuesResponse(GetParameterValuesResponse {
            parameter_list: List::Slice(items),
        })),
    };
    env.encode(buf).expect("encode") as u64
}

fn quick_xml_writer(items: &[(String, ParamType, String)], out: &mut Vec<u8>) -> u64 {
    out.clear();
    let mut w = quick_xml::Writer::new(&mut *out);
    let mut env = BytesStart::new("SOAP-ENV:Envelope");
    env.push_attribute(("xmlns:SOAP-ENV", "http://schemas.xmlsoap.org/soap/envelope/"));
    env.push_attribute(("xmlns:SOAP-ENC", "http://schemas.xmlsoap.org/soap/encoding/"));
    env.push_attribute(("xmlns:xsd", "http://www.w3.org/2001/XMLSchema"));
    env.push_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"));
    env.push_attribute(("xmlns:cwmp", "urn:dslforum-org:cwmp-1-0"));
    w.write_event(Event::Start(env)).unwrap();
    w.write_event(Event::Start(BytesStart::new("SOAP-ENV:Header"))).unwrap();
    let mut id = BytesStart::new("cwmp:ID");
    id.push_attribute(("SOAP-ENV:mustUnderstand", "1"));
    w.write_event(Event::Start(id)).unwrap();
    w.write_event(Event::Text(BytesText::new("1234567890"))).unwrap();
    w.write_event(Event::End(BytesEnd::new("cwmp:ID"))).unwrap();
    w.write_event(Event::End(BytesEnd::new("SOAP-ENV:Header"))).unwrap();
    w.write_event(Event::Start(BytesStart::new("SOAP-ENV:Body"))).unwrap();
    w.write_event(Event::Start(BytesStart::new("cwmp:GetParameterValuesResponse"))).unwrap();
    let mut list = BytesStart::new("ParameterList");
    let at = format!("cwmp:ParameterValueStruct[{}]", items.len());
    list.push_attribute(("SOAP-ENC:arrayType", at.as_str()));
    w.write_event(Event::Start(list)).unwrap();
    for (name, ty, value) in items {
        w.write_event(Event::Start(BytesStart::new("ParameterValueStruct"))).unwrap();
        w.write_event(Event::Start(BytesStart::new("Name"))).unwrap();
        w.write_event(Event::Text(BytesText::new(name))).unwrap();
        w.write_event(Event::End(BytesEnd::new("Name"))).unwrap();
        let mut v = BytesStart::new("Value");
        v.push_attribute(("xsi:type", ty.xsi_type()));
        w.write_event(Event::Start(v)).unwrap();
        w.write_event(Event::Text(BytesText::new(value))).unwrap();
        w.write_event(Event::End(BytesEnd::new("Value"))).unwrap();
        w.write_event(Event::End(BytesEnd::new("ParameterValueStruct"))).unwrap();
    }
    w.write_event(Event::End(BytesEnd::new("ParameterList"))).unwrap();
    w.write_event(Event::End(BytesEnd::new("cwmp:GetParameterValuesResponse"))).unwrap();
    w.write_event(Event::End(BytesEnd::new("SOAP-ENV:Body"))).unwrap();
    w.write_event(Event::End(BytesEnd::new("SOAP-ENV:Envelope"))).unwrap();
    out.len() as u64
}

/// The decode documents: (short name, title, document).
fn decode_docs() -> Vec<(&'static str, String, Vec<u8>)> {
    let (tplink, tn) = gpv_from_dump("tplink-EX220.csv");
    let (huawei, hn) = gpv_from_dump("huawei-EG8145V5-igd.csv");
    vec![
        ("synthetic", "GetParameterValuesResponse, 500 generated entries".into(), gpv_response(500).into_bytes()),
        ("tplink", format!("GetParameterValuesResponse, TP-Link EX220 dump, {tn} entries"), tplink.into_bytes()),
        ("huawei", format!("GetParameterValuesResponse, Huawei EG8145V5 dump, {hn} entries"), huawei.into_bytes()),
        ("thomson", "GetParameterNamesResponse, Thomson ST706 (corpus), 3263 entries".into(), thomson_gpn_response()),
    ]
}

fn main() {
    let docs = decode_docs();
    let doc = docs[0].2.as_slice();
    let owned = entries(doc);
    let items: Vec<ParameterValueStruct<'_>> = owned
        .iter()
        .map(|(n, t, v)| ParameterValueStruct { name: Text::plain(n), value: ParamValue::new(*t, Text::plain(v)) })
        .collect();
    let mut buf = vec![0u8; 256 * 1024];
    let mut out = Vec::with_capacity(256 * 1024);

    // Every subject sees the same entries.
    for (short, _, d) in &docs {
        assert_eq!(quick_xml_serde(d), ours_decode(d), "{short}: quick-xml serde read different text");
    }
    assert_eq!(serde_xml_rs(doc), ours_decode(doc), "serde-xml-rs read different text");

    if let Ok(only) = std::env::var("RPC_CODEC_ONLY") {
        let n: usize = std::env::var("RPC_CODEC_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
        let which = std::env::var("RPC_CODEC_DOC").unwrap_or_else(|_| "synthetic".into());
        let doc = docs.iter().find(|d| d.0 == which).unwrap_or_else(|| panic!("unknown document {which}")).2.as_slice();
        let decoded = Envelope::decode(doc).expect("decode");
        let mut total = 0u64;
        for _ in 0..n {
            total = total.wrapping_add(match only.as_str() {
                "decode" => ours_decode(black_box(doc)),
                "iterate" => ours_iterate(black_box(&decoded)),
                "quick-xml-serde" => quick_xml_serde(black_box(doc)),
                "serde-xml-rs" => serde_xml_rs(black_box(doc)),
                "encode" => ours_encode(black_box(&items), &mut buf),
                "quick-xml-writer" => quick_xml_writer(black_box(&owned), &mut out),
                other => panic!("unknown subject {other}"),
            });
        }
        println!("{} bytes, check {total}", doc.len());
        return;
    }

    let samples = if cfg!(debug_assertions) { 3 } else { 31 };
    for (i, (_, title, d)) in docs.iter().enumerate() {
        let mut t = Table::new(format!("typed decode: {title}, every name and value read"), d.len(), samples);
        t.run("cwmp-soap Envelope::decode + iterate", || ours_decode(d));
        t.run("quick-xml serde (from_str)", || quick_xml_serde(d));
        if i == 0 {
            t.run("serde-xml-rs (from_reader)", || serde_xml_rs(d));
        }
        t.print();
        println!("heap allocations per document");
        let mut subjects = vec![("cwmp-soap", ours_decode as fn(&[u8]) -> u64), ("quick-xml serde", quick_xml_serde)];
        if i == 0 {
            subjects.push(("serde-xml-rs", serde_xml_rs));
        }
        for (name, f) in subjects {
            let (_, s) = measure(|| f(d));
            println!("  {name:<40} {:>10}", s.allocations);
        }
    }

    let n = ours_encode(&items, &mut buf) as usize;
    let mut t = Table::new("encode: GetParameterValuesResponse, 500 entries", n, samples);
    t.run("cwmp-soap Envelope::encode (caller buffer)", || ours_encode(&items, &mut buf));
    t.run("quick-xml Writer (reused Vec)", || quick_xml_writer(&owned, &mut out));
    t.print();
    let (_, s) = measure(|| ours_encode(&items, &mut buf));
    let (_, q) = measure(|| quick_xml_writer(&owned, &mut out));
    println!(
        "heap allocations per document\n  {:<40} {:>10}\n  {:<40} {:>10}",
        "cwmp-soap", s.allocations, "quick-xml Writer", q.allocations
    );
}
