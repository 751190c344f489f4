//! The fault-code helpers answer, for every code 0–10000 (and the largest),
//! exactly what the official cwmp-1-0, cwmp-1-1 and cwmp-1-2 schemas accept
//! in each fault context. The schemas are read from the corpus and their
//! `FaultCode` simple types evaluated (unions, restrictions of named types,
//! enumerations, inclusive bounds), so nothing here is a copy of the tables
//! under test.

use std::collections::HashMap;

use cwmp_core::fault::FaultContext;
use cwmp_core::{CwmpVersion, FaultCode};
use roxmltree::{Document, Node};

const XS: &str = "http://www.w3.org/2001/XMLSchema";

fn is_xs(n: Node<'_, '_>, local: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(XS) && n.tag_name().name() == local
}

/// One schema: its named top-level simple and complex types.
struct Xsd<'a, 'i> {
    doc: &'a Document<'i>,
    simple: HashMap<&'a str, Node<'a, 'i>>,
    complex: HashMap<&'a str, Node<'a, 'i>>,
}

impl<'a, 'i> Xsd<'a, 'i> {
    fn new(doc: &'a Document<'i>) -> Self {
        let root = doc.root_element();
        let named = |kind: &str| {
            root.children().filter(|c| is_xs(*c, kind)).filter_map(|c| Some((c.attribute("name")?, c))).collect()
        };
        Xsd { doc, simple: named("simpleType"), complex: named("complexType") }
    }

    /// `tns:Name` or `xs:unsignedInt` resolved; `None` for the XSD built-in.
    fn named(&self, qname: &str) -> Option<Node<'a, 'i>> {
        if qname == "xs:unsignedInt" {
            return None;
        }
        let local = qname.strip_prefix("tns:").unwrap_or_else(|| panic!("unexpected type {qname}"));
        Some(*self.simple.get(local).unwrap_or_else(|| panic!("no simpleType {local}")))
    }

    /// Does the simple type `st` accept `code`?
    fn accepts(&self, st: Node<'a, 'i>, code: u32) -> bool {
        for c in st.children().filter(Node::is_element) {
            if is_xs(c, "restriction") {
                let base_ok = match c.attribute("base").map(|b| self.named(b)) {
                    Some(Some(base)) => self.accepts(base, code),
                    Some(None) => true,
                    None => panic!("restriction without base"),
                };
                let value = |n: Node<'_, '_>| n.attribute("value").and_then(|v| v.parse::<u32>().ok()).expect("number");
                let enums: Vec<u32> = c.children().filter(|e| is_xs(*e, "enumeration")).map(value).collect();
                let min = c.children().find(|e| is_xs(*e, "minInclusive")).map(value);
                let max = c.children().find(|e| is_xs(*e, "maxInclusive")).map(value);
                return base_ok
                    && (enums.is_empty() || enums.contains(&code))
                    && min.is_none_or(|m| code >= m)
                    && max.is_none_or(|m| code <= m);
            }
            if is_xs(c, "union") {
                let members = c.attribute("memberTypes").unwrap_or("").split_whitespace();
                let by_name = members.filter_map(|m| self.named(m)).any(|t| self.accepts(t, code));
                return by_name || c.children().filter(|t| is_xs(*t, "simpleType")).any(|t| self.accepts(t, code));
            }
            assert!(is_xs(c, "annotation"), "unexpected {:?} in a fault code type", c.tag_name());
        }
        panic!("simpleType without restriction or union")
    }

    /// The type of the `FaultCode` element that belongs to `owner` itself
    /// (not to an element nested in it).
    fn fault_code_type(&self, owner: Node<'a, 'i>) -> Node<'a, 'i> {
        let fc = owner
            .descendants()
            .filter(|d| is_xs(*d, "element") && d.attribute("name") == Some("FaultCode"))
            .find(|d| {
                let named_type = |a: &Node<'_, '_>| is_xs(*a, "complexType") && a.has_attribute("name");
                d.ancestors().skip(1).find(|a| is_xs(*a, "element") || named_type(a)) == Some(owner)
            })
            .unwrap_or_else(|| panic!("no FaultCode in {:?}", owner.attribute("name")));
        match fc.attribute("type") {
            Some(t) => self.named(t).expect("a named fault code type"),
            None => fc.children().find(|c| is_xs(*c, "simpleType")).expect("inline simpleType"),
        }
    }

    fn element(&self, name: &str) -> Option<Node<'a, 'i>> {
        self.doc.descendants().find(|d| is_xs(*d, "element") && d.attribute("name") == Some(name))
    }

    /// The simple type of the fault code in `context`; `None` when the schema
    /// has no such context.
    fn context(&self, context: FaultContext) -> Option<Node<'a, 'i>> {
        let fault =
            self.doc.root_element().children().find(|c| is_xs(*c, "element") && c.attribute("name") == Some("Fault"));
        Some(match context {
            FaultContext::Fault => self.fault_code_type(fault.expect("cwmp:Fault")),
            FaultContext::SetParameterValuesFault => {
                let spv = fault.and_then(|f| {
                    f.descendants()
                        .find(|d| is_xs(*d, "element") && d.attribute("name") == Some("SetParameterValuesFault"))
                });
                self.fault_code_type(spv.expect("SetParameterValuesFault"))
            }
            // The struct TransferComplete's FaultStruct element is declared with.
            FaultContext::TransferComplete => {
                let tc = self.element("TransferComplete").expect("TransferComplete");
                let fs = tc
                    .descendants()
                    .find(|d| is_xs(*d, "element") && d.attribute("name") == Some("FaultStruct"))
                    .and_then(|d| d.attribute("type"))
                    .expect("FaultStruct type");
                self.fault_code_type(self.complex[fs.strip_prefix("tns:").expect("tns")])
            }
            FaultContext::DeploymentUnit => self.fault_code_type(*self.complex.get("DeploymentUnitFaultStruct")?),
        })
    }
}

fn read(file: &str) -> String {
    let path = cwmp_testkit::corpus::path(&format!("schema/{file}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The schema file of a version's namespace.
fn file_of(version: CwmpVersion) -> &'static str {
    match version {
        CwmpVersion::V1_0 => "cwmp-1-0.xsd",
        CwmpVersion::V1_1 => "cwmp-1-1.xsd",
        _ => "cwmp-1-2.xsd",
    }
}

fn codes() -> impl Iterator<Item = u16> {
    (0..=10_000).chain([u16::MAX])
}

#[test]
fn allowed_in_matches_each_schema_for_every_code_and_context() {
    for version in CwmpVersion::ALL {
        let text = read(file_of(version));
        let doc = Document::parse(&text).expect("xsd");
        let xsd = Xsd::new(&doc);
        for context in FaultContext::ALL {
            let st = xsd.context(context);
            let mut accepted = 0;
            for code in codes() {
                let want = st.is_some_and(|st| xsd.accepts(st, u32::from(code)));
                let got = FaultCode::new(code).allowed_in(context, version);
                assert_eq!(got, want, "{} {context:?} {version:?} code {code}", file_of(version));
                accepted += usize::from(want);
            }
            // The evaluator sees something in every context a schema has.
            assert_eq!(st.is_some(), accepted > 0, "{} {context:?}", file_of(version));
        }
    }
}

#[test]
fn the_issue_cases_9020_in_1_1_and_8006_not_in_1_0() {
    let v11 = read("cwmp-1-1.xsd");
    let doc = Document::parse(&v11).expect("xsd");
    let xsd = Xsd::new(&doc);
    for ctx in [FaultContext::Fault, FaultContext::TransferComplete] {
        assert!(xsd.accepts(xsd.context(ctx).expect("context"), 9020));
        assert!(FaultCode::TRANSFER_TIME_WINDOW_MISSED.allowed_in(ctx, CwmpVersion::V1_1));
    }
    let v10 = read("cwmp-1-0.xsd");
    let doc = Document::parse(&v10).expect("xsd");
    let xsd = Xsd::new(&doc);
    assert!(!xsd.accepts(xsd.context(FaultContext::Fault).expect("Fault"), 8006));
    assert!(!FaultCode::ACS_VERSION_INCOMPATIBLE.allowed_in(FaultContext::Fault, CwmpVersion::V1_0));
    assert!(FaultCode::ACS_VERSION_INCOMPATIBLE.allowed_in(FaultContext::Fault, CwmpVersion::V1_1));
    // 8006 is an ACS code everywhere in the numbering plan.
    assert!(FaultCode::ACS_VERSION_INCOMPATIBLE.is_acs());
}

#[test]
fn class_helpers_are_the_cwmp_1_2_sets_they_document() {
    let text = read("cwmp-1-2.xsd");
    let doc = Document::parse(&text).expect("xsd");
    let xsd = Xsd::new(&doc);
    let ctx = |c| xsd.context(c).expect("context");
    let (fault, spv, tc, du) = (
        ctx(FaultContext::Fault),
        ctx(FaultContext::SetParameterValuesFault),
        ctx(FaultContext::TransferComplete),
        ctx(FaultContext::DeploymentUnit),
    );
    for code in codes() {
        let (f, n) = (FaultCode::new(code), u32::from(code));
        assert_eq!(f.is_cpe() || f.is_acs(), xsd.accepts(fault, n), "{code}");
        assert_eq!(f.is_cpe(), xsd.accepts(spv, n), "{code}");
        assert_eq!(f.allowed_in_transfer_complete(), xsd.accepts(tc, n), "{code}");
        assert_eq!(f.allowed_in_du_result(), xsd.accepts(du, n), "{code}");
    }
}

#[test]
fn cwmp_1_4_redefines_the_acs_fault_type_without_new_facets() {
    // CWMP 1.3 and 1.4 use the cwmp-1-2 namespace; 1-4's redefinition of
    // ACSFaultCodeType (to document 8006) restricts nothing, so the 1-2
    // sets above hold for them.
    let text = read("cwmp-1-4.xsd");
    let doc = Document::parse(&text).expect("xsd");
    let redefined: Vec<Node<'_, '_>> = doc
        .descendants()
        .filter(|d| is_xs(*d, "redefine"))
        .flat_map(|r| r.children().filter(|c| is_xs(*c, "simpleType")))
        .filter(|t| t.attribute("name").is_some_and(|n| n.contains("Fault")))
        .collect();
    assert_eq!(redefined.len(), 1);
    let restriction = redefined[0].children().find(|c| is_xs(*c, "restriction")).expect("restriction");
    assert!(restriction.children().filter(Node::is_element).all(|c| is_xs(c, "annotation")));
}
