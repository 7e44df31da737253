//! The versioned JSON model file: configuration, weights, target, seed and training state.
//!
//! ```json
//! { "format": "nhf-playground-model", "version": 4,
//!   "target": "8gaussians", "target_definition": null,
//!   "config": { "blocks": 4, "leapfrog_steps": 5, "dt": 0.2, "width": 32, "base": "learned", ... },
//!   "train": { "lr": 0.003, "schedule_iters": 3000, "batch": 512, "clip_norm": 100, "seed": 0 },
//!   "step": 3000, "params": [ ... ], "adam": { "t": 3000, "m": [...], "v": [...] } }
//! ```
//! `target_definition` holds a custom mixture's or a drawn density's own JSON, so the file is
//! self-contained. A malformed, truncated or mismatched file is refused with a message naming
//! the problem; loading never panics.

use serde::{Deserialize, Serialize};

use super::adam::Adam;
use super::config::{FlowConfig, TrainConfig};
use super::flow::Flow;

/// The `format` field's value.
pub const FORMAT: &str = "nhf-playground-model";
/// The version this build writes. Version 2 added the learnable base (`config.base`, its six
/// parameters at the end of `params`) and annealing (`train.anneal_iters`); a version-1 file
/// has neither, and reads as a flow with the standard base and no annealing, as it was saved.
/// Version 3 added the density objective's importance-weighted groups (`train.iw_draws`); an
/// older file reads with groups of one, the plain reverse KL it was trained with.
/// Version 4 added the density objective's gradient estimator (`train.estimator`, written only
/// when it is `dreg`); an older file reads with the standard estimator it was trained with.
pub const VERSION: u32 = 4;
/// The oldest version this build reads.
pub const OLDEST_VERSION: u32 = 1;

/// A saved model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] for files this build writes.
    pub version: u32,
    /// The target's identifier.
    pub target: String,
    /// A custom or drawn target's definition (its own JSON), else null.
    #[serde(default)]
    pub target_definition: Option<serde_json::Value>,
    /// The flow's architecture.
    pub config: FlowConfig,
    /// The training settings (seed included).
    pub train: TrainConfig,
    /// Accepted training steps.
    pub step: u64,
    /// The flat parameter vector.
    pub params: Vec<f32>,
    /// Optimiser state, to resume training exactly.
    #[serde(default)]
    pub adam: Option<Adam>,
}

/// Why a model file could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelFileError(pub String);

impl std::fmt::Display for ModelFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "model file: {}", self.0)
    }
}

impl std::error::Error for ModelFileError {}

impl ModelFile {
    /// A file describing `flow` trained on `target` with `train` for `step` steps.
    pub fn new(
        flow: &Flow,
        train: &TrainConfig,
        target: &str,
        target_definition: Option<serde_json::Value>,
        step: u64,
        adam: Option<Adam>,
    ) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            target: target.into(),
            target_definition,
            config: flow.config.clone(),
            train: train.clone(),
            step,
            params: flow.params.clone(),
            adam,
        }
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Parses and validates a file's text.
    pub fn from_json(text: &str) -> Result<Self, ModelFileError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ModelFileError(format!("not valid JSON ({e})")))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(ModelFileError(format!(
                    "format is '{other}', expected '{FORMAT}'"
                )));
            }
            None => {
                return Err(ModelFileError(format!(
                    "no \"format\": \"{FORMAT}\" field: not a model file"
                )));
            }
        }
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if (u64::from(OLDEST_VERSION)..=u64::from(VERSION)).contains(&v) => {}
            Some(v) => {
                return Err(ModelFileError(format!(
                    "version {v} is not supported (this build reads versions \
                     {OLDEST_VERSION} to {VERSION})"
                )));
            }
            None => return Err(ModelFileError("missing or non-numeric \"version\"".into())),
        }
        let file: ModelFile = serde_json::from_value(value)
            .map_err(|e| ModelFileError(format!("bad field ({e})")))?;
        file.config
            .validate()
            .map_err(|e| ModelFileError(format!("config.{e}")))?;
        file.train
            .validate()
            .map_err(|e| ModelFileError(format!("train.{e}")))?;
        Flow::from_params(file.config.clone(), file.params.clone())
            .map_err(|e| ModelFileError(e.to_string()))?;
        if let Some(adam) = &file.adam {
            let n = file.params.len();
            if adam.m.len() != n || adam.v.len() != n {
                return Err(ModelFileError(format!(
                    "adam state has {} / {} values for {n} parameters",
                    adam.m.len(),
                    adam.v.len()
                )));
            }
        }
        Ok(file)
    }

    /// The flow stored in the file (validated by [`ModelFile::from_json`]).
    pub fn flow(&self) -> Result<Flow, ModelFileError> {
        Flow::from_params(self.config.clone(), self.params.clone())
            .map_err(|e| ModelFileError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_file() -> ModelFile {
        let flow = Flow::new(
            FlowConfig {
                blocks: 1,
                width: 4,
                encoder_width: 4,
                ..FlowConfig::default()
            },
            3,
        )
        .unwrap();
        ModelFile::new(&flow, &TrainConfig::default(), "8gaussians", None, 0, None)
    }

    #[test]
    fn round_trips() {
        let f = sample_file();
        assert_eq!(ModelFile::from_json(&f.to_json()).unwrap(), f);
    }

    #[test]
    fn nadam_round_trips_and_adam_is_left_out() {
        use crate::nhf::adam::UpdateRule;
        let mut f = sample_file();
        assert!(!f.to_json().contains("update_rule"));
        f.train.update_rule = UpdateRule::Nadam;
        assert!(f.to_json().contains(r#""update_rule":"nadam""#));
        assert_eq!(ModelFile::from_json(&f.to_json()).unwrap(), f);
    }

    #[test]
    fn version_1_files_read_as_the_standard_base_without_annealing() {
        let mut v1: serde_json::Value = serde_json::from_str(&sample_file().to_json()).unwrap();
        v1["version"] = 1.into();
        v1["config"].as_object_mut().unwrap().remove("base");
        v1["train"].as_object_mut().unwrap().remove("anneal_iters");
        let f = ModelFile::from_json(&v1.to_string()).unwrap();
        assert_eq!(f.config.base, crate::nhf::BaseKind::Standard);
        assert_eq!(f.train.anneal_iters, 0);
        assert_eq!(f.flow().unwrap().params, sample_file().params);
    }

    #[test]
    fn version_2_files_read_with_groups_of_one_draw() {
        let mut v2: serde_json::Value = serde_json::from_str(&sample_file().to_json()).unwrap();
        v2["version"] = 2.into();
        v2["train"].as_object_mut().unwrap().remove("iw_draws");
        assert_eq!(
            ModelFile::from_json(&v2.to_string())
                .unwrap()
                .train
                .iw_draws,
            1
        );
        v2["train"]["iw_draws"] = 3.into();
        let err = ModelFile::from_json(&v2.to_string()).unwrap_err();
        assert!(err.0.contains("train.iw_draws"), "{err}");
    }

    #[test]
    fn files_from_before_the_mix_read_as_the_bound_alone() {
        // Version 3 files written before `iw_mix` existed (2026-12-05) have no such field.
        let mut v3: serde_json::Value = serde_json::from_str(&sample_file().to_json()).unwrap();
        v3["train"]["iw_mix"] = 0.25.into();
        assert_eq!(
            ModelFile::from_json(&v3.to_string()).unwrap().train.iw_mix,
            0.25
        );
        v3["train"].as_object_mut().unwrap().remove("iw_mix");
        assert_eq!(
            ModelFile::from_json(&v3.to_string()).unwrap().train.iw_mix,
            1.0
        );
    }

    #[test]
    fn version_3_files_read_with_the_standard_gradient_and_dreg_round_trips() {
        use crate::nhf::Estimator;
        let text = sample_file().to_json();
        // The standard estimator is left out of files, so they read as version 3 did.
        assert!(!text.contains("estimator"), "{text}");
        let mut v3: serde_json::Value = serde_json::from_str(&text).unwrap();
        v3["version"] = 3.into();
        let f = ModelFile::from_json(&v3.to_string()).unwrap();
        assert_eq!(f.train.estimator, Estimator::Standard);
        let mut dreg = sample_file();
        dreg.train.estimator = Estimator::Dreg;
        let text = dreg.to_json();
        assert!(text.contains("\"estimator\":\"dreg\""), "{text}");
        assert!(text.contains("\"version\":4"), "{text}");
        assert_eq!(ModelFile::from_json(&text).unwrap(), dreg);
        // With a mix, the estimate is not defined: refused, naming the field.
        dreg.train.iw_draws = 4;
        dreg.train.iw_mix = 0.5;
        let err = ModelFile::from_json(&dreg.to_json()).unwrap_err();
        assert!(err.0.contains("estimator"), "{err}");
    }

    #[test]
    fn truncated_and_mismatched_files_are_refused_with_reasons() {
        let text = sample_file().to_json();
        let err = ModelFile::from_json(&text[..text.len() / 2]).unwrap_err();
        assert!(err.0.contains("not valid JSON"), "{err}");
        let err = ModelFile::from_json("{\"hello\": 1}").unwrap_err();
        assert!(err.0.contains("not a model file"), "{err}");
        let err =
            ModelFile::from_json(&text.replace("\"version\":4", "\"version\":99")).unwrap_err();
        assert!(err.0.contains("version 99"), "{err}");
        let mut f = sample_file();
        f.params.pop();
        let err = ModelFile::from_json(&f.to_json()).unwrap_err();
        assert!(err.0.contains("params"), "{err}");
        let mut f = sample_file();
        f.config.dt = 50.0;
        let err = ModelFile::from_json(&f.to_json()).unwrap_err();
        assert!(err.0.contains("dt"), "{err}");
    }
}
