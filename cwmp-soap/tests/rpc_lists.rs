//! Decoded lists: resuming from a saved `Copy` position, and never losing
//! entries silently.

use cwmp_soap::list::ListPos;
use cwmp_soap::rpc::GetParameterValues;
use cwmp_soap::{Body, Envelope, List, Rpc, Text};
use proptest::prelude::*;

fn gpv_doc(names: &[String]) -> String {
    let items: String = names.iter().map(|n| format!("<string>{n}</string>")).collect();
    format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0"><s:Header><c:ID s:mustUnderstand="1">1</c:ID></s:Header><s:Body><c:GetParameterValues><ParameterNames s:arrayType="xsd:string[{}]">{items}</ParameterNames></c:GetParameterValues></s:Body></s:Envelope>"#,
        names.len()
    )
}

fn names_of<'a>(env: &Envelope<'a>) -> List<'a, Text<'a>> {
    let Body::Rpc(Rpc::GetParameterValues(GetParameterValues { parameter_names })) = env.body else {
        panic!("{:?}", env.body)
    };
    parameter_names
}

/// Reads `list` in pieces of the given sizes, keeping only a [`ListPos`]
/// between pieces.
fn in_pieces<'a>(list: &List<'a, Text<'a>>, pieces: &[usize]) -> Vec<String> {
    let mut pos = ListPos::START;
    let mut out = Vec::new();
    for &n in pieces.iter().chain(std::iter::once(&usize::MAX)) {
        let mut it = list.iter_from(pos);
        for t in it.by_ref().take(n) {
            out.push(t.to_string());
        }
        pos = it.position();
        assert_eq!(pos.index(), out.len(), "the position counts the entries read");
    }
    out
}

proptest! {
    #[test]
    fn iterating_in_pieces_from_saved_positions_equals_iterating_at_once(
        names in proptest::collection::vec("[A-Za-z0-9.]{0,12}(&amp;|&lt;|<!-- c -->)?[a-z]{0,3}", 0..40),
        pieces in proptest::collection::vec(0usize..7, 0..20),
    ) {
        let doc = gpv_doc(&names);
        let env = Envelope::decode(doc.as_bytes()).unwrap();
        let list = names_of(&env);
        let at_once: Vec<String> = list.iter().map(|t| t.to_string()).collect();
        prop_assert_eq!(at_once.len(), names.len());
        prop_assert_eq!(in_pieces(&list, &pieces), at_once.clone());
        // The same for the caller-slice form of the list.
        let texts: Vec<Text<'_>> = at_once.iter().map(|s| Text::plain(s)).collect();
        prop_assert_eq!(in_pieces(&List::from(&texts[..]), &pieces), at_once);
    }
}

#[test]
fn a_position_past_the_end_or_from_elsewhere_reads_nothing_or_a_suffix() {
    let names: Vec<String> = (0..3).map(|i| format!("Device.{i}.")).collect();
    let doc = gpv_doc(&names);
    let env = Envelope::decode(doc.as_bytes()).unwrap();
    let list = names_of(&env);
    let mut it = list.iter();
    it.by_ref().for_each(drop);
    assert_eq!(list.iter_from(it.position()).count(), 0);
    let texts = [Text::plain("a")];
    let mut it = List::from(&texts).iter();
    it.next();
    // A slice position past the end of a shorter list.
    let short: List<'_, Text<'_>> = List::from(&texts[..0]);
    assert_eq!(short.iter_from(it.position()).count(), 0);
}
