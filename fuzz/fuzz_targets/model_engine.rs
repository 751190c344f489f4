//! Drives the cwmp-model engine with arbitrary paths, values and attribute
//! requests over a small TR-181 in-memory model. Every RPC must answer or
//! fault without panicking, and a rejected SetParameterValues must leave
//! every value unchanged.
#![no_main]

use arbitrary::Arbitrary;
use cwmp_core::ParamType;
use cwmp_model::datamodel::{DataModel, NodeKind};
use cwmp_model::engine::{EntryName, Engine, SessionState, SetAttribute, SetValue, SpvFault, UnknownNames};
use cwmp_model::heapless;
use cwmp_model::memory::{MemoryModel, Slot, Undo};
use cwmp_model::path::Path;
use cwmp_model::schema::tr181;
use libfuzzer_sys::fuzz_target;

const ROWS: &[(&str, bool, ParamType, &str)] = &[
    ("Device.DeviceInfo.UpTime", false, ParamType::UnsignedInt, "100"),
    ("Device.DeviceInfo.X_ACME_Temp", true, ParamType::Int, "40"),
    ("Device.ManagementServer.URL", true, ParamType::String, "http://acs/"),
    ("Device.ManagementServer.PeriodicInformInterval", true, ParamType::UnsignedInt, "3600"),
    ("Device.ManagementServer.ParameterKey", false, ParamType::String, ""),
    ("Device.IP.Interface.1.Alias", true, ParamType::String, "cpe-lan"),
    ("Device.IP.Interface.1.Enable", true, ParamType::Boolean, "true"),
    ("Device.IP.Interface.1.IPv4Address.1.IPAddress", true, ParamType::String, "192.168.1.1"),
];

/// A name: one of the model's (optionally with a suffix) or free text.
#[derive(Debug, Arbitrary)]
enum Name<'a> {
    Known(u8, &'a str),
    Free(&'a str),
}

impl Name<'_> {
    fn text(&self, buf: &mut String) {
        buf.clear();
        match self {
            Name::Known(i, suffix) => {
                buf.push_str(ROWS[usize::from(*i) % ROWS.len()].0);
                if suffix.len() % 2 == 1 {
                    buf.push_str(suffix);
                }
            }
            Name::Free(s) => buf.push_str(s),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Op<'a> {
    Gpn(Name<'a>, bool),
    Gpv(Vec<Name<'a>>),
    Spv(Vec<(Name<'a>, &'a str, Option<u8>)>, &'a str),
    Spa(Name<'a>, Option<u8>, Option<bool>),
    Gpa(Name<'a>),
    Add(Name<'a>),
    Delete(Name<'a>),
    Poll,
}

fn values(m: &MemoryModel<'_>) -> Vec<Vec<u8>> {
    ROWS.iter()
        .filter_map(|r| {
            let node = m.lookup(&Path::parse(r.0).ok()?)?;
            let mut b = [0u8; 512];
            let n = m.get(node, &mut b).ok()?;
            Some(b[..n].to_vec())
        })
        .collect()
}

fuzz_target!(|input: (bool, Vec<Op<'_>>)| {
    let (serve, ops) = input;
    let (mut slots, mut arena, mut journal) = ([Slot::EMPTY; 128], [0u8; 4096], [Undo::EMPTY; 16]);
    let mut m = MemoryModel::new(&mut slots, &mut arena, &mut journal);
    m.insert("Device.IP.Interface", NodeKind::Object, true, ParamType::String, "").unwrap();
    m.insert("Device.IP.Interface.1", NodeKind::Object, true, ParamType::String, "").unwrap();
    for &(name, w, ty, v) in ROWS {
        m.insert(name, NodeKind::Parameter, w, ty, v).unwrap();
    }
    let policy = if serve { UnknownNames::Serve } else { UnknownNames::Reject };
    let mut e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA).with_unknown_names(policy);
    let (mut name, mut value) = (EntryName::new(), [0u8; 256]);
    let (mut session, mut scratch) = (SessionState::new(), [0u8; 64]);
    let mut text = String::new();
    for op in ops.iter().take(16) {
        match op {
            Op::Gpn(n, next) => {
                n.text(&mut text);
                if let Ok(mut c) = e.get_parameter_names(&m, text.as_str(), *next) {
                    while c.next_entry(&e, &m, &mut name).is_some() {}
                }
            }
            Op::Gpv(names) => {
                let texts: Vec<String> = names
                    .iter()
                    .map(|n| {
                        let mut t = String::new();
                        n.text(&mut t);
                        t
                    })
                    .collect();
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                if let Ok(mut c) = e.get_parameter_values(&m, texts.as_slice()) {
                    while c.next_entry(&e, &m, texts.as_slice(), &mut name, &mut value).is_some() {}
                }
            }
            Op::Spv(list, key) => {
                let names: Vec<String> = list
                    .iter()
                    .map(|(n, _, _)| {
                        let mut t = String::new();
                        n.text(&mut t);
                        t
                    })
                    .collect();
                let svs: Vec<SetValue<&str>> = names
                    .iter()
                    .zip(list)
                    .map(|(n, (_, v, ty))| SetValue {
                        name: n.as_str(),
                        value: *v,
                        ty: ty.map(|t| ParamType::ALL[usize::from(t) % ParamType::ALL.len()]),
                    })
                    .collect();
                let before = values(&m);
                let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
                if e.set_parameter_values(&mut m, &mut session, svs.iter().copied(), *key, &mut faults, &mut scratch).is_err() {
                    assert_eq!(before, values(&m), "rejected SPV changed a value");
                }
            }
            Op::Spa(n, notif, acl) => {
                n.text(&mut text);
                let _ = e.set_parameter_attributes(
                    &m,
                    [SetAttribute { name: text.as_str(), notification: *notif, access_list: *acl }],
                );
            }
            Op::Gpa(n) => {
                n.text(&mut text);
                let names = [text.as_str()];
                if let Ok(mut c) = e.get_parameter_attributes(&m, &names) {
                    while c.next_attributes(&e, &m, &names, &mut name).is_some() {}
                }
            }
            Op::Add(n) => {
                n.text(&mut text);
                let _ = e.add_object(&mut m, &mut session, text.as_str(), "k");
            }
            Op::Delete(n) => {
                n.text(&mut text);
                let _ = e.delete_object(&mut m, &mut session, text.as_str(), "k");
            }
            Op::Poll => {
                let _ = e.scan_value_changes(&m, &session, &mut value);
                if let Ok(mut c) = e.pending(&m) {
                    while c.next_entry(&e, &m, &mut name, &mut value).is_some() {}
                }
                e.clear_pending();
                session.clear();
            }
        }
    }
});
