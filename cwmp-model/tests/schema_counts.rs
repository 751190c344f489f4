//! The generated tables hold every object and parameter of TR-181 2.17 and
//! TR-098, counted by an independent scan of the official XML (a plain tag
//! scanner here, not the generator's roxmltree walk).

use std::collections::BTreeSet;

use cwmp_model::schema::{Schema, Status, pattern, tr098, tr181};

/// Names found by scanning `<object name=…>` and `<parameter name=…>` tags
/// inside `<model>`, leaving out `status="deleted"` items and everything
/// inside a deleted object.
struct Scanned {
    objects: BTreeSet<String>,
    params: BTreeSet<String>,
    deprecated_or_obsoleted: usize,
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = tag.replace(['\n', '\t', '\r'], " ").find(&key)? + key.len();
    let rest = tag.get(i..)?;
    Some(&rest[..rest.find('"')?])
}

fn scan(xml: &str) -> Scanned {
    let mut out = Scanned { objects: BTreeSet::new(), params: BTreeSet::new(), deprecated_or_obsoleted: 0 };
    let model = &xml[xml.find("<model ").expect("<model>")..xml.find("</model>").expect("</model>")];
    let mut current: Option<String> = None; // None: outside an object or inside a deleted one
    let mut rest = model;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->").expect("comment end") + 3..];
            continue;
        }
        let gt = rest.find('>').expect("tag end");
        let tag = &rest[..=gt];
        rest = &rest[gt + 1..];
        let status = attr(tag, "status");
        let live = status != Some("deleted");
        if tag.starts_with("<object") && tag[7..].starts_with(char::is_whitespace) {
            if let Some(name) = attr(tag, "name") {
                current = live.then(|| name.to_owned());
                if live {
                    out.objects.insert(name.to_owned());
                    out.deprecated_or_obsoleted += usize::from(matches!(status, Some("deprecated" | "obsoleted")));
                }
            } else {
                current = None; // <object ref=…> in a profile
            }
        } else if tag.starts_with("</object") {
            current = None;
        } else if tag.starts_with("<parameter")
            && tag[10..].starts_with(char::is_whitespace)
            && let (Some(obj), Some(name)) = (&current, attr(tag, "name"))
            && live
        {
            // TR-098 has `name="Queueing "`-style typos; the generator trims
            // them, since a name never carries whitespace on the wire.
            out.params.insert(format!("{obj}{}", name.trim()));
            out.deprecated_or_obsoleted += usize::from(matches!(status, Some("deprecated" | "obsoleted")));
        }
    }
    out
}

fn check_model(schema: &Schema, file: &str, min_objects: usize, min_params: usize) {
    let xml = String::from_utf8(cwmp_testkit::corpus::read(&format!("datamodel/{file}"))).unwrap();
    let scanned = scan(&xml);
    assert!(scanned.objects.len() >= min_objects, "{file}: scanner found only {} objects", scanned.objects.len());
    assert!(scanned.params.len() >= min_params, "{file}: scanner found only {} parameters", scanned.params.len());

    let mut objects = BTreeSet::new();
    let mut params = BTreeSet::new();
    let mut flagged = 0;
    for o in schema.objects() {
        assert!(objects.insert(o.name.to_owned()), "duplicate object {}", o.name);
        flagged += usize::from(o.status != Status::Current);
        for p in o.params() {
            assert!(params.insert(format!("{}{}", o.name, p.name)), "duplicate parameter {}{}", o.name, p.name);
            flagged += usize::from(p.status() != Status::Current);
        }
    }
    let missing: Vec<_> = scanned.objects.difference(&objects).collect();
    let extra: Vec<_> = objects.difference(&scanned.objects).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{file}: objects missing {missing:?}, extra {extra:?}");
    let missing: Vec<_> = scanned.params.difference(&params).take(10).collect();
    let extra: Vec<_> = params.difference(&scanned.params).take(10).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{file}: parameters missing {missing:?}, extra {extra:?}");
    assert_eq!(schema.object_count(), scanned.objects.len());
    assert_eq!(schema.parameter_count(), scanned.params.len());
    assert_eq!(flagged, scanned.deprecated_or_obsoleted, "{file}: deprecated/obsoleted flags");

    // Every name found in the XML resolves through the lookup, as a template
    // and with instance numbers / aliases put in for `{i}`.
    for name in &scanned.objects {
        let o = schema.object(name).unwrap_or_else(|| panic!("object({name})"));
        assert_eq!(o.name, name.as_str());
        let concrete = name.replacen("{i}", "7", 1).replacen("{i}", "[cpe-x]", 1).replace("{i}", "12");
        assert_eq!(schema.object(&concrete).map(|o| o.name), Some(name.as_str()), "{concrete}");
    }
    for name in &scanned.params {
        let concrete = name.replace("{i}", "1");
        let (o, p) = schema.parameter_with_object(&concrete).unwrap_or_else(|| panic!("parameter({concrete})"));
        let leaf = name.strip_prefix(o.name).unwrap_or_else(|| panic!("{name} is not in {}", o.name));
        let entry = o.params().find(|q| q.name == leaf).unwrap_or_else(|| panic!("{name}: no entry"));
        assert!(core::ptr::eq(entry.def, p), "{name}");
    }
}

#[test]
fn tr181_tables_hold_every_object_and_parameter() {
    check_model(&tr181::SCHEMA, "tr-181-2-17-0-cwmp-full.xml", 700, 6000);
    assert_eq!(tr181::SCHEMA.object_count(), tr181::OBJECT_COUNT);
    assert_eq!(tr181::SCHEMA.parameter_count(), tr181::PARAMETER_COUNT);
    assert_eq!(tr181::SCHEMA.root, "Device.");
    assert_eq!(tr181::SCHEMA.version(), "2.17");
}

#[test]
fn tr098_tables_hold_every_object_and_parameter() {
    check_model(&tr098::SCHEMA, "tr-098-1-8-0-full.xml", 150, 1500);
    assert_eq!(tr098::SCHEMA.root, "InternetGatewayDevice.");
    assert_eq!(tr098::SCHEMA.model, "InternetGatewayDevice:1.14");
}

/// The rows of a GenieACS CSV dump (quoted fields with commas, doubled
/// quotes and embedded newlines).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    rows
}

/// Real device paths (instance numbers, both models): a path resolves
/// through the instance-aware lookup exactly when its template, computed
/// here independently, is an object or parameter the XML defines.
#[test]
fn real_dump_paths_resolve_iff_their_template_is_in_the_xml() {
    let xml = |f: &str| scan(&String::from_utf8(cwmp_testkit::corpus::read(&format!("datamodel/{f}"))).unwrap());
    let tr181_xml = xml("tr-181-2-17-0-cwmp-full.xml");
    let tr098_xml = xml("tr-098-1-8-0-full.xml");
    let template = |path: &str| -> String {
        path.split('.')
            .map(|s| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { "{i}" } else { s })
            .collect::<Vec<_>>()
            .join(".")
    };
    let (mut resolved, mut total) = (0, 0);
    for file in cwmp_testkit::corpus::files("devicemodels", &["csv"]) {
        let text = std::fs::read_to_string(&file).unwrap();
        for row in csv_rows(&text).iter().skip(1) {
            let (Some(name), Some(is_object)) = (row.first(), row.get(1)) else { continue };
            let (schema, known) = if name.starts_with("Device.") {
                (&tr181::SCHEMA, &tr181_xml)
            } else if name.starts_with("InternetGatewayDevice.") {
                (&tr098::SCHEMA, &tr098_xml)
            } else {
                continue;
            };
            total += 1;
            let tpl = template(name);
            if is_object == "true" {
                let tpl = format!("{}.", tpl.trim_end_matches('.'));
                let is_table = known.objects.contains(&format!("{tpl}{{i}}."));
                let found = schema.object(name).is_some() || schema.table(name).is_some();
                assert_eq!(found, known.objects.contains(&tpl) || is_table, "{}: {name}", file.display());
                resolved += usize::from(found);
            } else {
                let found = schema.parameter(name).is_some();
                assert_eq!(found, known.params.contains(&tpl), "{}: {name}", file.display());
                resolved += usize::from(found);
            }
        }
    }
    assert!(total > 10_000 && resolved > total / 2, "{resolved} of {total} dump paths resolved");
}

#[test]
fn every_pattern_in_the_models_is_enforced() {
    let mut n = 0;
    for schema in [&tr181::SCHEMA, &tr098::SCHEMA] {
        for o in schema.objects() {
            for p in o.params() {
                for pat in p.syntax.patterns {
                    assert!(pattern::is_supported(pat), "{}{}: pattern {pat:?} not supported", o.name, p.name);
                    n += 1;
                }
            }
        }
    }
    assert!(n > 100, "only {n} patterns seen");
}

#[test]
fn forced_inform_lists_match_the_flags() {
    for (schema, min) in [(&tr181::SCHEMA, 7), (&tr098::SCHEMA, 10)] {
        let listed: Vec<_> = schema.forced_inform().collect();
        assert!(listed.len() >= min, "{}: {listed:?}", schema.model);
        for name in &listed {
            assert!(schema.parameter(name).unwrap().forced_inform(), "{name}");
        }
        let flagged = schema.objects().flat_map(|o| o.params()).filter(|p| p.forced_inform()).count();
        assert_eq!(flagged, listed.len());
    }
}
