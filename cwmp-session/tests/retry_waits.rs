//! Session retry per TR-069 §3.2.1.1: every wait lies in
//! [m·(k/1000)^(n−1), m·(k/1000)^n] s (n capped at 10), the bounds equal a
//! reference computed independently, RetryCount counts failures and resets
//! after an InformResponse.

use cwmp_core::{Duration, Instant};
use cwmp_session::cpe::retry::{Retry, RetryPolicy};
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

const MS: [u32; 5] = [1, 5, 30, 1000, 65535];
const KS: [u32; 6] = [1000, 1001, 1500, 2000, 3333, 65535];

/// ⌊m·k^j/1000^(j−1)⌋ ms: exact in u128 when it fits, else f64.
fn reference(m: u32, k: u32, j: u32) -> Result<u64, f64> {
    let mut num: Option<u128> = Some(u128::from(m) * 1000);
    for _ in 0..j {
        num = num.and_then(|n| n.checked_mul(u128::from(k)));
    }
    match num {
        Some(n) => Ok(u64::try_from(n / 1000u128.pow(j)).unwrap_or(u64::MAX)),
        None => Err(f64::from(m) * 1000.0 * (f64::from(k) / 1000.0).powi(j as i32)),
    }
}

fn assert_matches(got: Duration, want: Result<u64, f64>) {
    match want {
        Ok(ms) => assert_eq!(got.as_millis(), ms),
        Err(f) if f >= u64::MAX as f64 => assert_eq!(got, Duration::MAX),
        Err(f) => {
            // The floor of f, within f64's own rounding.
            let diff = got.as_millis() as f64 - f;
            assert!(diff <= f * 1e-12 && diff > -1.0 - f * 1e-12, "{got} vs {f} ms");
        }
    }
}

#[test]
fn retry_bounds_equal_the_reference_for_n_1_to_12() {
    for m in MS {
        for k in KS {
            let p = RetryPolicy::new(m, k).unwrap();
            for n in 1..=12u32 {
                let j = n.min(10);
                let (lo, hi) = p.bounds(n);
                assert_matches(lo, reference(m, k, j - 1));
                assert_matches(hi, reference(m, k, j));
                assert!(lo <= hi);
            }
        }
    }
}

#[test]
fn retry_extreme_draws_hit_both_ends() {
    let p = RetryPolicy::DEFAULT;
    for n in 1..=12 {
        let (lo, hi) = p.bounds(n);
        assert_eq!(p.draw(n, 0), lo);
        assert_eq!(p.draw(n, u64::MAX), hi);
    }
}

proptest! {
    #[test]
    fn retry_every_drawn_wait_is_inside_the_spec_range(
        mi in 0..MS.len(), ki in 0..KS.len(), n in 1u32..=12, r: u64,
    ) {
        let p = RetryPolicy::new(MS[mi], KS[ki]).unwrap();
        let (lo, hi) = p.bounds(n);
        let w = p.draw(n, r);
        prop_assert!(lo <= w && w <= hi);
    }

    #[test]
    fn retry_any_allowed_parameters_never_overflow(m in 1u32..=65535, k in 1000u32..=65535, n: u32, r: u64) {
        let p = RetryPolicy::new(m, k).unwrap();
        let (lo, hi) = p.bounds(n);
        let w = p.draw(n, r);
        prop_assert!(lo <= w && w <= hi);
        prop_assert!(lo >= Duration::from_secs(u64::from(m)));
    }
}

#[test]
fn retry_count_increments_per_failure_and_resets_after_inform_response() {
    let mut retry = Retry::new(RetryPolicy::DEFAULT);
    let mut now = Instant::from_secs(1_000);
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for n in 1..=12u32 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let at = retry.session_failed(now, seed);
        assert_eq!(retry.retry_count(), n);
        let (lo, hi) = RetryPolicy::DEFAULT.bounds(n);
        let waited = at - now;
        assert!(lo <= waited && waited <= hi, "retry {n}: {waited}");
        assert_eq!(retry.poll_timeout(), Some(at));
        assert!(!retry.is_due(now) && retry.is_due(at));
        retry.attempt_started();
        now = at;
    }
    assert_eq!(RetryPolicy::DEFAULT.bounds(12), (Duration::from_secs(2560), Duration::from_secs(5120)));
    retry.inform_acknowledged();
    assert_eq!(retry.retry_count(), 0);
    assert_eq!(retry.poll_timeout(), None);
    let at = retry.session_failed(now, 0);
    assert_eq!(at - now, Duration::from_secs(5));
}

#[test]
fn retry_does_not_allocate() {
    let mut retry = Retry::default();
    assert_no_alloc(|| {
        for i in 0..20 {
            retry.session_failed(Instant::ZERO, i);
        }
        retry.inform_acknowledged();
    });
}
