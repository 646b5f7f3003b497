//! What a caller hears while no agent is on the line: prompts one after
//! another (IVR, position and wait), then music until something else is
//! asked. Frame by frame, no IO; the media driver sends each 20 ms frame on
//! the caller's SIP leg and reports the clips that finished.

use std::collections::VecDeque;
use std::sync::Arc;

use super::mixer::{FRAME, Frame};

/// Clips waiting to be played, at most; more are dropped (a runaway flow).
const MAX_CLIPS: usize = 64;

#[derive(Debug, Default)]
pub struct Announcer {
    clips: VecDeque<(u64, Arc<[i16]>)>,
    pos: usize,
    music: Option<Arc<[i16]>>,
    music_pos: usize,
}

impl Announcer {
    /// Queues a clip after those already playing. False when too many wait.
    pub fn play(&mut self, id: u64, samples: Arc<[i16]>) -> bool {
        if self.clips.len() >= MAX_CLIPS {
            return false;
        }
        self.clips.push_back((id, samples));
        true
    }

    /// Nothing left to play: no clip and no music.
    pub fn is_idle(&self) -> bool {
        self.clips.is_empty() && self.music.is_none()
    }

    /// Drops every clip (barge-in); music, if on, goes on.
    pub fn stop(&mut self) {
        self.clips.clear();
        self.pos = 0;
    }

    /// Music after the clips (looped), or none: silence.
    pub fn set_music(&mut self, music: Option<Arc<[i16]>>) {
        self.music = music.filter(|m| !m.is_empty());
        self.music_pos = 0;
    }

    /// The next 20 ms, and the id of the clip that ended in it, if one did.
    pub fn next_frame(&mut self, out: &mut Frame) -> Option<u64> {
        out.fill(0);
        if let Some((id, clip)) = self.clips.front() {
            let n = FRAME.min(clip.len() - self.pos.min(clip.len()));
            out[..n].copy_from_slice(&clip[self.pos..self.pos + n]);
            self.pos += n;
            if self.pos >= clip.len() {
                let id = *id;
                self.clips.pop_front();
                self.pos = 0;
                return Some(id);
            }
            return None;
        }
        if let Some(music) = &self.music {
            for s in out.iter_mut() {
                *s = music[self.music_pos];
                self.music_pos = (self.music_pos + 1) % music.len();
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_play_in_order_then_music_loops() {
        let mut a = Announcer::default();
        a.play(1, vec![1; 200].into());
        a.play(2, vec![2; 160].into());
        a.set_music(Some(vec![7, 8].into()));
        let mut f = [0i16; FRAME];
        assert_eq!(a.next_frame(&mut f), None);
        assert!(f.iter().all(|&s| s == 1));
        assert_eq!(a.next_frame(&mut f), Some(1), "the first clip ends in the second frame");
        assert_eq!(&f[..40], &[1; 40][..]);
        assert!(f[40..].iter().all(|&s| s == 0), "padded with silence");
        assert_eq!(a.next_frame(&mut f), Some(2));
        assert_eq!(a.next_frame(&mut f), None);
        assert_eq!(&f[..4], &[7, 8, 7, 8]);
    }

    #[test]
    fn stop_cuts_the_clips_and_nothing_plays_silence() {
        let mut a = Announcer::default();
        a.play(1, vec![5; 1000].into());
        let mut f = [0i16; FRAME];
        a.next_frame(&mut f);
        a.stop();
        assert_eq!(a.next_frame(&mut f), None);
        assert!(f.iter().all(|&s| s == 0));
        a.play(3, Arc::from(&[][..]));
        assert_eq!(a.next_frame(&mut f), Some(3), "an empty clip ends at once");
        for i in 0..MAX_CLIPS {
            assert!(a.play(i as u64, vec![1].into()));
        }
        assert!(!a.play(99, vec![1].into()));
    }
}
