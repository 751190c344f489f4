//! cwmp-model engine benchmark on the largest device dump of the corpus
//! (TP-Link EX220, TR-181, 5229 rows):
//!
//! * `gpv_all`: GetParameterValues of `Device.` (every value) through the
//!   schema-validated engine over the in-memory backend;
//! * `spv_100`: SetParameterValues of 100 writable booleans (validated against
//!   the schema, applied in one batch, ParameterKey updated).
//!
//! The peer is the approach a std program would take without this crate: a
//! `BTreeMap<String, (String, bool)>` of the dump, a prefix range scan copying
//! names and values out for GPV, and for SPV a check-then-clone-then-swap of
//! the map for atomicity (no schema checks). Medians are printed with the
//! ratio peer / ours.
//!
//! `cargo bench -p cwmp-benches --bench model_engine` for timings;
//! `… --bench model_engine -- --callgrind gpv_all|spv_100` runs one
//! operation once after setup, for
//! `valgrind --tool=callgrind --toggle-collect=model_engine::run_gpv_all` (or
//! `run_spv_100`); see the report for the counts.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use cwmp_model::engine::{Engine, EntryName, SessionState, SetValue, SpvFault, UnknownNames};
use cwmp_model::heapless;
use cwmp_model::loader::{Storage, load_genieacs_csv, records};
use cwmp_model::memory::MemoryModel;
use cwmp_model::schema::{Schema, tr181};

const DUMP: &str = "devicemodels/genieacs-sim/tplink-EX220.csv";

type Eng = Engine<'static, 64>;

/// GPV of the whole tree; returns (entries, value bytes).
#[inline(never)]
fn run_gpv_all(e: &Eng, m: &MemoryModel<'_>, value: &mut [u8]) -> (usize, usize) {
    let names = ["Device."];
    let mut c = e.get_parameter_values(m, &names).expect("GPV Device.");
    let mut name = EntryName::new();
    let (mut n, mut bytes) = (0, 0);
    while let Some(r) = c.next_entry(e, m, &names, &mut name, value) {
        bytes += r.expect("value").len;
        n += 1;
        black_box(&name);
    }
    (n, bytes)
}

/// SPV of the given 100 parameters.
#[inline(never)]
fn run_spv_100(e: &mut Eng, m: &mut MemoryModel<'_>, list: &[SetValue<&str>]) {
    let mut faults: heapless::Vec<SpvFault, 8> = heapless::Vec::new();
    let mut session = SessionState::new();
    e.set_parameter_values(m, &mut session, list.iter().copied(), "bench", &mut faults, &mut [0u8; 64]).expect("SPV");
}

/// The peer's GPV: range scan over a BTreeMap, copying entries out.
#[inline(never)]
fn peer_gpv_all(map: &BTreeMap<String, (String, bool)>) -> Vec<(String, String)> {
    map.range("Device.".to_string()..)
        .take_while(|(k, _)| k.starts_with("Device."))
        .filter(|(_, (_, object))| !object)
        .map(|(k, (v, _))| (k.clone(), v.clone()))
        .collect()
}

/// The peer's SPV: check existence, clone, apply, swap (all-or-nothing).
#[inline(never)]
fn peer_spv_100(map: &mut BTreeMap<String, (String, bool)>, list: &[(String, String)]) {
    assert!(list.iter().all(|(k, _)| map.contains_key(k)));
    let mut next = map.clone();
    for (k, v) in list {
        if let Some(e) = next.get_mut(k) {
            e.0 = v.clone();
        }
    }
    *map = next;
}

fn median(mut f: impl FnMut(), iters: usize) -> Duration {
    let mut samples: Vec<Duration> = (0..iters)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let callgrind = args.iter().position(|a| a == "--callgrind").map(|i| args.get(i + 1).cloned().unwrap_or_default());

    let text = String::from_utf8(cwmp_testkit::corpus::read(DUMP)).expect("utf-8 dump");
    let mut storage = Storage::for_text(&text);
    let mut m = storage.model();
    load_genieacs_csv(&text, &mut m).expect("load");
    let schema: &'static Schema = &tr181::SCHEMA;
    let mut e: Eng = Engine::new(schema).with_unknown_names(UnknownNames::Serve);
    let mut value = vec![0u8; 64 * 1024];

    // 100 writable booleans (device and schema agree), toggled each round.
    let mut map: BTreeMap<String, (String, bool)> = BTreeMap::new();
    let mut bools = Vec::new();
    let mut recs = records(&text).map(|r| r.expect("csv").1);
    let header = recs.next().expect("header");
    let col = |n: &str| header.iter().position(|h| h == n).expect("column");
    let (cn, co, cw, cv) = (col("Parameter"), col("Object"), col("Writable"), col("Value"));
    for f in recs.filter(|f| f[cn].starts_with("Device.")) {
        let object = f[co] == "true";
        if !object
            && f[cw] == "true"
            && schema.parameter(&f[cn]).is_some_and(|p| p.is_writable() && p.ty == cwmp_core::ParamType::Boolean)
        {
            bools.push(f[cn].clone());
        }
        map.insert(f[cn].clone(), (f[cv].clone(), object));
    }
    assert!(bools.len() >= 100, "only {} writable booleans", bools.len());
    bools.truncate(100);
    let on: Vec<SetValue<&str>> =
        bools.iter().map(|n| SetValue { name: n.as_str(), value: "true", ty: None }).collect();
    let off: Vec<SetValue<&str>> =
        bools.iter().map(|n| SetValue { name: n.as_str(), value: "false", ty: None }).collect();
    let peer_on: Vec<(String, String)> = bools.iter().map(|n| (n.clone(), "true".into())).collect();
    let peer_off: Vec<(String, String)> = bools.iter().map(|n| (n.clone(), "false".into())).collect();

    match callgrind.as_deref() {
        Some("gpv_all") => {
            black_box(run_gpv_all(&e, &m, &mut value));
            return;
        }
        Some("spv_100") => {
            run_spv_100(&mut e, &mut m, &on);
            return;
        }
        Some("peer_gpv_all") => {
            black_box(peer_gpv_all(&map));
            return;
        }
        Some("peer_spv_100") => {
            peer_spv_100(&mut map, &peer_on);
            return;
        }
        Some(other) => panic!("unknown callgrind target {other:?}"),
        None => {}
    }

    let (entries, bytes) = run_gpv_all(&e, &m, &mut value);
    assert_eq!(entries, peer_gpv_all(&map).len(), "both walks see every parameter");
    let iters = 200;
    let ours = median(|| _ = black_box(run_gpv_all(&e, &m, &mut value)), iters);
    let peer = median(|| drop(black_box(peer_gpv_all(&map))), iters);
    println!(
        "gpv_all  ({entries} values, {bytes} bytes): cwmp-model {ours:>10.2?}  btreemap peer {peer:>10.2?}  peer/ours {:.2}",
        peer.as_secs_f64() / ours.as_secs_f64()
    );
    let mut flip = false;
    let ours = median(
        || {
            flip = !flip;
            run_spv_100(&mut e, &mut m, if flip { &on } else { &off });
        },
        iters,
    );
    let peer = median(
        || {
            flip = !flip;
            peer_spv_100(&mut map, if flip { &peer_on } else { &peer_off });
        },
        iters,
    );
    println!(
        "spv_100  (100 booleans, validated):    cwmp-model {ours:>10.2?}  btreemap peer {peer:>10.2?}  peer/ours {:.2}",
        peer.as_secs_f64() / ours.as_secs_f64()
    );
}
