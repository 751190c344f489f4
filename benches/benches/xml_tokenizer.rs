//! XML tokenizer throughput: cwmp-soap's namespace-resolving reader against
//! quick-xml (`Reader`, `NsReader`), xmlparser, roxmltree and a memchr scan,
//! all measured in the same run, on the generated 500-entry
//! GetParameterValuesResponse (~71 KB) and the largest real corpus message.
//! Prints MB/s and how many times faster ours is than each peer, and the
//! heap allocations each subject makes per document.
//!
//! `cargo bench -p cwmp-benches --bench xml_tokenizer`

use cwmp_benches::docs::{gpv_response, largest_corpus_message};
use cwmp_benches::measure::Table;
use cwmp_benches::xml_subjects::SUBJECTS;
use cwmp_testkit::alloc::measure;

fn bench(title: &str, doc: &str) {
    let samples = if cfg!(debug_assertions) { 3 } else { 31 };
    let mut table = Table::new(title, doc.len(), samples);
    for (name, f) in SUBJECTS {
        table.run(name, || f(doc));
    }
    table.print();
    println!("{:<44} {:>12}", "heap allocations per document", "");
    for (name, f) in SUBJECTS {
        let (_, stats) = measure(|| f(doc));
        println!("  {:<42} {:>12}", name, stats.allocations);
    }
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter we ignore.
    let gpv = gpv_response(500);
    bench("GetParameterValuesResponse, 500 entries (generated)", &gpv);
    let (name, body) = largest_corpus_message();
    let body = String::from_utf8(body).expect("corpus message is UTF-8");
    bench(&format!("largest corpus message: {name}"), &body);
}
