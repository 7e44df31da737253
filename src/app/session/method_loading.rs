//! Saving and opening the file of a method other than the NHF (docs/MATH.md §8–§10): a planar
//! or radial flow's layers, an L2HMC sampler's networks, HMC's settings. Like an NHF model
//! file, it is checked whole before anything changes.

use std::sync::Arc;

use super::Session;
use super::loading::with_saved_target;
use super::method_run::{ChainsRun, MethodRun};
use crate::app::files::{self, FileOut};
use crate::method_file::{MethodFile, MethodState};
use crate::targets::Target;

impl Session {
    /// The running method's file, or `None` while the NHF runs (its own file is the model
    /// file).
    pub(super) fn method_file(&self) -> Option<FileOut> {
        let (state, iteration) = match &self.method_run {
            MethodRun::Nhf => return None,
            MethodRun::Chains(run) => (run.chains.state(), run.chains.iteration() as u64),
            MethodRun::Layers(run) => (
                MethodFile::of_layers(&run.trainer.flow, run.trainer.step),
                run.trainer.step,
            ),
        };
        let method = self.settings.method;
        let file = MethodFile::new(
            method,
            &self.settings.target,
            self.settings.target_definition(),
            state,
        );
        Some(FileOut {
            name: format!(
                "nhf-{}-{}-it{iteration}.json",
                crate::names::Named::name(method),
                self.settings.target
            ),
            mime: "application/json",
            bytes: file.to_json().into_bytes(),
        })
    }

    /// Opens a method file: its method, settings and target, and for a planar or radial flow
    /// or L2HMC its learned parameters (an L2HMC sampler restored past its training samples
    /// at once).
    pub(super) fn load_method_file(&mut self, text: &str) -> Result<String, String> {
        if text.len() > files::MAX_MODEL_BYTES {
            return Err("the method file is too large".into());
        }
        let file = MethodFile::from_json(text)?;
        let mut settings = self.settings.clone();
        with_saved_target(
            &mut settings,
            &file.target,
            file.target_definition.as_ref(),
            "method file",
        )?;
        settings.method = file.method;
        match &file.state {
            MethodState::Layers { layers, .. } => settings.layers = *layers,
            MethodState::Hmc { config } => {
                settings.hmc = config.clone();
                settings.train.seed = config.seed;
            }
            MethodState::L2hmc { config, .. } => {
                settings.l2hmc = config.clone();
                settings.train.seed = config.seed;
            }
        }
        self.shareable(&settings).map_err(|e| {
            format!("method file: its settings are outside the playground's ranges ({e})")
        })?;
        let target: Arc<dyn Target> =
            Arc::from(settings.resolve_target().map_err(|e| e.to_string())?);
        let mut run = MethodRun::new(&settings, target.as_ref())?;
        let at = match (&mut run, &file.state) {
            (MethodRun::Layers(r), MethodState::Layers { .. }) => {
                let (flow, step) = file.layers()?;
                r.trainer.flow = flow;
                r.trainer.step = step;
                r.until_step = step + settings.train.schedule_iters as u64;
                r.record(target.as_ref());
                step as usize
            }
            (MethodRun::Chains(r), MethodState::L2hmc { iteration, .. }) => {
                **r = ChainsRun::new(Box::new(file.l2hmc(target.as_ref())?), settings.hmc_draws);
                *iteration
            }
            (MethodRun::Chains(_), MethodState::Hmc { .. }) => 0,
            _ => return Err("method file: its state does not match its method".into()),
        };
        self.halt_job();
        self.running = false;
        self.finished = None;
        self.target = target;
        self.target_revision += 1;
        self.settings = settings;
        self.method_run = run;
        self.sync_canvas();
        Ok(format!(
            "{} loaded: {} at iteration {at}",
            crate::names::Named::name(file.method),
            self.target.name()
        ))
    }
}
