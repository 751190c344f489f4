//! The engine over the real device dumps of the corpus
//! (`devicemodels/genieacs-sim/*.csv`, GenieACS exports of Huawei, Nokia,
//! ZTE, TP-Link and Realtek devices), checked against the CSV rows and the
//! generated TR-181 / TR-098 schema, never against the engine's own output.

use cwmp_core::{FaultCode, ParamType};
use cwmp_model::attributes::{AttributeStore, Notification};
use cwmp_model::datamodel::NodeKind;
use cwmp_model::datamodel::{Applied, DataModel};
use cwmp_model::engine::{
    DUPLICATE_BLOCK, Engine, EntryName, ParamCursor, Reason, RpcError, SessionState, SetAttribute, SetValue, SpvFault,
    UnknownNames,
};
use cwmp_model::loader::{Storage, load_genieacs_csv, records};
use cwmp_model::memory::{MemoryModel, MemoryNode};
use cwmp_model::path::Path;
use cwmp_model::schema::{ActiveNotify, ObjectAccess, Schema, tr098, tr181};
use cwmp_testkit::alloc::assert_no_alloc;
use std::collections::{BTreeMap, BTreeSet};

const DUMPS: &[&str] = &[
    "huawei-BM632w-igd.csv",
    "huawei-EG8145V5-igd.csv",
    "nokia-G-1425G-A-igd.csv",
    "realtek-W5-2100G.csv",
    "tplink-EC220-G5-v3.csv",
    "tplink-EX220.csv",
    "zte-ZXHN-H199A-igd.csv",
];

/// One data-model row of a dump, read with the CSV reader (RFC 4180).
#[derive(Debug, Clone)]
struct Row {
    name: String,
    object: bool,
    writable: bool,
    value: String,
}

struct Dump {
    text: String,
    rows: Vec<Row>,
    schema: &'static Schema,
}

fn dump(file: &str) -> Dump {
    let text = String::from_utf8(cwmp_testkit::corpus::read(&format!("devicemodels/genieacs-sim/{file}"))).unwrap();
    let mut recs = records(&text).map(|r| r.unwrap().1);
    let header = recs.next().unwrap();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (cn, co, cw, cv) = (col("Parameter"), col("Object"), col("Writable"), col("Value"));
    let rows: Vec<Row> = recs
        .filter(|f| {
            let root = f[cn].split('.').next().unwrap_or("");
            root == "Device" || root == "InternetGatewayDevice"
        })
        .map(|f| Row { name: f[cn].clone(), object: f[co] == "true", writable: f[cw] == "true", value: f[cv].clone() })
        .collect();
    let schema = if rows[0].name.starts_with("Device") { &tr181::SCHEMA } else { &tr098::SCHEMA };
    Dump { text, rows, schema }
}

/// The engine-visible name of a row: objects get their trailing dot.
fn full(r: &Row) -> String {
    if r.object { format!("{}.", r.name) } else { r.name.clone() }
}

/// The test's own reading of the policy: known to the schema, or a vendor
/// extension whose first `X_` segment hangs below a known object.
fn known(schema: &Schema, r: &Row) -> bool {
    let n = full(r);
    if r.object {
        n == schema.root || schema.object(&n).is_some() || schema.table(&n).is_some()
    } else {
        schema.parameter(&n).is_some()
    }
}

fn vendor(schema: &Schema, name: &str) -> bool {
    let segs: Vec<&str> = name.trim_end_matches('.').split('.').collect();
    let Some(i) = segs.iter().position(|s| s.starts_with("X_")) else { return false };
    let parent = format!("{}.", segs[..i].join("."));
    parent == schema.root || schema.object(&parent).is_some()
}

fn visible(schema: &Schema, r: &Row, policy: UnknownNames) -> bool {
    policy == UnknownNames::Serve || known(schema, r) || vendor(schema, &r.name)
}

/// Expected Writable flag of GetParameterNames: the device's flag and the schema's access.
fn expected_writable(schema: &Schema, r: &Row) -> bool {
    let n = full(r);
    if !r.writable {
        return false;
    }
    if !r.object {
        return schema.parameter(&n).is_none_or(|p| p.is_writable());
    }
    if let Some(t) = schema.table(&n) {
        return t.access == ObjectAccess::ReadWrite;
    }
    let last_is_instance = r.name.rsplit('.').next().unwrap().bytes().all(|b| b.is_ascii_digit());
    match schema.object(&n) {
        Some(o) => last_is_instance && o.access == ObjectAccess::ReadWrite,
        None => true,
    }
}

fn gpn<M: DataModel>(e: &Engine<'_, 64>, m: &M, path: &str, next: bool) -> Result<Vec<(String, bool)>, RpcError> {
    let mut c = e.get_parameter_names(m, path, next)?;
    let mut out = Vec::new();
    let mut name = EntryName::new();
    while let Some(r) = c.next_entry(e, m, &mut name) {
        out.push((name.to_string(), r?));
    }
    Ok(out)
}

fn gpv<M: DataModel>(e: &Engine<'_, 64>, m: &M, names: &[&str]) -> Result<Vec<(String, ParamType, String)>, RpcError> {
    let mut c = e.get_parameter_values(m, names)?;
    let mut out = Vec::new();
    let (mut name, mut value) = (EntryName::new(), vec![0u8; 64 * 1024]);
    while let Some(r) = c.next_entry(e, m, names, &mut name, &mut value) {
        let info = r?;
        out.push((name.to_string(), info.ty, String::from_utf8(value[..info.len].to_vec()).unwrap()));
    }
    Ok(out)
}

#[test]
fn every_dump_loads_every_row() {
    for file in DUMPS {
        let d = dump(file);
        // Independent count: physical lines that start a data-model row.
        let lines = d
            .text
            .lines()
            .filter(|l| {
                let n = l.split(',').next().unwrap();
                (n == "Device"
                    || n.starts_with("Device.")
                    || n == "InternetGatewayDevice"
                    || n.starts_with("InternetGatewayDevice."))
                    && l.contains(",true,") | l.contains(",false,")
            })
            .count();
        let mut st = Storage::for_text(&d.text);
        let mut m = st.model();
        let stats = load_genieacs_csv(&d.text, &mut m).unwrap();
        assert_eq!(stats.parameters + stats.objects, d.rows.len(), "{file}");
        assert_eq!(d.rows.len(), lines, "{file}: CSV reader vs. line count");
        assert_eq!(m.len(), d.rows.len(), "{file}: one node per row");
    }
}

#[test]
fn gpn_whole_tree_matches_rows_under_both_policies() {
    for file in DUMPS {
        let d = dump(file);
        let mut st = Storage::for_text(&d.text);
        let mut m = st.model();
        load_genieacs_csv(&d.text, &mut m).unwrap();
        for policy in [UnknownNames::Reject, UnknownNames::Serve] {
            let e: Engine<'_, 64> = Engine::new(d.schema).with_unknown_names(policy);
            let got: BTreeMap<String, bool> = gpn(&e, &m, "", false).unwrap().into_iter().collect();
            // Everything under an invisible object is invisible too.
            let mut want = BTreeMap::new();
            let hidden: Vec<String> =
                d.rows.iter().filter(|r| r.object && !visible(d.schema, r, policy)).map(full).collect();
            for r in &d.rows {
                if visible(d.schema, r, policy) && !hidden.iter().any(|h| full(r).starts_with(h.as_str())) {
                    want.insert(full(r), expected_writable(d.schema, r));
                }
            }
            assert_eq!(got.len(), want.len(), "{file} {policy:?}");
            assert_eq!(got, want, "{file} {policy:?}");
            if policy == UnknownNames::Serve {
                assert_eq!(got.len(), d.rows.len(), "{file}: Serve lists every row");
            }
        }
    }
}

#[test]
fn gpn_next_level_on_root_partial_and_leaf() {
    for file in DUMPS {
        let d = dump(file);
        let mut st = Storage::for_text(&d.text);
        let mut m = st.model();
        load_genieacs_csv(&d.text, &mut m).unwrap();
        let e: Engine<'_, 64> = Engine::new(d.schema).with_unknown_names(UnknownNames::Serve);
        // Empty path, NextLevel true: the root object only.
        assert_eq!(gpn(&e, &m, "", true).unwrap(), vec![(d.schema.root.to_string(), false)], "{file}");
        // Root and one partial path per dump, NextLevel true: exactly the direct children.
        let some_instance = d.rows.iter().find(|r| r.object && r.name.ends_with(".1")).unwrap();
        for prefix in [d.schema.root.to_string(), full(some_instance)] {
            let got: BTreeSet<String> = gpn(&e, &m, &prefix, true).unwrap().into_iter().map(|x| x.0).collect();
            let want: BTreeSet<String> = d
                .rows
                .iter()
                .map(full)
                .filter(|n| {
                    n.strip_prefix(prefix.as_str())
                        .is_some_and(|rest| !rest.is_empty() && !rest.trim_end_matches('.').contains('.'))
                })
                .collect();
            assert_eq!(got, want, "{file} {prefix}");
            assert!(!got.is_empty());
            // NextLevel false: the object itself plus every descendant.
            let all = gpn(&e, &m, &prefix, false).unwrap();
            assert_eq!(all[0].0, prefix);
            assert_eq!(all.len(), d.rows.iter().filter(|r| full(r).starts_with(prefix.as_str())).count());
        }
        // A leaf: itself only; NextLevel true on a parameter is 9003.
        let leaf = d.rows.iter().find(|r| !r.object).unwrap();
        let got = gpn(&e, &m, &leaf.name, false).unwrap();
        assert_eq!(got, vec![(leaf.name.clone(), expected_writable(d.schema, leaf))]);
        let err = gpn(&e, &m, &leaf.name, true).unwrap_err();
        assert_eq!(err.code, FaultCode::INVALID_ARGUMENTS);
        // Unknown and malformed names: 9005.
        let missing = format!("{}NoSuchObject.", d.schema.root);
        assert_eq!(gpn(&e, &m, &missing, false).unwrap_err().code, FaultCode::INVALID_PARAMETER_NAME);
        assert_eq!(gpn(&e, &m, "Device..X", false).unwrap_err().code, FaultCode::INVALID_PARAMETER_NAME);
    }
}

#[test]
fn gpv_partial_paths_return_the_dump_values() {
    for file in DUMPS {
        let d = dump(file);
        let mut st = Storage::for_text(&d.text);
        let mut m = st.model();
        load_genieacs_csv(&d.text, &mut m).unwrap();
        let e: Engine<'_, 64> = Engine::new(d.schema).with_unknown_names(UnknownNames::Serve);
        let prefixes = [format!("{}DeviceInfo.", d.schema.root), format!("{}ManagementServer.", d.schema.root)];
        let names: Vec<&str> = prefixes.iter().map(String::as_str).collect();
        let got = gpv(&e, &m, &names).unwrap();
        let mut want: Vec<(String, String)> = Vec::new();
        for p in &prefixes {
            for r in d.rows.iter().filter(|r| !r.object && r.name.starts_with(p.as_str())) {
                let secret = d.schema.parameter(&r.name).is_some_and(|p| p.reads_empty());
                want.push((r.name.clone(), if secret { String::new() } else { r.value.clone() }));
            }
        }
        let got_nv: Vec<(String, String)> = got.iter().map(|(n, _, v)| (n.clone(), v.clone())).collect();
        assert_eq!(got_nv, want, "{file}");
        assert!(got.len() > 10, "{file}: {}", got.len());
        // Types: the schema's for known parameters.
        for (n, ty, _) in &got {
            if let Some(p) = d.schema.parameter(n) {
                assert_eq!(*ty, p.ty, "{n}");
            }
        }
        // Passwords read empty even though the dump may hold text.
        let pw = format!("{}ManagementServer.ConnectionRequestPassword", d.schema.root);
        if d.rows.iter().any(|r| r.name == pw) {
            assert_eq!(gpv(&e, &m, &[&pw]).unwrap()[0].2, "");
        }
        // A bad name anywhere faults the whole request with its index.
        let err = gpv(&e, &m, &[names[0], "Device.Nope.X", names[1]]).unwrap_err();
        assert_eq!((err.code, err.index), (FaultCode::INVALID_PARAMETER_NAME, Some(1)));
    }
}

/// Writable boolean parameters of a dump that the schema also calls writable.
fn writable_booleans(d: &Dump) -> Vec<&Row> {
    d.rows
        .iter()
        .filter(|r| {
            !r.object
                && r.writable
                && (r.value == "true" || r.value == "false" || r.value == "1" || r.value == "0")
                && d.schema.parameter(&r.name).is_some_and(|p| p.is_writable() && p.ty == ParamType::Boolean)
        })
        .collect()
}

fn flip(v: &str) -> &'static str {
    if v == "true" || v == "1" { "false" } else { "true" }
}

#[test]
fn spv_is_all_or_nothing_and_reports_every_bad_parameter() {
    for file in ["tplink-EX220.csv", "huawei-EG8145V5-igd.csv"] {
        let d = dump(file);
        let mut st = Storage::for_text(&d.text);
        let mut m = st.model();
        load_genieacs_csv(&d.text, &mut m).unwrap();
        let mut e: Engine<'_, 64> = Engine::new(d.schema);
        let (mut session, mut scratch) = (SessionState::new(), [0u8; 64]);
        let bools = writable_booleans(&d);
        assert!(bools.len() >= 50, "{file}: {}", bools.len());
        let good: Vec<SetValue<&str>> =
            bools[..50].iter().map(|r| SetValue { name: r.name.as_str(), value: flip(&r.value), ty: None }).collect();
        let root = d.schema.root;
        let ro =
            d.rows.iter().find(|r| !r.object && d.schema.parameter(&r.name).is_some_and(|p| !p.is_writable())).unwrap();
        let uint = d
            .rows
            .iter()
            .find(|r| {
                !r.object
                    && r.writable
                    && d.schema.parameter(&r.name).is_some_and(|p| {
                        p.is_writable()
                            && p.ty == ParamType::UnsignedInt
                            && !p.syntax.ranges.is_empty()
                            && p.syntax.ranges.iter().all(|x| x.max.is_some_and(|m| m < 4_000_000_000))
                    })
            })
            .unwrap();
        let missing = format!("{root}DeviceInfo.NoSuchParameter");
        let cases: Vec<(usize, SetValue<&str>, u16)> = vec![
            (7, SetValue { name: missing.as_str(), value: "1", ty: None }, 9005),
            (13, SetValue { name: ro.name.as_str(), value: ro.value.as_str(), ty: None }, 9008),
            (21, SetValue { name: bools[60].name.as_str(), value: "maybe", ty: None }, 9006),
            (29, SetValue { name: uint.name.as_str(), value: "4000000000", ty: None }, 9007),
            (33, SetValue { name: bools[61].name.as_str(), value: "true", ty: Some(ParamType::String) }, 9006),
        ];
        let key_name = format!("{root}ManagementServer.ParameterKey");
        let before_key = gpv(&e, &m, &[&key_name]).map(|v| v[0].2.clone()).ok();
        let snapshot = gpv(&e, &m, &[root]).unwrap();
        // One bad value among 50: nothing applied, that one reported.
        for (pos, bad, code) in &cases {
            let mut list = good.clone();
            list.insert(*pos, *bad);
            let mut faults: heapless::Vec<SpvFault, 8> = heapless::Vec::new();
            let err = e
                .set_parameter_values(&mut m, &mut session, list.iter().copied(), "k1", &mut faults, &mut scratch)
                .unwrap_err();
            assert_eq!(err.code, FaultCode::INVALID_ARGUMENTS, "{file}");
            assert_eq!(faults.len(), 1);
            assert_eq!((faults[0].index, faults[0].code.code()), (*pos, *code), "{file}: {:?}", faults[0]);
            assert_eq!(gpv(&e, &m, &[root]).unwrap(), snapshot, "{file}: nothing applied");
        }
        // All bad ones at once: each reported with its own code, in order.
        let mut list = good.clone();
        for (pos, bad, _) in &cases {
            list.insert(*pos, *bad);
        }
        let mut faults: heapless::Vec<SpvFault, 8> = heapless::Vec::new();
        let err = e
            .set_parameter_values(&mut m, &mut session, list.iter().copied(), "k1", &mut faults, &mut scratch)
            .unwrap_err();
        assert_eq!(err.reason, Reason::InvalidParameters(cases.len()));
        let got: Vec<(usize, u16)> = faults.iter().map(|f| (f.index, f.code.code())).collect();
        let want: Vec<(usize, u16)> = cases.iter().map(|(p, _, c)| (*p, *c)).collect();
        assert_eq!(got, want, "{file}");
        assert_eq!(gpv(&e, &m, &[root]).unwrap(), snapshot);
        // A duplicate name: 9003 for the request.
        let mut dup = good.clone();
        dup.push(good[3]);
        let err = e
            .set_parameter_values(&mut m, &mut session, dup.iter().copied(), "k1", &mut faults, &mut scratch)
            .unwrap_err();
        assert_eq!((err.code, err.reason, err.index), (FaultCode::INVALID_ARGUMENTS, Reason::DuplicateName, Some(50)));
        // The 50 good ones: all applied, ParameterKey updated, status 0.
        let applied = assert_no_alloc(|| {
            e.set_parameter_values(&mut m, &mut session, good.iter().copied(), "key-42", &mut faults, &mut scratch)
        });
        assert_eq!(applied, Ok(Applied::Now));
        for sv in &good {
            assert_eq!(gpv(&e, &m, &[sv.name]).unwrap()[0].2, sv.value);
        }
        if before_key.is_some() {
            assert_eq!(gpv(&e, &m, &[&key_name]).unwrap()[0].2, "key-42");
        }
    }
}

/// A writable table of the dump that the schema lets the ACS add to, with
/// at least one instance.
fn addable_table(d: &Dump) -> String {
    d.rows
        .iter()
        .filter(|r| r.object && r.writable)
        .map(full)
        .find(|n| {
            d.schema.table(n).is_some_and(|t| t.access == ObjectAccess::ReadWrite && t.max_entries.is_none())
                && d.rows.iter().any(|r| r.object && r.name.starts_with(n.as_str()) && r.writable)
        })
        .unwrap()
}

#[test]
fn add_and_delete_object_with_instance_numbers() {
    for file in ["tplink-EX220.csv", "huawei-EG8145V5-igd.csv", "nokia-G-1425G-A-igd.csv", "zte-ZXHN-H199A-igd.csv"] {
        let d = dump(file);
        let mut st = Storage::for_text(&d.text);
        let mut m = st.model();
        load_genieacs_csv(&d.text, &mut m).unwrap();
        let mut e: Engine<'_, 64> = Engine::new(d.schema);
        let mut session = SessionState::new();
        let table = addable_table(&d);
        let existing: Vec<u32> = d
            .rows
            .iter()
            .filter_map(|r| r.name.strip_prefix(table.as_str()).and_then(|rest| rest.parse::<u32>().ok()))
            .collect();
        let want = existing.iter().max().copied().unwrap_or(0) + 1;
        let (n, applied) = assert_no_alloc(|| e.add_object(&mut m, &mut session, table.as_str(), "add-1")).unwrap();
        assert_eq!((n, applied), (want, Applied::Now), "{file} {table}");
        let inst = format!("{table}{n}.");
        let names = gpn(&e, &m, &table, true).unwrap();
        assert!(names.iter().any(|(x, w)| *x == inst && *w), "{file}: new instance listed, deletable");
        // The new instance has the parameters of its siblings.
        let first = format!("{table}{}.", existing.iter().min().unwrap());
        let shape = |p: &str| -> BTreeSet<String> {
            gpn(&e, &m, p, true).unwrap().into_iter().map(|(x, _)| x[p.len()..].to_string()).collect()
        };
        assert_eq!(shape(&inst), shape(&first), "{file}");
        // Delete it; again is 9005; deleting a table path or a parameter is 9005.
        assert_eq!(assert_no_alloc(|| e.delete_object(&mut m, &mut session, inst.as_str(), "del-1")), Ok(Applied::Now));
        assert!(gpn(&e, &m, &inst, false).is_err());
        assert_eq!(
            e.delete_object(&mut m, &mut session, inst.as_str(), "del-2").unwrap_err().code,
            FaultCode::INVALID_PARAMETER_NAME
        );
        assert_eq!(
            e.delete_object(&mut m, &mut session, table.as_str(), "x").unwrap_err().code,
            FaultCode::INVALID_PARAMETER_NAME
        );
        // Instance numbers are not reused.
        assert_eq!(e.add_object(&mut m, &mut session, table.as_str(), "add-2").unwrap().0, want + 1);
        // AddObject on an instance, a single object, or a read-only table: 9005.
        assert_eq!(
            e.add_object(&mut m, &mut session, first.as_str(), "x").unwrap_err().code,
            FaultCode::INVALID_PARAMETER_NAME
        );
        let single = format!("{}DeviceInfo.", d.schema.root);
        assert_eq!(e.add_object(&mut m, &mut session, single.as_str(), "x").unwrap_err().reason, Reason::NotATable);
        let key = format!("{}ManagementServer.ParameterKey", d.schema.root);
        if d.rows.iter().any(|r| r.name == key) {
            assert_eq!(gpv(&e, &m, &[&key]).unwrap()[0].2, "add-2");
        }
        // The reboot path: Status 1.
        m.set_reboot_required(true);
        assert_eq!(e.add_object(&mut m, &mut session, table.as_str(), "add-3").unwrap().1, Applied::AfterReboot);
    }
}

#[test]
fn attribute_rules_on_tr181_dump() {
    let d = dump("tplink-EX220.csv");
    let mut st = Storage::for_text(&d.text);
    let mut m = st.model();
    load_genieacs_csv(&d.text, &mut m).unwrap();
    let mut e: Engine<'_, 64> = Engine::new(d.schema);
    let attr = |e: &Engine<'_, 64>, name: &str| {
        let mut c = e.get_parameter_attributes(&m, &[name]).unwrap();
        let mut n = EntryName::new();
        c.next_attributes(e, &m, &[name], &mut n).unwrap().unwrap()
    };
    // Defaults follow activeNotify: SoftwareVersion is forceEnabled (active).
    assert_eq!(attr(&e, "Device.DeviceInfo.SoftwareVersion").notification, Notification::Active);
    assert_eq!(attr(&e, "Device.DeviceInfo.UpTime").notification, Notification::Off);
    let sa = |name, n| SetAttribute { name, notification: Some(n), access_list: None };
    // canDeny (UpTime): active refused with 9009, passive accepted.
    let err = e.set_parameter_attributes(&m, [sa("Device.DeviceInfo.UpTime", 2)]).unwrap_err();
    assert_eq!(err.code, FaultCode::NOTIFICATION_REQUEST_REJECTED);
    // forceEnabled: switching it off is refused.
    let err = e.set_parameter_attributes(&m, [sa("Device.DeviceInfo.SoftwareVersion", 0)]).unwrap_err();
    assert_eq!(err.code, FaultCode::NOTIFICATION_REQUEST_REJECTED);
    // Out-of-range Notification: 9003; unknown name: 9005.
    assert_eq!(
        e.set_parameter_attributes(&m, [sa("Device.DeviceInfo.UpTime", 7)]).unwrap_err().code,
        FaultCode::INVALID_ARGUMENTS
    );
    assert_eq!(
        e.set_parameter_attributes(&m, [sa("Device.Nope", 1)]).unwrap_err().code,
        FaultCode::INVALID_PARAMETER_NAME
    );
    // forceEnabled ProvisioningCode refuses even passive.
    let err = e.set_parameter_attributes(&m, [sa("Device.DeviceInfo.ProvisioningCode", 1)]).unwrap_err();
    assert_eq!(err.code, FaultCode::NOTIFICATION_REQUEST_REJECTED);
    // All-or-nothing: a good entry before a refused one is not applied.
    let normal = d
        .rows
        .iter()
        .find(|r| {
            r.name.starts_with("Device.DeviceInfo.")
                && d.schema.parameter(&r.name).is_some_and(|p| p.notify == ActiveNotify::Normal)
        })
        .unwrap();
    let err = e.set_parameter_attributes(&m, [sa(&normal.name, 1), sa("Device.DeviceInfo.UpTime", 2)]).unwrap_err();
    assert_eq!(err.index, Some(1));
    assert_eq!(attr(&e, &normal.name).notification, Notification::Off);
    // Partial path: applies to every parameter below; AccessList Subscriber.
    let entry = SetAttribute { name: "Device.ManagementServer.", notification: Some(1), access_list: Some(true) };
    assert_no_alloc(|| e.set_parameter_attributes(&m, [entry])).unwrap();
    let names = ["Device.ManagementServer."];
    let mut c = e.get_parameter_attributes(&m, &names).unwrap();
    let mut n = EntryName::new();
    let mut count = 0;
    while let Some(a) = c.next_attributes(&e, &m, &names, &mut n) {
        let a = a.unwrap();
        let rule = d.schema.parameter(&n).map(|p| p.notify);
        // Everything got passive, except forced-active ones keep their rule-compatible value.
        assert_eq!(a.notification, Notification::Passive, "{n} {rule:?}");
        assert!(a.subscriber);
        count += 1;
    }
    assert_eq!(
        count,
        d.rows
            .iter()
            .filter(|r| !r.object
                && r.name.starts_with("Device.ManagementServer.")
                && visible(d.schema, r, UnknownNames::Reject))
            .count()
    );
    // Persistence round trip: a fresh engine from the image answers the same.
    let mut image = vec![0u8; e.attributes().encoded_len()];
    e.attributes().encode(&mut image).unwrap();
    let store: AttributeStore<64> = AttributeStore::decode(&image).unwrap();
    let e2: Engine<'_, 64> = Engine::new(d.schema).with_attributes(store);
    assert_eq!(
        attr(&e2, "Device.ManagementServer.PeriodicInformInterval"),
        attr(&e, "Device.ManagementServer.PeriodicInformInterval")
    );
    assert_eq!(attr(&e2, "Device.ManagementServer.URL").notification, Notification::Passive);
}

#[test]
fn notifications_poll_push_and_acs_writes() {
    let d = dump("tplink-EX220.csv");
    let mut st = Storage::for_text(&d.text);
    let mut m = st.model();
    load_genieacs_csv(&d.text, &mut m).unwrap();
    let mut e: Engine<'_, 64> = Engine::new(d.schema);
    let bools = writable_booleans(&d);
    let (a, b) = (bools[0], bools[1]);
    let sa = |name: &'static str| SetAttribute { name, notification: Some(2), access_list: None };
    let a_name: &'static str = Box::leak(a.name.clone().into_boxed_str());
    let b_name: &'static str = Box::leak(b.name.clone().into_boxed_str());
    e.set_parameter_attributes(&m, [sa(a_name), SetAttribute { notification: Some(1), ..sa(b_name) }]).unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let mut session = SessionState::new();
    assert_eq!(e.scan_value_changes(&m, &session, &mut buf).changed, 0, "nothing changed yet");
    // The ACS writes `a`: no notification, neither by poll nor by push.
    let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
    let sv = SetValue { name: a_name, value: flip(&a.value), ty: None };
    e.set_parameter_values(&mut m, &mut session, [sv], "k", &mut faults, &mut [0u8; 16]).unwrap();
    assert_eq!(assert_no_alloc(|| e.scan_value_changes(&m, &session, &mut buf).changed), 0);
    assert!(!e.value_changed(&session, a_name));
    // The device changes `b` locally: the poll finds it (passive).
    let node = m.lookup(&Path::parse(b_name).unwrap()).unwrap();
    m.begin().unwrap();
    m.set(node, flip(&b.value)).unwrap();
    m.commit().unwrap();
    assert_eq!(e.scan_value_changes(&m, &session, &mut buf).changed, 1);
    assert!(!e.has_active_pending());
    // After the session, a local change of `a` is pushed and is active.
    session.clear();
    assert!(e.value_changed(&session, a_name));
    assert!(e.has_active_pending());
    let mut c = e.pending(&m).unwrap();
    let (mut n, mut v) = (EntryName::new(), [0u8; 64]);
    let mut seen = BTreeSet::new();
    while let Some(r) = c.next_entry(&e, &m, &mut n, &mut v) {
        r.unwrap();
        seen.insert(n.to_string());
    }
    assert_eq!(seen, BTreeSet::from([a.name.clone(), b.name.clone()]));
    e.clear_pending();
    assert_eq!(e.pending_count(), 0);
    // Unwatched parameters never notify.
    assert!(!e.value_changed(&session, &bools[5].name));
    // Parameters forced to active notification by the schema are watched
    // from boot: a local change of SoftwareVersion is an active notification.
    let added = e.watch_forced(&m, &mut buf).unwrap();
    let forced_active = d
        .rows
        .iter()
        .filter(|r| {
            !r.object
                && d.schema
                    .parameter(&r.name)
                    .is_some_and(|p| matches!(p.notify, ActiveNotify::ForceEnabled | ActiveNotify::ForceDefaultEnabled))
        })
        .count();
    assert_eq!(added, forced_active);
    assert!(added > 0);
    let sw = m.lookup(&Path::parse("Device.DeviceInfo.SoftwareVersion").unwrap()).unwrap();
    m.begin().unwrap();
    m.set(sw, "9.9.9").unwrap();
    m.commit().unwrap();
    assert_eq!(e.scan_value_changes(&m, &session, &mut buf).changed, 1);
    assert!(e.has_active_pending());
    e.clear_pending();
    // Forced-inform set of the schema.
    let forced: BTreeSet<&str> = e.forced_inform().collect();
    assert!(forced.contains("Device.DeviceInfo.SoftwareVersion"));
    assert!(forced.contains("Device.ManagementServer.ParameterKey"));
}

#[test]
fn read_rpcs_do_not_allocate_over_the_largest_dump() {
    let d = dump("tplink-EX220.csv");
    let mut st = Storage::for_text(&d.text);
    let mut m = st.model();
    load_genieacs_csv(&d.text, &mut m).unwrap();
    let e: Engine<'_, 64> = Engine::new(d.schema).with_unknown_names(UnknownNames::Serve);
    let mut value = vec![0u8; 64 * 1024];
    let (count, bytes) = assert_no_alloc(|| {
        let mut c = e.get_parameter_values(&m, &["Device."]).unwrap();
        let mut name = EntryName::new();
        let (mut count, mut bytes) = (0usize, 0usize);
        while let Some(r) = c.next_entry(&e, &m, &["Device."], &mut name, &mut value) {
            bytes += r.unwrap().len;
            count += 1;
        }
        (count, bytes)
    });
    assert_eq!(count, d.rows.iter().filter(|r| !r.object).count());
    let want: usize = d
        .rows
        .iter()
        .filter(|r| !r.object)
        .map(|r| if d.schema.parameter(&r.name).is_some_and(|p| p.reads_empty()) { 0 } else { r.value.len() })
        .sum();
    assert_eq!(bytes, want);
    let n = assert_no_alloc(|| {
        let mut c = e.get_parameter_names(&m, "", false).unwrap();
        let mut name = EntryName::new();
        let mut n = 0;
        while c.next_entry(&e, &m, &mut name).is_some() {
            n += 1;
        }
        n
    });
    assert_eq!(n, d.rows.len());
}

/// Every parameter of the model with its value, by a plain recursive walk
/// of the backend (no engine, no schema).
fn model_values(m: &MemoryModel<'_>) -> BTreeMap<String, String> {
    fn visit(m: &MemoryModel<'_>, node: MemoryNode, out: &mut BTreeMap<String, String>, buf: &mut [u8]) {
        let mut name = cwmp_model::datamodel::NameBuf::new();
        m.write_name(node, &mut name).unwrap();
        if m.info(node).kind == NodeKind::Parameter {
            let n = m.get(node, buf).unwrap();
            out.insert(name.to_string(), String::from_utf8(buf[..n].to_vec()).unwrap());
        }
        let mut c = m.first_child(node);
        while let Some(child) = c {
            visit(m, child, out, buf);
            c = m.next_sibling(child);
        }
    }
    let mut out = BTreeMap::new();
    visit(m, m.root().unwrap(), &mut out, &mut vec![0u8; 64 * 1024]);
    out
}

#[test]
fn whole_dumps_stream_with_only_copy_cursor_state_and_rewinds() {
    for &file in DUMPS {
        let d = dump(file);
        let mut st = Storage::for_text(&d.text);
        let mut m = st.model();
        load_genieacs_csv(&d.text, &mut m).unwrap();
        let e: Engine<'_, 8> = Engine::new(d.schema).with_unknown_names(UnknownNames::Serve);
        let names = [d.schema.root];
        let mut cursor = e.get_parameter_values(&m, &names).unwrap();
        let counted = assert_no_alloc(|| cursor.count_entries(&e, &m, &names)).unwrap();
        let mut got: Vec<(String, ParamType, String)> = Vec::new();
        // Between steps only `cursor` (Copy) survives, with one name buffer
        // shared by every cursor copy (it records what it holds; the value
        // buffer is output only, by the DataModel contract). Every fifth
        // step, the copies saved before the last three steps are re-run
        // into that same buffer (a rewind of up to three entries) and must
        // give the same entries; every seventh, the buffer is a fresh one.
        // Values run up to 32 KB (a Huawei DeviceLog).
        let (mut value, mut value2) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
        let mut name = EntryName::new();
        let mut saved: Vec<ParamCursor<MemoryNode>> = Vec::new();
        loop {
            if got.len().is_multiple_of(7) {
                name = EntryName::new();
            }
            saved.push(cursor);
            let Some(r) = assert_no_alloc(|| cursor.next_entry(&e, &m, &names, &mut name, &mut value)) else {
                break;
            };
            let info = r.unwrap();
            got.push((name.to_string(), info.ty, String::from_utf8(value[..info.len].to_vec()).unwrap()));
            if got.len().is_multiple_of(5) && saved.len() >= 3 {
                let back = saved.len() - 3;
                for (k, copy) in saved[back..].iter().enumerate().take(2) {
                    let mut again = *copy;
                    let info2 = again.next_entry(&e, &m, &names, &mut name, &mut value2).unwrap().unwrap();
                    let want = &got[back + k];
                    assert_eq!((name.as_str(), &value2[..info2.len]), (want.0.as_str(), want.2.as_bytes()), "{file}");
                }
            }
        }
        assert_eq!(got.len(), counted as usize, "{file}: entries equal the count");
        let want: BTreeMap<&str, &str> =
            d.rows.iter().filter(|r| !r.object).map(|r| (r.name.as_str(), r.value.as_str())).collect();
        assert_eq!(got.len(), want.len(), "{file}: every parameter once");
        let held = model_values(&m);
        assert_eq!(held.len(), got.len(), "{file}");
        for (name, _ty, value) in &got {
            let hidden = d.schema.parameter(name).is_some_and(|p| p.reads_empty());
            let expect = if hidden { "" } else { held[name.as_str()].as_str() };
            assert_eq!(value, expect, "{file}: {name}");
            assert!(want.contains_key(name.as_str()), "{file}: {name} is a dump row");
            if !hidden {
                assert_eq!(value, want[name.as_str()], "{file}: {name} as the device reported it");
            }
        }
        // GetParameterNames of the whole tree: counted, then every row once.
        let mut gpn = e.get_parameter_names(&m, "", false).unwrap();
        let n = assert_no_alloc(|| gpn.count_entries(&e, &m)).unwrap();
        let mut listed = 0u32;
        let mut name = EntryName::new();
        while let Some(r) = gpn.next_entry(&e, &m, &mut name) {
            r.unwrap();
            listed += 1;
        }
        assert_eq!((listed, n as usize), (n, d.rows.len()), "{file}");
    }
}

#[test]
fn spv_duplicates_are_found_across_duplicate_blocks() {
    let d = dump("tplink-EX220.csv");
    let mut st = Storage::for_text(&d.text);
    let mut m = st.model();
    load_genieacs_csv(&d.text, &mut m).unwrap();
    let mut e: Engine<'_, 8> = Engine::new(d.schema);
    let mut session = SessionState::new();
    let bools: Vec<&str> = d
        .rows
        .iter()
        .filter(|r| {
            !r.object && d.schema.parameter(&r.name).is_some_and(|p| p.is_writable() && p.ty == ParamType::Boolean)
        })
        .map(|r| r.name.as_str())
        .filter(|n| {
            let node = m.lookup(&Path::parse(n).unwrap()).unwrap();
            m.info(node).writable
        })
        .take(3 * DUPLICATE_BLOCK)
        .collect();
    assert_eq!(bools.len(), 3 * DUPLICATE_BLOCK);
    let list: Vec<SetValue<&str>> = bools.iter().map(|n| SetValue { name: *n, value: "1", ty: None }).collect();
    let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
    let b = DUPLICATE_BLOCK;
    // Within the first block, across blocks, at block edges, within later blocks.
    for (first, second) in [(3, 5), (3, b + 20), (b - 1, b), (b + 5, 2 * b + 10), (2 * b + 1, 2 * b + 30), (10, 3 * b)]
    {
        let mut dup = list.clone();
        dup.insert(second, list[first]);
        let err = assert_no_alloc(|| {
            e.set_parameter_values(&mut m, &mut session, dup.iter().copied(), "", &mut faults, &mut [])
        })
        .unwrap_err();
        assert_eq!((err.reason, err.index), (Reason::DuplicateName, Some(second)), "{first} {second}");
    }
    assert_no_alloc(|| e.set_parameter_values(&mut m, &mut session, list.iter().copied(), "", &mut faults, &mut []))
        .unwrap();
}
