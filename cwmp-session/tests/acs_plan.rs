//! The ACS helpers driven against simulated CPEs: the GetParameterValues
//! bisect finds exactly the bad names, and the GetParameterNames walk
//! discovers a real device's tree (a genieacs-sim dump) level by level,
//! ignoring what a hostile CPE adds to its answers.

use std::collections::BTreeSet;

use cwmp_core::FaultCode;
use cwmp_session::acs::plan::{BisectStep, Found, GpnWalk, GpvBisect};
use cwmp_soap::rpc::GetParameterNamesResponse;
use cwmp_soap::structs::ParameterInfoStruct;
use cwmp_soap::{List, Text};
use cwmp_testkit::corpus;
use proptest::prelude::*;

/// Runs a bisect against a CPE that faults any request containing a bad index.
fn bisect(len: usize, bad: &BTreeSet<usize>) -> (BTreeSet<usize>, Vec<usize>, u32) {
    let mut plan = GpvBisect::new(len);
    let (mut found, mut good) = (BTreeSet::new(), Vec::new());
    while let BisectStep::Request(r) = plan.next_step() {
        assert!(!r.is_empty() && r.end <= len, "{r:?}");
        if r.clone().any(|i| bad.contains(&i)) {
            if let Some(i) = plan.on_fault(FaultCode::new(9005)) {
                assert!(found.insert(i), "{i} reported twice");
            }
        } else {
            plan.on_success();
            good.extend(r);
        }
    }
    (found, good, plan.requests())
}

proptest! {
    #[test]
    fn bisect_finds_exactly_the_bad_names_and_keeps_every_good_value(
        len in 1usize..400,
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..6),
    ) {
        let bad: BTreeSet<usize> = picks.iter().map(|p| p.index(len)).collect();
        let (found, mut good, requests) = bisect(len, &bad);
        prop_assert_eq!(&found, &bad);
        good.sort_unstable();
        let expected: Vec<usize> = (0..len).filter(|i| !bad.contains(i)).collect();
        prop_assert_eq!(good, expected, "each good name is read exactly once");
        // At most two requests per halving level per bad name, plus the first split.
        let levels = usize::BITS - len.leading_zeros();
        prop_assert!(requests as usize <= 2 * bad.len() * levels as usize + 2, "{} requests", requests);
    }
}

#[test]
fn bisect_of_a_huge_list_stays_within_its_fixed_stack() {
    let len = 1usize << 31;
    let bad: BTreeSet<usize> = [0, len / 3, len - 1].into_iter().collect();
    let mut plan = GpvBisect::new(len);
    let mut found = BTreeSet::new();
    while let BisectStep::Request(r) = plan.next_step() {
        // Cheap CPE: only the endpoints matter for a contiguous range test.
        if bad.range(r.clone()).next().is_some() {
            if let Some(i) = plan.on_fault(FaultCode::new(9005)) {
                found.insert(i);
            }
        } else {
            plan.on_success();
        }
    }
    assert_eq!(found, bad);
    assert_eq!(plan.bad_names(), 3);
    assert_eq!(plan.last_fault(), Some(FaultCode::new(9005)));
}

/// The names of a genieacs-sim device dump: objects end in `.`.
fn device_tree() -> Vec<(String, bool)> {
    let csv = String::from_utf8(corpus::read("devicemodels/genieacs-sim/huawei-BM632w-igd.csv")).expect("utf-8");
    csv.lines()
        .skip(1)
        .filter(|l| l.starts_with("InternetGatewayDevice."))
        .map(|l| {
            let mut cols = l.split(',');
            let name = cols.next().unwrap();
            let object = cols.next() == Some("true");
            let writable = cols.next() == Some("true");
            (if object { format!("{name}.") } else { name.to_owned() }, writable)
        })
        .collect()
}

/// A CPE answering GetParameterNames(path, NextLevel=true) from `tree`,
/// plus whatever `noise` adds.
fn answer<'t>(tree: &'t [(String, bool)], path: &str, noise: &'t [(String, bool)]) -> Vec<ParameterInfoStruct<'t>> {
    tree.iter()
        .filter(|(n, _)| {
            n.strip_prefix(path).is_some_and(|rest| {
                let rest = rest.strip_suffix('.').unwrap_or(rest);
                !rest.is_empty() && !rest.contains('.')
            })
        })
        .chain(noise)
        .map(|(n, w)| ParameterInfoStruct { name: Text::plain(n), writable: *w })
        .collect()
}

fn walk(noise: &[(String, bool)]) -> (BTreeSet<String>, BTreeSet<String>, usize, u32) {
    let tree = device_tree();
    let mut walk = GpnWalk::<256>::new("InternetGatewayDevice.");
    let (mut params, mut objects, mut ignored, mut requests) = (BTreeSet::new(), BTreeSet::new(), 0, 0);
    while let Some(req) = walk.next_request() {
        requests += 1;
        assert!(req.next_level);
        let path = req.parameter_path.to_string();
        let list = answer(&tree, &path, noise);
        let resp = GetParameterNamesResponse { parameter_list: List::from(list.as_slice()) };
        let report = walk.on_response(&resp, |f| match f {
            Found::Object { name, .. } => assert!(objects.insert(name.to_owned()), "{name} twice"),
            Found::Parameter { name, .. } => assert!(params.insert(name.to_owned()), "{name} twice"),
        });
        assert_eq!(report.overflowed, 0);
        ignored += report.ignored;
        assert!(requests < 10_000, "the walk must terminate");
    }
    (params, objects, ignored, requests)
}

#[test]
fn gpn_walk_discovers_a_real_device_tree_level_by_level() {
    let tree = device_tree();
    let (params, objects, ignored, requests) = walk(&[]);
    let want_params: BTreeSet<String> =
        tree.iter().filter(|(n, _)| !n.ends_with('.')).map(|(n, _)| n.clone()).collect();
    let want_objects: BTreeSet<String> =
        tree.iter().filter(|(n, _)| n.ends_with('.')).map(|(n, _)| n.clone()).collect();
    assert_eq!(params, want_params);
    assert_eq!(objects, want_objects);
    assert_eq!(ignored, 0);
    assert_eq!(requests as usize, want_objects.len() + 1, "one request per object and the root");
}

#[test]
fn gpn_walk_ignores_hostile_entries_and_cannot_loop() {
    // The path itself, a grandchild, an unrelated tree, an empty name, a
    // name with a reference: each answered on every request.
    let noise: Vec<(String, bool)> =
        ["InternetGatewayDevice.", "InternetGatewayDevice.DeviceInfo.X.Y", "Device.", "", "a&amp;b"]
            .iter()
            .map(|n| (n.to_string(), false))
            .collect();
    let (clean_params, clean_objects, _, clean_requests) = walk(&[]);
    let (params, objects, ignored, requests) = walk(&noise);
    assert_eq!((params, objects, requests), (clean_params, clean_objects, clean_requests));
    assert_eq!(ignored, noise.len() * requests as usize, "every noise entry ignored on every answer");
}

#[test]
fn gpn_walk_reports_a_full_frontier_instead_of_dropping_silently() {
    let tree = device_tree();
    let mut walk = GpnWalk::<1>::new("InternetGatewayDevice.");
    let req = walk.next_request().expect("root");
    let path = req.parameter_path.to_string();
    let list = answer(&tree, &path, &[]);
    let objects = list.iter().filter(|p| p.name.to_string().ends_with('.')).count();
    let report = walk.on_response(&GetParameterNamesResponse { parameter_list: List::from(list.as_slice()) }, |_| {});
    assert!(objects > 1);
    assert_eq!((report.objects, report.overflowed), (1, objects - 1));
    assert_eq!(walk.overflowed(), objects - 1);
    walk.next_request();
    walk.on_fault();
    assert_eq!(walk.pending(), 0);
    assert!(walk.next_request().is_none());
}
