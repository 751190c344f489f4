//! Callgrind driver for the XML tokenizer comparison: runs one subject over
//! one document `N` times.
//!
//! `xml_callgrind SUBJECT_INDEX gpv|largest N` — see `benches/README.md` for
//! how instructions per byte are derived (two runs, N = 1 and N = 11, to
//! cancel start-up and document generation).

use cwmp_benches::docs::{gpv_response, largest_corpus_message};
use cwmp_benches::xml_subjects::SUBJECTS;
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: {} SUBJECT_INDEX gpv|largest N", args[0]);
        for (i, (name, _)) in SUBJECTS.iter().enumerate() {
            eprintln!("  {i}: {name}");
        }
        std::process::exit(2);
    }
    let (_, f) = SUBJECTS[args[1].parse::<usize>().expect("subject index")];
    let doc = match args[2].as_str() {
        "gpv" => gpv_response(500),
        _ => String::from_utf8(largest_corpus_message().1).expect("UTF-8"),
    };
    let n: usize = args[3].parse().expect("N");
    let mut total = 0u64;
    for _ in 0..n {
        total = total.wrapping_add(f(black_box(&doc)));
    }
    println!("{} bytes, check {total}", doc.len());
}
