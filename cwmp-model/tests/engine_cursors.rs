//! The read cursors as plain data: `size_of` pinned, counting for the
//! `arrayType` and what happens when the model changes in between; and the
//! write RPCs reading text that arrives still escaped, piece by piece, with
//! no per-entry storage. (Whole real device dumps streamed with only `Copy`
//! cursor state: `engine_dumps.rs`.)

mod common;

use std::ops::ControlFlow;

use cwmp_core::text::TextSource;
use cwmp_core::{FaultCode, ParamType};
use cwmp_model::attributes::{AttributeStore, NAME_BYTES_PER_ENTRY};
use cwmp_model::datamodel::{DataModel, NodeKind};
use cwmp_model::engine::{
    Engine, EntryName, NamesCursor, ParamCursor, Reason, SessionState, SetAttribute, SetValue, SpvFault, WALK_DEPTH,
};
use cwmp_model::loader::Storage;
use cwmp_model::memory::MemoryNode;
use cwmp_model::notify::PendingCursor;
use cwmp_model::path::Path;
use cwmp_model::schema::check::CheckKind;
use cwmp_model::schema::{tr098, tr181};
use cwmp_testkit::alloc::assert_no_alloc;

/// XML-escaped text read the way a decoder hands it out: the unescaped
/// characters come in pieces split at every entity reference.
#[derive(Debug, Clone, Copy)]
struct Escaped<'a>(&'a str);

impl TextSource for Escaped<'_> {
    fn for_each_piece(&self, f: &mut dyn FnMut(&str) -> ControlFlow<()>) -> ControlFlow<()> {
        let mut rest = self.0;
        while let Some(at) = rest.find('&') {
            f(&rest[..at])?;
            let end = rest[at..].find(';').map_or(rest.len(), |e| at + e + 1);
            let piece = match &rest[at..end] {
                "&amp;" => "&",
                "&lt;" => "<",
                "&gt;" => ">",
                "&quot;" => "\"",
                "&apos;" => "'",
                other => other,
            };
            f(piece)?;
            rest = &rest[end..];
        }
        f(rest)
    }
}

#[test]
fn cursor_and_state_sizes_are_pinned() {
    // A few hundred bytes whatever the pointer width: the walk keeps a
    // stack of WALK_DEPTH frames and nothing else.
    assert!(size_of::<ParamCursor<MemoryNode>>() <= 464);
    assert!(size_of::<NamesCursor<MemoryNode>>() <= 448);
    assert!(size_of::<PendingCursor<MemoryNode>>() <= 464);
    #[cfg(target_pointer_width = "64")]
    {
        assert_eq!(size_of::<ParamCursor<MemoryNode>>(), 392);
        assert_eq!(size_of::<NamesCursor<MemoryNode>>(), 376);
        assert_eq!(size_of::<PendingCursor<MemoryNode>>(), 392);
        // What a CPE keeps for its lifetime: per attribute entry, a 32-byte
        // record (name position, flags, attribute, id, 18-byte watch) and
        // NAME_BYTES_PER_ENTRY bytes of exact name.
        let per_entry = 32 + NAME_BYTES_PER_ENTRY;
        assert_eq!(size_of::<AttributeStore<64>>(), 8 + per_entry * 64 + 16);
        assert_eq!(size_of::<Engine<'static, 64>>(), size_of::<AttributeStore<64>>() + 16);
        // What lives for one session only: an entry id per ACS write.
        assert_eq!(size_of::<SessionState>(), 8 + 4 * cwmp_model::engine::SESSION_SET_CAPACITY);
    }
}

#[test]
fn walk_depth_covers_every_object_of_both_schemas() {
    for schema in [&tr181::SCHEMA, &tr098::SCHEMA] {
        let deepest = schema.objects().map(|o| o.depth()).max().unwrap();
        assert!(deepest <= WALK_DEPTH, "{}: {deepest}", schema.root);
    }
}

#[test]
fn a_counted_cursor_never_disagrees_with_its_count() {
    let mut st = Storage::new(64, 4096, 16);
    let mut m = common::small_model(&mut st);
    let mut e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
    let mut session = SessionState::new();
    let names = ["Device.IP.Interface."];
    // An instance added after counting: the counted entries, then ModelChanged.
    let mut c = e.get_parameter_values(&m, &names).unwrap();
    assert_eq!(c.count_entries(&e, &m, &names).unwrap(), 4);
    e.add_object(&mut m, &mut session, "Device.IP.Interface.", "").unwrap();
    let (mut n, mut v) = (EntryName::new(), [0u8; 64]);
    let mut results = Vec::new();
    while let Some(r) = c.next_entry(&e, &m, &names, &mut n, &mut v) {
        results.push(r.map(|_| n.to_string()));
    }
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 4);
    let last = results.last().unwrap().clone().unwrap_err();
    assert_eq!((last.reason, last.code), (Reason::ModelChanged { counted: 4 }, FaultCode::INTERNAL_ERROR));
    // Uncounted, the same cursor shape sees the new instance's entries too.
    let mut c = e.get_parameter_values(&m, &names).unwrap();
    let mut all = 0;
    while let Some(r) = c.next_entry(&e, &m, &names, &mut n, &mut v) {
        r.unwrap();
        all += 1;
    }
    assert!(all > 4);
    // An instance deleted after counting: ModelChanged where entries run out.
    let mut c = e.get_parameter_values(&m, &names).unwrap();
    let counted = c.count_entries(&e, &m, &names).unwrap();
    e.delete_object(&mut m, &mut session, "Device.IP.Interface.[cpe-lan].", "").unwrap();
    let mut ok = 0u32;
    let mut errors = Vec::new();
    while let Some(r) = c.next_entry(&e, &m, &names, &mut n, &mut v) {
        match r {
            Ok(_) => ok += 1,
            Err(err) => errors.push(err.reason),
        }
    }
    assert!(ok < counted);
    assert_eq!(errors, [Reason::ModelChanged { counted }]);
}

#[test]
fn pending_cursor_counts_and_is_plain_data() {
    let mut st = Storage::new(64, 4096, 16);
    let mut m = common::small_model(&mut st);
    let mut e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
    let watch = SetAttribute { name: "Device.IP.Interface.", notification: Some(1), access_list: None };
    e.set_parameter_attributes(&m, [watch]).unwrap();
    let session = SessionState::new();
    let node = m.lookup(&Path::parse("Device.IP.Interface.2.Enable").unwrap()).unwrap();
    m.begin().unwrap();
    m.set(node, "true").unwrap();
    m.commit().unwrap();
    assert_eq!(e.scan_value_changes(&m, &session, &mut [0u8; 64]).changed, 1);
    let mut c = e.pending(&m).unwrap();
    assert_eq!(assert_no_alloc(|| c.count_entries(&e, &m)).unwrap(), 1);
    let saved = c;
    let (mut n, mut v) = (EntryName::new(), [0u8; 64]);
    let info = c.next_entry(&e, &m, &mut n, &mut v).unwrap().unwrap();
    assert_eq!((n.as_str(), &v[..info.len]), ("Device.IP.Interface.2.Enable", &b"true"[..]));
    assert!(c.next_entry(&e, &m, &mut n, &mut v).is_none());
    let mut again = saved;
    assert!(again.next_entry(&e, &m, &mut EntryName::new(), &mut v).unwrap().is_ok());
}

#[test]
fn escaped_spv_is_applied_piece_by_piece_with_one_scratch_buffer() {
    let mut st = Storage::new(64, 4096, 16);
    let mut m = common::small_model(&mut st);
    let mut e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
    let mut session = SessionState::new();
    let list = [
        SetValue {
            name: Escaped("Device.ManagementServer.URL"),
            value: Escaped("http://acs.example/?a=1&amp;b=&lt;2&gt;"),
            ty: Some(ParamType::String),
        },
        SetValue { name: Escaped("Device.IP.Interface.[cpe&#45;wan].Enable"), value: Escaped("true"), ty: None },
        SetValue {
            name: Escaped("Device.DeviceInfo.X_ACME_Note"),
            value: Escaped("&quot;Tom &amp; Jerry&apos;s&quot;"),
            ty: None,
        },
    ];
    // `&#45;` is not one this test source unescapes: the alias reads
    // `cpe&#45;wan`, which names nothing (9005) and nothing is applied.
    let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
    let mut scratch = [0u8; 48];
    let err = e.set_parameter_values(&mut m, &mut session, list, Escaped("k&amp;1"), &mut faults, &mut scratch);
    assert_eq!(err.unwrap_err().reason, Reason::InvalidParameters(1));
    assert_eq!((faults[0].index, faults[0].code), (1, FaultCode::INVALID_PARAMETER_NAME));
    assert_eq!(common::model_value(&m, "Device.ManagementServer.URL"), "http://acs/");
    let mut list = list;
    list[1].name = Escaped("Device.IP.Interface.[cpe-wan].Enable");
    let applied = assert_no_alloc(|| {
        e.set_parameter_values(&mut m, &mut session, list, Escaped("k&amp;1"), &mut faults, &mut scratch)
    });
    assert_eq!(applied.unwrap().status(), 0);
    assert_eq!(common::model_value(&m, "Device.ManagementServer.URL"), "http://acs.example/?a=1&b=<2>");
    assert_eq!(common::model_value(&m, "Device.IP.Interface.2.Enable"), "true");
    assert_eq!(common::model_value(&m, "Device.DeviceInfo.X_ACME_Note"), "\"Tom & Jerry's\"");
    assert_eq!(common::model_value(&m, "Device.ManagementServer.ParameterKey"), "k&1");
}

#[test]
fn values_longer_than_the_scratch_buffer_are_refused_never_cut() {
    let mut st = Storage::new(64, 8192, 16);
    let mut m = common::small_model(&mut st);
    let mut e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
    let mut session = SessionState::new();
    let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
    let user = tr181::SCHEMA.parameter("Device.ManagementServer.ConnectionRequestUsername").unwrap();
    let max = user.syntax.sizes.iter().filter_map(|s| s.max).max().unwrap() as usize;
    let mut scratch = [0u8; 16];
    // Longer than the parameter allows: 9007 with the length, not stored.
    let long = "u&amp;".repeat(max);
    let sv = SetValue {
        name: Escaped("Device.ManagementServer.ConnectionRequestUsername"),
        value: Escaped(&long),
        ty: None,
    };
    e.set_parameter_values(&mut m, &mut session, [sv], "", &mut faults, &mut scratch).unwrap_err();
    assert_eq!(faults[0].code, FaultCode::INVALID_PARAMETER_VALUE);
    assert_eq!(
        faults[0].reason,
        Reason::Check(cwmp_model::schema::CheckError { kind: CheckKind::Length(2 * max), item: None })
    );
    // Within the parameter's size but beyond the scratch buffer: 9004.
    let fits = "v&amp;".repeat(10);
    let sv = SetValue {
        name: Escaped("Device.ManagementServer.ConnectionRequestUsername"),
        value: Escaped(&fits),
        ty: None,
    };
    let err = e.set_parameter_values(&mut m, &mut session, [sv], "", &mut faults, &mut scratch).unwrap_err();
    assert_eq!((err.code, err.reason, err.index), (FaultCode::RESOURCES_EXCEEDED, Reason::ValueTooLong(20), Some(0)));
    assert!(faults.is_empty());
    assert_eq!(common::model_value(&m, "Device.ManagementServer.ConnectionRequestUsername"), "u");
    // With room, the same value is applied whole.
    let mut big = [0u8; 64];
    e.set_parameter_values(&mut m, &mut session, [sv], "", &mut faults, &mut big).unwrap();
    assert_eq!(common::model_value(&m, "Device.ManagementServer.ConnectionRequestUsername"), "v&".repeat(10));
    // A contiguous &str needs no scratch at all.
    let plain =
        SetValue { name: "Device.ManagementServer.ConnectionRequestUsername", value: "a-longer-plain-name", ty: None };
    e.set_parameter_values(&mut m, &mut session, [plain], "", &mut faults, &mut []).unwrap();
}

/// SECURITY.md, CVE-2025-9961 row: a value of limit + 1 bytes is a fault and
/// the model is unchanged; a value of exactly the limit is applied. Both
/// limits: the caller's scratch buffer (9004) and the parameter's size (9007).
#[test]
fn spv_value_of_limit_plus_one_bytes_faults_and_changes_nothing() {
    let mut st = Storage::new(64, 8192, 16);
    let mut m = common::small_model(&mut st);
    let mut e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
    let mut session = SessionState::new();
    let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
    let name = "Device.ManagementServer.ConnectionRequestUsername";
    let max = tr181::SCHEMA.parameter(name).unwrap().syntax.sizes.iter().filter_map(|s| s.max).max().unwrap() as usize;
    // Escaped text (one `&amp;` at the end), so it goes through the scratch buffer.
    let text = |n: usize| format!("{}&amp;", "a".repeat(n - 1));
    // (scratch bytes, value bytes, fault): the scratch limit answers 9004
    // for the request, the parameter's size 9007 for the entry.
    let cases = [(100, 100, None), (100, 101, Some(9004)), (4 * max, max, None), (4 * max, max + 1, Some(9007))];
    for (scratch_len, len, fault) in cases {
        let mut scratch = vec![0u8; scratch_len];
        let value = text(len);
        let sv = SetValue { name: Escaped(name), value: Escaped(&value), ty: None };
        let before = common::model_value(&m, name);
        let r = e.set_parameter_values(&mut m, &mut session, [sv], "", &mut faults, &mut scratch);
        match fault {
            None => {
                r.unwrap();
                assert_eq!(common::model_value(&m, name).len(), len);
            }
            Some(code) => {
                let err = r.unwrap_err();
                let got = faults.first().map_or(err.code, |f| f.code);
                assert_eq!(got.code(), code, "{scratch_len} {len}");
                assert_eq!(common::model_value(&m, name), before);
            }
        }
    }
}

#[test]
fn spv_duplicates_are_found_by_resolved_instance() {
    let mut st = Storage::new(64, 4096, 16);
    let mut m = common::small_model(&mut st);
    let mut e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
    let mut session = SessionState::new();
    let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
    let by_number = SetValue { name: "Device.IP.Interface.2.Enable", value: "true", ty: None };
    let by_alias = SetValue { name: "Device.IP.Interface.[cpe-wan].Enable", value: "false", ty: None };
    let other = SetValue { name: "Device.IP.Interface.[cpe-lan].Enable", value: "false", ty: None };
    let err = e
        .set_parameter_values(&mut m, &mut session, [other, by_number, by_alias], "", &mut faults, &mut [])
        .unwrap_err();
    assert_eq!((err.code, err.reason, err.index), (FaultCode::INVALID_ARGUMENTS, Reason::DuplicateName, Some(2)));
    assert_eq!(common::model_value(&m, "Device.IP.Interface.1.Enable"), "true", "nothing applied");
    // Two instances' Enable are different parameters.
    e.set_parameter_values(&mut m, &mut session, [other, by_alias], "", &mut faults, &mut []).unwrap();
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Against a naive reference: a request has a duplicate exactly when two
    /// entries name one parameter (by number or alias), and the index the
    /// engine reports is one whose parameter an earlier entry named; the
    /// 64-entry table and its passes change nothing.
    #[test]
    fn duplicate_check_agrees_with_a_naive_reference(
        picks in proptest::collection::vec((0usize..150, proptest::bool::ANY), 1..200),
    ) {
        let mut st = Storage::new(512, 32 * 1024, 256);
        let mut m = common::small_model(&mut st);
        for k in 0..148 {
            m.insert(&format!("Device.DeviceInfo.X_ACME_P{k}"), NodeKind::Parameter, true, ParamType::String, "")
                .unwrap();
        }
        // Parameter k < 148 is a vendor string; 148 and 149 are the two
        // interfaces' Enable, named by number or by alias.
        let names: Vec<(String, usize)> = picks
            .iter()
            .map(|&(k, alias)| match (k, alias) {
                (148, false) => ("Device.IP.Interface.1.Enable".to_string(), k),
                (148, true) => ("Device.IP.Interface.[cpe-lan].Enable".to_string(), k),
                (149, false) => ("Device.IP.Interface.2.Enable".to_string(), k),
                (149, true) => ("Device.IP.Interface.[cpe-wan].Enable".to_string(), k),
                _ => (format!("Device.DeviceInfo.X_ACME_P{k}"), k),
            })
            .collect();
        let list: Vec<SetValue<&str>> = names
            .iter()
            .map(|(n, k)| SetValue { name: n.as_str(), value: if *k >= 148 { "true" } else { "v" }, ty: None })
            .collect();
        let mut e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
        let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
        let r = e.set_parameter_values(&mut m, &mut SessionState::new(), list.iter().copied(), "", &mut faults, &mut []);
        let has_dup = (0..names.len()).any(|i| (0..i).any(|j| names[j].1 == names[i].1));
        match r {
            Err(err) if err.reason == Reason::DuplicateName => {
                proptest::prop_assert!(has_dup);
                let i = err.index.unwrap();
                proptest::prop_assert!((0..i).any(|j| names[j].1 == names[i].1), "{i}");
            }
            other => {
                proptest::prop_assert!(!has_dup, "{other:?}");
                proptest::prop_assert!(other.is_ok(), "{other:?}");
            }
        }
    }
}

/// The walk appends a node's last segment to the name its buffer already
/// holds, also after leaving a nested object (the parent's name is still
/// the leading part). A copy of the cursor from before any step, re-run
/// with a buffer last written by a later step, by another cursor or a fresh
/// one, writes the same name as the step did, and every name equals the
/// model's own.
#[test]
fn rewound_cursor_copies_write_the_same_names_across_object_exits() {
    let mut st = Storage::new(64, 4096, 16);
    let m = common::small_model(&mut st);
    let e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
    let mut c = e.get_parameter_names(&m, "Device.", false).unwrap();
    let mut name = EntryName::new();
    let mut steps = Vec::new();
    loop {
        let before = c;
        let Some(r) = c.next_entry(&e, &m, &mut name) else { break };
        r.unwrap();
        steps.push((before, name.to_string()));
    }
    let names: Vec<&str> = steps.iter().map(|(_, n)| n.as_str()).collect();
    // The walk leaves objects: a name whose parent object is an ancestor
    // of the previous name's parent.
    let parent = |n: &str| n.trim_end_matches('.').rsplit_once('.').map_or("", |(p, _)| p).len();
    assert!(names.windows(2).any(|w| parent(w[1]) < parent(w[0])));
    for n in &names {
        let node = m.lookup(&Path::parse(n).unwrap()).unwrap();
        let mut whole = cwmp_model::datamodel::NameBuf::new();
        m.write_name(node, &mut whole).unwrap();
        assert_eq!(whole.as_str(), *n);
    }
    for (i, (before, expected)) in steps.iter().enumerate() {
        for later in [steps.len() - 1, (i + 3).min(steps.len() - 1)] {
            // `name` as a later step of the same walk left it.
            let (mut replay, mut held) = (steps[later].0, EntryName::new());
            while replay.next_entry(&e, &m, &mut held).is_some_and(|r| r.is_ok()) && held.as_str() != steps[later].1 {}
            let mut copy = *before;
            copy.next_entry(&e, &m, &mut held).unwrap().unwrap();
            assert_eq!(held.as_str(), expected, "step {i} replayed after step {later}");
        }
        let mut copy = *before;
        let mut fresh = EntryName::new();
        copy.next_entry(&e, &m, &mut fresh).unwrap().unwrap();
        assert_eq!(fresh.as_str(), expected);
        // `name` as a cursor over another subtree left it.
        let mut other = e.get_parameter_names(&m, "Device.ManagementServer.", false).unwrap();
        let mut foreign = EntryName::new();
        while other.next_entry(&e, &m, &mut foreign).is_some() {}
        let mut copy = *before;
        copy.next_entry(&e, &m, &mut foreign).unwrap().unwrap();
        assert_eq!(foreign.as_str(), expected, "step {i} replayed after another cursor");
    }
}
