//! A fixed-algorithm, seeded random number generator.
//!
//! Determinism across native and wasm needs an RNG whose output is defined by the algorithm, not by
//! a crate version or the platform's word size. We use **SplitMix64** (Steele, Lea, Flood 2014:
//! "Fast splittable pseudorandom number generators"): one `u64` of state, one add and three
//! xor-shift-multiply rounds per output. Everything here is `u64`; nothing uses `usize`.

/// SplitMix64: small, fast and good enough for arrival jitter and random workloads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole future output is determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (`n > 0`), by Lemire's multiply-shift (bias below 2^-32 for our ranges).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// A random gap around `mean` (in `0..2*mean`, bell-shaped: the mean of four uniforms).
    ///
    /// Integer-only, so every platform produces the same value (a floating-point `ln` for a true
    /// exponential gap is not bit-exact across math libraries).
    pub fn jitter_gap(&mut self, mean: u64) -> u64 {
        let mut s: u64 = 0;
        for _ in 0..4 {
            s += self.next_u64() >> 32;
        }
        // s / 2^32 is in [0, 4) with mean 2; times mean / 2 gives [0, 2*mean) with mean `mean`.
        ((mean as u128 * s as u128) >> 33) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn splitmix_reference_values() {
        // Reference output of SplitMix64 seeded with 0 (from the published C implementation).
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }
}
