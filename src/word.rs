//! Eight bytes at a time: the word tricks the lead reader, the substring search and the
//! newline count share (wasm has no vector search here, so a word beats a byte loop).

/// 0x01 in every byte.
pub const ONES: u64 = 0x0101_0101_0101_0101;
/// 0x80 in every byte.
pub const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// 0x80 in each byte of `x` that is zero, 0 elsewhere: exact for every byte (no carry
/// crosses a byte, unlike the shorter has-zero-byte test).
pub fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// `byte` in every byte.
pub fn splat(byte: u8) -> u64 {
    ONES * u64::from(byte)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn zero_bytes_flags_exactly_the_zero_bytes(w in any::<u64>(), zeros in any::<u8>()) {
            // Random words rarely hold zero bytes: clear some on purpose.
            let mut bytes = w.to_le_bytes();
            for (i, b) in bytes.iter_mut().enumerate() {
                if zeros & (1 << i) != 0 {
                    *b = 0;
                }
            }
            let want = bytes.iter().rev().fold(0u64, |m, b| m << 8 | if *b == 0 { 0x80 } else { 0 });
            prop_assert_eq!(zero_bytes(u64::from_le_bytes(bytes)), want);
        }
    }
}
