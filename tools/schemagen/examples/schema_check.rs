//! Measures `ParamDef::check` on typical SetParameterValues values: an IPv4
//! address (pattern), a MAC address (pattern), an enumeration, a ranged
//! unsignedInt, a sized string and an enumerated list.
//!
//! `cargo run --release -p cwmp-schemagen --example schema_check -- [rounds]`;
//! under `valgrind --tool=callgrind`, run with 1 and 2 rounds and divide the
//! difference by the checks per round for instructions per check.

use std::hint::black_box;

use cwmp_model::schema::tr181;

const CASES: [(&str, &str); 6] = [
    ("Device.IP.Interface.1.IPv4Address.1.IPAddress", "192.168.100.200"),
    ("Device.Ethernet.Interface.1.MACAddress", "00:1a:2b:3c:4d:5e"),
    ("Device.IP.Interface.1.Status", "LowerLayerDown"),
    ("Device.ManagementServer.PeriodicInformInterval", "86400"),
    ("Device.ManagementServer.URL", "https://acs.example.com:7547/cwmp"),
    ("Device.WiFi.Radio.1.OperatingStandards", "b,g,n,ax"),
];

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|r| r.parse().ok()).unwrap_or(1);
    let defs: Vec<_> = CASES.iter().map(|(p, v)| (tr181::SCHEMA.parameter(p).expect(p), *v)).collect();
    let mut ok = 0usize;
    for _ in 0..rounds {
        for _ in 0..1000 {
            for (d, v) in &defs {
                ok += usize::from(black_box(d).check(black_box(v)).is_ok());
            }
        }
    }
    println!("{} checks per round, {ok} accepted", defs.len() * 1000);
}
