//! Issue 11, model side: attributes keyed by the exact name, value-change
//! detection that a hash collision cannot blind, and writeOnceReadOnly.

use cwmp_core::FaultCode;
use cwmp_model::attributes::{Attr, AttributeStore, Notification, value_hash};
use cwmp_model::datamodel::DataModel;
use cwmp_model::engine::{Engine, EntryName, Reason, SessionState, SetAttribute, SetValue, SpvFault};
use cwmp_model::loader::Storage;
use cwmp_model::memory::MemoryModel;
use cwmp_model::path::Path;
use cwmp_model::schema::{ParamAccess, tr181};
use cwmp_testkit::alloc::assert_no_alloc;

/// Two short values with the same 32-bit FNV-1a hash (found by search):
/// the hash the watch list kept before.
mod common;

const COLLIDING: (&str, &str) = ("v332789", "v529192");

#[test]
fn names_with_one_hash_keep_their_own_attributes() {
    // The store compares names, so names that collide under a hash (here
    // the 32-bit FNV-1a the watch list used) stay apart, in memory and
    // through the persisted image.
    let (a, b) = (format!("Device.X_A.{}", COLLIDING.0), format!("Device.X_A.{}", COLLIDING.1));
    assert_eq!(value_hash(COLLIDING.0.as_bytes()), value_hash(COLLIDING.1.as_bytes()));
    let mut store: AttributeStore<4> = AttributeStore::new();
    store.set(&a, Attr::new(Notification::Active, false)).unwrap();
    store.set(&b, Attr::new(Notification::Passive, true)).unwrap();
    let mut image = vec![0u8; store.encoded_len()];
    store.encode(&mut image).unwrap();
    for s in [store, AttributeStore::<4>::decode(&image).unwrap()] {
        assert_eq!(s.get(&a), Some(Attr::new(Notification::Active, false)));
        assert_eq!(s.get(&b), Some(Attr::new(Notification::Passive, true)));
        assert_eq!(s.get("Device.X_A.v3"), None);
        assert_eq!(s.len(), 2);
    }
    // The image holds the names themselves (prefix-coded), no hash.
    let tail = String::from_utf8_lossy(&image);
    assert!(tail.contains(&a) && tail.contains(&COLLIDING.1[1..]), "{tail}");
}

#[test]
fn a_change_between_values_with_one_hash_is_notified() {
    let mut st = Storage::new(64, 8192, 16);
    let mut m = common::small_model(&mut st);
    let mut e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
    let session = SessionState::new();
    common::set_local(&mut m, "Device.DeviceInfo.X_ACME_Note", COLLIDING.0);
    let watch = |name| SetAttribute { name, notification: Some(1), access_list: None };
    e.set_parameter_attributes(&m, [watch("Device.DeviceInfo.X_ACME_Note"), watch("Device.DeviceInfo.X_ACME_Log")])
        .unwrap();
    let mut buf = [0u8; 256];
    assert_eq!(e.scan_value_changes(&m, &session, &mut buf).changed, 0);
    // Short values are compared verbatim: a 32-bit hash saw no change here.
    common::set_local(&mut m, "Device.DeviceInfo.X_ACME_Note", COLLIDING.1);
    assert_eq!(assert_no_alloc(|| e.scan_value_changes(&m, &session, &mut buf).changed), 1);
    assert_eq!(e.pending_count(), 1);
    e.clear_pending();
    // Long values: a change in one byte anywhere is seen.
    let long = "x".repeat(200);
    common::set_local(&mut m, "Device.DeviceInfo.X_ACME_Log", &long);
    assert_eq!(e.scan_value_changes(&m, &session, &mut buf).changed, 1);
    let mut changed = long.clone().into_bytes();
    changed[137] = b'y';
    common::set_local(&mut m, "Device.DeviceInfo.X_ACME_Log", std::str::from_utf8(&changed).unwrap());
    assert_eq!(e.scan_value_changes(&m, &session, &mut buf).changed, 1);
    // Same length, same bytes: quiet.
    assert_eq!(e.scan_value_changes(&m, &session, &mut buf).changed, 0);
    // A value the buffer cannot hold is reported unread, not skipped quietly.
    let small = e.scan_value_changes(&m, &session, &mut [0u8; 8]);
    assert_eq!((small.changed, small.unread), (0, 1));
}

#[test]
fn write_once_read_only_is_writable_until_first_written() {
    let def = tr181::SCHEMA.parameter("Device.IP.Interface.1.Alias").unwrap();
    assert_eq!(def.access, ParamAccess::WriteOnceReadOnly);
    let mut st = Storage::new(64, 8192, 16);
    let mut m = common::small_model(&mut st);
    let mut e: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
    let mut session = SessionState::new();
    let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
    let writable = |e: &Engine<'_, 8>, m: &MemoryModel<'_>, name: &str| {
        let mut c = e.get_parameter_names(m, name, false).unwrap();
        c.next_entry(e, m, &mut EntryName::new()).unwrap().unwrap()
    };
    let alias1 = "Device.IP.Interface.1.Alias";
    assert!(writable(&e, &m, alias1));
    // A value the device gave it is not the write: the first SPV succeeds.
    let first = SetValue { name: alias1, value: "lan", ty: None };
    e.set_parameter_values(&mut m, &mut session, [first], "", &mut faults, &mut []).unwrap();
    assert!(!writable(&e, &m, alias1));
    // The store entry made for the mark keeps the schema's default attribute.
    let mut c = e.get_parameter_attributes(&m, &[alias1]).unwrap();
    let a = c.next_attributes(&e, &m, &[alias1], &mut EntryName::new()).unwrap().unwrap();
    assert_eq!((a.notification, a.subscriber), (Notification::Off, false));
    // Then 9008, by number and by the new alias.
    for name in [alias1, "Device.IP.Interface.[lan].Alias"] {
        let again = SetValue { name, value: "lan2", ty: None };
        e.set_parameter_values(&mut m, &mut session, [again], "", &mut faults, &mut []).unwrap_err();
        assert_eq!((faults[0].code, faults[0].reason), (FaultCode::NON_WRITABLE_PARAMETER, Reason::NotWritable));
    }
    // The other instance's Alias is still writable once.
    assert!(writable(&e, &m, "Device.IP.Interface.2.Alias"));
    // The mark survives a reboot through the attribute image, and turning
    // notification on and off again does not forget it.
    let on = SetAttribute { name: alias1, notification: Some(1), access_list: None };
    let off = SetAttribute { name: alias1, notification: Some(0), access_list: None };
    e.set_parameter_attributes(&m, [on]).unwrap();
    e.set_parameter_attributes(&m, [off]).unwrap();
    let mut image = vec![0u8; e.attributes().encoded_len()];
    e.attributes().encode(&mut image).unwrap();
    let e2: Engine<'_, 8> = Engine::new(&tr181::SCHEMA).with_attributes(AttributeStore::decode(&image).unwrap());
    assert!(!writable(&e2, &m, alias1));
    assert!(writable(&e2, &m, "Device.IP.Interface.2.Alias"));
}

#[test]
fn write_once_marks_need_store_room_and_answer_9004_without_it() {
    let mut st = Storage::new(64, 8192, 16);
    let mut m = common::small_model(&mut st);
    let mut e: Engine<'_, 1> = Engine::new(&tr181::SCHEMA);
    let mut session = SessionState::new();
    let mut faults: heapless::Vec<SpvFault, 4> = heapless::Vec::new();
    let both = [
        SetValue { name: "Device.IP.Interface.1.Alias", value: "a", ty: None },
        SetValue { name: "Device.IP.Interface.2.Alias", value: "b", ty: None },
    ];
    let err = e.set_parameter_values(&mut m, &mut session, both, "", &mut faults, &mut []).unwrap_err();
    assert_eq!(err.code, FaultCode::RESOURCES_EXCEEDED);
    let node = m.lookup(&Path::parse("Device.IP.Interface.1.Alias").unwrap()).unwrap();
    let mut v = [0u8; 16];
    let n = m.get(node, &mut v).unwrap();
    assert_eq!(&v[..n], b"cpe-lan", "nothing applied");
}
