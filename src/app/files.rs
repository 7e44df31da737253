//! Files the playground writes and reads: the trained model (the engine's versioned JSON, see
//! [`crate::nhf::model_file`]) and samples as CSV. Making the bytes is here; delivering them
//! (a download in the browser, a file on disk natively) is the entries' job.

use super::session::Session;
use crate::nhf::model_file::ModelFile;
use crate::rng::Rng;

/// Most samples one export writes.
pub const MAX_EXPORT_SAMPLES: usize = 100_000;
/// Largest model file read, in bytes (the biggest model the sliders allow is far smaller).
pub const MAX_MODEL_BYTES: usize = 32 * 1024 * 1024;

/// A file ready to hand to the user.
#[derive(Clone, Debug, PartialEq)]
pub struct FileOut {
    /// Suggested file name.
    pub name: String,
    /// Media type (for the browser's download).
    pub mime: &'static str,
    /// The contents.
    pub bytes: Vec<u8>,
}

/// The trained model with its settings, target (a painted picture included) and optimiser
/// state, so loading it resumes training exactly.
pub fn model_file(session: &Session) -> FileOut {
    let definition = match (&session.settings.drawing, session.target.id()) {
        (Some(grid), "drawn") => serde_json::to_value(grid).ok(),
        _ => None,
    };
    let t = &session.trainer;
    let file = ModelFile::new(
        &t.flow,
        &t.train,
        session.target.id(),
        definition,
        t.step,
        Some(t.adam.clone()),
    );
    FileOut {
        name: format!("nhf-{}-step{}.json", session.target.id(), t.step),
        mime: "application/json",
        bytes: file.to_json().into_bytes(),
    }
}

/// `n` samples of the model (generative direction) in the target's display coordinates, as
/// CSV with the axes' names in the header; seeded from the run's seed so an export repeats.
pub fn samples_csv(session: &Session, n: usize) -> FileOut {
    let n = n.clamp(1, MAX_EXPORT_SAMPLES);
    let mut rng = Rng::seed_from_u64(session.settings.train.seed.wrapping_add(101));
    let axes = session.target.display_axes();
    let mut out = format!("{},{}\n", axes[0], axes[1]);
    for q in session.flow().sample(n, &mut rng) {
        let d = session.target.to_display(q);
        if d.iter().all(|x| x.is_finite()) {
            out.push_str(&format!("{},{}\n", d[0], d[1]));
        }
    }
    FileOut {
        name: format!(
            "nhf-{}-step{}-samples.csv",
            session.target.id(),
            session.trainer.step
        ),
        mime: "text/csv",
        bytes: out.into_bytes(),
    }
}
