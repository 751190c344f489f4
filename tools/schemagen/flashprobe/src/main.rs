//! Flash cost of the schema tables on a Cortex-M4F (thumbv7em-none-eabihf),
//! fat LTO, opt-level "s". One feature per variant selects the schema the
//! program looks up in; `measure.sh` builds each and prints `size`.
//!
//! * `none`: an empty program (the baseline).
//! * `root`: only the root object (the lookup/check code plus a few bytes).
//! * `gateway`: ROOT, DeviceInfo, ManagementServer, Time, IP (without
//!   IP.Diagnostics), Ethernet, WiFi (without WiFi.DataElements), Hosts,
//!   DHCPv4, NAT, Firewall, PPP.
//! * `gwdiag`: `gateway` plus IP.Diagnostics.
//! * `full`: all of TR-181 Device:2.17; `tr098`: all of TR-098.
#![no_std]
#![no_main]
#[cfg(not(feature = "none"))]
use core::hint::black_box;
#[cfg(not(feature = "none"))]
use cwmp_model::schema::*;

#[cfg(feature = "root")]
static S: Schema = tr181::SCHEMA.subset(&[&tr181::ROOT]);
#[cfg(feature = "gateway")]
static S: Schema = tr181::SCHEMA.subset(&[
    &tr181::ROOT,
    &tr181::DEVICE_INFO,
    &tr181::MANAGEMENT_SERVER,
    &tr181::TIME,
    &tr181::IP,
    &tr181::ETHERNET,
    &tr181::WIFI,
    &tr181::HOSTS,
    &tr181::DHCPV4,
    &tr181::NAT,
    &tr181::FIREWALL,
    &tr181::PPP,
]);
#[cfg(feature = "gwdiag")]
static S: Schema = tr181::SCHEMA.subset(&[
    &tr181::ROOT,
    &tr181::DEVICE_INFO,
    &tr181::MANAGEMENT_SERVER,
    &tr181::TIME,
    &tr181::IP,
    &tr181::IP_DIAGNOSTICS,
    &tr181::ETHERNET,
    &tr181::WIFI,
    &tr181::HOSTS,
    &tr181::DHCPV4,
    &tr181::NAT,
    &tr181::FIREWALL,
    &tr181::PPP,
]);
#[cfg(feature = "full")]
static S: &Schema = &tr181::SCHEMA;
#[cfg(feature = "tr098")]
static S: &Schema = &tr098::SCHEMA;

#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    #[cfg(not(feature = "none"))]
    {
        let s: &Schema = black_box(&S);
        let mut n = 0usize;
        if let Some(p) = s.parameter(black_box("Device.IP.Interface.1.IPv4Address.1.IPAddress")) {
            n += usize::from(p.check(black_box("1.2.3.4")).is_ok());
        }
        n += s.walk(black_box("Device.")).map(|o| o.param_count()).sum::<usize>();
        n += usize::from(s.table(black_box("Device.IP.Interface.")).is_some());
        if let Some(r) = s.root_object() {
            n += s.children(r).count();
        }
        n += s.forced_inform().count();
        black_box(n);
    }
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
