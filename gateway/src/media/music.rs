//! The hold music the gateway plays when none is configured: a slow,
//! quiet arpeggio made here, so the default needs no file and no licence.

/// Eight seconds at 8 kHz: a pentatonic figure, each note 400 ms with a
/// soft attack and a long decay, a touch of second harmonic for warmth.
pub fn default_hold_music() -> Vec<i16> {
    const RATE: f64 = 8000.0;
    const NOTE: usize = 3200;
    // C5 E5 G5 A5 G5 E5 D5 G4, twice over with the last bar lower.
    let notes = [
        523.25, 659.25, 783.99, 880.00, 783.99, 659.25, 587.33, 392.00, 523.25, 659.25, 783.99, 880.00, 783.99, 659.25,
        523.25, 392.00, 440.00, 523.25, 587.33, 659.25,
    ];
    let mut out = Vec::with_capacity(notes.len() * NOTE);
    for &f in &notes {
        for i in 0..NOTE {
            let t = i as f64 / RATE;
            // 20 ms in and out, so notes neither click nor the loop.
            let attack = (i as f64 / 160.0).min(1.0) * ((NOTE - i) as f64 / 160.0).min(1.0);
            let decay = (-2.5 * t).exp();
            let w = 2.0 * std::f64::consts::PI * f * t;
            let s = (w.sin() + 0.25 * (2.0 * w).sin()) * attack * decay;
            out.push((3000.0 * s) as i16);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_audible_and_loopable() {
        let m = default_hold_music();
        assert_eq!(m.len(), 20 * 3200);
        let peak = m.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!((1500..8000).contains(&peak), "audible but not loud: {peak}");
        assert!(m[0].unsigned_abs() < 100 && m[m.len() - 1].unsigned_abs() < 400, "no click at the loop");
    }
}
