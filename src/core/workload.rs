//! The workloads every demo shares: a CPU-bound kernel whose answer can be checked, and the
//! description of an I/O-bound wait (the waiting itself belongs to the engine).

use std::hint::black_box;

/// True when `n` is prime, by trial division: deliberately the slow way, so that the cost
/// grows with the numbers tested and the work cannot be skipped.
///
/// Numbers that fit in 32 bits are divided in 32 bits. Native x86-64 code does that by itself
/// (LLVM checks both operands before a 64-bit divide and takes the cheaper 32-bit one when it
/// can); WebAssembly has no such check, so the browser divided in 64 bits and was 1.15-1.22x
/// slower than native on the same numbers. Dividing in 32 bits where the number fits, both do the
/// same work (in node on this machine kind: 351-360 ms -> 304-320 ms, native 304-308 ms).
#[optimize(speed)]
pub fn is_prime(n: u64) -> bool {
    match u32::try_from(n) {
        Ok(small) => is_prime_u32(small),
        Err(_) => is_prime_u64(n),
    }
}

#[optimize(speed)]
#[inline(always)]
fn is_prime_u32(n: u32) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut d: u32 = 3;
    // d * d in 64 bits: d reaches 65 537 for n near 2^32, whose square overflows 32 bits.
    while u64::from(d) * u64::from(d) <= u64::from(n) {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

#[optimize(speed)]
#[inline(always)]
fn is_prime_u64(n: u64) -> bool {
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut d = 3;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// Odd candidates per block when the range is dealt out to stripes.
pub const BLOCK: u64 = 512;

/// Counts the primes below `limit` in stripe `stripe` of `stripes`.
///
/// The odd candidates 3, 5, 7, … are cut into blocks of `BLOCK` and the blocks are dealt out in
/// turn (block i goes to stripe i mod `stripes`), so every stripe gets the same mix of small and
/// large numbers and `stripes` threads get nearly equal shares of the work. Dealing single
/// numbers instead would correlate with divisibility (with 3 stripes, one stripe would get
/// every multiple of 3). Stripe 0 also counts the prime 2. The stripes' counts add up to
/// `count_primes_sieve(limit)`. `black_box` keeps the compiler from folding the loop when the
/// arguments are constants (as in tests and benchmarks).
#[optimize(speed)]
pub fn count_primes_striped(limit: u64, stripe: u64, stripes: u64) -> u64 {
    assert!(
        stripes > 0 && stripe < stripes,
        "stripe {stripe} of {stripes}"
    );
    let limit = black_box(limit);
    let stripes = black_box(stripes);
    let mut count = u64::from(stripe == 0 && limit > 2);
    let mut first = 3 + 2 * BLOCK * stripe;
    while first < limit {
        let end = (first + 2 * BLOCK).min(limit);
        let mut n = first;
        while n < end {
            count += u64::from(is_prime(n));
            n += 2;
        }
        first += 2 * BLOCK * stripes;
    }
    count
}

/// Counts the primes in `first..end`: a job that can be cut into pieces of any size (the
/// pieces' counts add up to the whole). Never inlined: every caller (every model of the compare
/// page's matrix, every process) runs this same machine code, so none is faster for being
/// compiled differently.
#[inline(never)]
#[optimize(speed)]
pub fn count_primes_in(first: u64, end: u64) -> u64 {
    (black_box(first)..black_box(end))
        .filter(|&n| is_prime(n))
        .count() as u64
}

/// The compare page's CPU task, `count_primes(n)` in its Python program: the primes below `n`.
/// It divides, and this machine kind's host slows loops that only add and store by half or more
/// in spells of seconds but leaves division nearly alone (docs/design.md, *Measuring on a noisy
/// machine*), so its figures tell the models apart rather than the host's moods.
pub fn count_primes_below(n: u64) -> u64 {
    count_primes_in(0, n)
}

/// A job of CPU work sized in time on this machine, but defined by the numbers it tests: the
/// primes in `first..end`. Fixed work, not "compute for t ms", so that running it on more
/// threads than cores cannot fake a speedup.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PrimeJob {
    pub first: u64,
    pub end: u64,
    /// Numbers tested per millisecond on the thread that sized it.
    pub per_ms: f64,
}

impl PrimeJob {
    /// The numbers start here, where trial division costs about the same for every number, so
    /// a job sized by a short sample takes about the time asked for.
    pub const FIRST: u64 = 1_000_000_000;

    /// Sizes the job to take about `ms` on the calling thread (clock: `now`, in ms): the fastest
    /// of three 10 ms samples, since a sample interrupted by another program would undersize it.
    pub fn sized_for(ms: f64, now: impl Fn() -> f64) -> PrimeJob {
        let per_ms = (0..3).map(|_| Self::sample(&now)).fold(0.0, f64::max);
        PrimeJob::of(ms, per_ms)
    }

    /// Numbers tested per millisecond in one 10 ms sample on the calling thread.
    #[optimize(speed)]
    pub fn sample(now: impl Fn() -> f64) -> f64 {
        let start = now();
        let mut n = Self::FIRST;
        while now() - start < 10.0 {
            count_primes_in(n, n + 100);
            n += 100;
        }
        (n - Self::FIRST) as f64 / (now() - start)
    }

    /// A job of about `ms` on a thread that tests `per_ms` numbers a millisecond.
    pub fn of(ms: f64, per_ms: f64) -> PrimeJob {
        PrimeJob {
            first: Self::FIRST,
            end: Self::FIRST + (per_ms * ms).max(1.0) as u64,
            per_ms,
        }
    }

    /// The job's range cut into pieces of about `ms` each.
    pub fn chunks(&self, ms: f64) -> Vec<(u64, u64)> {
        self.pieces((self.per_ms * ms).max(1.0) as u64)
    }

    /// The job's range cut into pieces of `size` numbers.
    pub fn pieces(&self, size: u64) -> Vec<(u64, u64)> {
        (self.first..self.end)
            .step_by(size as usize)
            .map(|a| (a, (a + size).min(self.end)))
            .collect()
    }
}

/// The same count by the sieve of Eratosthenes: a different algorithm, used to check the
/// kernel's answer. Fast (linear-ish) so checking costs little next to the kernel.
pub fn count_primes_sieve(limit: u64) -> u64 {
    let limit = limit as usize;
    if limit < 3 {
        return 0;
    }
    let mut composite = vec![false; limit];
    let mut count = 0;
    for n in 2..limit {
        if !composite[n] {
            count += 1;
            // Saturating: on wasm32 usize is 32 bits and n * n overflows past 65,535.
            let mut multiple = n.saturating_mul(n);
            while multiple < limit {
                composite[multiple] = true;
                multiple += n;
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_32_bit_path_and_the_64_bit_path_agree_at_the_border() {
        // The largest prime below 2^32, 2^32 + 1 = 641 x 6 700 417, the first prime above 2^32.
        assert!(is_prime(4_294_967_291));
        assert!(!is_prime(4_294_967_295) && !is_prime(4_294_967_296) && !is_prime(4_294_967_297));
        assert!(is_prime(4_294_967_311));
        // A square of a prime whose root is past 16 bits, on each side of the border.
        assert!(!is_prime(65_537 * 65_537) && !is_prime(65_521 * 65_521));
        let (a, b) = (u64::from(u32::MAX) - 2_000, u64::from(u32::MAX) + 2_000);
        let trial = (a..b).filter(|&n| is_prime(n)).count();
        let by_u64 = (a..b).filter(|&n| is_prime_u64(n)).count();
        assert_eq!(trial, by_u64);
    }

    #[test]
    fn known_prime_counts() {
        // pi(10^k), the prime-counting function.
        for (limit, expected) in [(10, 4), (100, 25), (10_000, 1229), (1_000_000, 78_498)] {
            assert_eq!(count_primes_sieve(limit), expected, "sieve below {limit}");
            assert_eq!(
                count_primes_striped(limit, 0, 1),
                expected,
                "trial division below {limit}"
            );
        }
    }

    #[test]
    fn ranges_add_up() {
        assert_eq!(count_primes_in(0, 10_000), 1229);
        let pieces: u64 = (0..10)
            .map(|k| count_primes_in(k * 1000, (k + 1) * 1000))
            .sum();
        assert_eq!(pieces, 1229);
        assert_eq!(count_primes_in(5, 5), 0);
    }

    #[test]
    fn job_chunks_cover_the_job_exactly() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let job = PrimeJob {
            first: 10,
            end: 1000,
            per_ms: 100.0,
        };
        let chunks = job.chunks(3.0);
        assert_eq!(chunks.first().unwrap().0, 10);
        assert_eq!(chunks.last().unwrap().1, 1000);
        assert!(chunks.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(chunks.len(), 4); // 300 numbers a chunk
    }

    #[test]
    fn stripes_partition_the_range() {
        for stripes in 1..=7 {
            let total: u64 = (0..stripes)
                .map(|k| count_primes_striped(100_000, k, stripes))
                .sum();
            assert_eq!(total, 9592, "{stripes} stripes");
        }
    }

    #[test]
    fn stripes_share_the_work_evenly() {
        // Equal shares of primes mean near-equal shares of the expensive divisions.
        for stripes in [2u64, 3, 4, 5, 8] {
            let counts: Vec<f64> = (0..stripes)
                .map(|k| count_primes_striped(1_000_000, k, stripes) as f64)
                .collect();
            let (lo, hi) = counts
                .iter()
                .fold((f64::MAX, 0f64), |(lo, hi), &c| (lo.min(c), hi.max(c)));
            // Within a round of blocks, earlier blocks hold slightly more primes: a few percent.
            assert!(hi / lo < 1.05, "{stripes} stripes: {counts:?}");
        }
    }
}
