//! Median timing and ratio tables.
//!
//! Wall-clock numbers move with machine noise; only ratios between subjects
//! measured in the same run are meaningful. For stable numbers use callgrind
//! (see `benches/README.md`).

use std::hint::black_box;
use std::time::{Duration, Instant};

/// One measured subject.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Subject name as printed.
    pub name: String,
    /// Median time of one run over the input.
    pub median: Duration,
    /// A value derived from the run (event count …), printed so that every
    /// subject is seen to do the work.
    pub check: u64,
}

/// Runs `f` repeatedly and returns the median duration of one call. Each
/// sample batches enough calls to last at least ~2 ms; `samples` samples.
pub fn median<F: FnMut() -> u64>(mut f: F, samples: usize) -> (Duration, u64) {
    let mut check = 0;
    // Calibrate the batch size.
    let mut batch = 1u32;
    loop {
        let t = Instant::now();
        for _ in 0..batch {
            check = black_box(f());
        }
        if t.elapsed() >= Duration::from_millis(2) || batch >= 1 << 20 {
            break;
        }
        batch *= 2;
    }
    let mut times: Vec<Duration> = (0..samples.max(1))
        .map(|_| {
            let t = Instant::now();
            for _ in 0..batch {
                black_box(f());
            }
            t.elapsed() / batch
        })
        .collect();
    times.sort();
    (times[times.len() / 2], check)
}

/// A table of subjects measured over one input of `bytes` bytes.
#[derive(Debug)]
pub struct Table {
    title: String,
    bytes: usize,
    samples: usize,
    rows: Vec<Sample>,
}

impl Table {
    /// A table for an input of `bytes` bytes; `samples` timing samples per subject.
    pub fn new(title: impl Into<String>, bytes: usize, samples: usize) -> Self {
        Table { title: title.into(), bytes, samples, rows: Vec::new() }
    }

    /// Measures one subject; the first one added is the reference ("ours").
    pub fn run<F: FnMut() -> u64>(&mut self, name: &str, f: F) -> &mut Self {
        let (median, check) = median(f, self.samples);
        self.rows.push(Sample { name: name.to_owned(), median, check });
        self
    }

    /// MB/s (10^6 bytes per second) of a sample.
    pub fn mb_per_s(&self, s: &Sample) -> f64 {
        self.bytes as f64 / s.median.as_secs_f64() / 1e6
    }

    /// The measured rows.
    pub fn rows(&self) -> &[Sample] {
        &self.rows
    }

    /// Prints the table: per subject the median, MB/s, and how many times
    /// faster the first subject is (`peer time / our time`).
    pub fn print(&self) {
        println!("\n{} ({} bytes, median of {} samples)", self.title, self.bytes, self.samples);
        println!("{:<44} {:>12} {:>10} {:>12} {:>10}", "subject", "median", "MB/s", "ours faster", "check");
        let Some(ours) = self.rows.first() else { return };
        for s in &self.rows {
            let ratio = s.median.as_secs_f64() / ours.median.as_secs_f64();
            println!("{:<44} {:>12.1?} {:>10.1} {:>11.2}x {:>10}", s.name, s.median, self.mb_per_s(s), ratio, s.check);
        }
    }
}
