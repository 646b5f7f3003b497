//! G.711: 8-bit μ-law (PCMU, payload type 0) and A-law (PCMA, payload type 8)
//! to and from 16-bit linear PCM.
//!
//! Browsers offer PCMU and PCMA and carriers speak them, so a browser↔trunk
//! call is carried without transcoding; these functions are for the legs
//! that must hear or speak (mixer, recorder, prompts, tone detection).
//! Decoding goes through 256-entry tables built at compile time; encoding is
//! a few integer operations.

const ULAW_BIAS: i32 = 0x84;
const ULAW_CLIP: i32 = 32635;

/// μ-law code → linear sample.
pub const fn ulaw_to_linear(code: u8) -> i16 {
    ULAW_TABLE[code as usize]
}

/// A-law code → linear sample.
pub const fn alaw_to_linear(code: u8) -> i16 {
    ALAW_TABLE[code as usize]
}

/// Linear sample → μ-law code.
pub const fn linear_to_ulaw(sample: i16) -> u8 {
    let mut s = sample as i32;
    let sign = if s < 0 {
        s = -s;
        0x80
    } else {
        0
    };
    if s > ULAW_CLIP {
        s = ULAW_CLIP;
    }
    s += ULAW_BIAS;
    // The segment is the position of the highest set bit above bit 7.
    let exponent = segment(s >> 7, 8);
    let mantissa = (s >> (exponent + 3)) & 0x0F;
    !((sign | (exponent << 4) | mantissa) as u8)
}

/// Linear sample → A-law code.
pub const fn linear_to_alaw(sample: i16) -> u8 {
    // A-law works on 13-bit magnitudes.
    let mut s = (sample as i32) >> 3;
    let sign = if s >= 0 {
        0x80
    } else {
        s = -s - 1;
        0
    };
    let code = if s < 32 {
        s >> 1
    } else {
        let exponent = segment(s >> 5, 7) + 1;
        let exponent = if exponent > 7 { 7 } else { exponent };
        let mantissa = (s >> exponent) & 0x0F;
        if s >= 4096 { 0x7F } else { (exponent << 4) | mantissa }
    };
    ((sign | code) ^ 0x55) as u8
}

/// Index of the highest set bit of `v` (0 for v ≤ 1), capped at `max - 1`.
const fn segment(mut v: i32, max: i32) -> i32 {
    let mut seg = 0;
    while v > 1 && seg < max - 1 {
        v >>= 1;
        seg += 1;
    }
    seg
}

const fn ulaw_decode(code: u8) -> i16 {
    let c = !code;
    let sign = c & 0x80;
    let exponent = ((c >> 4) & 0x07) as i32;
    let mantissa = (c & 0x0F) as i32;
    let magnitude = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
    (if sign != 0 { -magnitude } else { magnitude }) as i16
}

const fn alaw_decode(code: u8) -> i16 {
    let c = code ^ 0x55;
    let exponent = ((c >> 4) & 0x07) as i32;
    let mantissa = (c & 0x0F) as i32;
    let magnitude = if exponent == 0 { (mantissa << 4) + 8 } else { ((mantissa << 4) + 0x108) << (exponent - 1) };
    (if c & 0x80 != 0 { magnitude } else { -magnitude }) as i16
}

static ULAW_TABLE: [i16; 256] = table_ulaw();
static ALAW_TABLE: [i16; 256] = table_alaw();

const fn table_ulaw() -> [i16; 256] {
    let mut t = [0i16; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = ulaw_decode(i as u8);
        i += 1;
    }
    t
}

const fn table_alaw() -> [i16; 256] {
    let mut t = [0i16; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = alaw_decode(i as u8);
        i += 1;
    }
    t
}

/// Decodes a μ-law payload into `out` (which must be as long).
pub fn decode_ulaw(payload: &[u8], out: &mut [i16]) {
    for (o, &c) in out.iter_mut().zip(payload) {
        *o = ulaw_to_linear(c);
    }
}

/// Encodes linear samples into a μ-law payload.
pub fn encode_ulaw(samples: &[i16], out: &mut [u8]) {
    for (o, &s) in out.iter_mut().zip(samples) {
        *o = linear_to_ulaw(s);
    }
}

/// Decodes an A-law payload into `out`.
pub fn decode_alaw(payload: &[u8], out: &mut [i16]) {
    for (o, &c) in out.iter_mut().zip(payload) {
        *o = alaw_to_linear(c);
    }
}

/// Encodes linear samples into an A-law payload.
pub fn encode_alaw(samples: &[i16], out: &mut [u8]) {
    for (o, &s) in out.iter_mut().zip(samples) {
        *o = linear_to_alaw(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_points() {
        // ITU-T G.711 Table 2a/2b end points and zero codes.
        assert_eq!(ulaw_to_linear(0xFF), 0);
        assert_eq!(ulaw_to_linear(0x7F), 0);
        assert_eq!(ulaw_to_linear(0x00), -32124);
        assert_eq!(ulaw_to_linear(0x80), 32124);
        assert_eq!(alaw_to_linear(0xD5), 8);
        assert_eq!(alaw_to_linear(0x55), -8);
        assert_eq!(alaw_to_linear(0xAA), 32256);
        assert_eq!(alaw_to_linear(0x2A), -32256);
        assert_eq!(linear_to_ulaw(0), 0xFF);
        assert_eq!(linear_to_alaw(0), 0xD5);
        assert_eq!(linear_to_ulaw(i16::MAX), 0x80);
        assert_eq!(linear_to_ulaw(i16::MIN), 0x00);
        assert_eq!(linear_to_alaw(i16::MAX), 0xAA);
        assert_eq!(linear_to_alaw(i16::MIN), 0x2A);
    }

    #[test]
    fn every_code_survives_decode_then_encode() {
        for code in 0..=255u8 {
            let u = linear_to_ulaw(ulaw_to_linear(code));
            // μ-law has two zeros (0x7F and 0xFF); both encode back as 0xFF.
            let expect = if code == 0x7F { 0xFF } else { code };
            assert_eq!(u, expect, "μ-law {code:#04x}");
            assert_eq!(linear_to_alaw(alaw_to_linear(code)), code, "A-law {code:#04x}");
        }
    }

    #[test]
    fn encoding_lands_on_a_level_next_to_the_sample() {
        // Every sample decodes to one of the two levels that bracket it (or
        // to the extreme level beyond the range): the coder never jumps.
        for (name, decode, encode) in [
            ("μ-law", ulaw_to_linear as fn(u8) -> i16, linear_to_ulaw as fn(i16) -> u8),
            ("A-law", alaw_to_linear, linear_to_alaw),
        ] {
            let mut levels: Vec<i32> = (0..=255u8).map(|c| decode(c) as i32).collect();
            levels.sort();
            levels.dedup();
            for s in i16::MIN..=i16::MAX {
                let s = s as i32;
                let got = decode(encode(s as i16)) as i32;
                let i = levels.partition_point(|&l| l <= s);
                let below = levels[i.saturating_sub(1)];
                let above = levels[i.min(levels.len() - 1)];
                assert!(got == below || got == above, "{name}: {s} decoded as {got}, levels {below}..{above}");
            }
        }
    }

    #[test]
    fn decode_is_monotonic() {
        let mut levels: Vec<i16> = (0..=255u8).map(ulaw_to_linear).collect();
        levels.sort();
        levels.dedup();
        assert_eq!(levels.len(), 255, "255 distinct μ-law levels");
        let mut a: Vec<i16> = (0..=255u8).map(alaw_to_linear).collect();
        a.sort();
        a.dedup();
        assert_eq!(a.len(), 256, "256 distinct A-law levels");
    }

    #[test]
    fn buffers() {
        let samples = [0i16, 1000, -1000, 30000];
        let mut coded = [0u8; 4];
        let mut back = [0i16; 4];
        encode_ulaw(&samples, &mut coded);
        decode_ulaw(&coded, &mut back);
        for (a, b) in samples.iter().zip(back) {
            assert!((*a as i32 - b as i32).abs() <= (*a as i32).abs() / 16 + 8, "{a} {b}");
        }
        encode_alaw(&samples, &mut coded);
        decode_alaw(&coded, &mut back);
        for (a, b) in samples.iter().zip(back) {
            assert!((*a as i32 - b as i32).abs() <= (*a as i32).abs() / 16 + 8, "{a} {b}");
        }
    }
}
