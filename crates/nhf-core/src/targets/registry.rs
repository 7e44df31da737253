//! The registry: every built-in target by its identifier, custom mixtures by file path, and a
//! catalog for `nhf-playground targets --json` and the app's picker.

use serde::Serialize;

use super::custom::CustomMixture;
use super::drawn::{DrawnGrid, DrawnTarget};
use super::energies::{Energy, EnergyKind};
use super::formula::FormulaTarget;
use super::gallery::{Banana, Donut, Funnel, Squiggle};
use super::jla::Jla;
use super::mixtures::MixtureTarget;
use super::sample_file::{SAMPLE_EXTENSIONS, read_samples};
use super::sample_set::{SampleSetSpec, SampleSetTarget};
use super::toys::{Checkerboard, Moons, Pinwheel, Rings, SwissRoll, TwoSpirals};
use super::{Bounds, Objective, Target, TargetError};

/// Every built-in identifier, in the order of docs/TARGETS.md (custom mixtures are files, so they
/// have no entry; `drawn` by id is a default picture).
pub const TARGET_IDS: &[&str] = &[
    "8gaussians",
    "circle8",
    "three-modes",
    "two-spirals",
    "checkerboard",
    "pinwheel",
    "swissroll",
    "rings",
    "moons",
    "u1",
    "u2",
    "u3",
    "u4",
    "banana",
    "donut",
    "funnel",
    "squiggle",
    "jla",
    "drawn",
];

/// What the picker and `targets --json` show about a target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetInfo {
    /// Identifier.
    pub id: String,
    /// Short name.
    pub name: String,
    /// One-line caption.
    pub caption: String,
    /// Objectives it supports.
    pub objectives: Vec<Objective>,
    /// The objective chosen unless told otherwise.
    pub default_objective: Objective,
    /// Viewing box in flow coordinates.
    pub bounds: Bounds,
    /// Whether `log_prob` is normalised.
    pub normalized: bool,
}

/// The built-in target `id`. Cheap: tabulated densities are computed on first use.
pub fn by_id(id: &str) -> Result<Box<dyn Target>, TargetError> {
    Ok(match id {
        "8gaussians" => Box::new(MixtureTarget::eight_gaussians()),
        "circle8" => Box::new(MixtureTarget::circle8()),
        "three-modes" => Box::new(MixtureTarget::three_modes()),
        "two-spirals" => Box::new(TwoSpirals::target()),
        "checkerboard" => Box::new(Checkerboard),
        "pinwheel" => Box::new(Pinwheel::target()),
        "swissroll" => Box::new(SwissRoll::target()),
        "rings" => Box::new(Rings),
        "moons" => Box::new(Moons::target()),
        "u1" => Box::new(Energy::new(EnergyKind::U1)),
        "u2" => Box::new(Energy::new(EnergyKind::U2)),
        "u3" => Box::new(Energy::new(EnergyKind::U3)),
        "u4" => Box::new(Energy::new(EnergyKind::U4)),
        "banana" => Box::new(Banana::default()),
        "donut" => Box::new(Donut::default()),
        "funnel" => Box::new(Funnel),
        "squiggle" => Box::new(Squiggle::default()),
        "jla" => Box::new(Jla::new()?),
        "drawn" => Box::new(DrawnTarget::heart()),
        _ => {
            return Err(TargetError::UnknownId {
                id: id.to_owned(),
                valid: TARGET_IDS.iter().map(|s| (*s).to_owned()).collect(),
            });
        }
    })
}

/// The one way a name becomes a target, for the app, links, model files and the CLI: a
/// built-in `id`, or for `drawn` and `custom` the user's own definition (a painted picture's or
/// a Gaussian mixture's JSON, as model files keep it; for `formula` the expression and its box)
/// when one is given. `drawn` without a
/// definition is the built-in picture; `custom` needs one. A definition given with any other
/// id is ignored: built-in targets are defined by their id alone.
pub fn resolve(
    id: &str,
    definition: Option<&serde_json::Value>,
) -> Result<Box<dyn Target>, TargetError> {
    match (id, definition) {
        ("drawn", Some(def)) => {
            let grid: DrawnGrid = serde_json::from_value(def.clone())
                .map_err(|e| TargetError::invalid("drawing", e.to_string()))?;
            Ok(Box::new(DrawnTarget::from_drawn_grid(&grid)?))
        }
        ("custom", Some(def)) => Ok(Box::new(CustomMixture::from_json(&def.to_string())?)),
        ("custom", None) => Err(TargetError::invalid(
            "target",
            "the custom target needs a mixture: load one from a file first",
        )),
        ("formula", Some(def)) => Ok(Box::new(FormulaTarget::from_json(def)?)),
        ("formula", None) => Err(TargetError::invalid(
            "target",
            "the formula target needs an expression and a box: type one first",
        )),
        ("samples", Some(def)) if def.get("rows").is_none() => Err(TargetError::invalid(
            "samples",
            format!(
                "this file names its samples ({def}) but does not carry them: open that file of samples again"
            ),
        )),
        ("samples", Some(def)) => {
            let spec: SampleSetSpec = serde_json::from_value(def.clone())
                .map_err(|e| TargetError::invalid("samples", e.to_string()))?;
            Ok(Box::new(SampleSetTarget::new(spec)?))
        }
        ("samples", None) => Err(TargetError::invalid(
            "target",
            "the samples target needs its rows: open a CSV or .npy file of samples first",
        )),
        _ => by_id(id),
    }
}

/// A target named on the command line: a built-in id, a path ending in `.json` read as a
/// custom mixture, or a sample file (`.csv`, `.tsv`, `.txt`, `.dat`, `.npy`) (the one place the library reads a file; on the web there are no paths).
pub fn from_spec(spec: &str) -> Result<Box<dyn Target>, TargetError> {
    if let Some(rows) = sample_file_spec(spec)? {
        return Ok(Box::new(SampleSetTarget::new(rows)?));
    }
    if spec.to_ascii_lowercase().ends_with(".json") {
        let text = std::fs::read_to_string(spec).map_err(|e| TargetError::Io {
            path: spec.to_owned(),
            message: e.to_string(),
        })?;
        return Ok(Box::new(CustomMixture::from_json(&text)?));
    }
    resolve(spec, None)
}

/// The rows of a sample file named on the command line (`.csv`, `.tsv`, `.txt`, `.dat` or
/// `.npy`), or `None` when `spec` names no such file.
pub fn sample_file_spec(spec: &str) -> Result<Option<SampleSetSpec>, TargetError> {
    let lower = spec.to_ascii_lowercase();
    if !SAMPLE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext)) {
        return Ok(None);
    }
    let bytes = std::fs::read(spec).map_err(|e| TargetError::Io {
        path: spec.to_owned(),
        message: e.to_string(),
    })?;
    let name = std::path::Path::new(spec)
        .file_name()
        .map_or_else(|| spec.to_owned(), |n| n.to_string_lossy().into_owned());
    let rows =
        read_samples(&name, &bytes).map_err(|e| TargetError::invalid("samples", e.to_string()))?;
    Ok(Some(SampleSetSpec {
        name,
        rows,
        bounds: None,
    }))
}

/// What the picker shows about one target.
pub fn info(target: &dyn Target) -> TargetInfo {
    TargetInfo {
        id: target.id().to_owned(),
        name: target.name().to_owned(),
        caption: target.caption().to_owned(),
        objectives: target.objectives().to_vec(),
        default_objective: target.default_objective(),
        bounds: target.bounds(),
        normalized: target.normalized(),
    }
}

/// [`TargetInfo`] for every built-in target, in [`TARGET_IDS`] order.
pub fn catalog() -> Vec<TargetInfo> {
    TARGET_IDS
        .iter()
        .filter_map(|id| by_id(id).ok())
        .map(|t| info(t.as_ref()))
        .collect()
}
