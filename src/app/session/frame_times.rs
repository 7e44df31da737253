//! The app's own CPU time per frame over the last frames: what a test holds to a budget, since
//! one frame's figure says little (a frame that rebuilds a texture costs ten quiet ones).

use std::collections::VecDeque;

/// Frames remembered: two seconds at 60 frames per second.
const FRAMES: usize = 120;

/// The CPU milliseconds of the last [`FRAMES`] frames.
#[derive(Clone, Debug, Default)]
pub struct FrameTimes {
    recent: VecDeque<f64>,
}

impl FrameTimes {
    /// Remembers one frame's milliseconds (a non-finite figure is not a frame time).
    pub fn push(&mut self, ms: f64) {
        if !ms.is_finite() {
            return;
        }
        if self.recent.len() == FRAMES {
            self.recent.pop_front();
        }
        self.recent.push_back(ms);
    }

    /// The `q`-quantile (0..=1, nearest rank) of the remembered frames; none before a frame.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let mut sorted: Vec<f64> = self.recent.iter().copied().collect();
        sorted.sort_by(f64::total_cmp);
        let last = sorted.len().checked_sub(1)?;
        Some(sorted[((q.clamp(0.0, 1.0) * last as f64).round() as usize).min(last)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_the_last_frames_only() {
        let mut t = FrameTimes::default();
        assert_eq!(t.quantile(0.5), None);
        for ms in 1..=11 {
            t.push(f64::from(ms));
        }
        t.push(f64::NAN);
        assert_eq!(t.quantile(0.5), Some(6.0));
        assert_eq!(t.quantile(0.9), Some(10.0));
        assert_eq!(t.quantile(1.0), Some(11.0));
        for _ in 0..FRAMES {
            t.push(2.0);
        }
        assert_eq!(t.quantile(1.0), Some(2.0), "the old frames are forgotten");
    }
}
