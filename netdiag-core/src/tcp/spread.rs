//! The spread of successful connect times (`Connect times: min ..., median ..., p95 ...,
//! max ..., jitter ...`), kept in constant memory: a `tcpping -t` left running for a week
//! records about 600,000 attempts, and must not keep them.
//!
//! Percentiles come from an HDR histogram (microseconds, 3 significant digits: an error of
//! at most 0.1 %, far below what a connect time means), whose size is fixed when it is
//! made. Jitter is the mean absolute difference of consecutive successful attempts (what
//! tcping and psping users call jitter, RFC 3550's smoothing left out), summed as it goes.

use std::time::Duration;

use hdrhistogram::Histogram;

/// The longest connect time the histogram tells apart: an hour, far beyond any `-w`.
/// Longer ones are counted at the top.
const LONGEST_MICROS: u64 = 3_600_000_000;
/// Significant digits kept: 1.421 ms and 1.422 ms stay apart; 21.0004 s and 21.0005 s do not.
const SIGNIFICANT_DIGITS: u8 = 3;

/// Successful connect times, summarised as they come.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectTimes {
    histogram: Histogram<u32>,
    previous: Option<Duration>,
    /// The exact extremes, which bound what the histogram's buckets say.
    lowest: Duration,
    highest: Duration,
    /// The sum of |t(n) - t(n-1)| over consecutive successes, and how many differences.
    jitter_total: Duration,
    differences: u64,
}

impl Default for ConnectTimes {
    fn default() -> Self {
        Self {
            // Constant, valid bounds: `new_with_bounds` fails only for low < 1, high < 2 *
            // low or more than 5 significant digits, none of which a user can cause.
            histogram: Histogram::new_with_bounds(1, LONGEST_MICROS, SIGNIFICANT_DIGITS)
                .expect("constant histogram bounds are valid"),
            previous: None,
            lowest: Duration::MAX,
            highest: Duration::ZERO,
            jitter_total: Duration::ZERO,
            differences: 0,
        }
    }
}

impl ConnectTimes {
    /// One successful attempt's connect time.
    pub fn record(&mut self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros())
            .unwrap_or(u64::MAX)
            .clamp(1, LONGEST_MICROS);
        self.histogram.saturating_record(micros);
        if let Some(previous) = self.previous {
            self.jitter_total = self.jitter_total.saturating_add(elapsed.abs_diff(previous));
            self.differences = self.differences.saturating_add(1);
        }
        self.previous = Some(elapsed);
        self.lowest = self.lowest.min(elapsed);
        self.highest = self.highest.max(elapsed);
    }

    /// The connect time at `quantile` (0.5 the median, 0.95 the p95), by nearest rank;
    /// `None` before the first success.
    pub fn quantile(&self, quantile: f64) -> Option<Duration> {
        (!self.histogram.is_empty()).then(|| {
            let value = self.histogram.value_at_quantile(quantile);
            // The middle of the value's bucket (exact below 2 ms), inside what was recorded.
            Duration::from_micros(self.histogram.median_equivalent(value))
                .clamp(self.lowest, self.highest)
        })
    }

    /// The mean absolute difference of consecutive successful attempts: zero after one
    /// success, `None` before any.
    pub fn jitter(&self) -> Option<Duration> {
        self.previous.map(|_| {
            u32::try_from(self.differences)
                .ok()
                .filter(|n| *n > 0)
                .map_or(Duration::ZERO, |n| self.jitter_total / n)
        })
    }

    /// The heap this summary holds: fixed when it is made, however many attempts follow.
    pub fn footprint(&self) -> usize {
        self.histogram.distinct_values() * size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(value: f64) -> Duration {
        Duration::from_secs_f64(value / 1000.0)
            .as_micros()
            .try_into()
            .map(Duration::from_micros)
            .unwrap_or_default()
    }

    #[test]
    fn nothing_connected_has_no_spread() {
        let times = ConnectTimes::default();
        assert_eq!(times.quantile(0.5), None);
        assert_eq!(times.jitter(), None);
    }

    #[test]
    fn median_p95_and_jitter_of_a_few_attempts() {
        let mut times = ConnectTimes::default();
        for value in [1.21, 1.40, 3.10, 1.35, 2.93] {
            times.record(ms(value));
        }
        // Nearest rank: the 3rd of 5 sorted values, and the 5th.
        assert_eq!(times.quantile(0.5), Some(ms(1.40)));
        assert_eq!(times.quantile(0.95), Some(ms(3.10)));
        // |1.40-1.21| + |3.10-1.40| + |1.35-3.10| + |2.93-1.35| = 0.19+1.70+1.75+1.58 = 5.22
        assert_eq!(times.jitter(), Some(ms(5.22 / 4.0)));
    }

    #[test]
    fn one_success_has_no_jitter() {
        let mut times = ConnectTimes::default();
        times.record(ms(7.5));
        assert_eq!(times.jitter(), Some(Duration::ZERO));
        assert_eq!(times.quantile(0.95), Some(ms(7.5)));
    }

    #[test]
    fn long_times_keep_three_significant_digits() {
        let mut times = ConnectTimes::default();
        times.record(Duration::from_millis(20_987));
        let median = times.quantile(0.5).unwrap();
        assert!(median.abs_diff(Duration::from_millis(20_987)) < Duration::from_millis(21));
    }

    /// A week of `-t` (one attempt a second) holds no more than the first attempt did.
    #[test]
    fn memory_does_not_grow_with_attempts() {
        let mut times = ConnectTimes::default();
        times.record(ms(1.0));
        let first = times.footprint();
        for n in 0..604_800_u64 {
            times.record(Duration::from_micros(500 + (n * 7919) % 300_000));
        }
        assert_eq!(times.footprint(), first);
        assert!(first < 256 * 1024, "{first} bytes");
    }
}
