//! Every object and parameter name of the official TR-181 2.17 and TR-098
//! XML, instantiated with instance numbers and with aliases, parses as a
//! TR-106 path and matches its own template.

use cwmp_model::path::{Path, Segment};
use cwmp_model::schema::{tr098, tr181};

/// The value of attribute `name` in a start tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let end = tag[at..].find('"')?;
    Some(&tag[at..at + end])
}

/// (object templates, parameter templates, names with stray whitespace) of
/// a data-model XML file, by a plain scan of `<object name=…>` and
/// `<parameter name=…>` start tags. Names are whitespace-trimmed: TR-098 has
/// a few `name="Queueing "` typos.
fn names(file: &str) -> (Vec<String>, Vec<String>, usize) {
    let mut untrimmed = 0usize;
    let xml = String::from_utf8(cwmp_testkit::corpus::read(file)).unwrap();
    let (mut objects, mut params) = (Vec::new(), Vec::new());
    let mut current: Option<String> = None;
    for chunk in xml.split('<').skip(1) {
        let tag = chunk.split('>').next().unwrap_or("");
        if let Some(rest) = tag.strip_prefix("object")
            && rest.starts_with(char::is_whitespace)
        {
            current = attr(tag, "name").map(str::to_string);
            if let Some(n) = &current {
                objects.push(n.clone());
            }
        } else if tag.starts_with("/object") {
            current = None;
        } else if let Some(rest) = tag.strip_prefix("parameter")
            && rest.starts_with(char::is_whitespace)
            && let (Some(obj), Some(name)) = (&current, attr(tag, "name"))
        {
            if name.trim() != name {
                untrimmed += 1;
            }
            params.push(format!("{obj}{}", name.trim()));
        }
    }
    (objects, params, untrimmed)
}

#[test]
fn every_xml_path_parses() {
    for (file, schema, typos) in [
        ("datamodel/tr-181-2-17-0-cwmp-full.xml", &tr181::SCHEMA, 0),
        ("datamodel/tr-098-1-8-0-full.xml", &tr098::SCHEMA, 5),
    ] {
        let root = schema.root;
        let (objects, params, untrimmed) = names(file);
        assert_eq!(untrimmed, typos, "{file}: names with stray spaces");
        // The generated tables leave out `status="deleted"` items only.
        assert!(objects.len() >= schema.object_count(), "{file}: {}", objects.len());
        assert!(params.len() >= schema.parameter_count(), "{file}: {}", params.len());
        assert!(objects.len() > 100 && params.len() > 1000);
        for template in objects.iter().chain(&params) {
            assert!(template.starts_with(root), "{template}");
            for (k, instance) in ["7", "[cpe-1]", "4294967295"].iter().enumerate() {
                let concrete = template.replace("{i}", instance);
                let p = Path::parse(&concrete).unwrap_or_else(|e| panic!("{concrete}: {e}"));
                assert_eq!(p.is_partial(), template.ends_with('.'), "{concrete}");
                assert!(p.matches_template(template), "{concrete} vs {template}");
                let instances = p.segments().filter(Segment::is_instance).count();
                assert_eq!(instances, template.matches("{i}").count(), "{concrete}");
                assert_eq!(p.has_alias(), k == 1 && instances > 0);
            }
            // The template itself is not a concrete path.
            if template.contains("{i}") {
                assert!(Path::parse(template).is_err(), "{template}");
            }
        }
    }
}
