//! The versioned JSON file of a model of the story other than the NHF (whose own file is
//! [`crate::nhf::model_file`]): a planar or radial flow's layers, a trained L2HMC sampler's
//! networks, or HMC's settings.
//!
//! ```json
//! { "format": "nhf-playground-method", "version": 1, "method": "l2hmc",
//!   "target": "banana", "target_definition": null,
//!   "state": { "kind": "l2hmc", "config": { "chains": 16, … }, "iteration": 1000,
//!              "params": [ … ], "masks": [0, 1, …] } }
//! ```
//! HMC learns nothing, so its file holds its settings; the chains start again from the seed.
//! A malformed file, one of another version, or one whose parameters do not fit its settings
//! is refused with a message naming the problem.

use serde::{Deserialize, Serialize};

use crate::classic_flows::{ClassicFlow, LayerKind};
use crate::hmc::HmcConfig;
use crate::l2hmc::{L2hmc, L2hmcConfig};
use crate::method::Method;
use crate::targets::Target;

/// The `format` field's value.
pub const FORMAT: &str = "nhf-playground-method";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;

/// What a method's file keeps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum MethodState {
    /// A planar or radial flow (its kind is the file's method).
    Layers {
        /// K.
        layers: usize,
        /// Training steps taken.
        step: u64,
        /// Every layer's parameters, layer after layer.
        params: Vec<f64>,
    },
    /// HMC's settings (its seed included).
    Hmc {
        /// The settings.
        config: HmcConfig,
    },
    /// A trained (or training) L2HMC sampler.
    L2hmc {
        /// Its settings.
        config: L2hmcConfig,
        /// Iterations run (training ones included).
        iteration: usize,
        /// The networks' parameters, then log ε.
        params: Vec<f64>,
        /// Each leapfrog step's mask.
        masks: Vec<usize>,
    },
}

/// A saved model of a method other than the NHF.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MethodFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// Which method.
    pub method: Method,
    /// The target's identifier.
    pub target: String,
    /// A custom or drawn target's definition (its own JSON), else null.
    #[serde(default)]
    pub target_definition: Option<serde_json::Value>,
    /// The method's state.
    pub state: MethodState,
}

impl MethodFile {
    /// A file of `state` for `method` on `target`.
    pub fn new(
        method: Method,
        target: &str,
        target_definition: Option<serde_json::Value>,
        state: MethodState,
    ) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            method,
            target: target.into(),
            target_definition,
            state,
        }
    }

    /// Whether `text` claims to be a method file (its `format` field), so a reader can tell it
    /// from an NHF model file before parsing either.
    pub fn claims(text: &str) -> bool {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| {
                v.get("format")
                    .and_then(|f| f.as_str())
                    .map(|f| f == FORMAT)
            })
            .unwrap_or(false)
    }

    /// The file as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads and checks a file: its format, version, and that its state belongs to its method
    /// and its parameters fit its settings.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let file: Self =
            serde_json::from_str(text).map_err(|e| format!("method file: not readable ({e})"))?;
        if file.format != FORMAT {
            return Err(format!(
                "method file: format \"{}\" is not {FORMAT}",
                file.format
            ));
        }
        if file.version != VERSION {
            return Err(format!(
                "method file: version {} (this build reads version {VERSION})",
                file.version
            ));
        }
        let fits = match (&file.state, file.method) {
            (MethodState::Layers { layers, params, .. }, Method::Planar | Method::Radial) => {
                let kind = file.method.layer_kind().ok_or("not a layered flow")?;
                let want = ClassicFlow::new(kind, *layers, 0).params.len();
                (params.len() == want).then_some(()).ok_or(format!(
                    "{layers} layers take {want} parameters, the file has {}",
                    params.len()
                ))
            }
            (MethodState::Hmc { config }, Method::Hmc) => config.validate(),
            (
                MethodState::L2hmc {
                    config,
                    params,
                    masks,
                    ..
                },
                Method::L2hmc,
            ) => {
                config.validate()?;
                let want = L2hmc::param_count(config.hidden);
                if params.len() != want {
                    Err(format!(
                        "hidden width {} takes {want} parameters, the file has {}",
                        config.hidden,
                        params.len()
                    ))
                } else if masks.len() != config.leapfrog_steps || masks.iter().any(|m| *m > 1) {
                    Err(format!(
                        "{} masks of 0 or 1 expected for {} leapfrog steps",
                        config.leapfrog_steps, config.leapfrog_steps
                    ))
                } else {
                    Ok(())
                }
            }
            _ => Err(format!("its state is not a {:?} model's", file.method)),
        };
        fits.map_err(|e| format!("method file: {e}"))?;
        if let MethodState::Layers { params, .. } | MethodState::L2hmc { params, .. } = &file.state
            && params.iter().any(|p| !p.is_finite())
        {
            return Err("method file: a parameter is not finite".into());
        }
        Ok(file)
    }

    /// The planar or radial flow the file holds, with its step count.
    pub fn layers(&self) -> Result<(ClassicFlow, u64), String> {
        match (&self.state, self.method.layer_kind()) {
            (
                MethodState::Layers {
                    layers,
                    step,
                    params,
                },
                Some(kind),
            ) => Ok((
                ClassicFlow {
                    kind,
                    layers: *layers,
                    params: params.clone(),
                },
                *step,
            )),
            _ => Err("method file: not a planar or radial flow".into()),
        }
    }

    /// The L2HMC sampler the file holds, its chains started from its seed on `target`.
    pub fn l2hmc(&self, target: &dyn Target) -> Result<L2hmc, String> {
        let MethodState::L2hmc {
            config,
            iteration,
            params,
            masks,
        } = &self.state
        else {
            return Err("method file: not an L2HMC sampler".into());
        };
        let mut model = L2hmc::new(config.clone(), target)?;
        model.params.clone_from(params);
        model.masks.clone_from(masks);
        model.resume_at(*iteration);
        Ok(model)
    }

    /// The state of a planar or radial flow at `step`.
    pub fn of_layers(flow: &ClassicFlow, step: u64) -> MethodState {
        MethodState::Layers {
            layers: flow.layers,
            step,
            params: flow.params.clone(),
        }
    }

    /// The state of an L2HMC sampler.
    pub fn of_l2hmc(model: &L2hmc) -> MethodState {
        MethodState::L2hmc {
            config: model.config.clone(),
            iteration: model.iteration,
            params: model.params.clone(),
            masks: model.masks.clone(),
        }
    }
}

impl LayerKind {
    /// The method that stacks layers of this kind.
    pub fn method(self) -> Method {
        match self {
            Self::Planar => Method::Planar,
            Self::Radial => Method::Radial,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of state round-trips through JSON and rebuilds the same model; a file whose
    /// parameters do not fit, of another version or format, or with a state of another
    /// method is refused with a reason.
    #[test]
    fn files_round_trip_and_bad_ones_are_refused() {
        let target = crate::targets::by_id("banana").unwrap();
        let config = L2hmcConfig {
            chains: 4,
            train_iters: 3,
            ..L2hmcConfig::default()
        };
        let mut model = L2hmc::new(config, target.as_ref()).unwrap();
        for _ in 0..5 {
            model.iterate(target.as_ref()).unwrap();
        }
        let file = MethodFile::new(Method::L2hmc, "banana", None, MethodFile::of_l2hmc(&model));
        let text = file.to_json();
        assert!(MethodFile::claims(&text));
        let back = MethodFile::from_json(&text).unwrap();
        assert_eq!(back, file);
        let rebuilt = back.l2hmc(target.as_ref()).unwrap();
        assert_eq!(rebuilt.params, model.params);
        assert_eq!(rebuilt.masks, model.masks);
        assert!(rebuilt.trained());

        let flow = ClassicFlow::new(LayerKind::Radial, 3, 2);
        let file = MethodFile::new(Method::Radial, "u2", None, MethodFile::of_layers(&flow, 7));
        let back = MethodFile::from_json(&file.to_json()).unwrap();
        let (rebuilt, step) = back.layers().unwrap();
        assert_eq!((rebuilt.params, step), (flow.params.clone(), 7));

        let hmc = MethodFile::new(
            Method::Hmc,
            "u1",
            None,
            MethodState::Hmc {
                config: HmcConfig::default(),
            },
        );
        assert_eq!(MethodFile::from_json(&hmc.to_json()).unwrap(), hmc);

        let refusals = [
            (
                file.to_json().replace("\"version\": 1", "\"version\": 9"),
                "version 9",
            ),
            (
                file.to_json().replace(FORMAT, "nhf-playground-model"),
                "format",
            ),
            (
                MethodFile::new(Method::Planar, "u2", None, MethodFile::of_layers(&flow, 7))
                    .to_json(),
                "parameters",
            ),
            (
                MethodFile::new(Method::Hmc, "u2", None, MethodFile::of_layers(&flow, 7)).to_json(),
                "not a Hmc",
            ),
            ("{\"format\": 3".into(), "not readable"),
        ];
        for (text, why) in refusals {
            let err = MethodFile::from_json(&text).unwrap_err();
            assert!(err.contains(why), "{err} (expected {why})");
        }
        assert!(!MethodFile::claims(
            "{\"format\": \"nhf-playground-model\"}"
        ));
    }
}
