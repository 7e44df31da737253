//! The methods beside the NHF (HMC, L2HMC, the planar and radial flows) as a user meets them in the
//! app: picked in the panel or by the test interface, run, stepped, carried by links.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use nhf_playground::app::NhfApp;
use nhf_playground::app::session::MethodRun;
use nhf_playground::app::settings::Settings;
use nhf_playground::method::Method;

fn harness(target: &str) -> Harness<'static, NhfApp> {
    let settings = Settings {
        target: target.into(),
        particles: 50,
        ..Settings::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|_cc| NhfApp::with_settings(settings, None));
    h.run_steps(2);
    h
}

fn status(h: &Harness<'static, NhfApp>) -> serde_json::Value {
    serde_json::from_str(&h.state().status()).unwrap()
}

/// HMC picked in the panel: Step runs exactly one iteration and animates its proposals;
/// Sample runs the chains on; the status reports the method, acceptance and step size.
#[test]
fn hmc_is_picked_in_the_panel_stepped_and_run() {
    let mut h = harness("banana");
    h.get_by_label("hmc").click();
    h.run_steps(2);
    assert_eq!(h.state().session.settings.method, Method::Hmc);
    assert_eq!(status(&h)["method"], "hmc");
    h.get_by_label("Step").click();
    h.run_steps(2);
    let MethodRun::Chains(run) = &h.state().session.method_run else {
        panic!("HMC does not run");
    };
    assert_eq!(run.chains.iteration(), 1);
    assert_eq!(
        run.shown.len(),
        16,
        "the first iteration's proposals are shown"
    );
    h.get_by_label("Sample").click();
    h.run_steps(20);
    let s = status(&h);
    assert!(s["method_iteration"].as_u64().unwrap() > 1, "{s}");
    assert!(s["step_size"].as_f64().unwrap() > 0.0);
    assert!(s["running"].as_bool().unwrap());
    h.get_by_label("Pause").click();
    h.run_steps(2);
    let at = status(&h)["method_iteration"].as_u64().unwrap();
    h.run_steps(5);
    assert_eq!(status(&h)["method_iteration"].as_u64().unwrap(), at);
}

/// HMC through the test interface, fast: after the warm-up it reports acceptance, ESS per
/// gradient and R̂, and stops by itself after its draws.
#[test]
fn hmc_reports_its_diagnostics_and_stops_after_its_draws() {
    let mut h = harness("banana");
    let app = h.state_mut();
    for cmd in [
        r#"{"cmd":"method","name":"hmc"}"#,
        r#"{"cmd":"set","key":"hmc_warmup","value":50}"#,
        r#"{"cmd":"set","key":"hmc_draws","value":100}"#,
        r#"{"cmd":"set","key":"hmc_rate","value":5000}"#,
        r#"{"cmd":"train"}"#,
    ] {
        let reply: serde_json::Value = serde_json::from_str(&app.command(cmd)).unwrap();
        assert_eq!(reply["ok"], true, "{cmd}: {reply}");
    }
    for _ in 0..400 {
        h.run_steps(1);
        if !h.state().session.running {
            break;
        }
    }
    let s = status(&h);
    assert_eq!(s["running"], false, "{s}");
    assert_eq!(s["draws"], 100);
    let acceptance = s["acceptance"].as_f64().unwrap();
    assert!((0.3..=1.0).contains(&acceptance), "{acceptance}");
    assert!(s["ess_per_grad"].as_f64().unwrap() > 0.0, "{s}");
    assert!(s["r_hat"].as_f64().unwrap() > 0.9, "{s}");
    assert!(
        s["message"].as_str().unwrap().contains("sampling finished"),
        "{s}"
    );
}

/// A planar flow picked by the test interface trains, lowers its loss, reports an ESS, and
/// its layer animation scrubs; a radial flow likewise builds.
#[test]
fn planar_and_radial_flows_train_and_animate_layer_by_layer() {
    let mut h = harness("u1");
    let reply = h.state_mut().command(r#"{"cmd":"method","name":"planar"}"#);
    assert!(reply.contains("\"ok\":true"), "{reply}");
    h.run_steps(1);
    h.get_by_label("Train").click();
    h.run_steps(30);
    let MethodRun::Layers(run) = &h.state().session.method_run else {
        panic!("the planar flow does not run");
    };
    let history = &run.trainer.history;
    assert!(history.len() > 20, "{} steps", history.len());
    let first = history[..5].iter().map(|(_, l)| l).sum::<f64>();
    let last = history[history.len() - 5..]
        .iter()
        .map(|(_, l)| l)
        .sum::<f64>();
    assert!(last < first, "loss {first} → {last}");
    assert!(status(&h)["ess"].as_f64().is_some());
    let reply = h.state_mut().command(r#"{"cmd":"scrub","step":3}"#);
    assert!(reply.contains("\"ok\":true"), "{reply}");
    let MethodRun::Layers(run) = &h.state().session.method_run else {
        panic!()
    };
    assert_eq!(run.position, 3.0);
    assert_eq!(run.paths[0].len(), 9, "8 layers: 9 points per path");
    let reply = h.state_mut().command(r#"{"cmd":"method","name":"radial"}"#);
    assert!(reply.contains("\"ok\":true"), "{reply}");
    h.run_steps(2);
    assert_eq!(status(&h)["method"], "radial");
}

/// A link carries the method and its settings and reproduces them; an NHF link carries none
/// of them; a bad method or value is refused with its name and changes nothing.
#[test]
fn links_carry_the_method_and_refuse_bad_ones() {
    let mut h = harness("banana");
    let app = h.state_mut();
    assert!(!app.session.link_hash().contains("method="));
    app.command(r#"{"cmd":"method","name":"hmc"}"#);
    app.command(r#"{"cmd":"set","key":"hmc_chains","value":5}"#);
    let link = app.session.link_hash();
    assert!(
        link.contains("method=hmc") && link.contains("hmc_chains=5"),
        "{link}"
    );
    let mut other = harness("8gaussians");
    let reply = other
        .state_mut()
        .command(&serde_json::json!({"cmd": "link", "link": link}).to_string());
    assert!(reply.contains("\"ok\":true"), "{reply}");
    other.run_steps(1);
    let s = &other.state().session;
    assert_eq!(s.settings.method, Method::Hmc);
    assert_eq!(s.settings.hmc.chains, 5);
    assert_eq!(s.settings.target, "banana");
    for bad in [
        r#"{"cmd":"method","name":"mcmc"}"#,
        r#"{"cmd":"set","key":"hmc_step_size","value":0}"#,
        r#"{"cmd":"set","key":"layers","value":1000}"#,
    ] {
        let reply = other.state_mut().command(bad);
        assert!(reply.contains("\"ok\":false"), "{bad}: {reply}");
    }
    assert_eq!(other.state().session.settings.method, Method::Hmc);
}

/// L2HMC through the test interface: its training iterations move the chains and report a
/// loss, then it samples, reports acceptance, the learned step size, ESS per gradient and
/// R̂, and stops after its draws; a link carries it.
#[test]
fn l2hmc_trains_then_samples_and_travels_in_a_link() {
    let mut h = harness("banana");
    let app = h.state_mut();
    for cmd in [
        r#"{"cmd":"method","name":"l2hmc"}"#,
        r#"{"cmd":"set","key":"l2hmc_train","value":20}"#,
        r#"{"cmd":"set","key":"l2hmc_steps","value":4}"#,
        r#"{"cmd":"set","key":"hmc_draws","value":60}"#,
        r#"{"cmd":"set","key":"hmc_rate","value":5000}"#,
        r#"{"cmd":"step"}"#,
    ] {
        let reply: serde_json::Value = serde_json::from_str(&app.command(cmd)).unwrap();
        assert_eq!(reply["ok"], true, "{cmd}: {reply}");
    }
    h.run_steps(2);
    {
        let MethodRun::Chains(run) = &h.state().session.method_run else {
            panic!("L2HMC does not run");
        };
        assert_eq!(run.chains.iteration(), 1);
        assert_eq!(
            run.chains.losses().len(),
            1,
            "a training iteration has a loss"
        );
        assert_eq!(run.shown.len(), 16, "its chains' proposals are shown");
        assert_eq!(run.shown[0].q.len(), 5, "start and four steps");
    }
    let reply = h.state_mut().command(r#"{"cmd":"train"}"#);
    assert!(reply.contains("\"ok\":true"), "{reply}");
    for _ in 0..600 {
        h.run_steps(1);
        if !h.state().session.running {
            break;
        }
    }
    let s = status(&h);
    assert_eq!(s["method"], "l2hmc");
    assert_eq!(s["draws"], 60, "{s}");
    assert!(!s["running"].as_bool().unwrap());
    assert!(s["acceptance"].as_f64().unwrap() > 0.0, "{s}");
    assert!(s["step_size"].as_f64().unwrap() > 0.0);
    assert!(s["ess_per_grad"].as_f64().is_some(), "{s}");
    assert!(s["r_hat"].as_f64().is_some(), "{s}");
    let link = h.state().session.link_hash();
    assert!(link.contains("method=l2hmc"), "{link}");
    assert!(link.contains("l2hmc_steps=4"), "{link}");
    assert!(link.contains("l2hmc_train=20"), "{link}");
}

/// The comparison opened from the panel runs every method in turn on a small budget and
/// reports each one's figures; a checkbox drops a method, a link carries the comparison and
/// Close brings the method's own views back; another target runs the same methods on it.
#[test]
fn the_comparison_runs_every_method_and_travels_in_a_link() {
    let mut h = harness("u1");
    h.state_mut().session.compare_budget = nhf_playground::compare::Budget {
        train_iters: 30,
        layers: 2,
        chains: 4,
        draws_per_chain: 40,
        l2hmc_train_iters: 5,
        seed: 0,
        nhf_size: None,
        flow_draws: 800,
        target_draws: 10_000,
    };
    h.get_by_label("Compare methods side by side").click();
    h.run_steps(2);
    let s = status(&h);
    let names: Vec<&str> = s["compare"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["method"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["planar", "radial", "hmc", "l2hmc", "nhf"]);
    assert!(
        s["link"]
            .as_str()
            .unwrap()
            .contains("compare=planar,radial,hmc,l2hmc,nhf")
    );
    let mut frames = 0;
    while status(&h)["compare"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["state"] != "done")
    {
        h.run_steps(1);
        frames += 1;
        assert!(
            frames < 2000,
            "the comparison does not finish: {}",
            status(&h)["compare"]
        );
    }
    let s = status(&h);
    for m in s["compare"].as_array().unwrap() {
        assert!(m["kl"].as_f64().is_some_and(f64::is_finite), "{m}");
        assert!(m["grad_evals"].as_u64().unwrap() > 0, "{m}");
        let sampler = ["hmc", "l2hmc"].contains(&m["method"].as_str().unwrap());
        assert_eq!(m["acceptance"].is_number(), sampler, "{m}");
    }
    // The table shows each method's figures.
    h.run_steps(2);
    assert!(h.query_by_label("binned KL").is_some());
    // Unticking HMC runs the others again without it.
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "hmc")
        .click();
    h.run_steps(2);
    let names = status(&h)["compare"].as_array().unwrap().len();
    assert_eq!(names, 4);
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert!(status(&h)["compare"].is_null());
    // A link opens the comparison; a bad method name refuses the link and keeps the state.
    let reply = h
        .state_mut()
        .command(r##"{"cmd":"link","link":"#target=banana&compare=hmc,planar"}"##);
    assert!(!reply.contains("error"), "{reply}");
    h.run_steps(2);
    let s = status(&h);
    assert_eq!(s["target"], "banana");
    assert_eq!(s["compare"].as_array().unwrap().len(), 2);
    let reply = h
        .state_mut()
        .command(r##"{"cmd":"link","link":"#target=u2&compare=nuts"}"##);
    assert!(reply.contains("nuts"), "{reply}");
    assert_eq!(status(&h)["target"], "banana");
    // Another target: the same methods again, on it.
    h.state_mut().command(r#"{"cmd":"target","name":"donut"}"#);
    let s = status(&h);
    assert_eq!(s["target"], "donut");
    let methods = s["compare"].as_array().unwrap();
    assert_eq!(methods.len(), 2, "{s}");
    assert!(methods.iter().all(|m| m["state"] != "done"), "{s}");
    h.state_mut().command(r#"{"cmd":"compare","methods":""}"#);
    h.run_steps(2);
    assert!(status(&h)["compare"].is_null());
}

/// A comparison travels as `compare=` in the order given; an unknown method refuses the link
/// with the known names.
#[test]
fn a_comparison_travels_in_a_link() {
    use nhf_playground::app::link::{encode, parse};
    use nhf_playground::compare::Contender;
    let link = parse("#target=donut&compare=hmc,nhf-learned,planar").unwrap();
    assert_eq!(
        link.compare,
        Some(vec![
            Contender::Hmc,
            Contender::NhfLearned,
            Contender::Planar
        ])
    );
    let hash = encode(&link);
    assert!(hash.contains("&compare=hmc,nhf-learned,planar&"), "{hash}");
    assert_eq!(parse(&hash).unwrap(), link);
    assert_eq!(parse("#target=donut&compare=").unwrap().compare, None);
    let e = parse("#compare=hmc,nuts").unwrap_err();
    assert!(
        e.contains("compare") && e.contains("nuts") && e.contains("l2hmc"),
        "{e}"
    );
}
