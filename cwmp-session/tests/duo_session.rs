//! Our ACS engine against our CPE session engine, byte for byte over an
//! in-memory connection on a virtual clock: the CPE serves the model of a
//! real device dump (TP-Link EX220, TR-181); the ACS policy queues RPCs.
//! Every ACS-side result is checked against the CPE model's own values.

mod common;
mod duo_support;

use cwmp_model::loader::Storage;
use cwmp_session::acs::{AcsConfig, AuthMode, EndReason, Event as AcsEvent};
use cwmp_session::cpe::session::Outcome;
use duo_support::*;

fn open_acs() -> AcsConfig<'static> {
    AcsConfig { auth: AuthMode::None, ..AcsConfig::new("acs") }
}

#[test]
fn duo_bootstrap_session_completes_between_our_engines() {
    let text = dump_text();
    let mut st = Storage::for_text(&text);
    let mut duo = Duo::new(cpe_over(&mut st, &text), open_acs());
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(
        duo.policy.informs,
        vec![vec![("0 BOOTSTRAP".to_owned(), String::new()), ("1 BOOT".to_owned(), String::new())]]
    );
    // Inform → InformResponse, empty POST → 204.
    assert_eq!(duo.statuses, vec![200, 204]);
    assert_eq!(duo.requests.len(), 2);
    assert!(duo.requests[1].ends_with(b"\r\n\r\n"), "the second request is the empty POST");
    assert!(matches!(duo.acs_events[0], AcsEvent::Informed { .. }), "{:?}", duo.acs_events);
    assert_eq!(duo.acs_events.last(), Some(&AcsEvent::Ended { reason: EndReason::Completed, completed: 0 }));
    assert_eq!(duo.connections, 1);
    // Both sides idle: the CPE has nothing to send until its periodic Inform.
    assert!(duo.acs.as_ref().unwrap().is_ended());
    assert_eq!(duo.session.state().events.len(), 0, "the delivered events are gone");
}
