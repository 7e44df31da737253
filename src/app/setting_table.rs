//! The one table of the playground's numeric settings: each one's key (as links, commands and
//! model files spell it), range, label, tooltip and what changing it resets. The panel's
//! sliders, link parsing and [`Settings::set_field`]'s validation all read it, so a slider can
//! never show less than a link may ask for. Defaults are [`Settings::default`]'s; the named
//! choices (kinetic, objective, base, momentum) take their names from the engine
//! ([`crate::names::Named`]).

use std::ops::RangeInclusive;

use super::settings::Settings;
use crate::names::Named;

/// One numeric setting.
pub struct NumberSetting {
    /// The key in links, commands and the README's key list.
    pub key: &'static str,
    /// The panel's label.
    pub label: &'static str,
    /// The panel's tooltip.
    pub tip: &'static str,
    /// What links, commands and sliders accept (ends included).
    pub range: RangeInclusive<f64>,
    /// Whether only whole numbers are accepted.
    pub whole: bool,
    /// Whether the slider is logarithmic (ranges over several decades).
    pub log: bool,
    /// What a change resets.
    pub effect: SettingEffect,
    /// Reads the setting.
    pub get: fn(&Settings) -> f64,
    /// Writes a value already checked against `range` and `whole`.
    pub set: fn(&mut Settings, f64),
}

impl NumberSetting {
    /// `value` as this setting's number, or a message naming the key, the value and what is
    /// allowed.
    pub fn check(&self, value: &serde_json::Value) -> Result<f64, String> {
        let key = self.key;
        let v = value
            .as_f64()
            .ok_or_else(|| format!("{key} needs a number, got {value}"))?;
        let (lo, hi) = (*self.range.start(), *self.range.end());
        if !(v.is_finite() && self.range.contains(&v)) {
            return Err(format!("{key} must be between {lo} and {hi}, got {v}"));
        }
        if self.whole && v.fract() != 0.0 {
            return Err(format!("{key} must be a whole number, got {v}"));
        }
        Ok(v)
    }

    /// The value as JSON for a [`super::session::Command::Set`]: whole numbers as integers.
    pub fn json(&self, v: f64) -> serde_json::Value {
        if self.whole {
            serde_json::json!(v.round() as u64)
        } else {
            serde_json::json!(v)
        }
    }
}

/// The learning rates the `lr` setting and a constant-rate continuation accept.
pub const LR_RANGE: RangeInclusive<f64> = 1e-5..=0.1;

/// The group size of [`crate::nhf::config::IW_DRAWS`] nearest to `v` on a log scale (the
/// slider moves continuously; only powers of two up to a tile are groups the engine forms).
fn nearest_iw_draws(v: f64) -> usize {
    let log = v.max(1.0).log2();
    crate::nhf::config::IW_DRAWS
        .into_iter()
        .min_by(|a, b| {
            let da = ((*a as f64).log2() - log).abs();
            let db = ((*b as f64).log2() - log).abs();
            da.total_cmp(&db)
        })
        .unwrap_or(1)
}

/// Every numeric setting, in the panel's order.
pub const NUMBERS: &[NumberSetting] = &[
    NumberSetting {
        key: "anneal_iters",
        label: "annealing iterations",
        tip: "Over these first iterations the target's weight in the loss rises from 0.2 to 1: \
              a flattened target first, so the flow spreads over all of it before it sharpens \
              (0: off)",
        range: 0.0..=100_000.0,
        whole: true,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.train.anneal_iters as f64,
        set: |s, v| s.train.anneal_iters = v as usize,
    },
    NumberSetting {
        key: "iw_draws",
        label: "draws per group",
        tip: "Density objective: score the flow's draws in groups of this many, by how well \
              the group as a whole covers the target, rather than each draw alone. The flow is \
              then rewarded for reaching all of the target instead of settling on its densest \
              part (1: the plain reverse KL; 1, 2, 4 or 8)",
        range: 1.0..=8.0,
        whole: true,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.train.iw_draws as f64,
        set: |s, v| s.train.iw_draws = nearest_iw_draws(v),
    },
    NumberSetting {
        key: "blocks",
        label: "blocks K",
        tip: "Number of blocks; each block has its own learned potential V_k",
        range: 1.0..=crate::nhf::config::MAX_BLOCKS as f64,
        whole: true,
        log: false,
        effect: SettingEffect::Restart,
        get: |s| s.flow.blocks as f64,
        set: |s, v| s.flow.blocks = v as usize,
    },
    NumberSetting {
        key: "leapfrog_steps",
        label: "leapfrog steps L",
        tip: "Leapfrog steps per block. One step: half a kick of the momentum by the force \
              -grad V, a drift of the position by the momentum, another half kick. It is \
              exactly reversible and preserves volume, so the flow's density needs no Jacobian \
              determinant.",
        range: 1.0..=40.0,
        whole: true,
        log: false,
        effect: SettingEffect::Restart,
        get: |s| s.flow.leapfrog_steps as f64,
        set: |s, v| s.flow.leapfrog_steps = v as usize,
    },
    NumberSetting {
        key: "dt",
        label: "step size dt",
        tip: "Time step of each leapfrog step; too large and training can diverge",
        range: 0.001..=1.0,
        whole: false,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.flow.dt,
        set: |s, v| s.flow.dt = v,
    },
    NumberSetting {
        key: "width",
        label: "width W",
        tip: "Hidden units in each layer of the potential network V(q)",
        range: 2.0..=128.0,
        whole: true,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.flow.width as f64,
        set: |s, v| s.flow.width = v as usize,
    },
    NumberSetting {
        key: "lr",
        label: "learning rate",
        tip: "Adam's peak learning rate (it decays along a cosine)",
        range: LR_RANGE,
        whole: false,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.train.lr,
        set: |s, v| s.train.lr = v,
    },
    NumberSetting {
        key: "batch",
        label: "batch",
        tip: "Points per training iteration",
        range: 8.0..=4096.0,
        whole: true,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.train.batch as f64,
        set: |s, v| s.train.batch = v as usize,
    },
    NumberSetting {
        key: "seed",
        label: "seed",
        tip: "Seed of the initial parameters and every random draw: the same seed gives the \
              same run",
        range: 0.0..=4_294_967_295.0,
        whole: true,
        log: false,
        effect: SettingEffect::Restart,
        get: |s| s.train.seed as f64,
        set: |s, v| s.train.seed = v as u64,
    },
    NumberSetting {
        key: "schedule_iters",
        label: "schedule iterations",
        tip: "Iterations of the learning-rate schedule; training stops at its end",
        range: 0.0..=1_000_000.0,
        whole: true,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.train.schedule_iters as f64,
        set: |s, v| s.train.schedule_iters = v as usize,
    },
    NumberSetting {
        key: "hmc_chains",
        label: "chains",
        tip: "Independent HMC chains, each a particle; more chains give R-hat more to compare",
        range: 1.0..=256.0,
        whole: true,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.hmc.chains as f64,
        set: |s, v| s.hmc.chains = v as usize,
    },
    NumberSetting {
        key: "hmc_steps",
        label: "leapfrog steps L",
        tip: "Leapfrog steps of each HMC proposal: more steps travel further per proposal and \
              cost more gradients",
        range: 1.0..=100.0,
        whole: true,
        log: false,
        effect: SettingEffect::Restart,
        get: |s| s.hmc.leapfrog_steps as f64,
        set: |s, v| s.hmc.leapfrog_steps = v as usize,
    },
    NumberSetting {
        key: "hmc_step_size",
        label: "step size",
        tip: "The leapfrog step size HMC starts from; the warm-up tunes it toward 80% \
              acceptance, and without warm-up it stays",
        range: 0.001..=2.0,
        whole: false,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.hmc.step_size,
        set: |s, v| s.hmc.step_size = v,
    },
    NumberSetting {
        key: "hmc_warmup",
        label: "warm-up iterations",
        tip: "Iterations that tune the step size (dual averaging) before draws are kept",
        range: 0.0..=10_000.0,
        whole: true,
        log: false,
        effect: SettingEffect::Restart,
        get: |s| s.hmc.warmup_iters as f64,
        set: |s, v| s.hmc.warmup_iters = v as usize,
    },
    NumberSetting {
        key: "l2hmc_chains",
        label: "chains",
        tip: "Independent L2HMC chains, each a particle; each training iteration averages the \
              loss over a proposal from every chain and as many from fresh starts",
        range: 1.0..=256.0,
        whole: true,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.l2hmc.chains as f64,
        set: |s, v| s.l2hmc.chains = v as usize,
    },
    NumberSetting {
        key: "l2hmc_steps",
        label: "leapfrog steps L",
        tip: "Augmented leapfrog steps of each L2HMC proposal (each step runs the networks four \
              times)",
        range: 1.0..=50.0,
        whole: true,
        log: false,
        effect: SettingEffect::Restart,
        get: |s| s.l2hmc.leapfrog_steps as f64,
        set: |s, v| s.l2hmc.leapfrog_steps = v as usize,
    },
    NumberSetting {
        key: "l2hmc_step_size",
        label: "step size",
        tip: "The step size L2HMC starts from; it is learned with the networks",
        range: 0.001..=2.0,
        whole: false,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.l2hmc.step_size,
        set: |s, v| s.l2hmc.step_size = v,
    },
    NumberSetting {
        key: "l2hmc_train",
        label: "training iterations",
        tip: "Iterations that train the networks to jump far and be accepted, before draws \
              are kept",
        range: 0.0..=20_000.0,
        whole: true,
        log: false,
        effect: SettingEffect::Restart,
        get: |s| s.l2hmc.train_iters as f64,
        set: |s, v| s.l2hmc.train_iters = v as usize,
    },
    NumberSetting {
        key: "l2hmc_lr",
        label: "learning rate",
        tip: "Adam's learning rate for L2HMC's networks and step size",
        range: 1e-5..=1e-1,
        whole: false,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.l2hmc.lr,
        set: |s, v| s.l2hmc.lr = v,
    },
    NumberSetting {
        key: "hmc_draws",
        label: "draws per chain",
        tip: "Draws each chain keeps after the warm-up (HMC) or training (L2HMC); sampling \
              stops there",
        range: 10.0..=100_000.0,
        whole: true,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.hmc_draws as f64,
        set: |s, v| s.hmc_draws = v as usize,
    },
    NumberSetting {
        key: "hmc_rate",
        label: "iterations/s",
        tip: "HMC or L2HMC iterations per second while sampling: slow to follow the chains, \
              fast to collect draws",
        range: 1.0..=5000.0,
        whole: false,
        log: true,
        effect: SettingEffect::Display,
        get: |s| s.hmc_rate,
        set: |s, v| s.hmc_rate = v,
    },
    NumberSetting {
        key: "layers",
        label: "layers K",
        tip: "Planar or radial layers; Rezende & Mohamed show 2, 8 and 32: more layers, a \
              closer fit",
        range: 1.0..=64.0,
        whole: true,
        log: true,
        effect: SettingEffect::Restart,
        get: |s| s.layers as f64,
        set: |s, v| s.layers = v as usize,
    },
    NumberSetting {
        key: "particles",
        label: "particles",
        tip: "How many particles the views animate",
        range: 1.0..=5000.0,
        whole: true,
        log: true,
        effect: SettingEffect::Display,
        get: |s| s.particles as f64,
        set: |s, v| s.particles = v as usize,
    },
    NumberSetting {
        key: "workers",
        label: "workers",
        tip: "How many cores share each training step (0: all but one). Any number trains \
              exactly the same model; more are only faster",
        range: 0.0..=super::shared_step::MAX_WORKERS as f64,
        whole: true,
        log: false,
        effect: SettingEffect::Display,
        get: |s| s.workers as f64,
        set: |s, v| s.workers = v as usize,
    },
    NumberSetting {
        key: "anim_speed",
        label: "steps/s",
        tip: "Leapfrog steps shown per second",
        range: 1.0..=60.0,
        whole: false,
        log: false,
        effect: SettingEffect::Display,
        get: |s| s.anim_speed,
        set: |s, v| s.anim_speed = v,
    },
];

/// The settings of a method other than the NHF, in the panel's order (the NHF's own are the
/// rest of [`NUMBERS`]): links carry them with `method=`, and its panel section shows them.
pub fn method_keys(method: crate::method::Method) -> &'static [&'static str] {
    use crate::method::Method;
    match method {
        Method::Nhf => &[],
        Method::Hmc => &[
            "hmc_chains",
            "hmc_steps",
            "hmc_step_size",
            "hmc_warmup",
            "hmc_draws",
            "hmc_rate",
        ],
        Method::L2hmc => &[
            "l2hmc_chains",
            "l2hmc_steps",
            "l2hmc_step_size",
            "l2hmc_train",
            "l2hmc_lr",
            "hmc_draws",
            "hmc_rate",
        ],
        Method::Planar | Method::Radial => &["layers"],
    }
}

/// The numeric setting called `key`.
pub fn number(key: &str) -> Option<&'static NumberSetting> {
    NUMBERS.iter().find(|n| n.key == key)
}

/// What changing a setting requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingEffect {
    /// A model or optimiser setting: training restarts from fresh parameters.
    Restart,
    /// Only what is shown changes.
    Display,
}

/// The named choices [`Settings::set_field`] knows besides the numbers of
/// [`NUMBERS`], and the one switch.
const CHOICE_KEYS: [&str; 8] = [
    "method",
    "kinetic",
    "objective",
    "base",
    "momentum",
    "activation",
    "estimator",
    "trails",
];

/// Every setting [`Settings::set_field`] knows, as commands and links spell them.
pub fn setting_keys() -> Vec<&'static str> {
    NUMBERS.iter().map(|n| n.key).chain(CHOICE_KEYS).collect()
}

impl Settings {
    /// Changes one setting by name, checking its type and range (this table: the ranges
    /// the playground's sliders offer, inside what the engine accepts). On error nothing
    /// changes and the message names the setting, the value and what is allowed. Whether the
    /// objective suits the target is for the caller to check.
    pub fn set_field(
        &mut self,
        key: &str,
        value: &serde_json::Value,
    ) -> Result<SettingEffect, String> {
        let mut next = self.clone();
        let mut effect = SettingEffect::Restart;
        if let Some(number) = number(key) {
            (number.set)(&mut next, number.check(value)?);
            effect = number.effect;
        } else {
            match key {
                "kinetic" => next.flow.kinetic = choice(value)?,
                "base" => next.flow.base = choice(value)?,
                "momentum" => next.flow.momentum = choice(value)?,
                "activation" => next.flow.activation = choice(value)?,
                "estimator" => next.train.estimator = choice(value)?,
                "objective" => next.flow.objective = choice(value)?,
                "method" => next.method = choice(value)?,
                "trails" => {
                    next.trails = value
                        .as_bool()
                        .ok_or_else(|| format!("trails needs true or false, got {value}"))?;
                    effect = SettingEffect::Display;
                }
                _ => {
                    return Err(format!(
                        "unknown setting \"{key}\" (known: {})",
                        setting_keys().join(", ")
                    ));
                }
            }
        }
        next.flow.validate().map_err(|e| e.to_string())?;
        next.train.validate().map_err(|e| e.to_string())?;
        next.hmc.validate()?;
        next.l2hmc.validate()?;
        *self = next;
        Ok(effect)
    }
}

/// A named choice ([`Named`]) from a setting's value: its name as a string.
fn choice<T: Named>(value: &serde_json::Value) -> Result<T, String> {
    match value.as_str() {
        Some(name) => T::parse(name),
        None => T::parse(&value.to_string()),
    }
}

#[cfg(test)]
mod tests;
