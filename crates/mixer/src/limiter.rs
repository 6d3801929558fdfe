//! The soft limiter every mix passes through.
//!
//! A sum of talkers can exceed the 16-bit range; truncating it would wrap loud peaks to the
//! opposite sign (a loud crack). Below the knee (-6 dBFS) samples pass bit-exact, so a normal
//! conversation is untouched; above it a smooth curve bends the excess toward full scale
//! without ever reaching it.
//!
//! Hand-written on purpose: it is a static curve in a few lines of integer arithmetic, cheaper
//! and more predictable than pulling in a DSP crate, and it needs no state, so the shared mix
//! and every speaker's own mix can each be limited independently.
//!
//! The curve above the knee is `K + R·d / (R + d)` with `d = |x| - K`: slope 1 at the knee
//! (no corner), rising toward `K + R` (just under full scale) as `d` grows. It is the
//! rational cousin of `tanh`, exact in integers.

/// Samples at or below this magnitude pass unchanged: -6 dBFS.
pub const KNEE: i32 = 16_384;
/// Headroom between the knee and full scale that the curve approaches.
const RANGE: i64 = (i16::MAX as i64) - KNEE as i64;

/// Limits one summed sample to the 16-bit range.
#[inline]
pub fn soft_limit(sum: i32) -> i16 {
    let magnitude = sum.unsigned_abs() as i64;
    if magnitude <= KNEE as i64 {
        // In range by construction: |sum| <= 16384.
        return sum as i16;
    }
    let excess = magnitude - KNEE as i64;
    let bent = KNEE as i64 + RANGE * excess / (RANGE + excess);
    // bent < KNEE + RANGE = i16::MAX, so the cast cannot truncate.
    let bent = bent as i16;
    if sum < 0 {
        -bent
    } else {
        bent
    }
}

/// Limits a frame of sums into `out`.
#[inline]
pub fn limit_into(sums: &[i32], out: &mut [i16]) {
    for (sample, &sum) in out.iter_mut().zip(sums) {
        *sample = soft_limit(sum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_samples_pass_bit_exact() {
        for x in -KNEE..=KNEE {
            assert_eq!(soft_limit(x) as i32, x);
        }
    }

    #[test]
    fn three_full_scale_talkers_never_wrap_sign() {
        for &a in &[i16::MAX, i16::MIN, 30_000, -30_000, 20_000] {
            let sum = 3 * a as i32;
            let limited = soft_limit(sum);
            assert_eq!(
                limited.signum() as i32,
                sum.signum(),
                "sum {sum} -> {limited}"
            );
            assert!(limited.unsigned_abs() > KNEE as u16);
            assert!(limited.unsigned_abs() < i16::MAX as u16);
        }
    }

    #[test]
    fn curve_is_monotonic_and_continuous_above_the_knee() {
        let mut previous = soft_limit(KNEE);
        for x in KNEE + 1..=4 * 32_768 {
            let y = soft_limit(x);
            assert!(y >= previous, "not monotonic at {x}");
            assert!(y - previous <= 1, "jump at {x}");
            assert_eq!(soft_limit(-x), -y, "not symmetric at {x}");
            previous = y;
        }
    }

    #[test]
    fn extreme_sums_stay_in_range() {
        assert!(soft_limit(i32::MAX) < i16::MAX);
        assert!(soft_limit(i32::MIN) > i16::MIN);
        assert!(soft_limit(i32::MIN) < -KNEE as i16);
    }
}
