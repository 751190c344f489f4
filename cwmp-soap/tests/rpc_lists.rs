//! Decoded lists: resuming from a saved `Copy` position, and never losing
//! entries silently.

mod rpc_common;

use cwmp_soap::decode::DecodeOptions;
use cwmp_soap::list::ListPos;
use cwmp_soap::rpc::GetParameterValues;
use cwmp_soap::{Body, Envelope, List, Rpc, Text};
use proptest::prelude::*;

fn gpv_doc(names: &[String]) -> String {
    let items: String = names.iter().map(|n| format!("<string>{n}</string>")).collect();
    format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0"><s:Header><c:ID s:mustUnderstand="1">1</c:ID></s:Header><s:Body><c:GetParameterValues><ParameterNames s:arrayType="xsd:string[{}]">{items}</ParameterNames></c:GetParameterValues></s:Body></s:Envelope>"#,
        names.len()
    )
}

fn names_of<'a>(env: &Envelope<'a>) -> List<'a, Text<'a>> {
    let Body::Rpc(Rpc::GetParameterValues(GetParameterValues { parameter_names })) = env.body else {
        panic!("{:?}", env.body)
    };
    parameter_names
}

/// Reads `list` in pieces of the given sizes, keeping only a [`ListPos`]
/// between pieces.
fn in_pieces<'a>(list: &List<'a, Text<'a>>, pieces: &[usize]) -> Vec<String> {
    let mut pos = ListPos::START;
    let mut out = Vec::new();
    for &n in pieces.iter().chain(std::iter::once(&usize::MAX)) {
        let mut it = list.iter_from(pos);
        for t in it.by_ref().take(n) {
            out.push(t.to_string());
        }
        pos = it.position();
        assert_eq!(pos.index(), out.len(), "the position counts the entries read");
    }
    out
}

proptest! {
    #[test]
    fn iterating_in_pieces_from_saved_positions_equals_iterating_at_once(
        names in proptest::collection::vec("[A-Za-z0-9.]{0,12}(&amp;|&lt;|<!-- c -->)?[a-z]{0,3}", 0..40),
        pieces in proptest::collection::vec(0usize..7, 0..20),
    ) {
        let doc = gpv_doc(&names);
        let env = Envelope::decode(doc.as_bytes()).unwrap();
        let list = names_of(&env);
        let at_once: Vec<String> = list.iter().map(|t| t.to_string()).collect();
        prop_assert_eq!(at_once.len(), names.len());
        prop_assert_eq!(in_pieces(&list, &pieces), at_once.clone());
        // The same for the caller-slice form of the list.
        let texts: Vec<Text<'_>> = at_once.iter().map(|s| Text::plain(s)).collect();
        prop_assert_eq!(in_pieces(&List::from(&texts[..]), &pieces), at_once);
    }
}

#[test]
fn a_position_past_the_end_or_from_elsewhere_reads_nothing_or_a_suffix() {
    let names: Vec<String> = (0..3).map(|i| format!("Device.{i}.")).collect();
    let doc = gpv_doc(&names);
    let env = Envelope::decode(doc.as_bytes()).unwrap();
    let list = names_of(&env);
    let mut it = list.iter();
    it.by_ref().for_each(drop);
    assert_eq!(list.iter_from(it.position()).count(), 0);
    let texts = [Text::plain("a")];
    let mut it = List::from(&texts).iter();
    it.next();
    // A slice position past the end of a shorter list.
    let short: List<'_, Text<'_>> = List::from(&texts[..0]);
    assert_eq!(short.iter_from(it.position()).count(), 0);
}

/// Every SOAP array in `doc`: (start of its content, start of its end tag,
/// the element name of its first entry, if any).
fn arrays(doc: &str) -> Vec<(usize, usize, Option<String>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = doc[from..].find("arrayType=\"") {
        let at = from + i;
        let open = doc[..at].rfind('<').unwrap();
        let name = doc[open + 1..].split([' ', '>']).next().unwrap().to_string();
        let content = at + doc[at..].find('>').unwrap() + 1;
        let end = content + doc[content..].find(&format!("</{name}>")).unwrap();
        let first = doc[content..end].strip_prefix('<').map(|r| r.split([' ', '>', '/']).next().unwrap().to_string());
        out.push((content, end, first));
        from = content;
    }
    out
}

/// An element that is not an entry: an unknown one, or the first member of
/// the entries' struct written directly in the array.
fn intruders(doc: &str, first: &Option<String>, content: usize) -> Vec<String> {
    let mut v = vec!["<Bogus>x</Bogus>".to_string(), "<Bogus/>".to_string()];
    if let Some(item) = first {
        let inner = content + item.len() + 2;
        if let Some(r) = doc[inner..].strip_prefix('<') {
            let member = r.split(['>', ' ', '/']).next().unwrap();
            v.push(format!("<{member}>1</{member}>"));
        }
        v.push(format!("<item>{}</item>", "x"));
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn no_array_with_a_child_that_is_not_an_entry_decodes_to_success(
        sample in any::<prop::sample::Index>(),
        array in any::<prop::sample::Index>(),
        intruder in any::<prop::sample::Index>(),
        at_end in any::<bool>(),
        strict in any::<bool>(),
    ) {
        let envs = rpc_common::sample_envelopes();
        let env = envs[sample.index(envs.len())];
        let mut buf = vec![0u8; 1 << 16];
        let n = env.encode(&mut buf).unwrap();
        let doc = std::str::from_utf8(&buf[..n]).unwrap().to_string();
        let found = arrays(&doc);
        prop_assume!(!found.is_empty());
        let (content, end, first) = &found[array.index(found.len())];
        let options = intruders(&doc, first, *content);
        let bad = &options[intruder.index(options.len())];
        let at = if at_end { *end } else { *content };
        let wire = format!("{}{}{}", &doc[..at], bad, &doc[at..]);
        let opts = if strict { DecodeOptions::STRICT } else { DecodeOptions::TOLERANT };
        match Envelope::decode_with(wire.as_bytes(), None, &opts) {
            Err(e) => prop_assert!(e.offset <= at + bad.len(), "{e} at {at}"),
            // Tolerant mode: the method is known, its arguments were refused
            // (or, in an array without entries, a member of the entries'
            // struct was read as the one entry it is).
            Ok(back) => prop_assert!(
                matches!(back.body, Body::Rpc(Rpc::Invalid(_))) || (first.is_none() && !bad.starts_with("<Bogus") && !bad.starts_with("<item")),
                "{} decoded as {:?}", wire, back.body
            ),
        }
    }
}

/// A GetAllQueuedTransfersResponse as deployed CPE software sends it: the
/// struct members directly under TransferList, no arrayType, `True`.
const UNWRAPPED_ALL: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Header><cwmp:ID soap:mustUnderstand="1">q1</cwmp:ID></soap:Header><soap:Body><cwmp:GetAllQueuedTransfersResponse><TransferList><CommandKey>k1</CommandKey><State>2</State><IsDownload>True</IsDownload><FileType>1 Firmware Upgrade Image</FileType><FileSize>100</FileSize><TargetFileName>fw.bin</TargetFileName><CommandKey>k2</CommandKey><State>1</State><IsDownload>True</IsDownload><FileType>3 Vendor Configuration File</FileType><FileSize>0</FileSize><TargetFileName/></TransferList></cwmp:GetAllQueuedTransfersResponse></soap:Body></soap:Envelope>"#;

#[test]
fn unwrapped_transfer_lists_are_read_entry_by_entry_or_reported_where_they_start() {
    use cwmp_soap::quirk::{Quirk, Quirks};
    use cwmp_soap::rpc::{GetAllQueuedTransfersResponse, GetQueuedTransfersResponse};
    let queued = UNWRAPPED_ALL
        .replace("GetAllQueuedTransfersResponse", "GetQueuedTransfersResponse")
        .replace("<IsDownload>True</IsDownload>", "")
        .replace("<FileType>1 Firmware Upgrade Image</FileType><FileSize>100</FileSize><TargetFileName>fw.bin</TargetFileName>", "")
        .replace("<FileType>3 Vendor Configuration File</FileType><FileSize>0</FileSize><TargetFileName/>", "");
    // Tolerant: both entries, with the values sent.
    let env = Envelope::decode(UNWRAPPED_ALL.as_bytes()).unwrap();
    let Body::Rpc(Rpc::GetAllQueuedTransfersResponse(GetAllQueuedTransfersResponse { transfer_list })) = env.body
    else {
        panic!("{:?}", env.body)
    };
    assert_eq!(transfer_list.len(), 2);
    let all: Vec<_> = transfer_list.iter().collect();
    assert_eq!(all[0].command_key, "k1");
    assert_eq!(all[0].state, 2);
    assert!(all[0].is_download);
    assert_eq!(all[0].file_size, 100);
    assert_eq!(all[0].target_file_name, "fw.bin");
    assert_eq!(all[1].command_key, "k2");
    assert_eq!(all[1].state, 1);
    assert_eq!(all[1].file_type, "3 Vendor Configuration File");
    let env = Envelope::decode(queued.as_bytes()).unwrap();
    let Body::Rpc(Rpc::GetQueuedTransfersResponse(GetQueuedTransfersResponse { transfer_list })) = env.body else {
        panic!("{:?}", env.body)
    };
    let keys: Vec<String> = transfer_list.iter().map(|t| t.command_key.to_string()).collect();
    assert_eq!(keys, ["k1", "k2"]);
    assert_eq!(transfer_list.iter_from(transfer_list.iter().position()).count(), 2, "resumes like any list");

    for wire in [UNWRAPPED_ALL.to_string(), queued] {
        let first = wire.find("<CommandKey>").unwrap();
        // Without the quirk: an error at the first member, saying what it is.
        let opts = DecodeOptions {
            quirks: Quirks::ALL.without(Quirk::UnwrappedEntries).without(Quirk::InvalidArguments),
            ..DecodeOptions::default()
        };
        let e = Envelope::decode_with(wire.as_bytes(), None, &opts).unwrap_err();
        assert_eq!(e.offset, first);
        assert_eq!(
            e.kind,
            cwmp_soap::DecodeErrorKind::Unexpected {
                field: "TransferList",
                what: "struct members directly in the array, without their entry element"
            }
        );
        // Strict: an error, at the same place.
        let e = Envelope::decode_with(wire.as_bytes(), None, &DecodeOptions::STRICT).unwrap_err();
        assert_eq!(e.offset, first);
    }
    // `True` is read only as a quirk.
    let opts = DecodeOptions {
        quirks: Quirks::ALL.without(Quirk::BooleanCase).without(Quirk::InvalidArguments),
        ..DecodeOptions::default()
    };
    let e = Envelope::decode_with(UNWRAPPED_ALL.as_bytes(), None, &opts).unwrap_err();
    assert!(matches!(e.kind, cwmp_soap::DecodeErrorKind::Quirk { field: "IsDownload", quirk: Quirk::BooleanCase }));
}

#[test]
fn a_child_that_is_no_member_among_unwrapped_members_is_an_error_at_it() {
    let wire = UNWRAPPED_ALL.replace("<State>1</State>", "<Bogus/><State>1</State>");
    let env = Envelope::decode(wire.as_bytes()).unwrap();
    let Body::Rpc(Rpc::Invalid(inv)) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(inv.error.offset, wire.find("<Bogus/>").unwrap());
}
