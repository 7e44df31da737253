//! What the user (or a test, or the browser's test interface) asks the playground to do.

use crate::app::setting_table::LR_RANGE;
use crate::nhf::Direction;

/// Something the user (or a test) asks the playground to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Start training; past the end of the schedule, continue with a new cosine schedule of
    /// the same length.
    Train,
    /// Continue past the end of the schedule at this constant learning rate.
    ContinueConstant(f64),
    /// Pause training.
    Pause,
    /// Asks for the fast kernels (fused multiply-adds; native, on a CPU with AVX and FMA) or
    /// the exact ones (the browser's bits).
    FastKernels(bool),
    /// Train one iteration (and pause).
    Step,
    /// Fresh parameters from the seed; keeps the settings.
    Reset,
    /// Switch target (by identifier).
    Target(String),
    /// Make a typed log-density on its box the target (refused, with the reason, when it does
    /// not parse or is not a density on the box; nothing changes then).
    Formula(crate::targets::FormulaSpec),
    /// Make a file of 2D samples (CSV, whitespace-separated text or `.npy`, as bytes) the
    /// target; refused, naming the line and the problem, when it cannot be read (nothing
    /// changes then).
    Samples {
        /// The file's name, for messages and the picker.
        name: String,
        /// Its contents.
        bytes: Vec<u8>,
    },
    /// Set the box of the user's samples (`None`: back to the robust-quantile box).
    SamplesBox(Option<[f64; 4]>),
    /// Move the animation by this many leapfrog steps.
    AnimStep(i64),
    /// Jump the animation to this state (0 ..= K·L).
    Scrub(usize),
    /// Play or pause the animation.
    AnimPlay(bool),
    /// Show or hide a view (by name, see [`super::view_set::ViewSet::NAMES`]).
    View(String, bool),
    /// Change one setting (by name, see [`Session::set`]); model settings restart training.
    Set(String, serde_json::Value),
    /// Which way the particles move.
    Direction(Direction),
    /// Paints (or erases) along a segment on the drawn target's canvas.
    Paint {
        /// Start of the segment, in flow coordinates.
        from: [f64; 2],
        /// End of the segment.
        to: [f64; 2],
        /// Brush radius, in flow coordinates.
        radius: f64,
        /// Erase rather than paint.
        erase: bool,
    },
    /// Erases the whole canvas (the target changes at the next commit).
    ClearCanvas,
    /// Makes the canvas the target; the flow keeps its parameters and adapts to it.
    CommitCanvas,
    /// Opens a link (a URL, its hash, or `key=value&…`): settings, views, classroom mode.
    Link(String),
    /// Applies a preset demo by identifier (see [`super::presets`]).
    Preset(String),
    /// Closes the preset's explanation.
    ClosePreset,
    /// Hides the error banner (the message stays in the status).
    DismissError,
    /// Offers the trained model as a file (see [`super::files::model_file`]).
    SaveModel,
    /// Offers this many model samples as CSV.
    ExportSamples(usize),
    /// Asks the platform for a file to open (a model, a mixture or samples; the browser's
    /// file picker).
    OpenModel,
    /// Loads a model file's text: settings, target and parameters; training can resume.
    LoadModel(String),
    /// Offers the views, as drawn, as a PNG (taken from the next frame's screenshot).
    ExportView,
    /// Compares these methods on the target side by side (none: ends the comparison).
    Compare(Vec<crate::compare::Contender>),
}

/// The constant learning rates a run may continue at: the learning-rate setting's range.
pub const CONSTANT_LR_RANGE: (f64, f64) = (*LR_RANGE.start(), *LR_RANGE.end());
