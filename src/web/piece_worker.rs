//! A helper Web Worker of a shared training step (`app::shared_step`): `piece_worker.js` loads
//! another instance of this wasm module and drives a [`PieceWorker`]. The training worker sends
//! it the job once ("setup") and an order per step ("pieces"); it answers with its pieces'
//! losses and gradients. Orders and replies carry their vectors as typed arrays.

use wasm_bindgen::prelude::*;

use super::worker_host::{doubles, floats, get, set, set_doubles, set_floats};
use crate::app::shared_step::{PieceHelper, PieceOrder, PieceReply};
use crate::app::training_host::JobHeader;

fn number(object: &JsValue, key: &str) -> Result<f64, String> {
    get(object, key)?
        .as_f64()
        .ok_or_else(|| format!("{key} is not a number"))
}

/// An order as the JS object posted to a helper.
pub(super) fn order_to_js(order: &PieceOrder) -> JsValue {
    let object = js_sys::Object::new();
    set(&object, "kind", &JsValue::from_str("pieces"));
    set_floats(&object, "params", &order.params);
    set_doubles(&object, "a", &order.a);
    set_doubles(&object, "b", &order.b);
    set(&object, "beta", &JsValue::from_f64(order.beta));
    set(&object, "draws", &JsValue::from_f64(order.draws as f64));
    set(&object, "mix", &JsValue::from_f64(order.mix));
    set(&object, "dreg", &JsValue::from_bool(order.dreg));
    set(&object, "worker", &JsValue::from_f64(order.worker as f64));
    set(&object, "workers", &JsValue::from_f64(order.workers as f64));
    object.into()
}

fn order_from_js(data: &JsValue) -> Result<PieceOrder, String> {
    Ok(PieceOrder {
        params: floats(data, "params")?,
        a: doubles(data, "a")?,
        b: doubles(data, "b")?,
        beta: number(data, "beta")?,
        draws: number(data, "draws")? as usize,
        mix: number(data, "mix")?,
        dreg: get(data, "dreg")?.as_bool().unwrap_or(false),
        worker: number(data, "worker")? as usize,
        workers: number(data, "workers")? as usize,
    })
}

fn reply_to_js(reply: &PieceReply) -> JsValue {
    let object = js_sys::Object::new();
    set(&object, "kind", &JsValue::from_str("pieces"));
    set(&object, "first", &JsValue::from_f64(reply.first as f64));
    set_floats(&object, "losses", &reply.losses);
    set_floats(&object, "grads", &reply.grads);
    object.into()
}

/// The reply a helper posted.
pub(super) fn reply_from_js(data: &JsValue) -> Result<PieceReply, String> {
    if let Some(why) = get(data, "error").ok().and_then(|e| e.as_string()) {
        return Err(why);
    }
    Ok(PieceReply {
        first: number(data, "first")? as usize,
        losses: floats(data, "losses")?,
        grads: floats(data, "grads")?,
    })
}

fn error_to_js(why: &str) -> JsValue {
    let object = js_sys::Object::new();
    set(&object, "kind", &JsValue::from_str("error"));
    set(&object, "error", &JsValue::from_str(why));
    object.into()
}

/// The helper's side, driven by `piece_worker.js`: one job's flow at a time.
#[wasm_bindgen]
#[derive(Default)]
pub struct PieceWorker {
    helper: Option<PieceHelper>,
}

#[wasm_bindgen]
impl PieceWorker {
    /// A helper with no job.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes a "setup" message (the job's header as JSON); returns why it cannot help with
    /// that job, if so.
    pub fn setup(&mut self, data: JsValue) -> Option<String> {
        let built = get(&data, "header")
            .and_then(|h| {
                h.as_string()
                    .ok_or_else(|| "the setup has no header".into())
            })
            .and_then(|h| serde_json::from_str::<JobHeader>(&h).map_err(|e| e.to_string()))
            .and_then(|header| PieceHelper::new(&header));
        match built {
            Ok(helper) => {
                self.helper = Some(helper);
                None
            }
            Err(e) => {
                self.helper = None;
                Some(e)
            }
        }
    }

    /// Computes an order's pieces; the reply, or an error object.
    pub fn compute(&mut self, data: JsValue) -> JsValue {
        let Some(helper) = &mut self.helper else {
            return error_to_js("the helper has no job");
        };
        match order_from_js(&data).and_then(|o| helper.compute(&o)) {
            Ok(reply) => reply_to_js(&reply),
            Err(e) => error_to_js(&e),
        }
    }
}
