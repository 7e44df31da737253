//! What comes from outside: links, model files, mixture files, and the painted picture. Each is
//! checked whole before anything changes, so a bad one loses nothing.

use std::sync::Arc;

use super::{Command, Session};
use crate::app::density_grid::DensityGrid;
use crate::app::file_host::{Arrival, FileHost};
use crate::app::files::{self, FileOut};
use crate::app::link::{self, Link};
use crate::app::loaded_samples::LoadedSamples;
use crate::app::presets;
use crate::app::settings::Settings;
use crate::method_file::MethodFile;
use crate::nhf::model_file::ModelFile;
use crate::nhf::{TrainConfig, Trainer};
use crate::targets::sample_file::{NPY_MAGIC, SAMPLE_EXTENSIONS, read_samples};
use crate::targets::{
    self, CustomMixture, DrawnGrid, DrawnTarget, FormulaSpec, MixtureSpec, SampleSetSpec, Target,
};

impl Session {
    /// Opens a parsed link: replaces settings, target, direction, classroom mode and preset,
    /// and restarts training. A link to the drawn target without a picture keeps the user's;
    /// a link to the user's samples opens only if that file (by hash) is open.
    pub(super) fn open_link(&mut self, link: Link) -> Result<(), String> {
        let mut settings = link.settings;
        if settings.drawing.is_none() {
            settings.drawing = self.settings.drawing.clone();
        }
        // A link cannot carry a file's rows: it names them, and they must be open here.
        settings.samples = self.settings.samples.clone();
        if let Some(named) = &link.samples {
            let open = settings
                .samples
                .as_ref()
                .filter(|s| s.hash == named.hash)
                .ok_or_else(|| {
                    format!(
                        "this link shows a file of samples (content hash {}), and a link cannot carry its rows: open that file first (Load file, or drop it onto the window), then the link again; nothing was changed",
                        named.hash
                    )
                })?;
            settings.samples = Some(open.with_box(named.bounds));
        }
        let target = settings.resolve_target().map_err(|e| e.to_string())?;
        self.target = Arc::from(target);
        self.target_revision += 1;
        self.settings = settings;
        self.anim.direction = Some(link.direction);
        self.classroom = link.classroom;
        self.preset = link.preset.as_deref().and_then(presets::by_id);
        self.sync_canvas();
        self.comparison = None;
        self.rebuild();
        if let Some(contenders) = &link.compare {
            self.start_comparison(contenders);
        }
        Ok(())
    }
    /// Hands a file to the user through the file host (into the outbox without one) and says
    /// so; a failed delivery is shown as the error.
    pub fn offer(&mut self, file: FileOut, what: &str) -> String {
        let message = match &mut self.file_host {
            Some(host) => {
                let name = file.name.clone();
                host.deliver(file, what)
                    .unwrap_or_else(|e| format!("the {what} {name} could not be saved: {e}"))
            }
            None => {
                let message = format!("{what} saved as {}", file.name);
                self.outbox.push(file);
                message
            }
        };
        self.message = Some(message.clone());
        message
    }

    /// Where files go to and come from from now on (the entries set it).
    pub fn set_file_host(&mut self, host: Box<dyn FileHost>) {
        self.file_host = Some(host);
    }

    /// Asks the file host for a model or mixture file.
    pub(super) fn pick_file(&mut self) -> Result<String, String> {
        match &mut self.file_host {
            Some(host) => host.pick(),
            None => Err("this build has no file picker: drop a file onto the window".into()),
        }
    }

    /// Opens what arrived through the file host (files picked or `dropped`), and tells the user
    /// what came of dialogs.
    pub fn receive_files(&mut self, dropped: &[egui::DroppedFileHandle]) {
        let Some(host) = &mut self.file_host else {
            return;
        };
        for arrival in host.arrivals(dropped) {
            match arrival {
                Arrival::File { from, bytes } => {
                    let command = if is_sample_file(&from, &bytes) {
                        let name = file_name(&from);
                        Command::Samples { name, bytes }
                    } else {
                        match String::from_utf8(bytes) {
                            Ok(text) => Command::LoadModel(text),
                            Err(_) => {
                                let e = format!(
                                    "{from}: not a text file (a model or mixture file is JSON; samples are CSV, text or .npy); nothing was changed"
                                );
                                self.error = Some(e.clone());
                                self.message = Some(e);
                                continue;
                            }
                        }
                    };
                    if let Ok(m) = self.apply(command) {
                        self.message = Some(format!("{m} (from {from})"));
                    }
                }
                Arrival::Failed(e) => {
                    self.error = Some(e.clone());
                    self.message = Some(e);
                }
                Arrival::Note(m) => self.message = Some(m),
            }
        }
    }
    /// Makes the rows of a file of samples the target (the samples objective fits them, fresh
    /// parameters); the file is read and checked whole first, so a bad one changes nothing.
    pub(super) fn load_samples(&mut self, name: String, bytes: &[u8]) -> Result<String, String> {
        let rows = read_samples(&name, bytes).map_err(|e| e.to_string())?;
        let loaded = LoadedSamples::new(SampleSetSpec {
            name,
            rows,
            bounds: None,
        });
        let next = Settings {
            target: "samples".into(),
            samples: Some(loaded),
            ..self.settings.clone()
        };
        self.switch_target(next)?;
        Ok(format!("samples loaded: {}", self.target.caption()))
    }
    /// Checks that `settings` would survive a link (the playground's ranges), so that a
    /// loaded file never puts the app in a state its own link cannot reopen.
    pub(super) fn shareable(&self, settings: &Settings) -> Result<(), String> {
        let check = Link {
            settings: settings.clone(),
            ..self.link()
        };
        link::parse(&link::encode(&check)).map(|_| ())
    }
    /// Opens a file the user picked or dropped: a saved model (it has a `format` field) or a
    /// custom Gaussian mixture (it has `components`), which becomes the `custom` target.
    pub(super) fn load_file(&mut self, text: &str) -> Result<String, String> {
        let head: Option<serde_json::Value> = serde_json::from_str(text).ok();
        let is_mixture = head
            .as_ref()
            .is_some_and(|v| v.get("components").is_some() && v.get("format").is_none());
        if !is_mixture {
            return self.load_model(text);
        }
        if text.len() > files::MAX_MODEL_BYTES {
            return Err("the mixture file is too large".into());
        }
        let mixture = CustomMixture::from_json(text).map_err(|e| format!("mixture file: {e}"))?;
        let mut next = self.settings.clone();
        next.target = "custom".into();
        next.mixture = Some(mixture.spec().clone());
        next.switch_objective(mixture.default_objective());
        self.shareable(&next)
            .map_err(|e| format!("mixture file: it cannot travel in a link ({e})"))?;
        self.settings = next;
        self.target = Arc::new(mixture);
        self.target_revision += 1;
        self.sync_canvas();
        self.rebuild();
        Ok(format!("custom mixture loaded: {}", self.target.name()))
    }
    /// Replaces the model, settings and target with a saved model's. Everything is checked
    /// before anything changes: the file's format, the target, and that its settings are within
    /// the playground's ranges (so the state stays shareable as a link).
    pub(super) fn load_model(&mut self, text: &str) -> Result<String, String> {
        if text.len() > files::MAX_MODEL_BYTES {
            return Err(format!(
                "the file is {} bytes; a model file is at most {}",
                text.len(),
                files::MAX_MODEL_BYTES
            ));
        }
        if MethodFile::claims(text) {
            return self.load_method_file(text);
        }
        let file = ModelFile::from_json(text).map_err(|e| e.to_string())?;
        unshareable_shape(&file.config)?;
        let mut settings = self.settings.clone();
        settings.method = crate::method::Method::Nhf;
        settings.flow = file.config.clone();
        // The continuation is the file's run history, not a setting a link would carry.
        let (train, dropped) = without_research_settings(&file.train);
        settings.train = TrainConfig {
            continuation: None,
            ..train.clone()
        };
        with_saved_target(
            &mut settings,
            &file.target,
            file.target_definition.as_ref(),
            "model file",
        )?;
        self.shareable(&settings).map_err(|e| {
            format!("model file: its settings are outside the playground's ranges ({e})")
        })?;
        let target: Arc<dyn Target> =
            Arc::from(settings.resolve_target().map_err(|e| e.to_string())?);
        let flow = file.flow().map_err(|e| e.to_string())?;
        let trainer = Trainer::resume(
            flow,
            train,
            target.clone(),
            file.adam.clone().unwrap_or_default(),
            file.step,
        )
        .map_err(|e| format!("model file: {e}"))?;
        self.running = false;
        self.target = target;
        self.target_revision += 1;
        self.settings = settings;
        self.trainer = trainer;
        self.method_run = super::MethodRun::Nhf;
        self.sync_canvas();
        self.anim.position = 0.0;
        self.grid = DensityGrid::new(self.target.as_ref(), &self.trainer.flow, file.step);
        self.record_trajectory();
        let note = if dropped.is_empty() {
            String::new()
        } else {
            format!(
                "; it was trained with the command line's research settings {}, which the \
                 playground does not offer: training here goes on without them",
                dropped.join(", ")
            )
        };
        Ok(format!(
            "model loaded: {} at iteration {}{note}",
            self.target.name(),
            file.step
        ))
    }
    /// Makes the painted picture the target. The flow keeps its parameters and optimiser
    /// state, so the class watches it adapt to the new picture; an empty canvas is refused and
    /// the previous target stays.
    pub(super) fn commit_canvas(&mut self) -> Result<String, String> {
        let canvas = self
            .canvas
            .as_mut()
            .ok_or("there is no canvas: pick the drawn target first")?;
        let target = DrawnTarget::from_drawn_grid(&canvas.grid)
            .map_err(|e| format!("{e}; the previous picture stays the target"))?;
        canvas.dirty = false;
        self.settings.drawing = Some(canvas.grid.clone());
        self.target = Arc::new(target);
        self.target_revision += 1;
        if !self.trainer.set_target(self.target.clone()) {
            self.rebuild();
        }
        self.grid = DensityGrid::new(self.target.as_ref(), &self.trainer.flow, self.trainer.step);
        self.record_trajectory();
        Ok("the picture is the new target".into())
    }
}

/// Puts a saved file's target into `settings`: a built-in one by its identifier, a painted
/// picture or a custom mixture from the definition the file carries. `what` names the file in
/// messages.
pub(super) fn with_saved_target(
    settings: &mut Settings,
    target: &str,
    definition: Option<&serde_json::Value>,
    what: &str,
) -> Result<(), String> {
    settings.target = target.into();
    if target == "drawn" {
        if let Some(def) = definition {
            let grid: DrawnGrid = serde_json::from_value(def.clone())
                .map_err(|e| format!("{what}: the drawing is malformed ({e})"))?;
            settings.drawing = Some(grid);
        }
    } else if target == "custom" {
        let def = definition.ok_or(format!("{what}: a custom target without its mixture"))?;
        let spec: MixtureSpec = serde_json::from_value(def.clone())
            .map_err(|e| format!("{what}: the mixture is malformed ({e})"))?;
        settings.mixture = Some(spec);
    } else if target == "formula" {
        let def = definition.ok_or(format!("{what}: a formula target without its formula"))?;
        let spec: FormulaSpec = serde_json::from_value(def.clone())
            .map_err(|e| format!("{what}: the formula is malformed ({e})"))?;
        settings.formula = Some(spec);
    } else if target == "samples" {
        let def = definition.ok_or(format!("{what}: a samples target without its samples"))?;
        settings.samples = Some(saved_samples(settings.samples.as_ref(), def, what)?);
    } else if !targets::TARGET_IDS.contains(&target) {
        return Err(format!(
            "{what}: target \"{target}\" is not one of the playground's"
        ));
    }
    Ok(())
}

/// Whether a file that arrived is one of samples rather than a model or mixture file: a
/// sample file's extension, NumPy's magic bytes, or (not named `.json`) text that is not a
/// JSON object.
fn is_sample_file(from: &str, bytes: &[u8]) -> bool {
    let lower = from.to_ascii_lowercase();
    if lower.ends_with(".json") {
        return false;
    }
    SAMPLE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
        || bytes.starts_with(NPY_MAGIC)
        || bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b != b'{')
}

/// The last part of a path (a dropped file's path natively, its name in the browser).
fn file_name(from: &str) -> String {
    from.rsplit(['/', '\\']).next().unwrap_or(from).to_owned()
}

/// The samples a saved file's definition gives: its rows, or, for a file that names a large
/// set by hash, the set open now if it is that one (else what to open first).
fn saved_samples(
    open: Option<&LoadedSamples>,
    def: &serde_json::Value,
    what: &str,
) -> Result<LoadedSamples, String> {
    let bounds: Option<[f64; 4]> = def
        .get("box")
        .map(|b| serde_json::from_value(b.clone()))
        .transpose()
        .map_err(|e| format!("{what}: the samples' box is malformed ({e})"))?;
    if def.get("rows").is_some() {
        let spec: SampleSetSpec = serde_json::from_value(def.clone())
            .map_err(|e| format!("{what}: the samples are malformed ({e})"))?;
        return Ok(LoadedSamples::new(spec));
    }
    let hash = def.get("hash").and_then(serde_json::Value::as_str);
    let name = def
        .get("name")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("?");
    match open.filter(|s| Some(s.hash.as_str()) == hash) {
        Some(s) => Ok(s.with_box(bounds)),
        None => Err(format!(
            "{what}: it was trained on {name} ({} rows, content hash {}), which is too large to travel in the file: open {name} first, then this file again",
            def.get("count").map_or("?".into(), ToString::to_string),
            hash.unwrap_or("?"),
        )),
    }
}

/// The file's training settings with the command line's research-only ones (a learning-rate
/// warm-up, a limit on the group bound's iterations, its mix with the plain loss, NAdam) set to
/// their defaults, and the names and values of those that were not: a link cannot carry them,
/// so the playground trains without them rather than hold settings it cannot share.
fn without_research_settings(file: &TrainConfig) -> (TrainConfig, Vec<String>) {
    let defaults = TrainConfig::default();
    let mut dropped = Vec::new();
    if file.warmup_iters != defaults.warmup_iters {
        dropped.push(format!("warmup_iters {}", file.warmup_iters));
    }
    if file.iw_iters != defaults.iw_iters {
        dropped.push(format!("iw_iters {}", file.iw_iters));
    }
    if file.iw_mix != defaults.iw_mix {
        dropped.push(format!("iw_mix {}", file.iw_mix));
    }
    if file.update_rule != defaults.update_rule {
        // The serde name, the spelling of files and of the command line's flag.
        let name = serde_json::to_value(file.update_rule).unwrap_or_default();
        dropped.push(format!("update_rule {}", name.as_str().unwrap_or("?")));
    }
    let train = TrainConfig {
        warmup_iters: defaults.warmup_iters,
        iw_iters: defaults.iw_iters,
        iw_mix: defaults.iw_mix,
        update_rule: defaults.update_rule,
        ..file.clone()
    };
    (train, dropped)
}

/// Refuses a model whose shape a link cannot carry (the command line's `--encoder-width`):
/// unlike the research settings, it sizes the parameters, so the playground can neither drop it
/// nor share it.
fn unshareable_shape(config: &crate::nhf::FlowConfig) -> Result<(), String> {
    let defaults = crate::nhf::FlowConfig::default();
    let mut odd = Vec::new();
    if config.encoder_width != defaults.encoder_width {
        odd.push(format!(
            "a momentum encoder of width {}",
            config.encoder_width
        ));
    }
    if odd.is_empty() {
        return Ok(());
    }
    Err(format!(
        "this model has {}, which the playground's links cannot carry, so it does not open \
         here; the command line's eval and sample read it. Nothing was changed",
        odd.join(" and ")
    ))
}
