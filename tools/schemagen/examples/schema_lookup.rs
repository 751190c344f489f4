//! Measures `Schema::parameter` (instance-aware template lookup) and
//! `ParamDef::check` over every parameter of TR-181 2.17, against a peer: a
//! `HashMap<String, _>` of templates, queried after rewriting the path's
//! instance segments to `{i}` in a reused `String` (how a std implementation
//! would typically do it).
//!
//! `cargo run --release -p cwmp-schemagen --example schema_lookup -- [ours|peer|both] [rounds]`
//!
//! Wall-clock numbers are printed as a ratio measured in the same run; for
//! stable numbers run it under `valgrind --tool=callgrind` with 1 and 2
//! rounds and divide the difference by the lookups per round.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use cwmp_model::schema::template::is_instance_segment;
use cwmp_model::schema::{ParamDef, tr181};

/// Concrete paths: every parameter template with instance numbers and
/// aliases put in for `{i}`.
fn concrete_paths() -> Vec<String> {
    let mut out = Vec::new();
    for (k, o) in tr181::SCHEMA.objects().enumerate() {
        for p in o.params() {
            let name = format!("{}{}", o.name, p.name);
            let name = if k % 3 == 0 { name.replace("{i}", "[cpe-7]") } else { name.replace("{i}", "12") };
            out.push(name);
        }
    }
    out
}

fn peer_map() -> HashMap<String, &'static ParamDef> {
    tr181::SCHEMA.objects().flat_map(|o| o.params().map(move |p| (format!("{}{}", o.name, p.name), p.def))).collect()
}

fn peer_lookup<'m>(map: &'m HashMap<String, &'static ParamDef>, buf: &mut String, path: &str) -> Option<&'m ParamDef> {
    buf.clear();
    for (i, seg) in path.split('.').enumerate() {
        if i > 0 {
            buf.push('.');
        }
        buf.push_str(if is_instance_segment(seg) { "{i}" } else { seg });
    }
    map.get(buf.as_str()).copied()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "both".into());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let paths = concrete_paths();
    let map = peer_map();
    let mut buf = String::with_capacity(256);
    let mut found = 0usize;

    let t = Instant::now();
    if mode == "ours" || mode == "both" {
        for _ in 0..rounds {
            for p in &paths {
                found += usize::from(tr181::SCHEMA.parameter(black_box(p)).is_some());
            }
        }
    }
    let ours = t.elapsed();
    let t = Instant::now();
    if mode == "peer" || mode == "both" {
        for _ in 0..rounds {
            for p in &paths {
                found += usize::from(peer_lookup(&map, &mut buf, black_box(p)).is_some());
            }
        }
    }
    let peer = t.elapsed();
    let n = (paths.len() * rounds) as f64;
    println!("{} lookups per round, {rounds} rounds, {found} found", paths.len());
    if mode == "both" {
        println!(
            "ours: {:.0} ns/lookup, HashMap peer: {:.0} ns/lookup, ratio peer/ours = {:.2}",
            ours.as_nanos() as f64 / n,
            peer.as_nanos() as f64 / n,
            peer.as_secs_f64() / ours.as_secs_f64()
        );
    }
}
