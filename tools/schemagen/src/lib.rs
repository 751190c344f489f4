//! Generates cwmp-model's `const` schema tables from the official Broadband
//! Forum data-model XML (TR-181 Device:2 and TR-098 InternetGatewayDevice:1).
//!
//! The output is deterministic: the same XML gives the same bytes. Each model
//! becomes one Rust module with a `static` [`Subtree`] per top-level object,
//! shared [`Syntax`] facet tables, a forced-inform list and a `SCHEMA`.
//!
//! [`Subtree`]: ../cwmp_model/schema/struct.Subtree.html
//! [`Syntax`]: ../cwmp_model/schema/struct.Syntax.html

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cwmp_core::ParamType;
use roxmltree::{Document, Node};

#[path = "../../../cwmp-model/src/schema/template.rs"]
#[allow(dead_code, unreachable_pub)]
mod template;

/// One model to generate: the XML file in the corpus and the module to write.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    /// File name inside `datamodel/` of the corpus.
    pub xml: &'static str,
    /// Module file name inside `cwmp-model/src/schema/generated/`.
    pub module: &'static str,
}

/// The models cwmp-model ships.
pub const JOBS: [Job; 2] = [
    Job { xml: "tr-181-2-17-0-cwmp-full.xml", module: "tr181.rs" },
    Job { xml: "tr-098-1-8-0-full.xml", module: "tr098.rs" },
];

/// The shared test corpus: `$CWMP_CORPUS`, else `../shared/corpus` next to
/// the workspace.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("CWMP_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => workspace_dir().join("../shared/corpus"),
    }
}

/// The workspace root.
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where the generated modules live.
pub fn output_dir() -> PathBuf {
    workspace_dir().join("cwmp-model/src/schema/generated")
}

/// Generates the module text for one job, reading its XML from the corpus.
pub fn generate_job(job: &Job) -> Result<String, String> {
    generate(&read_job_xml(job)?, job.xml)
}

/// The XML text of the job's model from the corpus.
fn read_job_xml(job: &Job) -> Result<String, String> {
    let path = corpus_dir().join("datamodel").join(job.xml);
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The facets of a parameter's syntax as read from the XML (named data types
/// resolved, base first; a derived type's facet kind replaces the base's).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Facets {
    /// The XSD type name of the value (of each item for a list).
    pub ty: Option<String>,
    /// `<list>`, unless it has `nestedBrackets`.
    pub list: Option<ListF>,
    /// `<size>`: (minLength, maxLength).
    pub sizes: Vec<(u32, Option<u32>)>,
    /// `<range>`: (minInclusive, maxInclusive, step); the unsignedLong
    /// maximum is `None`.
    pub ranges: Vec<(Option<i64>, Option<i64>, u32)>,
    /// `<enumeration>` values, in document order.
    pub enums: Vec<String>,
    /// Enumeration values with `access="readOnly"` (the ACS may not set them).
    pub ro_enums: Vec<String>,
    /// `<pattern>` values.
    pub patterns: Vec<String>,
    /// `<enumerationRef targetParam>`: the values of a sibling's enumeration
    /// (resolved and cleared by [`parse`]).
    enum_ref: Option<String>,
}

/// `<list minItems maxItems>` with the `<size maxLength>` of the whole text.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ListF {
    /// `minItems` (0 when absent).
    pub min: u32,
    /// `maxItems`.
    pub max: Option<u32>,
    /// `maxLength` of the whole list text.
    pub max_len: Option<u32>,
}

fn attr_u32(n: Node<'_, '_>, name: &str) -> Result<Option<u32>, String> {
    match n.attribute(name) {
        None | Some("unbounded") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|e| format!("line {}: {name}={v:?}: {e}", line(n))),
    }
}

fn line(n: Node<'_, '_>) -> u32 {
    n.document().text_pos_at(n.range().start).row
}

fn is_deleted(n: Node<'_, '_>) -> bool {
    n.attribute("status") == Some("deleted")
}

/// Range bound as i64; the unsignedLong maximum becomes "none".
fn bound(n: Node<'_, '_>, name: &str) -> Result<Option<i64>, String> {
    match n.attribute(name) {
        None => Ok(None),
        Some(v) if v == u64::MAX.to_string() => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|e| format!("line {}: {name}={v:?}: {e}", line(n))),
    }
}

/// Reads the facet children of `el` into a fresh set; kinds present here
/// replace the inherited ones (a derived type restricts its base).
fn apply_facets(el: Node<'_, '_>, acc: &mut Facets) -> Result<(), String> {
    let mut local = Facets::default();
    for c in el.children().filter(|c| c.is_element() && !is_deleted(*c)) {
        match c.tag_name().name() {
            "size" => local.sizes.push((attr_u32(c, "minLength")?.unwrap_or(0), attr_u32(c, "maxLength")?)),
            "range" => {
                let step = attr_u32(c, "step")?.unwrap_or(1);
                local.ranges.push((bound(c, "minInclusive")?, bound(c, "maxInclusive")?, step));
            }
            "enumeration" => {
                let v = c.attribute("value").unwrap_or("").to_owned();
                if c.attribute("access") == Some("readOnly") {
                    local.ro_enums.push(v.clone());
                }
                local.enums.push(v);
            }
            "pattern" => local.patterns.push(c.attribute("value").unwrap_or("").to_owned()),
            "enumerationRef" => local.enum_ref = c.attribute("targetParam").map(str::to_owned),
            _ => {}
        }
    }
    if !local.sizes.is_empty() {
        acc.sizes = local.sizes;
    }
    if !local.ranges.is_empty() {
        acc.ranges = local.ranges;
    }
    if !local.enums.is_empty() {
        acc.enums = local.enums;
        acc.ro_enums = local.ro_enums;
    }
    if !local.patterns.is_empty() {
        acc.patterns = local.patterns;
    }
    if local.enum_ref.is_some() {
        acc.enum_ref = local.enum_ref;
    }
    Ok(())
}

/// Reads a `<list>` element (its `<size>` bounds the whole list text).
fn list_facet(el: Node<'_, '_>) -> Result<Option<ListF>, String> {
    if el.attribute("nestedBrackets").is_some() {
        // Items may themselves contain commas: not checked item by item.
        return Ok(None);
    }
    let max_len = el.children().find(|c| c.has_tag_name("size")).map(|s| attr_u32(s, "maxLength")).transpose()?;
    Ok(Some(ListF {
        min: attr_u32(el, "minItems")?.unwrap_or(0),
        max: attr_u32(el, "maxItems")?,
        max_len: max_len.flatten(),
    }))
}

struct Resolver<'a, 'i> {
    types: BTreeMap<&'a str, Node<'a, 'i>>,
}

impl<'a, 'i> Resolver<'a, 'i> {
    /// The facets of a named data type, its bases applied first.
    fn data_type(&self, name: &str, depth: u32) -> Result<Facets, String> {
        if depth > 16 {
            return Err(format!("dataType {name}: base chain too deep"));
        }
        let dt = *self.types.get(name).ok_or_else(|| format!("unknown dataType {name}"))?;
        let mut acc = match dt.attribute("base") {
            Some(base) => self.data_type(base, depth + 1)?,
            None => Facets::default(),
        };
        self.apply_type_children(dt, &mut acc, depth)?;
        Ok(acc)
    }

    /// Applies the children of a `<syntax>` or `<dataType>` element: a
    /// `<list>`, a primitive type element or `<dataType ref>`, and facets
    /// written directly in a derived data type.
    fn apply_type_children(&self, el: Node<'a, 'i>, acc: &mut Facets, depth: u32) -> Result<(), String> {
        for c in el.children().filter(|c| c.is_element()) {
            let tag = c.tag_name().name();
            if tag == "list" {
                acc.list = list_facet(c)?;
            } else if tag == "dataType" {
                let r = c
                    .attribute("ref")
                    .or_else(|| c.attribute("base"))
                    .ok_or_else(|| format!("line {}: dataType without ref", line(c)))?;
                let mut inner = self.data_type(r, depth + 1)?;
                if acc.list.is_some() {
                    inner.list = acc.list.take();
                }
                apply_facets(c, &mut inner)?;
                *acc = inner;
            } else if ParamType::from_xsd_local_name(tag).is_some() {
                acc.ty = Some(tag.to_owned());
                apply_facets(c, acc)?;
            }
        }
        if el.has_tag_name("dataType") {
            apply_facets(el, acc)?;
        }
        Ok(())
    }
}

/// A parameter as read from the XML.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name within its object.
    pub name: String,
    /// The wire type (`string` for a list).
    pub ty: ParamType,
    /// `R`, `W` or `WO` (readOnly, readWrite, writeOnceReadOnly).
    pub access: &'static str,
    /// `N`, `FE`, `FD` or `CD` (activeNotify normal, forceEnabled,
    /// forceDefaultEnabled, canDeny).
    pub notify: &'static str,
    /// Bits as in `cwmp_model::schema::ParamFlags`.
    pub flags: u8,
    /// Index into [`Model::syntaxes`].
    pub syntax: usize,
}

/// An object as read from the XML.
#[derive(Debug, Clone)]
pub struct Object {
    /// The template name, e.g. `Device.IP.Interface.{i}.`.
    pub name: String,
    /// `OR` or `OW` (readOnly, readWrite).
    pub access: &'static str,
    /// `C`, `D` or `O` (current, deprecated, obsoleted).
    pub status: &'static str,
    /// `minEntries` (1 when absent).
    pub min: u32,
    /// `maxEntries` (`None` for `unbounded`, 1 when absent).
    pub max: Option<u32>,
    /// `numEntriesParameter`.
    pub num_entries: Option<String>,
    /// `enableParameter`.
    pub enable: Option<String>,
    /// `<uniqueKey>`s, each a list of parameter names.
    pub unique: Vec<Vec<String>>,
    /// The parameters in document order.
    pub params: Vec<Param>,
}

/// A whole model as read from the XML: what the tables are generated from.
#[derive(Debug, Clone)]
pub struct Model {
    /// `Device:2.17`.
    pub name: String,
    /// The objects (not deleted), sorted segment-wise by template.
    pub objects: Vec<Object>,
    /// The distinct facet sets, referenced by [`Param::syntax`].
    pub syntaxes: Vec<Facets>,
    /// Full template paths of the `forcedInform` parameters, in document order.
    pub forced: Vec<String>,
}

fn status(n: Node<'_, '_>) -> &'static str {
    match n.attribute("status") {
        Some("deprecated") => "D",
        Some("obsoleted") => "O",
        _ => "C",
    }
}

/// The SCREAMING_SNAKE name of a subtree static: `DeviceInfo` →
/// `DEVICE_INFO`, `LANDevice` → `LAN_DEVICE`, `DHCPv4` → `DHCPV4`, `WiFi` →
/// `WIFI`. A word starts at an uppercase letter that follows a lowercase
/// run of two or more, or that begins a lowercase run of two or more after
/// an uppercase letter.
fn const_name(seg: &str) -> String {
    if seg.is_empty() {
        return "ROOT".to_owned();
    }
    let chars: Vec<char> = seg.chars().collect();
    let lower_run_after = |i: usize| chars.iter().skip(i + 1).take_while(|c| c.is_ascii_lowercase()).count();
    let mut out = String::new();
    let mut lower_run = 0usize;
    for (i, &c) in chars.iter().enumerate() {
        let prev_upper = i > 0 && chars.get(i - 1).is_some_and(char::is_ascii_uppercase);
        if c.is_ascii_uppercase() && (lower_run >= 2 || (prev_upper && lower_run_after(i) >= 2)) && !out.is_empty() {
            out.push('_');
        }
        lower_run = if c.is_ascii_lowercase() { lower_run + 1 } else { 0 };
        out.push(if c == '-' { '_' } else { c.to_ascii_uppercase() });
    }
    out
}

fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

fn opt_u32(v: Option<u32>) -> String {
    match v {
        Some(v) => format!("Some({v})"),
        None => "None".to_owned(),
    }
}

fn opt_i64(v: Option<i64>) -> String {
    match v {
        Some(v) => format!("Some({v})"),
        None => "None".to_owned(),
    }
}

fn type_variant(t: ParamType) -> &'static str {
    match t {
        ParamType::String => "String",
        ParamType::Int => "Int",
        ParamType::UnsignedInt => "UnsignedInt",
        ParamType::Long => "Long",
        ParamType::UnsignedLong => "UnsignedLong",
        ParamType::Boolean => "Boolean",
        ParamType::DateTime => "DateTime",
        ParamType::Base64 => "Base64",
        ParamType::HexBinary => "HexBinary",
        ParamType::Decimal => "Decimal",
    }
}

/// Reads a model document: the objects, parameters and facets the tables
/// hold (also used by tests to compare the tables with the XML).
pub fn parse(xml: &str, source_name: &str) -> Result<Model, String> {
    let opts = roxmltree::ParsingOptions { allow_dtd: false, ..Default::default() };
    let doc = Document::parse_with_options(xml, opts).map_err(|e| format!("{source_name}: {e}"))?;
    let root = doc.root_element();
    let types = root
        .children()
        .filter(|c| c.has_tag_name("dataType"))
        .filter_map(|c| c.attribute("name").map(|n| (n, c)))
        .collect();
    let resolver = Resolver { types };
    let model = root.children().find(|c| c.has_tag_name("model")).ok_or("no <model>")?;
    let model_name = model.attribute("name").ok_or("model without name")?;

    let mut syntaxes: Vec<Facets> = Vec::new();
    let mut syntax_ids: BTreeMap<Facets, usize> = BTreeMap::new();
    let mut objects: Vec<Object> = Vec::new();
    let mut forced: Vec<String> = Vec::new();

    for o in model.children().filter(|c| c.has_tag_name("object") && !is_deleted(*c)) {
        let name = o.attribute("name").ok_or_else(|| format!("line {}: object without name", line(o)))?;
        let mut params = Vec::new();
        let mut facets: Vec<Facets> = Vec::new();
        for p in o.children().filter(|c| c.has_tag_name("parameter") && !is_deleted(*c)) {
            // TR-098 1.8 has `name="Queueing "` and `name="UPnPQoSDevice "`
            // typos; a name never carries whitespace on the wire.
            let pname = p.attribute("name").ok_or_else(|| format!("line {}: parameter without name", line(p)))?.trim();
            let syntax =
                p.children().find(|c| c.has_tag_name("syntax")).ok_or_else(|| format!("{name}{pname}: no syntax"))?;
            let mut f = Facets::default();
            resolver.apply_type_children(syntax, &mut f, 0).map_err(|e| format!("{name}{pname}: {e}"))?;
            let ty_name = f.ty.clone().ok_or_else(|| format!("{name}{pname}: no type"))?;
            let item_ty =
                ParamType::from_xsd_local_name(&ty_name).ok_or_else(|| format!("{name}{pname}: type {ty_name}"))?;
            let ty = if f.list.is_some() { ParamType::String } else { item_ty };
            facets.push(f);
            let mut flags = 0u8;
            if p.attribute("forcedInform") == Some("true") {
                flags |= 1;
                forced.push(format!("{name}{pname}"));
            }
            if syntax.attribute("hidden") == Some("true") {
                flags |= 2;
            }
            if syntax.attribute("secured") == Some("true") {
                flags |= 4;
            }
            if syntax.attribute("command") == Some("true") {
                flags |= 8;
            }
            match status(p) {
                "D" => flags |= 16,
                "O" => flags |= 32,
                _ => {}
            }
            params.push(Param {
                name: pname.to_owned(),
                ty,
                access: match p.attribute("access") {
                    Some("readWrite") => "W",
                    Some("writeOnceReadOnly") => "WO",
                    _ => "R",
                },
                notify: match p.attribute("activeNotify") {
                    Some("forceEnabled") => "FE",
                    Some("forceDefaultEnabled") => "FD",
                    Some("canDeny") => "CD",
                    _ => "N",
                },
                flags,
                syntax: 0,
            });
        }
        // `<enumerationRef targetParam="X">` with a sibling X: the values X
        // may list are X's enumeration. Other references stay unchecked.
        let sibling_enums: Vec<Option<Vec<String>>> = facets
            .iter()
            .map(|f| {
                let target = f.enum_ref.as_deref()?;
                let i = params.iter().position(|p| p.name == target)?;
                facets.get(i).map(|t| t.enums.clone()).filter(|e| !e.is_empty())
            })
            .collect();
        for ((param, mut f), enums) in params.iter_mut().zip(facets).zip(sibling_enums) {
            if f.enums.is_empty()
                && let Some(e) = enums
            {
                // The referenced values are what the device supports; none
                // of them is reserved to the CPE.
                f.enums = e;
            }
            f.enum_ref = None;
            param.syntax = *syntax_ids.entry(f.clone()).or_insert_with(|| {
                syntaxes.push(f);
                syntaxes.len() - 1
            });
        }
        let unique = o
            .children()
            .filter(|c| c.has_tag_name("uniqueKey"))
            .map(|k| k.children().filter_map(|c| c.attribute("ref")).map(str::to_owned).collect())
            .collect();
        objects.push(Object {
            name: name.to_owned(),
            access: if o.attribute("access") == Some("readWrite") { "OW" } else { "OR" },
            status: status(o),
            min: attr_u32(o, "minEntries")?.unwrap_or(1),
            max: if o.attribute("maxEntries").is_none() { Some(1) } else { attr_u32(o, "maxEntries")? },
            num_entries: o.attribute("numEntriesParameter").map(str::to_owned),
            enable: o.attribute("enableParameter").map(str::to_owned),
            unique,
            params,
        });
    }
    objects.sort_by(|a, b| template::cmp_paths(&a.name, &b.name));
    for w in objects.windows(2) {
        if let [a, b] = w
            && template::cmp_paths(&a.name, &b.name).is_eq()
        {
            return Err(format!("duplicate object {}", a.name));
        }
    }
    if objects.is_empty() {
        return Err(format!("{source_name}: no objects"));
    }
    Ok(Model { name: model_name.to_owned(), objects, syntaxes, forced })
}

/// Reads the model of the job from the corpus (see [`parse`]).
pub fn parse_job(job: &Job) -> Result<Model, String> {
    parse(&read_job_xml(job)?, job.xml)
}

/// Generates the module text for one model document.
pub fn generate(xml: &str, source_name: &str) -> Result<String, String> {
    let Model { name, objects, syntaxes, forced } = parse(xml, source_name)?;
    let model_name = name.as_str();
    let root_name = objects.first().map(|o| o.name.clone()).ok_or("no objects")?;

    // Group by the second path segment; large single-instance objects one
    // level further down get their own part (see `SPLIT_THRESHOLD`).
    let split = split_points(&objects);
    let mut groups: BTreeMap<(String, String), Vec<&Object>> = BTreeMap::new();
    for o in &objects {
        let mut segs = o.name.split('.').skip(1);
        let seg = segs.next().unwrap_or("").to_owned();
        let part = segs.next().filter(|third| split.contains(&(seg.clone(), (*third).to_owned()))).unwrap_or("");
        groups.entry((seg, part.to_owned())).or_default().push(o);
    }

    emit(model_name, &root_name, source_name, &syntaxes, &groups, &forced)
}

/// One text holding every string of `items`, each as a substring: longest
/// first, a string already inside the text is not added again. An object's
/// template is a prefix of its children's, so a subtree's templates shrink to
/// little more than its leaves'.
fn shared_text<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut items: Vec<&str> = items.collect();
    // Longest first; ties in byte order so the output is deterministic.
    items.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let mut text = String::new();
    for item in items {
        if !text.contains(item) {
            text.push_str(item);
        }
    }
    text
}

/// A parameter name used in at least this many subtree parts is stored once
/// in the model's common text instead of in each part's.
pub const COMMON_MIN_PARTS: usize = 3;

/// A single-instance object directly below a top-level object whose subtree
/// holds at least this many parameters becomes a separate [`Subtree`] part
/// (e.g. `Device.WiFi.DataElements.`), so firmware can leave it out.
///
/// [`Subtree`]: ../cwmp_model/schema/struct.Subtree.html
pub const SPLIT_THRESHOLD: usize = 100;

/// `(second, third)` segments of the objects split into their own part.
fn split_points(objects: &[Object]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for o in objects {
        let segs: Vec<&str> = o.name.trim_end_matches('.').split('.').collect();
        if let [_, second, third] = segs.as_slice()
            && !template::is_instance_segment(third)
            && !o.name.ends_with(".{i}.")
        {
            let n: usize =
                objects.iter().filter(|d| template::is_within(&o.name, &d.name)).map(|d| d.params.len()).sum();
            if n >= SPLIT_THRESHOLD {
                out.push(((*second).to_owned(), (*third).to_owned()));
            }
        }
    }
    out
}

fn emit(
    model_name: &str,
    root_name: &str,
    source: &str,
    syntaxes: &[Facets],
    groups: &BTreeMap<(String, String), Vec<&Object>>,
    forced: &[String],
) -> Result<String, String> {
    let mut s = String::new();
    let n_obj: usize = groups.values().map(Vec::len).sum();
    let n_par: usize = groups.values().flatten().map(|o| o.params.len()).sum();
    let w = &mut s;
    let _ = writeln!(w, "//! `{model_name}`: {n_obj} objects, {n_par} parameters.");
    let _ = writeln!(w, "//!");
    let _ = writeln!(w, "//! @generated by `tools/schemagen` from `{source}`. Do not edit.");
    let _ = writeln!(w, "#![allow(clippy::all)]\n#![cfg_attr(rustfmt, rustfmt_skip)]");
    let _ = writeln!(w, "use super::build::*;");
    let _ = writeln!(
        w,
        "use crate::schema::{{Common, ListFacet, NameRef, ParamDef, ParamTable, Schema, Subtree, Syntax, Values}};\n"
    );
    let _ = writeln!(w, "/// Number of objects in the full model.\npub const OBJECT_COUNT: usize = {n_obj};");
    let _ = writeln!(w, "/// Number of parameters in the full model.\npub const PARAMETER_COUNT: usize = {n_par};\n");
    // Enumerations shared between syntaxes: each value followed by a line
    // feed, a value only the CPE may set preceded by a 0x01 byte.
    let enum_text = |f: &Facets| -> Result<String, String> {
        let mut text = String::new();
        for v in &f.enums {
            if v.contains(['\n', '\u{1}']) {
                return Err(format!("enumeration value {v:?} contains a line feed or 0x01"));
            }
            if f.ro_enums.contains(v) {
                text.push('\u{1}');
            }
            text.push_str(v);
            text.push('\n');
        }
        match f.ro_enums.iter().find(|r| !f.enums.contains(r)) {
            Some(r) => Err(format!("read-only value {r:?} is not in its enumeration")),
            None => Ok(text),
        }
    };
    let mut enum_ids: BTreeMap<String, usize> = BTreeMap::new();
    for f in syntaxes {
        let text = enum_text(f)?;
        if !text.is_empty() && !enum_ids.contains_key(&text) {
            let id = enum_ids.len();
            let _ = writeln!(w, "const E{id}: Values = Values::new({});", rust_str(&text));
            enum_ids.insert(text, id);
        }
    }
    // List facets shared between syntaxes.
    let mut list_ids: BTreeMap<String, usize> = BTreeMap::new();
    for (i, f) in syntaxes.iter().enumerate() {
        let list = match &f.list {
            Some(l) => {
                let item =
                    ParamType::from_xsd_local_name(f.ty.as_deref().unwrap_or("string")).unwrap_or(ParamType::String);
                let expr =
                    format!("list(T::{}, {}, {}, {})", type_variant(item), l.min, opt_u32(l.max), opt_u32(l.max_len));
                let next = list_ids.len();
                let id = *list_ids.entry(expr.clone()).or_insert(next);
                if id == next {
                    let _ = writeln!(w, "static L{id}: ListFacet = {expr};");
                }
                format!("Some(&L{id})")
            }
            None => "None".to_owned(),
        };
        let sizes: Vec<String> = f.sizes.iter().map(|(a, b)| format!("size({a}, {})", opt_u32(*b))).collect();
        let ranges: Vec<String> =
            f.ranges.iter().map(|(a, b, st)| format!("range({}, {}, {st})", opt_i64(*a), opt_i64(*b))).collect();
        let enums = match enum_ids.get(&enum_text(f)?) {
            Some(id) => format!("E{id}"),
            None => "Values::NONE".to_owned(),
        };
        let pats: Vec<String> = f.patterns.iter().map(|p| rust_str(p)).collect();
        let _ = writeln!(
            w,
            "static S{i}: Syntax = Syntax {{ list: {list}, sizes: &[{}], ranges: &[{}], enumeration: {enums}, patterns: &[{}] }};",
            sizes.join(", "),
            ranges.join(", "),
            pats.join(", ")
        );
    }
    // Parameter names used in many parts go in one text all parts share.
    let mut parts_using: BTreeMap<&str, usize> = BTreeMap::new();
    for objs in groups.values() {
        let names: std::collections::BTreeSet<&str> =
            objs.iter().flat_map(|o| o.params.iter().map(|p| p.name.as_str())).collect();
        for n in names {
            *parts_using.entry(n).or_default() += 1;
        }
    }
    let common = shared_text(parts_using.iter().filter(|(_, n)| **n >= COMMON_MIN_PARTS).map(|(name, _)| *name));
    let is_common = |name: &str| parts_using.get(name).is_some_and(|n| *n >= COMMON_MIN_PARTS);
    // So are the parameter definitions used in many parts.
    let def_text =
        |p: &Param| format!("p(T::{}, {}, {}, {}, &S{})", type_variant(p.ty), p.access, p.notify, p.flags, p.syntax);
    let mut def_parts: BTreeMap<String, usize> = BTreeMap::new();
    for objs in groups.values() {
        let defs: std::collections::BTreeSet<String> =
            objs.iter().flat_map(|o| o.params.iter().map(def_text)).collect();
        for d in defs {
            *def_parts.entry(d).or_default() += 1;
        }
    }
    let common_defs: Vec<&String> = def_parts.iter().filter(|(_, n)| **n >= COMMON_MIN_PARTS).map(|(d, _)| d).collect();
    if common_defs.len() >= 0x80 {
        return Err(format!("{} common parameter definitions do not fit 7 bits", common_defs.len()));
    }
    if common.len() > usize::from(u16::MAX) {
        return Err(format!("common text of {} bytes does not fit the u16 offsets", common.len()));
    }
    let _ = writeln!(w, "\nconst COMMON_TEXT: &str = {};", rust_str(&common));
    let defs_list: Vec<&str> = common_defs.iter().map(|d| d.as_str()).collect();
    let _ = writeln!(w, "static COMMON_DEFS: [ParamDef; {}] = [{}];", defs_list.len(), defs_list.join(", "));
    let _ = writeln!(w, "static COMMON: Common = Common::new(COMMON_TEXT, &COMMON_DEFS);");
    let mut all = Vec::new();
    for ((seg, part), objs) in groups {
        let n_par: usize = objs.iter().map(|o| o.params.len()).sum();
        let first = objs.first().map(|o| o.name.as_str()).unwrap_or("");
        let (cname, doc) = if part.is_empty() {
            (const_name(seg), format!("`{first}` and its descendants: {} objects, {n_par} parameters.", objs.len()))
        } else {
            let doc = format!(
                "`{first}` and its descendants, a part of [`{}`] of its own: {} objects, {n_par} parameters.",
                const_name(seg),
                objs.len()
            );
            (format!("{}_{}", const_name(seg), const_name(part)), doc)
        };
        let names = objs
            .iter()
            .flat_map(|o| {
                o.params.iter().map(|p| p.name.as_str()).chain(o.num_entries.as_deref()).chain(o.enable.as_deref())
            })
            .filter(|n| !is_common(n));
        let text = shared_text(objs.iter().map(|o| o.name.as_str()).chain(names));
        if text.len() > usize::from(u16::MAX) {
            return Err(format!("{cname}: shared text of {} bytes does not fit the u16 offsets", text.len()));
        }
        // The distinct definitions of this part's parameters, first use first.
        let mut defs: Vec<String> = Vec::new();
        let mut def_ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut def_of = |p: &Param| -> Result<u8, String> {
            let d = def_text(p);
            if let Some(i) = common_defs.iter().position(|c| **c == d) {
                return u8::try_from(i).map(|i| i | 0x80).map_err(|e| e.to_string());
            }
            let id = *def_ids.entry(d.clone()).or_insert_with(|| {
                defs.push(d);
                defs.len() - 1
            });
            u8::try_from(id)
                .ok()
                .filter(|i| *i < 0x80)
                .ok_or_else(|| format!("{cname}: more than 128 distinct parameter definitions"))
        };
        // A name as (offset, length with the common-text bit).
        let name_ref = |name: &str| -> Result<(usize, u8), String> {
            let (in_text, flag) = if is_common(name) { (&common, 0x80) } else { (&text, 0) };
            let at = in_text.find(name).ok_or_else(|| format!("{cname}: {name} not in a text"))?;
            let len = u8::try_from(name.len()).ok().filter(|l| *l < 0x80 && *l > 0);
            Ok((at, len.ok_or_else(|| format!("{cname}: name {name:?} empty or too long"))? | flag))
        };
        let opt_ref = |name: &Option<String>| -> Result<String, String> {
            Ok(match name {
                Some(n) => name_ref(n).map(|(at, len)| format!("n({at}, {len})"))?,
                None => "NameRef::NONE".to_owned(),
            })
        };
        let mut entries: Vec<Vec<String>> = Vec::new();
        let mut keys: Vec<u8> = Vec::new();
        let mut keys_at: Vec<String> = Vec::new();
        for o in objs {
            let mut row = Vec::new();
            for p in &o.params {
                let (at, len) = name_ref(&p.name)?;
                row.push(format!("e({at}, {len}, {})", def_of(p)?));
            }
            entries.push(row);
            if o.unique.is_empty() {
                keys_at.push("NO_KEYS".to_owned());
                continue;
            }
            keys_at.push(keys.len().to_string());
            for (i, key) in o.unique.iter().enumerate() {
                if i > 0 {
                    keys.push(0xFE);
                }
                for r in key {
                    let idx = o.params.iter().position(|p| p.name == *r).and_then(|i| u8::try_from(i).ok());
                    keys.push(idx.filter(|i| *i < 0xFE).ok_or_else(|| format!("{}: unique key {r}", o.name))?);
                }
            }
            keys.push(0xFF);
        }
        if keys.len() >= usize::from(u16::MAX) {
            return Err(format!("{cname}: unique keys do not fit the u16 offsets"));
        }
        let _ = writeln!(w, "\nconst T_{cname}: &str = {};", rust_str(&text));
        let _ = writeln!(w, "static K_{cname}: [ParamDef; {}] = [{}];", defs.len(), defs.join(", "));
        let key_bytes: Vec<String> = keys.iter().map(u8::to_string).collect();
        let _ = writeln!(w, "static Y_{cname}: [u8; {}] = [{}];", keys.len(), key_bytes.join(", "));
        let _ = writeln!(w, "static P_{cname}: ParamTable = table(T_{cname}, &COMMON, &K_{cname}, &Y_{cname});");
        let _ = writeln!(w, "/// {doc}");
        let _ = writeln!(w, "pub static {cname}: Subtree = Subtree {{ name: {}, objects: &[", rust_str(seg));
        for (k, o) in objs.iter().enumerate() {
            let at = text.find(o.name.as_str()).ok_or_else(|| format!("{}: not in the shared text", o.name))?;
            let descendants = objs.iter().skip(k + 1).take_while(|d| template::is_within(&o.name, &d.name)).count();
            let descendants = u16::try_from(descendants).map_err(|_| format!("{}: too many descendants", o.name))?;
            let _ = writeln!(
                w,
                "  obj(sub(T_{cname}, {at}, {}), {}, {}, {descendants}, {}, {}, {}, {}, {}, &P_{cname}, &[{}]),",
                at + o.name.len(),
                o.access,
                o.status,
                o.min,
                opt_u32(o.max),
                opt_ref(&o.num_entries)?,
                opt_ref(&o.enable)?,
                keys_at.get(k).map_or("NO_KEYS", String::as_str),
                entries.get(k).map(|r| r.join(", ")).unwrap_or_default()
            );
        }
        let _ = writeln!(w, "]}};");
        all.push(cname);
    }
    let _ = writeln!(w, "\n/// Every subtree, the root's first.");
    let _ = writeln!(
        w,
        "pub static ALL: [&Subtree; {}] = [{}];",
        all.len(),
        all.iter().map(|c| format!("&{c}")).collect::<Vec<_>>().join(", ")
    );
    let fi: Vec<String> = forced.iter().map(|f| rust_str(f)).collect();
    let _ = writeln!(w, "\n/// The parameters the model marks `forcedInform`.");
    let _ = writeln!(w, "pub static FORCED_INFORM: [&str; {}] = [{}];", fi.len(), fi.join(", "));
    let _ = writeln!(w, "\n/// The whole `{model_name}` model.");
    let _ = writeln!(
        w,
        "pub static SCHEMA: Schema = Schema::new({}, {}, &ALL, &FORCED_INFORM);",
        rust_str(model_name),
        rust_str(root_name)
    );
    if all.first().is_none_or(|c| c != "ROOT") {
        return Err("the root object's subtree must sort first".to_owned());
    }
    Ok(s)
}
