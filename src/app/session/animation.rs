//! The particles' animation: their recorded leapfrog trajectories and where the playback is.

use super::Session;
use crate::nhf::Direction;
use crate::nhf::flow::Trajectory;
use crate::rng::Rng;

/// The animation of particles along their leapfrog trajectories.
#[derive(Clone, Debug, Default)]
pub struct Animation {
    /// The current state index, 0 ..= K·L (fractional while playing, for smooth motion).
    pub position: f64,
    /// Whether it advances by itself.
    pub playing: bool,
    /// Which way particles move.
    pub direction: Option<Direction>,
    /// The recorded trajectories of the particles under the current parameters.
    pub trajectory: Trajectory,
    /// Training step the trajectory was recorded at.
    pub recorded_at_step: u64,
}

impl Animation {
    /// The current whole state index.
    pub fn step(&self) -> usize {
        self.position.floor().max(0.0) as usize
    }
}

impl Session {
    /// Records the particles' trajectories under the current parameters, from a fixed seed so
    /// the same particles move each time (only the flow changes).
    pub fn record_trajectory(&mut self) {
        let n = self.settings.particles.clamp(1, 5000);
        let direction = self.anim.direction.unwrap_or(Direction::Generate);
        let mut rng = Rng::seed_from_u64(self.settings.train.seed.wrapping_add(17));
        let (q0, p0): (Vec<[f64; 2]>, Vec<[f64; 2]>) = match direction {
            Direction::Generate => {
                let base = self.trainer.flow.base();
                (0..n)
                    .map(|_| {
                        base.from_noise([rng.normal(), rng.normal()], [rng.normal(), rng.normal()])
                    })
                    .unzip()
            }
            Direction::Normalize => {
                let q = self.target.sample(n, &mut rng);
                let p = (0..n).map(|_| [rng.normal(), rng.normal()]).collect();
                (q, p)
            }
        };
        self.anim.trajectory = self.trainer.flow.trajectory(&q0, &p0, direction);
        self.anim.recorded_at_step = self.trainer.step;
    }
}
