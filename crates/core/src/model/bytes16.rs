//! Sixteen bytes at a time, the few operations the scanners need (byte classes as bit masks),
//! without `unsafe`: SSE2 on x86_64 (in every x86_64's baseline; through `safe_arch`), simd128
//! in the browser (enabled in `.cargo/config.toml`), plain bytes on other targets.
//!
//! Why a type of our own: the code scan and the WindowsUpdate.log severity both ask "which of
//! these bytes are X" for every byte of every message; memchr answers one question per call and
//! the call costs more than the answer on a message of a hundred bytes.

/// Sixteen bytes.
#[derive(Clone, Copy)]
pub(crate) struct Bytes16(Lanes);

/// A set of lanes of a [`Bytes16`], one bit per byte (byte 0 lowest) once [`Mask16::bits`] is
/// taken.
#[derive(Clone, Copy)]
pub(crate) struct Mask16(Lanes);

#[cfg(target_arch = "x86_64")]
type Lanes = safe_arch::m128i;
#[cfg(target_arch = "wasm32")]
type Lanes = core::arch::wasm32::v128;
#[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
type Lanes = [u8; 16];

#[cfg(target_arch = "x86_64")]
impl Bytes16 {
    #[inline(always)]
    pub fn load(b: &[u8; 16]) -> Bytes16 {
        Bytes16(safe_arch::load_unaligned_m128i(b))
    }

    /// The lanes equal to `c`.
    #[inline(always)]
    pub fn eq(self, c: u8) -> Mask16 {
        Mask16(safe_arch::cmp_eq_mask_i8_m128i(self.0, safe_arch::set_splat_i8_m128i(c as i8)))
    }

    /// The lanes in `lo..=lo + n` (unsigned: bytes below `lo` wrap around above it).
    #[inline(always)]
    pub fn in_range(self, lo: u8, n: u8) -> Mask16 {
        use safe_arch::*;
        let y = sub_i8_m128i(self.0, set_splat_i8_m128i(lo as i8));
        // SSE2 has no unsigned comparison, but min(y, n) == y is one.
        Mask16(cmp_eq_mask_i8_m128i(min_u8_m128i(y, set_splat_i8_m128i(n as i8)), y))
    }

    /// Every byte with the bits of `c` set (`0x20`: ASCII letters in lower case).
    #[inline(always)]
    pub fn or(self, c: u8) -> Bytes16 {
        Bytes16(safe_arch::bitor_m128i(self.0, safe_arch::set_splat_i8_m128i(c as i8)))
    }
}

#[cfg(target_arch = "x86_64")]
impl Mask16 {
    #[inline(always)]
    pub fn bits(self) -> u16 {
        safe_arch::move_mask_i8_m128i(self.0) as u16
    }
}

#[cfg(target_arch = "x86_64")]
impl std::ops::BitOr for Mask16 {
    type Output = Mask16;
    #[inline(always)]
    fn bitor(self, o: Mask16) -> Mask16 {
        Mask16(safe_arch::bitor_m128i(self.0, o.0))
    }
}

#[cfg(target_arch = "x86_64")]
impl std::ops::BitAnd for Mask16 {
    type Output = Mask16;
    #[inline(always)]
    fn bitand(self, o: Mask16) -> Mask16 {
        Mask16(safe_arch::bitand_m128i(self.0, o.0))
    }
}

#[cfg(target_arch = "wasm32")]
impl Bytes16 {
    #[inline(always)]
    pub fn load(b: &[u8; 16]) -> Bytes16 {
        let half = |h: &[u8]| u64::from_le_bytes(h.try_into().expect("8 bytes"));
        Bytes16(core::arch::wasm32::u64x2(half(&b[..8]), half(&b[8..])))
    }

    #[inline(always)]
    pub fn eq(self, c: u8) -> Mask16 {
        use core::arch::wasm32::*;
        Mask16(u8x16_eq(self.0, u8x16_splat(c)))
    }

    #[inline(always)]
    pub fn in_range(self, lo: u8, n: u8) -> Mask16 {
        use core::arch::wasm32::*;
        Mask16(u8x16_le(u8x16_sub(self.0, u8x16_splat(lo)), u8x16_splat(n)))
    }

    #[inline(always)]
    pub fn or(self, c: u8) -> Bytes16 {
        use core::arch::wasm32::*;
        Bytes16(v128_or(self.0, u8x16_splat(c)))
    }
}

#[cfg(target_arch = "wasm32")]
impl Mask16 {
    #[inline(always)]
    pub fn bits(self) -> u16 {
        core::arch::wasm32::u8x16_bitmask(self.0)
    }
}

#[cfg(target_arch = "wasm32")]
impl std::ops::BitOr for Mask16 {
    type Output = Mask16;
    #[inline(always)]
    fn bitor(self, o: Mask16) -> Mask16 {
        Mask16(core::arch::wasm32::v128_or(self.0, o.0))
    }
}

#[cfg(target_arch = "wasm32")]
impl std::ops::BitAnd for Mask16 {
    type Output = Mask16;
    #[inline(always)]
    fn bitand(self, o: Mask16) -> Mask16 {
        Mask16(core::arch::wasm32::v128_and(self.0, o.0))
    }
}

// On these targets the code scan keeps its SWAR masks (`codes.rs`): only the severity's
// questions are asked here.
#[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
#[allow(dead_code)]
impl Bytes16 {
    #[inline(always)]
    pub fn load(b: &[u8; 16]) -> Bytes16 {
        Bytes16(*b)
    }

    #[inline(always)]
    pub fn eq(self, c: u8) -> Mask16 {
        Mask16(self.0.map(|x| if x == c { 0xFF } else { 0 }))
    }

    #[inline(always)]
    pub fn in_range(self, lo: u8, n: u8) -> Mask16 {
        Mask16(self.0.map(|x| if x.wrapping_sub(lo) <= n { 0xFF } else { 0 }))
    }

    #[inline(always)]
    pub fn or(self, c: u8) -> Bytes16 {
        Bytes16(self.0.map(|x| x | c))
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
impl Mask16 {
    #[inline(always)]
    pub fn bits(self) -> u16 {
        self.0.iter().enumerate().fold(0, |m, (i, &x)| m | (u16::from(x >> 7) << i))
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
impl std::ops::BitOr for Mask16 {
    type Output = Mask16;
    #[inline(always)]
    fn bitor(self, o: Mask16) -> Mask16 {
        Mask16(std::array::from_fn(|i| self.0[i] | o.0[i]))
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
impl std::ops::BitAnd for Mask16 {
    type Output = Mask16;
    #[inline(always)]
    fn bitand(self, o: Mask16) -> Mask16 {
        Mask16(std::array::from_fn(|i| self.0[i] & o.0[i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value in every lane, against the same questions asked one byte at a time.
    #[test]
    fn every_operation_agrees_with_bytes_one_at_a_time() {
        let bits_of = |b: &[u8; 16], f: &dyn Fn(u8) -> bool| b.iter().enumerate().fold(0u16, |m, (i, &x)| m | (u16::from(f(x)) << i));
        for shift in 0..16 {
            for from in (0..=255u8).step_by(16) {
                let b: [u8; 16] = std::array::from_fn(|i| from.wrapping_add(((i + shift) % 16) as u8));
                let v = Bytes16::load(&b);
                for c in [0u8, b'0', b'A', b'_', 0x7F, 0x80, 0xFF, from] {
                    assert_eq!(v.eq(c).bits(), bits_of(&b, &|x| x == c), "eq {c} {b:?}");
                }
                for (lo, n) in [(b'0', 9u8), (b'a', 25), (0, 0), (0x80, 0x7F), (0xF0, 0x20)] {
                    assert_eq!(v.in_range(lo, n).bits(), bits_of(&b, &|x| x.wrapping_sub(lo) <= n), "in_range {lo} {n} {b:?}");
                }
                let lower = v.or(0x20);
                assert_eq!(lower.eq(b'a').bits(), bits_of(&b, &|x| x | 0x20 == b'a'));
                let either = v.eq(b'F') | v.eq(b'W');
                assert_eq!(either.bits(), bits_of(&b, &|x| x == b'F' || x == b'W'));
                assert_eq!((either & v.in_range(b'F', 0)).bits(), bits_of(&b, &|x| x == b'F'));
            }
        }
    }
}
