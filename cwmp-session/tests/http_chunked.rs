//! The chunked transfer coding: decoding equals the whole-body decode on
//! every split of the input, our encoder's output decodes back, and the
//! malformed or endless inputs of SECURITY.md end in typed errors.

use cwmp_session::http::chunked::{ChunkFrame, LAST_CHUNK};
use cwmp_session::http::{BodyReader, Framing, HttpError, HttpLimits};
use proptest::prelude::*;

const L: HttpLimits = HttpLimits::DEFAULT;

/// Decodes `input` fed in pieces cut at `cuts`; returns (body, consumed).
fn decode_split(input: &[u8], cuts: &[usize], limits: HttpLimits) -> Result<(Vec<u8>, usize), HttpError> {
    let mut r = BodyReader::new(Framing::Chunked, limits)?;
    let mut out = Vec::new();
    let mut pos = 0;
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    bounds.push(input.len());
    bounds.sort_unstable();
    for end in bounds {
        // Feed everything available up to `end`, as a transport would.
        while pos < end && !r.is_done() {
            let s = r.read(&input[pos..end])?;
            out.extend_from_slice(s.data);
            pos += s.consumed;
            if s.consumed == 0 {
                break;
            }
        }
    }
    if !r.is_done() {
        r.finish()?;
    }
    Ok((out, pos))
}

/// Chunked encoding of `body` in pieces of `sizes` by our encoder, with an
/// optional extension on the first chunk and a trailer.
fn encode(body: &[u8], piece: usize) -> Vec<u8> {
    let mut wire = Vec::new();
    let mut buf = vec![0u8; piece + 12];
    let frame = ChunkFrame::for_buffer(buf.len()).unwrap();
    for part in body.chunks(frame.capacity()) {
        frame.payload(&mut buf)[..part.len()].copy_from_slice(part);
        let n = frame.seal(&mut buf, part.len()).unwrap();
        wire.extend_from_slice(&buf[..n]);
    }
    wire.extend_from_slice(LAST_CHUNK);
    wire
}

proptest! {
    #[test]
    fn chunked_decoding_is_the_same_for_every_split(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        piece in 1usize..80,
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let wire = encode(&body, piece);
        let (whole, n) = decode_split(&wire, &[], L).unwrap();
        prop_assert_eq!(&whole, &body);
        prop_assert_eq!(n, wire.len());
        let (split, n) = decode_split(&wire, &cuts, L).unwrap();
        prop_assert_eq!(split, whole);
        prop_assert_eq!(n, wire.len());
    }

    #[test]
    fn chunked_hand_framed_input_with_extensions_and_trailers_decodes_on_any_split(
        parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..40), 0..6),
        upper in any::<bool>(),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let mut wire = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            let size = if upper { format!("{:X}", p.len()) } else { format!("{:x}", p.len()) };
            wire.extend_from_slice(size.as_bytes());
            if i % 2 == 1 {
                wire.extend_from_slice(b" ;ext=\"v\"");
            }
            wire.extend_from_slice(b"\r\n");
            wire.extend_from_slice(p);
            wire.extend_from_slice(b"\r\n");
        }
        wire.extend_from_slice(b"0\r\nX-Trailer: 1\r\n\r\nNEXT");
        let expected: Vec<u8> = parts.concat();
        let (whole, n) = decode_split(&wire, &cuts, L).unwrap();
        prop_assert_eq!(whole, expected);
        prop_assert_eq!(&wire[n..], b"NEXT", "stops right after the chunked body");
    }

    #[test]
    fn chunked_decoder_never_panics_on_arbitrary_bytes(
        input in proptest::collection::vec(any::<u8>(), 0..200),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let _ = decode_split(&input, &cuts, L);
    }
}

#[test]
fn chunked_size_with_sign_non_hex_or_overflow_is_refused() {
    for (wire, what) in [
        (&b"+5\r\nhello\r\n0\r\n\r\n"[..], "sign"),
        (b"-5\r\nhello\r\n0\r\n\r\n", "sign"),
        (b"0x5\r\nhello\r\n0\r\n\r\n", "0x prefix"),
        (b"g\r\n", "non-hex"),
        (b"\r\n", "empty size"),
        (b"5 5\r\nhello\r\n", "space inside size"),
    ] {
        let err = decode_split(wire, &[], L).unwrap_err();
        assert!(matches!(err, HttpError::BadChunk { .. }), "{what}: {err:?}");
    }
    let overflow = decode_split(b"fffffffffffffffffff\r\n", &[], L).unwrap_err();
    assert!(matches!(overflow, HttpError::BodyTooLarge { .. } | HttpError::BadChunk { .. }), "{overflow:?}");
    let unbounded = HttpLimits { max_body_len: usize::MAX, ..L };
    let overflow = decode_split(b"1fffffffffffffffff\r\n", &[], unbounded).unwrap_err();
    assert!(matches!(overflow, HttpError::BadChunk { what: "chunk size overflows", .. }), "{overflow:?}");
    assert!(matches!(decode_split(b"5\r\nhelloX", &[], L).unwrap_err(), HttpError::BadChunk { at: 0, .. }));
}

#[test]
fn chunked_endless_body_ends_in_a_clean_error_after_the_cap() {
    let limits = HttpLimits { max_body_len: 64 * 1024, ..L };
    let mut r = BodyReader::new(Framing::Chunked, limits).unwrap();
    let chunk = [b"400\r\n".as_slice(), &[b'x'; 0x400], b"\r\n"].concat();
    let mut delivered = 0u64;
    let err = loop {
        let mut input = &chunk[..];
        let res = loop {
            match r.read(input) {
                Ok(s) => {
                    delivered += s.data.len() as u64;
                    input = &input[s.consumed..];
                    if input.is_empty() {
                        break Ok(());
                    }
                }
                Err(e) => break Err(e),
            }
        };
        if let Err(e) = res {
            break e;
        }
        assert!(delivered <= limits.max_body_len as u64);
    };
    assert_eq!(err, HttpError::BodyTooLarge { limit: limits.max_body_len });
    assert_eq!(delivered, limits.max_body_len as u64);
}

#[test]
fn chunked_extension_and_trailer_lengths_are_bounded() {
    let limits = HttpLimits { max_chunk_ext_len: 8, max_trailer_len: 16, ..L };
    let long_ext = b"1;aaaaaaaaaaaaaaaaaaaa\r\nx\r\n0\r\n\r\n";
    assert_eq!(decode_split(long_ext, &[], limits).unwrap_err(), HttpError::ChunkMetaTooLong { limit: 8 });
    let long_trailer = b"0\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    assert_eq!(decode_split(long_trailer, &[], limits).unwrap_err(), HttpError::ChunkMetaTooLong { limit: 16 });
}

#[test]
fn chunked_body_cut_short_is_reported_as_truncated() {
    assert!(matches!(decode_split(b"5\r\nhel", &[], L).unwrap_err(), HttpError::Truncated { .. }));
    let mut r = BodyReader::new(Framing::Length(10), L).unwrap();
    r.read(b"abc").unwrap();
    assert_eq!(r.finish().unwrap_err(), HttpError::Truncated { missing: 7 });
}

#[test]
fn chunked_encoder_frames_fill_the_buffer_and_skip_empty_chunks() {
    let frame = ChunkFrame::for_buffer(22).unwrap();
    assert_eq!(frame.capacity(), 16, "width 2 for up to 255 bytes");
    let mut buf = [0u8; 22];
    frame.payload(&mut buf).fill(b'z');
    let n = frame.seal(&mut buf, 16).unwrap();
    assert_eq!(&buf[..n], b"10\r\nzzzzzzzzzzzzzzzz\r\n");
    assert_eq!(frame.seal(&mut buf, 0).unwrap(), 0, "an empty chunk would end the body");
    assert!(matches!(frame.seal(&mut buf, 17), Err(HttpError::BufferFull { .. })));
    assert!(ChunkFrame::for_buffer(5).is_none());
    for len in 6..5000 {
        let f = ChunkFrame::for_buffer(len).unwrap();
        let mut b = vec![0u8; len];
        let n = f.seal(&mut b, f.capacity()).unwrap();
        assert_eq!(n, len, "a full chunk uses the whole buffer ({len})");
        let (body, _) = decode_split(&[&b[..], LAST_CHUNK].concat(), &[], L).unwrap();
        assert_eq!(body.len(), f.capacity());
    }
}
