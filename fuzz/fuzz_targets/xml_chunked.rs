//! Chunking invariance: the input fed in pieces (sizes drawn from the first
//! bytes, 1-byte pieces included) yields exactly the whole-input events, and
//! an error exactly when the whole-input parse fails.
#![no_main]

use cwmp_core::Limits;
use cwmp_soap::xml::{Event, Options, Reader, Step};
use libfuzzer_sys::fuzz_target;

/// A comparable summary of one event.
#[derive(Debug, PartialEq, Eq)]
enum Ev<'a> {
    Start(usize, Option<&'a str>, &'a [u8], bool),
    End(usize, Option<&'a str>, &'a [u8]),
    Text(usize, &'a [u8], bool),
}

fn summary<'a>(ev: Event<'a>) -> Ev<'a> {
    match ev {
        Event::Start(t) => Ev::Start(t.offset(), t.name().ns(), t.name().local_bytes(), false),
        Event::Empty(t) => Ev::Start(t.offset(), t.name().ns(), t.name().local_bytes(), true),
        Event::End(t) => Ev::End(t.offset(), t.name().ns(), t.name().local_bytes()),
        Event::Text(t) => Ev::Text(t.offset(), t.raw_bytes(), false),
        Event::CData(t) => Ev::Text(t.offset(), t.raw_bytes(), true),
    }
}

fn whole(doc: &[u8], options: Options) -> (Vec<Ev<'_>>, bool) {
    let mut r: Reader<8, 8, 8> = Reader::new(&Limits::DEFAULT, options);
    let mut out = Vec::new();
    loop {
        match r.next_complete(doc) {
            Ok(Step::Event(e)) => out.push(summary(e)),
            Ok(_) => return (out, true),
            Err(_) => return (out, false),
        }
    }
}

fn chunked<'a>(doc: &'a [u8], sizes: &[u8], options: Options) -> (Vec<Ev<'a>>, bool) {
    let mut r: Reader<8, 8, 8> = Reader::new(&Limits::DEFAULT, options);
    let mut out = Vec::new();
    let mut sizes = sizes.iter().cycle();
    let mut avail = 0usize;
    loop {
        let complete = avail >= doc.len();
        let step = if complete { r.next_complete(doc) } else { r.next(&doc[..avail]) };
        match step {
            Ok(Step::Event(e)) => out.push(summary(e)),
            Ok(Step::NeedMore) | Ok(Step::Eof) if !complete => {
                let n = sizes.next().map_or(1, |&s| usize::from(s % 16) + 1);
                avail = (avail + n).min(doc.len());
            }
            Ok(_) => return (out, true),
            Err(_) => return (out, false),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let (sizes, doc) = rest.split_at((usize::from(n) % 8).min(rest.len()));
    let sizes = if sizes.is_empty() { &[0u8][..] } else { sizes };
    for options in [Options::STRICT.with_whitespace_text(true), Options::TOLERANT] {
        let (a, ok_a) = whole(doc, options);
        let (b, ok_b) = chunked(doc, sizes, options);
        assert_eq!(ok_a, ok_b, "whole ok={ok_a} chunked ok={ok_b}");
        if ok_a {
            assert_eq!(a, b);
        } else {
            // Up to the error, the chunked parse saw a prefix of the whole events.
            let n = a.len().min(b.len());
            assert_eq!(a[..n], b[..n]);
        }
    }
});
