//! WAV files of 16-bit linear PCM at 8 kHz: the recorder's output (stereo:
//! caller left, agent right) and, for prompts, input.
//!
//! The writer puts a header with zero sizes first and fixes both sizes when
//! finished, so a recording cut short by a crash is still a readable file
//! up to its last flush (players take a zero data size as "to the end").

use std::io::{self, Seek, SeekFrom, Write};

pub const RATE: u32 = 8000;

/// Writes interleaved samples after a RIFF/WAVE header.
pub struct WavWriter<W: Write + Seek> {
    out: W,
    channels: u16,
    data_bytes: u32,
}

impl<W: Write + Seek> WavWriter<W> {
    pub fn new(mut out: W, channels: u16) -> io::Result<WavWriter<W>> {
        out.write_all(&header(channels, 0))?;
        Ok(WavWriter { out, channels, data_bytes: 0 })
    }

    /// Appends interleaved samples (one per channel per instant).
    pub fn write(&mut self, samples: &[i16]) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(samples.len() * 2);
        for s in samples {
            bytes.extend_from_slice(&s.to_le_bytes());
        }
        self.out.write_all(&bytes)?;
        self.data_bytes = self.data_bytes.saturating_add(bytes.len() as u32);
        Ok(())
    }

    /// Fixes the sizes in the header and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.seek(SeekFrom::Start(0))?;
        self.out.write_all(&header(self.channels, self.data_bytes))?;
        self.out.seek(SeekFrom::End(0))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

fn header(channels: u16, data_bytes: u32) -> [u8; 44] {
    let mut h = [0u8; 44];
    let block = channels as u32 * 2;
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&(36 + data_bytes).to_le_bytes());
    h[8..16].copy_from_slice(b"WAVEfmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes());
    h[22..24].copy_from_slice(&channels.to_le_bytes());
    h[24..28].copy_from_slice(&RATE.to_le_bytes());
    h[28..32].copy_from_slice(&(RATE * block).to_le_bytes());
    h[32..34].copy_from_slice(&(block as u16).to_le_bytes());
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_bytes.to_le_bytes());
    h
}

/// Why a WAV file was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WavError {
    #[error("not a RIFF/WAVE file")]
    NotWav,
    #[error("only 16-bit linear PCM at 8000 Hz is read (got format {format}, {bits} bits, {rate} Hz)")]
    Unsupported { format: u16, bits: u16, rate: u32 },
    #[error("no data chunk")]
    NoData,
}

/// A parsed file: its channel count and interleaved samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wav {
    pub channels: u16,
    pub samples: Vec<i16>,
}

/// Reads a 16-bit PCM, 8 kHz WAV file's bytes. Chunks are walked with
/// bounds checks; a data size past the end (a file cut short) reads to the end.
pub fn read(bytes: &[u8]) -> Result<Wav, WavError> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(WavError::NotWav);
    }
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let mut pos = 12;
    let mut fmt: Option<(u16, u16, u32, u16)> = None;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let size = u32_at(bytes, pos + 4) as usize;
        let body = pos + 8;
        let end = body.saturating_add(size).min(bytes.len());
        if id == b"fmt " && end - body >= 16 {
            fmt =
                Some((u16_at(bytes, body), u16_at(bytes, body + 2), u32_at(bytes, body + 4), u16_at(bytes, body + 14)));
        } else if id == b"data" {
            let (format, channels, rate, bits) = fmt.ok_or(WavError::NotWav)?;
            if format != 1 || bits != 16 || rate != RATE || channels == 0 {
                return Err(WavError::Unsupported { format, bits, rate });
            }
            let end = if size == 0 { bytes.len() } else { end };
            let samples = bytes[body..end].chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect();
            return Ok(Wav { channels, samples });
        }
        // Chunks are padded to even sizes.
        pos = body.saturating_add(size).saturating_add(size & 1);
    }
    Err(WavError::NoData)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_files_read_back() {
        let mut w = WavWriter::new(io::Cursor::new(Vec::new()), 2).unwrap();
        w.write(&[1, -1, 2, -2]).unwrap();
        w.write(&[3, -3]).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        assert_eq!(bytes.len(), 44 + 12);
        assert_eq!(read(&bytes).unwrap(), Wav { channels: 2, samples: vec![1, -1, 2, -2, 3, -3] });
    }

    #[test]
    fn a_file_cut_short_still_reads_and_bad_ones_are_refused() {
        let w = WavWriter::new(io::Cursor::new(Vec::new()), 1).unwrap();
        let mut bytes = w.out.into_inner();
        bytes.extend_from_slice(&[5, 0, 6, 0]);
        assert_eq!(read(&bytes).unwrap().samples, vec![5, 6], "zero data size reads to the end");
        assert_eq!(read(b"RIFF\0\0\0\0WAVE"), Err(WavError::NoData));
        assert_eq!(read(b"hello"), Err(WavError::NotWav));
        let mut loud = bytes.clone();
        loud[24..28].copy_from_slice(&44100u32.to_le_bytes());
        assert!(matches!(read(&loud), Err(WavError::Unsupported { rate: 44100, .. })));
        for cut in 0..bytes.len() {
            let _ = read(&bytes[..cut]);
        }
    }
}
