//! Engine rules on a small hand-built TR-181 model: alias addressing, hidden
//! values, vendor parameters, the unknown-name policy, maxEntries, typed SPV
//! checks, and a property test driving the engine with arbitrary requests.

use cwmp_core::{FaultCode, ParamType};
use cwmp_model::datamodel::{Applied, DataModel, NodeKind};
use cwmp_model::engine::{
    Engine, EntryName, Reason, SessionState, SetAttribute, SetValue, SpvFault, UnknownNames, access_list_subscriber,
};
use cwmp_model::loader::Storage;
use cwmp_model::memory::MemoryModel;
use cwmp_model::path::Path;
use cwmp_model::schema::tr181;
use cwmp_testkit::alloc::assert_no_alloc;

use ParamType::{Boolean, String as Str, UnsignedInt};

const ROWS: &[(&str, bool, bool, ParamType, &str)] = &[
    // name, object, writable, type, value
    ("Device.RootDataModelVersion", false, false, Str, "2.17"),
    ("Device.DeviceInfo.SoftwareVersion", false, false, Str, "1.0"),
    ("Device.DeviceInfo.UpTime", false, false, UnsignedInt, "100"),
    ("Device.DeviceInfo.X_ACME_Temperature", false, true, ParamType::Int, "40"),
    ("Device.DeviceInfo.NotInTheSchema", false, true, Str, "x"),
    ("Device.ManagementServer.URL", false, true, Str, "http://acs.example/"),
    ("Device.ManagementServer.Password", false, true, Str, "secret"),
    ("Device.ManagementServer.PeriodicInformInterval", false, true, UnsignedInt, "3600"),
    ("Device.ManagementServer.ParameterKey", false, false, Str, ""),
    ("Device.IP.InterfaceNumberOfEntries", false, false, UnsignedInt, "2"),
    ("Device.IP.Interface", true, true, Str, ""),
    ("Device.IP.Interface.1", true, true, Str, ""),
    ("Device.IP.Interface.1.Alias", false, true, Str, "cpe-lan"),
    ("Device.IP.Interface.1.Enable", false, true, Boolean, "true"),
    ("Device.IP.Interface.1.Name", false, false, Str, "br0"),
    ("Device.IP.Interface.2", true, true, Str, ""),
    ("Device.IP.Interface.2.Alias", false, true, Str, "cpe-wan"),
    ("Device.IP.Interface.2.Enable", false, true, Boolean, "false"),
    ("Device.IP.Interface.2.Name", false, false, Str, "eth0"),
];

fn build(st: &mut Storage) -> MemoryModel<'_> {
    let mut m = st.model();
    for &(name, object, writable, ty, value) in ROWS {
        let kind = if object { NodeKind::Object } else { NodeKind::Parameter };
        m.insert(name, kind, writable, ty, value).unwrap();
    }
    m
}

fn value_of<M: DataModel>(e: &Engine<'_, 16>, m: &M, name: &str) -> String {
    let mut c = e.get_parameter_values(m, &[name]).unwrap();
    let (mut n, mut v) = (EntryName::new(), [0u8; 256]);
    let info = c.next_entry(e, m, &[name], &mut n, &mut v).unwrap().unwrap();
    String::from_utf8(v[..info.len].to_vec()).unwrap()
}

#[test]
fn aliases_address_instances() {
    let mut st = Storage::new(64, 4096, 16);
    let mut m = build(&mut st);
    let mut e: Engine<'_, 16> = Engine::new(&tr181::SCHEMA);
    let (mut session, mut scratch) = (SessionState::new(), [0u8; 64]);
    assert_eq!(value_of(&e, &m, "Device.IP.Interface.[cpe-wan].Name"), "eth0");
    let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
    let sv = SetValue { name: "Device.IP.Interface.[cpe-wan].Enable", value: "1", ty: Some(Boolean) };
    e.set_parameter_values(&mut m, &mut session, [sv], "", &mut faults, &mut scratch).unwrap();
    assert_eq!(value_of(&e, &m, "Device.IP.Interface.2.Enable"), "1");
    assert_eq!(e.delete_object(&mut m, &mut session, "Device.IP.Interface.[cpe-lan].", "").unwrap(), Applied::Now);
    assert_eq!(value_of(&e, &m, "Device.IP.InterfaceNumberOfEntries"), "1");
    let err = e.get_parameter_values(&m, &["Device.IP.Interface.[cpe-lan]."]).unwrap_err();
    assert_eq!(err.code, FaultCode::INVALID_PARAMETER_NAME);
}

#[test]
fn hidden_values_vendor_and_unknown_names() {
    let mut st = Storage::new(64, 4096, 16);
    let mut m = build(&mut st);
    let pw = tr181::SCHEMA.parameter("Device.ManagementServer.Password").unwrap();
    assert!(pw.reads_empty(), "the schema marks the ACS password hidden/secured");
    let mut e: Engine<'_, 16> = Engine::new(&tr181::SCHEMA);
    let (mut session, mut scratch) = (SessionState::new(), [0u8; 64]);
    assert_eq!(value_of(&e, &m, "Device.ManagementServer.Password"), "");
    // Vendor parameter: served with the backend's type, checked against it.
    assert_eq!(value_of(&e, &m, "Device.DeviceInfo.X_ACME_Temperature"), "40");
    let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
    let bad = SetValue { name: "Device.DeviceInfo.X_ACME_Temperature", value: "hot", ty: None };
    e.set_parameter_values(&mut m, &mut session, [bad], "", &mut faults, &mut scratch).unwrap_err();
    assert_eq!(
        (faults[0].code, faults[0].reason),
        (FaultCode::INVALID_PARAMETER_TYPE, Reason::BadLiteral(ParamType::Int))
    );
    let good = SetValue { name: "Device.DeviceInfo.X_ACME_Temperature", value: "-5", ty: Some(ParamType::Int) };
    e.set_parameter_values(&mut m, &mut session, [good], "", &mut faults, &mut scratch).unwrap();
    // Unknown standard-looking name: 9005 under Reject, served under Serve.
    let unknown = "Device.DeviceInfo.NotInTheSchema";
    assert_eq!(e.get_parameter_values(&m, &[unknown]).unwrap_err().code, FaultCode::INVALID_PARAMETER_NAME);
    let sv = SetValue { name: unknown, value: "y", ty: None };
    e.set_parameter_values(&mut m, &mut session, [sv], "", &mut faults, &mut scratch).unwrap_err();
    assert_eq!(faults[0].code, FaultCode::INVALID_PARAMETER_NAME);
    let serve: Engine<'_, 16> = Engine::new(&tr181::SCHEMA).with_unknown_names(UnknownNames::Serve);
    assert_eq!(value_of(&serve, &m, unknown), "x");
}

#[test]
fn spv_checks_in_spec_order_and_updates_parameter_key() {
    let mut st = Storage::new(64, 4096, 16);
    let mut m = build(&mut st);
    let mut e: Engine<'_, 16> = Engine::new(&tr181::SCHEMA);
    let (mut session, mut scratch) = (SessionState::new(), [0u8; 64]);
    let pii = tr181::SCHEMA.parameter("Device.ManagementServer.PeriodicInformInterval").unwrap();
    assert!(pii.check("0").is_err(), "range starts at 1");
    let list = [
        SetValue { name: "Device.ManagementServer.PeriodicInformInterval", value: "0", ty: None },
        SetValue { name: "Device.ManagementServer.PeriodicInformInterval.", value: "1", ty: None },
        SetValue { name: "Device.IP.Interface.1.Name", value: "x", ty: None },
        SetValue { name: "Device.IP.Interface.1.Enable", value: "yes", ty: None },
        SetValue { name: "Device.ManagementServer.URL", value: "http://new/", ty: Some(ParamType::Int) },
        SetValue { name: "Device.IP.Interface.9.Enable", value: "true", ty: None },
    ];
    let mut faults: heapless::Vec<SpvFault, 3> = heapless::Vec::new();
    let err = e.set_parameter_values(&mut m, &mut session, list, "k", &mut faults, &mut scratch).unwrap_err();
    // Capacity 3: the first three are listed, all six are counted.
    assert_eq!(err.reason, Reason::InvalidParameters(6));
    let codes: Vec<(usize, u16)> = faults.iter().map(|f| (f.index, f.code.code())).collect();
    assert_eq!(codes, [(0, 9007), (1, 9005), (2, 9008)]);
    // Too long a ParameterKey: 9003.
    let long = "k".repeat(33);
    let ok = SetValue { name: "Device.ManagementServer.PeriodicInformInterval", value: "60", ty: None };
    assert_eq!(
        e.set_parameter_values(&mut m, &mut session, [ok], long.as_str(), &mut faults, &mut scratch).unwrap_err().code,
        FaultCode::INVALID_ARGUMENTS
    );
    assert_no_alloc(|| e.set_parameter_values(&mut m, &mut session, [ok], "key-1", &mut faults, &mut scratch)).unwrap();
    assert_eq!(value_of(&e, &m, "Device.ManagementServer.PeriodicInformInterval"), "60");
    assert_eq!(value_of(&e, &m, "Device.ManagementServer.ParameterKey"), "key-1");
}

#[test]
fn add_object_respects_max_entries_and_access() {
    let mut st = Storage::new(256, 8192, 16);
    let mut m = build(&mut st);
    let mut e: Engine<'_, 16> = Engine::new(&tr181::SCHEMA);
    let mut session = SessionState::new();
    // Device.IP.Interface. is readWrite with unbounded entries in TR-181.
    let t = tr181::SCHEMA.table("Device.IP.Interface.").unwrap();
    assert_eq!(t.max_entries, None);
    assert_eq!(e.add_object(&mut m, &mut session, "Device.IP.Interface.", "a").unwrap(), (3, Applied::Now));
    assert_eq!(value_of(&e, &m, "Device.IP.Interface.3.Alias"), "cpe-3");
    assert_eq!(value_of(&e, &m, "Device.IP.InterfaceNumberOfEntries"), "3");
    // Not a table / a parameter / malformed: 9005.
    for bad in ["Device.IP.", "Device.IP.Interface.1.", "Device.IP.Interface", "Device.IP..", ""] {
        assert_eq!(
            e.add_object(&mut m, &mut session, bad, "a").unwrap_err().code,
            FaultCode::INVALID_PARAMETER_NAME,
            "{bad}"
        );
    }
    // A table whose schema access is readOnly is refused even if the backend would add.
    m.insert("Device.DeviceInfo.ProcessStatus.Process", NodeKind::Object, true, Str, "").unwrap();
    let proc_table = tr181::SCHEMA.table("Device.DeviceInfo.ProcessStatus.Process.").unwrap();
    assert_eq!(proc_table.access, cwmp_model::schema::ObjectAccess::ReadOnly);
    let err = e.add_object(&mut m, &mut session, "Device.DeviceInfo.ProcessStatus.Process.", "a").unwrap_err();
    assert_eq!(err.reason, Reason::NotATable);
    // A bounded table refuses beyond maxEntries with 9004.
    let bounded = tr181::SCHEMA
        .objects()
        .find(|o| {
            o.is_multi_instance()
                && o.access == cwmp_model::schema::ObjectAccess::ReadWrite
                && o.max_entries.is_some_and(|k| k <= 64)
        })
        .unwrap();
    let max = bounded.max_entries.unwrap();
    let table = bounded.table_name().replace("{i}", "1");
    m.insert(&table, NodeKind::Object, true, Str, "").unwrap();
    for k in 1..=max {
        assert_eq!(e.add_object(&mut m, &mut session, table.as_str(), "a").unwrap().0, k, "{table}");
    }
    let err = e.add_object(&mut m, &mut session, table.as_str(), "a").unwrap_err();
    assert_eq!((err.code, err.reason), (FaultCode::RESOURCES_EXCEEDED, Reason::MaxEntries));
}

#[test]
fn access_list_values() {
    assert!(!access_list_subscriber::<[&str; 0]>([]).unwrap());
    assert!(access_list_subscriber(["Subscriber"]).unwrap());
    assert_eq!(access_list_subscriber(["Admin"]).unwrap_err().code, FaultCode::INVALID_ARGUMENTS);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    /// Arbitrary names and values: the engine answers or faults, never
    /// panics, never allocates, and a rejected SPV leaves every value as it was.
    #[test]
    fn arbitrary_requests(
        picks in proptest::collection::vec((0usize..ROWS.len(), "[a-zA-Z0-9.\\[\\]_-]{0,12}", "\\PC{0,12}"), 1..6),
        path in "[A-Za-z0-9.\\[\\]{}_-]{0,40}",
        next in proptest::bool::ANY,
        notif in 0u8..9,
    ) {
        let mut st = Storage::new(64, 8192, 16);
        let mut m = build(&mut st);
        let mut e: Engine<'_, 16> = Engine::new(&tr181::SCHEMA);
        let (mut session, mut scratch) = (SessionState::new(), [0u8; 64]);
        let names: Vec<String> = picks
            .iter()
            .map(|(i, suffix, _)| if suffix.len() % 3 == 0 { format!("{}{}", ROWS[*i].0, suffix) } else { ROWS[*i].0.to_string() })
            .collect();
        let list: Vec<SetValue<&str>> =
            names.iter().zip(&picks).map(|(n, (_, _, v))| SetValue { name: n.as_str(), value: v.as_str(), ty: None }).collect();
        let before: Vec<String> = ROWS.iter().filter(|r| !r.1).filter_map(|r| {
            let node = m.lookup(&Path::parse(r.0).ok()?)?;
            let mut b = [0u8; 64];
            let n = m.get(node, &mut b).ok()?;
            Some(String::from_utf8(b[..n].to_vec()).unwrap())
        }).collect();
        let mut faults: heapless::Vec<SpvFault, 8> = heapless::Vec::new();
        let r = assert_no_alloc(|| e.set_parameter_values(&mut m, &mut session, list.iter().copied(), "p", &mut faults, &mut scratch));
        if r.is_err() {
            let after: Vec<String> = ROWS.iter().filter(|r| !r.1).filter_map(|r| {
                let node = m.lookup(&Path::parse(r.0).ok()?)?;
                let mut b = [0u8; 64];
                let n = m.get(node, &mut b).ok()?;
                Some(String::from_utf8(b[..n].to_vec()).unwrap())
            }).collect();
            proptest::prop_assert_eq!(before, after);
        }
        assert_no_alloc(|| {
            if let Ok(mut c) = e.get_parameter_names(&m, path.as_str(), next) {
                let mut n = EntryName::new();
                while c.next_entry(&e, &m, &mut n).is_some() {}
            }
            let names = [path.as_str()];
            if let Ok(mut c) = e.get_parameter_values(&m, &names) {
                let (mut n, mut v) = (EntryName::new(), [0u8; 32]);
                while c.next_entry(&e, &m, &names, &mut n, &mut v).is_some() {}
            }
            let _ = e.set_parameter_attributes(&m, [SetAttribute { name: path.as_str(), notification: Some(notif), access_list: Some(next) }]);
            let _ = e.add_object(&mut m, &mut session, path.as_str(), "k");
            let _ = e.delete_object(&mut m, &mut session, path.as_str(), "k");
        });
    }
}
