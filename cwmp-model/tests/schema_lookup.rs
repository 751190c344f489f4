//! Instance-aware lookup, tables, walks and firmware subsets.

use cwmp_model::schema::{ActiveNotify, ObjectAccess, ParamAccess, Schema, Status, template, tr098, tr181};
use cwmp_testkit::alloc::assert_no_alloc;

const S: &Schema = &tr181::SCHEMA;

#[test]
fn concrete_paths_resolve_to_templates() {
    let tpl = "Device.IP.Interface.{i}.IPv4Address.{i}.";
    for path in [
        "Device.IP.Interface.3.IPv4Address.1.",
        "Device.IP.Interface.3.IPv4Address.1",
        "Device.IP.Interface.[wan].IPv4Address.[cpe-1].",
        "Device.IP.Interface.{i}.IPv4Address.{i}.",
        "Device.IP.Interface.4294967295.IPv4Address.0.",
    ] {
        assert_eq!(S.object(path).map(|o| o.name), Some(tpl), "{path}");
    }
    let (o, p) = S.parameter_with_object("Device.IP.Interface.3.IPv4Address.1.IPAddress").unwrap();
    assert!(o.params().any(|q| q.name == "IPAddress" && core::ptr::eq(q.def, p)));
    assert_eq!(p.access, ParamAccess::ReadWrite);
    for bad in [
        "Device.IP.Interface.x.IPv4Address.1.",
        "Device.IP.Interface.3.IPv4Address.1.Nope",
        "Device.IP.Interface.3.IPv4Address.1.IPAddress.",
        "Device.IP.Interface.IPv4Address.",
        "InternetGatewayDevice.DeviceInfo.",
        "device.IP.",
        "",
        ".",
        "Device..",
        "Device.IP.Interface.[].",
        "Device.IP.Interface.-1.",
    ] {
        assert!(S.object(bad).is_none() || bad.ends_with("IPAddress."), "object({bad})");
        assert!(S.parameter(bad).is_none(), "parameter({bad})");
    }
    assert!(tr098::SCHEMA.object("InternetGatewayDevice.LANDevice.1.WLANConfiguration.2.").is_some());
}

#[test]
fn tables_are_found_from_their_path() {
    let o = S.table("Device.IP.Interface.").unwrap();
    assert_eq!(o.name, "Device.IP.Interface.{i}.");
    assert!(o.is_multi_instance());
    assert_eq!(o.access, ObjectAccess::ReadWrite);
    assert_eq!(o.num_entries_param(), Some("InterfaceNumberOfEntries"));
    assert_eq!(o.table_name(), "Device.IP.Interface.");
    assert_eq!(S.table("Device.IP.Interface.2.IPv4Address.").unwrap().name, "Device.IP.Interface.{i}.IPv4Address.{i}.");
    assert!(S.table("Device.IP.").is_none(), "not a table");
    assert!(S.table("Device.IP.Interface.2.").is_none(), "an instance, not a table");
    assert!(S.table("Device.IP.Inter").is_none());
    // Every table resolves from its table path, in both models, including
    // tables that are top-level objects themselves.
    for schema in [&tr181::SCHEMA, &tr098::SCHEMA] {
        for o in schema.objects().filter(|o| o.is_multi_instance()) {
            assert_eq!(schema.table(o.table_name()).map(|t| t.name), Some(o.name), "{}", o.name);
            let concrete = o.table_name().replace("{i}", "5");
            assert_eq!(schema.table(&concrete).map(|t| t.name), Some(o.name), "{concrete}");
            assert!(schema.object(o.table_name()).is_none(), "{} is a table, not an object", o.table_name());
        }
    }
    assert_eq!(S.table("Device.InterfaceStack.").map(|t| t.name), Some("Device.InterfaceStack.{i}."));
    assert_eq!(
        tr098::SCHEMA.table("InternetGatewayDevice.LANDevice.").map(|t| t.name),
        Some("InternetGatewayDevice.LANDevice.{i}.")
    );
    let di = S.object("Device.DeviceInfo.").unwrap();
    assert!(!di.is_multi_instance());
    assert_eq!((di.min_entries, di.max_entries), (1, Some(1)));
}

#[test]
fn object_and_parameter_properties_follow_the_xml() {
    // Values read off tr-181-2-17-0-cwmp-full.xml by hand.
    let o = S.object("Device.IP.Interface.1.").unwrap();
    assert_eq!(o.max_entries, None);
    assert_eq!(o.min_entries, 0);
    assert_eq!(o.enable_param(), Some("Enable"));
    assert_eq!(o.unique_keys().map(Iterator::collect::<Vec<_>>).collect::<Vec<_>>(), [["Alias"], ["Name"]]);
    assert_eq!(o.param("Alias").unwrap().access, ParamAccess::WriteOnceReadOnly);
    assert_eq!(o.param("LastChange").unwrap().notify, ActiveNotify::CanDeny);
    let v = S.parameter("Device.RootDataModelVersion").unwrap();
    assert!(v.forced_inform() && !v.is_writable());
    assert_eq!(v.syntax.patterns, &["2\\.\\d+"]);
    let pw = S.parameter("Device.ManagementServer.Password").unwrap();
    assert!(pw.reads_empty());
    let status = S.parameter("Device.IP.Interface.1.Status").unwrap();
    assert_eq!(status.syntax.enumeration.first(), Some("Up"));
    assert!(status.syntax.enumeration.contains("LowerLayerDown"));
    let mac = S.parameter("Device.Ethernet.Interface.1.MACAddress").unwrap();
    assert_eq!(mac.syntax.sizes.first().and_then(|s| s.max), Some(17), "MACAddress dataType resolved");
    assert_eq!(mac.syntax.patterns.len(), 2);
    let ll = S.parameter("Device.IP.Interface.1.LowerLayers").unwrap();
    let list = ll.syntax.list.unwrap();
    assert_eq!(list.max_length, Some(1024));
    let pii = S.parameter("Device.ManagementServer.PeriodicInformInterval").unwrap();
    assert_eq!(pii.syntax.ranges.first().map(|r| (r.min, r.max)), Some((Some(1), None)));
    // Deleted items are left out, deprecated ones kept and flagged.
    assert!(S.parameter("Device.ManagementServer.ManageableDevice.1.Alias").is_none(), "deleted");
    assert!(S.parameter("Device.DSL.Line.1.StandardUsed").is_none(), "deleted");
    assert_eq!(S.parameter("Device.Time.NTPServer1").map(|p| p.status()), Some(Status::Deprecated));
    let deprecated = S.objects().flat_map(|o| o.params()).filter(|p| p.status() == Status::Deprecated).count();
    assert!(deprecated > 0);
}

#[test]
fn children_are_the_direct_sub_objects() {
    let ip = S.object("Device.IP.").unwrap();
    let names: Vec<_> = S.children(ip).map(|o| o.name).collect();
    assert!(names.contains(&"Device.IP.Interface.{i}."), "{names:?}");
    assert!(names.contains(&"Device.IP.Diagnostics."), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("Device.IP.Interface.{i}.") && n.len() > 24), "{names:?}");
    // Every child's parent is the object we asked about, and every object
    // is the child of exactly one object: the children relation spans the tree.
    let mut seen = 0usize;
    for o in S.objects() {
        for c in S.children(o) {
            let parent_tpl = c.name.strip_suffix("{i}.").unwrap_or(c.name);
            let parent_tpl = &parent_tpl[..template::trim_dot(parent_tpl).rfind('.').unwrap() + 1];
            assert_eq!(parent_tpl, o.name, "{} under {}", c.name, o.name);
            seen += 1;
        }
    }
    assert_eq!(seen + 1, S.object_count(), "every object but the root is someone's child");
    let root_children = S.children(S.root_object().unwrap()).count();
    assert!(root_children > 50, "{root_children}");
}

#[test]
fn walk_visits_a_subtree_parents_first() {
    let all: Vec<_> = S.walk("Device.IP.Interface.2.").map(|o| o.name).collect();
    assert_eq!(all.first(), Some(&"Device.IP.Interface.{i}."));
    assert!(all.iter().all(|n| n.starts_with("Device.IP.Interface.{i}.")));
    let expected = S.objects().filter(|o| o.name.starts_with("Device.IP.Interface.{i}.")).count();
    assert_eq!(all.len(), expected);
    assert_eq!(S.walk("").count(), S.object_count());
    assert_eq!(S.walk("Device.").count(), S.object_count());
    assert_eq!(S.walk("Device.Nope.").count(), 0);
    assert_eq!(S.walk("Device.IP.Interface.").count(), all.len(), "a table walks its instances' template");
    for (i, w) in all.windows(2).enumerate() {
        assert!(template::cmp_paths(w[0], w[1]).is_lt(), "order at {i}");
    }
}

#[test]
fn split_parts_join_their_main_part() {
    assert_eq!(tr181::WIFI_DATA_ELEMENTS.name, "WiFi");
    assert_eq!(tr181::WIFI_DATA_ELEMENTS.objects.first().map(|o| o.name), Some("Device.WiFi.DataElements."));
    assert!(tr181::WIFI.objects.iter().all(|o| !o.name.starts_with("Device.WiFi.DataElements.")));
    let wifi = S.object("Device.WiFi.").unwrap();
    let children: Vec<_> = S.children(wifi).map(|o| o.name).collect();
    assert!(children.contains(&"Device.WiFi.DataElements."), "{children:?}");
    assert!(children.contains(&"Device.WiFi.Radio.{i}."), "{children:?}");
    let walked = S.walk("Device.WiFi.").count();
    assert_eq!(walked, tr181::WIFI.objects.len() + tr181::WIFI_DATA_ELEMENTS.objects.len());
    assert!(S.parameter("Device.WiFi.DataElements.Network.ID").is_some());
    // Without the part, the rest of WiFi still resolves.
    static NO_DE: Schema = tr181::SCHEMA.subset(&[&tr181::ROOT, &tr181::WIFI]);
    assert!(NO_DE.parameter("Device.WiFi.DataElements.Network.ID").is_none());
    assert!(NO_DE.parameter("Device.WiFi.Radio.1.Channel").is_some());
    assert_eq!(NO_DE.walk("Device.WiFi.").count(), tr181::WIFI.objects.len());
}

#[test]
fn subtrees_are_sorted_and_partition_the_model() {
    for schema in [&tr181::SCHEMA, &tr098::SCHEMA] {
        assert_eq!(schema.subtrees.first().map(|s| s.name), Some(""));
        for sub in schema.subtrees {
            for w in sub.objects.windows(2) {
                assert!(template::cmp_paths(w[0].name, w[1].name).is_lt(), "{} !< {}", w[0].name, w[1].name);
            }
            for o in sub.objects {
                assert_eq!(o.name.split('.').nth(1).unwrap_or(""), sub.name);
            }
        }
    }
}

#[test]
fn firmware_subset_knows_only_its_subtrees() {
    static GW: Schema =
        tr181::SCHEMA.subset(&[&tr181::ROOT, &tr181::DEVICE_INFO, &tr181::MANAGEMENT_SERVER, &tr181::IP]);
    assert!(GW.parameter("Device.ManagementServer.URL").is_some());
    assert!(GW.object("Device.IP.Interface.1.").is_some());
    assert!(GW.object("Device.WiFi.").is_none());
    assert!(GW.table("Device.WiFi.Radio.").is_none());
    let n = tr181::ROOT.objects.len()
        + tr181::DEVICE_INFO.objects.len()
        + tr181::MANAGEMENT_SERVER.objects.len()
        + tr181::IP.objects.len();
    assert_eq!(GW.objects().count(), n);
    assert_eq!(GW.children(GW.root_object().unwrap()).count(), 3);
    // Forced-inform parameters outside the subset are not reported.
    assert!(GW.forced_inform().all(|p| GW.parameter(p).is_some()));
    assert!(GW.forced_inform().count() >= 5);
}

#[test]
fn table_entry_sizes_are_pinned() {
    // 4 bytes per parameter (name offset and length, definition index); a
    // definition, shared by the parameters alike, 8 bytes on 32-bit targets
    // (syntax 4, 4 bytes of type/access/notify/flags); the 64-bit host
    // doubles the pointers.
    let ptr = size_of::<usize>();
    assert_eq!(size_of::<cwmp_model::schema::ParamEntry>(), 4);
    assert_eq!(size_of::<cwmp_model::schema::ParamDef>(), 2 * ptr);
    // An object: template, entries and table (2.5 pointers' worth), entry
    // counts, status and packed references to its numEntries/enable names
    // and unique keys: 48 bytes on 32-bit targets.
    assert!(size_of::<cwmp_model::schema::ObjectDef>() <= 9 * ptr);
    let dbg = format!("{:?}", tr181::SCHEMA);
    assert!(dbg.len() < 2000 && dbg.contains("Device:2.17") && dbg.contains("\"WiFi\""), "{dbg}");
}

#[test]
fn unsorted_subsets_still_resolve() {
    static UNSORTED: Schema =
        tr181::SCHEMA.subset(&[&tr181::WIFI, &tr181::IP, &tr181::ROOT, &tr181::WIFI_DATA_ELEMENTS]);
    assert!(UNSORTED.parameter("Device.IP.Interface.2.Enable").is_some());
    assert!(UNSORTED.parameter("Device.WiFi.DataElements.Network.ID").is_some());
    assert!(UNSORTED.parameter("Device.WiFi.Radio.1.Enable").is_some());
    assert!(UNSORTED.object("Device.DeviceInfo.").is_none());
    assert_eq!(
        UNSORTED.walk("Device.WiFi.").count(),
        tr181::WIFI.objects.len() + tr181::WIFI_DATA_ELEMENTS.objects.len()
    );
}

/// The reference ordering: split into segments, instance segments as `{i}`.
fn reference_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |s: &str| -> Vec<String> {
        s.strip_suffix('.')
            .unwrap_or(s)
            .split('.')
            .map(|seg| {
                let inst = seg == "{i}"
                    || (!seg.is_empty() && seg.bytes().all(|c| c.is_ascii_digit()))
                    || (seg.len() >= 3 && seg.starts_with('[') && seg.ends_with(']'));
                if inst { "{i}".to_owned() } else { seg.to_owned() }
            })
            .collect()
    };
    key(a).cmp(&key(b))
}

#[test]
fn lookups_and_walks_allocate_nothing() {
    assert_no_alloc(|| {
        let mut n = 0usize;
        n += usize::from(S.parameter("Device.IP.Interface.3.IPv4Address.1.IPAddress").is_some());
        n += usize::from(S.table("Device.WiFi.SSID.").is_some());
        n += S.walk("Device.WiFi.").count();
        n += S.children(S.root_object().unwrap()).count();
        n += S.forced_inform().count();
        assert!(n > 10);
    });
}

proptest::proptest! {
    /// Any instance number or alias in place of `{i}` finds the same template.
    #[test]
    fn any_instance_matches_the_template(idx in 0usize..789, n in proptest::num::u32::ANY, alias in "[a-z][a-z0-9-]{0,20}") {
        let o = S.objects().nth(idx % S.object_count()).unwrap();
        let concrete = o.name.replacen("{i}", &n.to_string(), 1).replace("{i}", &format!("[{alias}]"));
        proptest::prop_assert_eq!(S.object(&concrete).map(|x| x.name), Some(o.name));
    }

    /// The byte-level comparison agrees with the segment-wise reference, and
    /// `is_within` with "equal or a segment prefix".
    #[test]
    fn cmp_paths_matches_the_reference(
        a in "(Device|IP|[A-C]{1,3}|[0-9]{1,3}|\\[[a-z]{1,3}\\]|\\{i\\})(\\.(IP|IPv4|[A-C]{1,3}|[0-9]{1,3}|\\[[a-z]{1,3}\\]|\\{i\\})){0,5}\\.?",
        b in "(Device|IP|[A-C]{1,3}|[0-9]{1,3}|\\[[a-z]{1,3}\\]|\\{i\\})(\\.(IP|IPv4|[A-C]{1,3}|[0-9]{1,3}|\\[[a-z]{1,3}\\]|\\{i\\})){0,5}\\.?",
    ) {
        proptest::prop_assert_eq!(template::cmp_paths(&a, &b), reference_cmp(&a, &b), "{} vs {}", a, b);
        let segs = |s: &str| s.strip_suffix('.').unwrap_or(s).split('.').count();
        let (na, nb) = (segs(&a), segs(&b));
        let prefix_of_b = na <= nb && {
            let b_cut: Vec<&str> = b.strip_suffix('.').unwrap_or(&b).split('.').take(na).collect();
            reference_cmp(&a, &b_cut.join(".")).is_eq()
        };
        proptest::prop_assert_eq!(template::is_within(&a, &b), prefix_of_b, "{} within {}", a, b);
    }

    /// `object` and `table` agree with a linear scan using `cmp_paths`, on
    /// template-derived paths with one segment mutated (so most are near
    /// misses: wrong names, instances where names belong and vice versa,
    /// missing or extra segments).
    #[test]
    fn lookup_agrees_with_a_linear_scan(
        idx in 0usize..10_000,
        model in 0usize..2,
        cut in 0usize..12,
        mutation in 0u8..6,
        word in "[A-Za-z]{1,8}",
    ) {
        let schema = [&tr181::SCHEMA, &tr098::SCHEMA][model];
        let o = schema.objects().nth(idx % schema.object_count()).unwrap();
        let mut segs: Vec<String> = o.name.trim_end_matches('.').split('.').map(|s| s.replace("{i}", "3")).collect();
        let k = cut % segs.len();
        match mutation {
            0 => {}
            1 => segs[k] = word.clone(),
            2 => segs[k] = "7".into(),
            3 => { segs.remove(k); }
            4 => segs.insert(k, "[x]".into()),
            _ => segs.push(word.clone()),
        }
        let q = format!("{}.", segs.join("."));
        let reference = schema.objects().find(|c| template::cmp_paths(c.name, &q).is_eq()).map(|c| c.name);
        proptest::prop_assert_eq!(schema.object(&q).map(|c| c.name), reference, "object({})", q);
        let reference = schema
            .objects()
            .find(|c| c.is_multi_instance() && template::cmp_paths(c.table_name(), &q).is_eq())
            .map(|c| c.name);
        proptest::prop_assert_eq!(schema.table(&q).map(|c| c.name), reference, "table({})", q);
    }

    /// Arbitrary paths never panic.
    #[test]
    fn arbitrary_paths_never_panic(path in "[A-Za-z0-9.{}\\[\\]]{0,60}") {
        let _ = S.object(&path);
        let _ = S.parameter(&path);
        let _ = S.table(&path);
        let _ = S.walk(&path).count();
    }
}

/// Regression: TR-098 1.8 spells some names with a trailing space
/// (`name="Queueing "`, `name="UPnPQoSDevice "`); the tables hold the
/// trimmed names devices actually send.
#[test]
fn tr098_names_with_stray_spaces_are_trimmed() {
    use cwmp_model::schema::tr098;
    assert!(
        tr098::SCHEMA
            .parameter("InternetGatewayDevice.FAP.ApplicationPlatform.Control.FemtoAwareness.Queueing")
            .is_some()
    );
    assert!(tr098::SCHEMA.parameter("InternetGatewayDevice.UPnP.Device.Capabilities.UPnPQoSDevice").is_some());
    for o in tr098::SCHEMA.objects() {
        for p in o.params() {
            assert_eq!(p.name.trim(), p.name, "{}{}", o.name, p.name);
        }
    }
}
