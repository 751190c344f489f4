//! Arbitrary bytes through the XML tokenizer, strict and tolerant: never a
//! panic, errors inside the input, and the event stream well-formed (offsets
//! increase, every End closes the matching Start, attributes resolve and
//! decode).
#![no_main]

use cwmp_core::Limits;
use cwmp_soap::xml::{Event, Options, Reader, Step};
use libfuzzer_sys::fuzz_target;

fn check(data: &[u8], options: Options) {
    let mut r: Reader<8, 8, 8> = Reader::new(&Limits::DEFAULT, options);
    let mut open: Vec<(Option<&str>, &[u8])> = Vec::new();
    let mut last = 0usize;
    let mut buf = [0u8; 512];
    loop {
        match r.next_complete(data) {
            Ok(Step::Event(ev)) => {
                assert!(ev.offset() >= last && ev.offset() <= data.len());
                last = ev.offset();
                match ev {
                    Event::Start(t) | Event::Empty(t) => {
                        assert!(t.end_offset() <= data.len());
                        for a in t.attributes(&r).expect("fresh tag") {
                            let _ = a.value.unescape_into(&mut buf);
                            assert_eq!(a.value.unescaped_len(), a.value.chunks().map(|c| c.as_str().len()).sum());
                        }
                        assert_eq!(t.raw_attributes().count(), t.attributes(&r).expect("fresh").count());
                        if matches!(ev, Event::Start(_)) {
                            open.push((t.name().ns(), t.name().local_bytes()));
                        }
                    }
                    Event::End(t) => {
                        let (ns, local) = open.pop().expect("End without Start");
                        assert_eq!((ns, local), (t.name().ns(), t.name().local_bytes()));
                    }
                    Event::Text(t) | Event::CData(t) => {
                        let n = t.unescaped_len();
                        if n <= buf.len() {
                            let s = t.unescape_into(&mut buf).expect("sized buffer");
                            assert!(t.unescaped_eq(s));
                        }
                    }
                }
                assert_eq!(r.depth(), open.len());
            }
            Ok(Step::Eof) => {
                assert!(open.is_empty());
                return;
            }
            Ok(Step::NeedMore) => unreachable!("complete input"),
            Err(e) => {
                assert!(e.offset <= data.len(), "{e}");
                return;
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check(data, Options::STRICT);
    check(data, Options::TOLERANT.with_whitespace_text(true));
});
