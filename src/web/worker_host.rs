//! Training in a Web Worker. The page starts `train_worker.js`, which loads a second instance
//! of this same wasm module and drives a [`TrainWorker`]; the page's [`WorkerHost`] sends it
//! jobs and receives its reports (see `app::training_host` for the protocol). Messages carry
//! the scalar part as JSON, the checkpoint's three vectors as `Float32Array`s and the grid
//! cells as a `Float64Array`, so a report of a 6,000-parameter model costs a copy, not a
//! parse.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;

use crate::app::training_host::{
    Envelope, GRID_SLICE_MS, JobHeader, JobRunner, ReportHeader, TRAIN_SLICE_MS, TrainJob,
    TrainReport, TrainingHost,
};

/// The worker's script, copied beside the app by Trunk (see index.html).
const WORKER_SCRIPT: &str = "./train_worker.js";

pub(super) fn get(object: &JsValue, key: &str) -> Result<JsValue, String> {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).map_err(|e| format!("{key}: {e:?}"))
}

pub(super) fn set(object: &js_sys::Object, key: &str, value: &JsValue) {
    // Setting a property of a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), value);
}

/// Sets `key` to a `Float32Array` copy of `v` (the writer beside [`floats`]).
pub(super) fn set_floats(object: &js_sys::Object, key: &str, v: &[f32]) {
    set(object, key, &js_sys::Float32Array::from(v).into());
}

/// Sets `key` to a `Float64Array` copy of `v` (the writer beside [`doubles`]).
pub(super) fn set_doubles(object: &js_sys::Object, key: &str, v: &[f64]) {
    set(object, key, &js_sys::Float64Array::from(v).into());
}

pub(super) fn floats(object: &JsValue, key: &str) -> Result<Vec<f32>, String> {
    get(object, key)?
        .dyn_into::<js_sys::Float32Array>()
        .map(|a| a.to_vec())
        .map_err(|_| format!("{key} is not a Float32Array"))
}

pub(super) fn doubles(object: &JsValue, key: &str) -> Result<Vec<f64>, String> {
    get(object, key)?
        .dyn_into::<js_sys::Float64Array>()
        .map(|a| a.to_vec())
        .map_err(|_| format!("{key} is not a Float64Array"))
}

/// An envelope as a JS object: `kind`, the header as JSON, three `Float32Array`s and the
/// `Float64Array`s of grid cells and samples.
fn to_js<H: serde::Serialize>(kind: &str, envelope: &Envelope<H>) -> JsValue {
    let object = js_sys::Object::new();
    set(&object, "kind", &JsValue::from_str(kind));
    let header = serde_json::to_string(&envelope.header).unwrap_or_default();
    set(&object, "header", &JsValue::from_str(&header));
    for (key, v) in [
        ("params", &envelope.params),
        ("m", &envelope.m),
        ("v", &envelope.v),
    ] {
        set_floats(&object, key, v);
    }
    for (key, v) in [("cells", &envelope.cells), ("samples", &envelope.samples)] {
        set_doubles(&object, key, v);
    }
    object.into()
}

/// The envelope a JS object made by [`to_js`] carries.
fn from_js<H: serde::de::DeserializeOwned>(data: &JsValue) -> Result<Envelope<H>, String> {
    let header = get(data, "header")?
        .as_string()
        .ok_or("the message has no header")?;
    Ok(Envelope {
        header: serde_json::from_str(&header).map_err(|e| e.to_string())?,
        params: floats(data, "params")?,
        m: floats(data, "m")?,
        v: floats(data, "v")?,
        cells: doubles(data, "cells")?,
        samples: doubles(data, "samples")?,
    })
}

/// The page's side: a dedicated worker and the reports it has sent.
pub struct WorkerHost {
    worker: web_sys::Worker,
    inbox: Rc<RefCell<Vec<TrainReport>>>,
    /// The timing of the last `bench`, once it arrived.
    bench: Rc<RefCell<Option<serde_json::Value>>>,
    failure: Rc<RefCell<Option<String>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl WorkerHost {
    /// Starts the worker (it loads the wasm module in the background).
    pub fn spawn() -> Result<Self, JsValue> {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(WORKER_SCRIPT, &options)?;
        let inbox = Rc::new(RefCell::new(Vec::new()));
        let failure = Rc::new(RefCell::new(None));
        let bench = Rc::new(RefCell::new(None));
        let (sink, failed, timing) = (inbox.clone(), failure.clone(), bench.clone());
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data();
                match get(&data, "kind")
                    .ok()
                    .and_then(|k| k.as_string())
                    .as_deref()
                {
                    Some("report") => match from_js::<ReportHeader>(&data) {
                        Ok(report) => sink.borrow_mut().push(report),
                        Err(e) => *failed.borrow_mut() = Some(format!("a bad report: {e}")),
                    },
                    Some("bench") => {
                        let result = get(&data, "result")
                            .ok()
                            .and_then(|r| r.as_string())
                            .and_then(|r| serde_json::from_str(&r).ok())
                            .unwrap_or_else(|| serde_json::json!({"error": "a bad timing"}));
                        *timing.borrow_mut() = Some(result);
                    }
                    _ => {
                        let why = get(&data, "error")
                            .ok()
                            .and_then(|e| e.as_string())
                            .unwrap_or_else(|| "an unknown message".into());
                        *failed.borrow_mut() = Some(why);
                    }
                }
            },
        );
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let failed = failure.clone();
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                *failed.borrow_mut() = Some(format!("the worker failed: {}", event.message()));
            });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            inbox,
            bench,
            failure,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    fn post(&self, message: &JsValue) {
        if let Err(e) = self.worker.post_message(message) {
            *self.failure.borrow_mut() = Some(format!("posting to the worker failed: {e:?}"));
        }
    }
}

impl Drop for WorkerHost {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

impl TrainingHost for WorkerHost {
    fn start(&mut self, job: TrainJob) {
        self.post(&to_js("start", &job));
    }

    fn stop(&mut self) {
        let object = js_sys::Object::new();
        set(&object, "kind", &JsValue::from_str("stop"));
        self.post(&object.into());
    }

    fn poll(&mut self) -> Vec<TrainReport> {
        std::mem::take(&mut *self.inbox.borrow_mut())
    }

    fn failure(&self) -> Option<String> {
        self.failure.borrow().clone()
    }

    fn bench(&mut self, config: &str, reps: usize, workers: usize) -> Result<(), String> {
        let object = js_sys::Object::new();
        set(&object, "kind", &JsValue::from_str("bench"));
        set(&object, "config", &JsValue::from_str(config));
        set(&object, "reps", &JsValue::from_f64(reps as f64));
        set(&object, "workers", &JsValue::from_f64(workers as f64));
        self.bench.borrow_mut().take();
        self.post(&object.into());
        Ok(())
    }

    fn bench_result(&mut self) -> Option<serde_json::Value> {
        self.bench.borrow_mut().take()
    }
}

/// The worker's side, driven by `train_worker.js`: one job at a time.
#[wasm_bindgen]
#[derive(Default)]
pub struct TrainWorker {
    runner: Option<JobRunner>,
}

#[wasm_bindgen]
impl TrainWorker {
    /// A worker with no job.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes a "start" message; returns a report to post at once when the job cannot run.
    pub fn start(&mut self, data: JsValue) -> JsValue {
        let job = from_js::<JobHeader>(&data);
        let id = job.as_ref().map_or(0, |j| j.header.id);
        match job.and_then(JobRunner::new) {
            Ok(runner) => {
                self.runner = Some(runner);
                JsValue::UNDEFINED
            }
            Err(e) => {
                self.runner = None;
                to_js("report", &TrainReport::failed(id, e))
            }
        }
    }

    /// Drops the job.
    pub fn stop(&mut self) {
        self.runner = None;
    }

    /// Whether a job is running (false once a step has failed).
    pub fn active(&self) -> bool {
        self.runner.as_ref().is_some_and(|r| r.active())
    }

    /// Trains one slice and returns its report (undefined without a job).
    pub fn run_slice(&mut self) -> JsValue {
        match &mut self.runner {
            Some(r) if r.active() => to_js("report", &r.run_slice(TRAIN_SLICE_MS, GRID_SLICE_MS)),
            _ => JsValue::UNDEFINED,
        }
    }

    /// Replaces the job by a bench job (`app::shared_step::bench_job`) shared among
    /// `workers` workers; returns the job's header as JSON, for the helpers.
    pub fn start_bench(&mut self, config: &str, workers: u32) -> Result<String, String> {
        self.runner = None;
        let job = crate::app::shared_step::bench_job(config, workers as usize)?;
        let header = serde_json::to_string(&job.header).map_err(|e| e.to_string())?;
        self.runner = Some(JobRunner::new(job)?);
        Ok(header)
    }

    /// How many workers should share the job's steps on a computer with `cores` cores, this
    /// one included (1 without a job).
    pub fn workers(&self, cores: u32) -> u32 {
        self.runner
            .as_ref()
            .map_or(1, |r| r.workers(cores as usize) as u32)
    }

    /// The milliseconds of training between reports.
    pub fn slice_ms(&self) -> f64 {
        TRAIN_SLICE_MS
    }

    /// Draws the next shared step's batch; false when the job has nothing to do.
    pub fn begin_step(&mut self) -> bool {
        self.runner.as_mut().is_some_and(|r| r.begin_shared_step())
    }

    /// The step's order for helper `worker` of `workers` (see `app::shared_step`).
    pub fn order(&self, worker: u32, workers: u32) -> JsValue {
        match &self.runner {
            Some(r) => {
                super::piece_worker::order_to_js(&r.order_for(worker as usize, workers as usize))
            }
            None => JsValue::UNDEFINED,
        }
    }

    /// Computes this worker's own pieces of the step.
    pub fn own_pieces(&mut self, workers: u32) {
        if let Some(r) = &mut self.runner {
            r.compute_own_pieces(workers as usize);
        }
    }

    /// Takes a helper's reply; returns why it was refused, if it was (its pieces are then
    /// computed here by `finish_step`).
    pub fn take_reply(&mut self, data: JsValue) -> Option<String> {
        let r = self.runner.as_mut()?;
        super::piece_worker::reply_from_js(&data)
            .and_then(|reply| r.take_reply(&reply))
            .err()
    }

    /// Sums the step's pieces and takes the optimiser step.
    pub fn finish_step(&mut self) {
        if let Some(r) = &mut self.runner {
            r.finish_shared_step();
        }
    }

    /// The report of the steps since the last one, after evaluating the density grid for its
    /// slice (undefined without a job).
    pub fn report(&mut self) -> JsValue {
        match &mut self.runner {
            Some(r) => to_js("report", &r.report(GRID_SLICE_MS)),
            None => JsValue::UNDEFINED,
        }
    }
}
