//! The committed tables answer, for every object and parameter of TR-181 and
//! TR-098, exactly what the official XML says (read through the generator's
//! own parser): names, order, types, access, active-notify, flags (forced
//! inform, hidden, secured, command, status), entries, keys and every facet.
//! Lookups are made both by template and by a concrete path with instance
//! numbers and aliases, so whatever representation the tables use, what they
//! answer is pinned to the XML.

use cwmp_core::ParamType;
use cwmp_model::schema::{
    ActiveNotify, ObjectAccess, ObjectDef, ParamAccess, ParamDef, ParamFlags, Schema, Status, tr098, tr181,
};
use cwmp_schemagen::{Facets, JOBS, Model, Object, Param};

fn model(module: &str) -> Model {
    let job = JOBS.iter().find(|j| j.module == module).expect("job");
    cwmp_schemagen::parse_job(job).unwrap_or_else(|e| panic!("{}: {e}", job.xml))
}

fn status(code: &str) -> Status {
    match code {
        "D" => Status::Deprecated,
        "O" => Status::Obsoleted,
        _ => Status::Current,
    }
}

/// `{i}` replaced by instance numbers and aliases in turn.
fn concrete(template: &str, k: usize) -> String {
    let mut out = String::new();
    for (n, piece) in template.split("{i}").enumerate() {
        if n > 0 {
            out.push_str(&if (k + n).is_multiple_of(2) { format!("{}", k % 97 + 1) } else { format!("[a-{k}]") });
        }
        out.push_str(piece);
    }
    out
}

fn assert_object(o: &Object, def: &ObjectDef) {
    let n = &o.name;
    assert_eq!(def.name, o.name);
    let access = if o.access == "OW" { ObjectAccess::ReadWrite } else { ObjectAccess::ReadOnly };
    assert_eq!(def.access, access, "{n}");
    assert_eq!(def.status, status(o.status), "{n}");
    assert_eq!(def.min_entries, o.min, "{n}");
    assert_eq!(def.max_entries, o.max, "{n}");
    assert_eq!(def.num_entries_param(), o.num_entries.as_deref(), "{n}");
    assert_eq!(def.enable_param(), o.enable.as_deref(), "{n}");
    let keys: Vec<Vec<&str>> = def.unique_keys().map(Iterator::collect).collect();
    let want: Vec<Vec<&str>> = o.unique.iter().map(|k| k.iter().map(String::as_str).collect()).collect();
    assert_eq!(keys, want, "{n}");
    assert_eq!(def.is_multi_instance(), n.ends_with(".{i}."), "{n}");
    let names: Vec<&str> = def.params().map(|p| p.name).collect();
    let want: Vec<&str> = o.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, want, "{n}: parameters and their order");
}

fn assert_param(path: &str, p: &Param, f: &Facets, def: &ParamDef) {
    assert_eq!(def.ty, p.ty, "{path}");
    let access = match p.access {
        "W" => ParamAccess::ReadWrite,
        "WO" => ParamAccess::WriteOnceReadOnly,
        _ => ParamAccess::ReadOnly,
    };
    assert_eq!(def.access, access, "{path}");
    let notify = match p.notify {
        "FE" => ActiveNotify::ForceEnabled,
        "FD" => ActiveNotify::ForceDefaultEnabled,
        "CD" => ActiveNotify::CanDeny,
        _ => ActiveNotify::Normal,
    };
    assert_eq!(def.notify, notify, "{path}");
    assert_eq!(def.flags, ParamFlags(p.flags), "{path}");
    assert_eq!(def.forced_inform(), p.flags & 1 != 0, "{path}");
    let s = def.syntax;
    match (&f.list, s.list) {
        (None, None) => {}
        (Some(l), Some(got)) => {
            let item = ParamType::from_xsd_local_name(f.ty.as_deref().unwrap_or("string")).expect("item type");
            assert_eq!(
                (got.item, got.min_items, got.max_items, got.max_length),
                (item, l.min, l.max, l.max_len),
                "{path}"
            );
        }
        (want, got) => panic!("{path}: list {want:?} vs {got:?}"),
    }
    let sizes: Vec<(u32, Option<u32>)> = s.sizes.iter().map(|z| (z.min, z.max)).collect();
    assert_eq!(sizes, f.sizes, "{path}");
    let ranges: Vec<(Option<i64>, Option<i64>, u32)> = s.ranges.iter().map(|r| (r.min, r.max, r.step)).collect();
    assert_eq!(ranges, f.ranges, "{path}");
    assert_eq!(
        s.enumeration.iter().collect::<Vec<_>>(),
        f.enums.iter().map(String::as_str).collect::<Vec<_>>(),
        "{path}"
    );
    assert_eq!(
        s.cpe_only_values().collect::<Vec<_>>(),
        f.ro_enums.iter().map(String::as_str).collect::<Vec<_>>(),
        "{path}"
    );
    for v in &f.enums {
        assert_eq!(s.enumeration.is_cpe_only(v), f.ro_enums.contains(v), "{path} = {v:?}");
        assert!(s.enumeration.contains(v), "{path} = {v:?}");
    }
    assert_eq!(s.enumeration.len(), f.enums.len(), "{path}");
    assert_eq!(s.patterns, f.patterns.iter().map(String::as_str).collect::<Vec<_>>(), "{path}");
}

fn check_model(module: &str, schema: &Schema, object_count: usize, parameter_count: usize) {
    let m = model(module);
    assert_eq!(schema.model, m.name);
    assert_eq!(schema.object_count(), m.objects.len());
    assert_eq!(object_count, m.objects.len());
    let n_params: usize = m.objects.iter().map(|o| o.params.len()).sum();
    assert_eq!(schema.parameter_count(), n_params);
    assert_eq!(parameter_count, n_params);
    assert_eq!(schema.forced_inform, m.forced.iter().map(String::as_str).collect::<Vec<_>>());
    // Walk order: every object once, parents before children, as sorted.
    let mut walked: Vec<&str> = schema.objects().map(|o| o.name).collect();
    walked.sort_by(|a, b| cwmp_model::schema::template::cmp_paths(a, b));
    assert_eq!(walked, m.objects.iter().map(|o| o.name.as_str()).collect::<Vec<_>>());

    for (k, o) in m.objects.iter().enumerate() {
        let def = schema.object(&o.name).unwrap_or_else(|| panic!("{}: not found by template", o.name));
        assert_object(o, def);
        let inst = concrete(&o.name, k);
        let by_inst = schema.object(&inst).unwrap_or_else(|| panic!("{inst}: not found"));
        assert!(core::ptr::eq(def, by_inst), "{inst}");
        if let Some(table) = o.name.strip_suffix("{i}.") {
            let t = schema.table(&concrete(table, k)).unwrap_or_else(|| panic!("{table}: table not found"));
            assert!(core::ptr::eq(def, t), "{table}");
        }
        assert!(def.param_at(o.params.len()).is_none(), "{}", o.name);
        for (i, (p, entry)) in o.params.iter().zip(def.params()).enumerate() {
            let at = def.param_at(i).expect("param_at");
            assert!(at.name == entry.name && core::ptr::eq(at.def, entry.def), "{}{}", o.name, p.name);
            let f = m.syntaxes.get(p.syntax).expect("syntax");
            let path = format!("{}{}", o.name, p.name);
            assert_eq!(entry.name, p.name, "{path}");
            assert_param(&path, p, f, entry.def);
            assert!(core::ptr::eq(def.param(&p.name).expect("param by name"), entry.def), "{path}");
            let (obj, def) = schema.parameter_with_object(&path).unwrap_or_else(|| panic!("{path}: not found"));
            assert!(core::ptr::eq(obj, by_inst) && core::ptr::eq(def, entry.def), "{path}");
            let inst = concrete(&path, k + 1);
            let by_inst = schema.parameter(&inst).unwrap_or_else(|| panic!("{inst}: not found"));
            assert!(core::ptr::eq(def, by_inst), "{inst}");
            assert!(schema.parameter(&format!("{path}X")).is_none(), "{path}X");
        }
    }
}

#[test]
fn tr181_tables_answer_what_the_xml_says_for_every_object_and_parameter() {
    check_model("tr181.rs", &tr181::SCHEMA, tr181::OBJECT_COUNT, tr181::PARAMETER_COUNT);
}

#[test]
fn tr098_tables_answer_what_the_xml_says_for_every_object_and_parameter() {
    check_model("tr098.rs", &tr098::SCHEMA, tr098::OBJECT_COUNT, tr098::PARAMETER_COUNT);
}
