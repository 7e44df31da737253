//! A file of the user's own 2D samples in the app's session: picked or dropped (CSV, text or
//! `.npy`), it becomes the target the samples objective fits, with a held-out NLL readout and
//! a box the user may set; it travels in model files, and a link names it by hash. Every bad
//! file is refused with the line and the problem, and the target and model stay.

use std::sync::{Arc, Mutex};

use nhf_playground::app::file_host::{Arrival, FileHost};
use nhf_playground::app::files::FileOut;
use nhf_playground::app::session::{Command, Session};
use nhf_playground::app::settings::Settings;
use nhf_playground::app::training_host::{JobHeader, JobRunner, TrainJob};

fn session() -> Session {
    let mut settings = Settings::default();
    settings.train.batch = 32;
    settings.particles = 20;
    Session::new(settings)
}

/// 400 rows of a ring of radius 2 as CSV, with a header and a comment.
fn ring_csv() -> String {
    let mut text = String::from("# a ring\nx,y\n");
    for k in 0..400 {
        let a = f64::from(k) * 0.157;
        let r = 2.0 + 0.05 * (f64::from(k) * 1.7).sin();
        text.push_str(&format!("{},{}\n", r * a.cos(), r * a.sin()));
    }
    text
}

fn load(s: &mut Session, name: &str, bytes: &[u8]) -> Result<String, String> {
    s.apply(Command::Samples {
        name: name.into(),
        bytes: bytes.to_vec(),
    })
}

fn status(s: &Session) -> serde_json::Value {
    let widgets = nhf_playground::app::status::UiReport::default();
    serde_json::from_str(&nhf_playground::app::status::status_json(s, &widgets)).unwrap()
}

#[test]
fn a_csv_becomes_the_target_trains_and_reports_its_held_out_nll() {
    let mut s = session();
    let answer = load(&mut s, "ring.csv", ring_csv().as_bytes()).unwrap();
    assert!(answer.contains("400 rows from ring.csv"), "{answer}");
    assert_eq!(s.settings.target, "samples");
    assert_eq!(s.target.name(), "Samples: ring.csv");
    assert_eq!(
        s.settings.flow.objective,
        nhf_playground::nhf::Objective::Samples
    );
    let [[x0, x1], [y0, y1]] = s.target.bounds().0;
    assert!(x0 < -2.0 && x1 > 2.0 && y0 < -2.0 && y1 > 2.0);
    for _ in 0..3 {
        s.apply(Command::Step).unwrap();
    }
    s.tick(0.016);
    let st = status(&s);
    assert_eq!(st["samples"]["rows"], 400);
    assert_eq!(st["samples"]["name"], "ring.csv");
    assert_eq!(st["samples"]["own_box"], false);
    let nll = st["nll"]
        .as_f64()
        .expect("a held-out NLL under the samples objective");
    assert!(nll.is_finite() && nll > 0.0, "nll {nll}");
    // The rows never enter the status or the stored settings.
    assert!(st["settings"].get("samples").is_none());
    let stored = serde_json::to_string(&s.settings).unwrap();
    assert!(!stored.contains("ring.csv"), "{stored}");
}

#[test]
fn every_bad_file_is_refused_with_the_line_and_the_target_and_model_stay() {
    let mut s = session();
    s.apply(Command::Target("moons".into())).unwrap();
    s.apply(Command::Step).unwrap();
    let params = s.flow().params.clone();
    let mut ten_same = String::new();
    for _ in 0..12 {
        ten_same.push_str("1.5,2.5\n");
    }
    let cases: [(&str, Vec<u8>, &str); 6] = [
        ("cells.csv", b"x,y\n1,2\n3,abc\n".to_vec(), "line 3"),
        ("nan.csv", b"1,2\n3,NaN\n".to_vec(), "line 2"),
        ("one.csv", b"1\n2\n3\n".to_vec(), "line 1"),
        ("few.csv", b"1,2\n3,4\n5,6\n".to_vec(), "only 3"),
        ("same.csv", ten_same.into_bytes(), "same"),
        ("comma.csv", b"1,5;2,5\n".to_vec(), "line 1"),
    ];
    for (name, bytes, expect) in cases {
        let e = load(&mut s, name, &bytes).unwrap_err();
        assert!(e.contains(name) && e.contains(expect), "{name}: {e}");
        assert!(e.contains("stay"), "{e}");
        assert_eq!(s.settings.target, "moons", "{name} changed the target");
        assert_eq!(s.flow().params, params, "{name} changed the model");
        assert_eq!(s.error.as_deref(), Some(e.as_str()));
    }
}

/// A file host that hands over what a test put in it.
struct Inbox(Arc<Mutex<Vec<Arrival>>>);

impl FileHost for Inbox {
    fn deliver(&mut self, _file: FileOut, _what: &str) -> Result<String, String> {
        Ok("delivered".into())
    }
    fn pick(&mut self) -> Result<String, String> {
        Ok("pick".into())
    }
    fn arrivals(&mut self, _dropped: &[egui::DroppedFileHandle]) -> Vec<Arrival> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A `.npy` file (format 1.0, little-endian f64, C order) of these rows.
fn npy(rows: &[[f64; 2]]) -> Vec<u8> {
    let mut header = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, 2), }}",
        rows.len()
    );
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&u16::try_from(header.len()).unwrap().to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in rows.iter().flatten() {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

#[test]
fn picked_and_dropped_files_are_told_apart_by_name_and_content() {
    let mut s = session();
    let inbox = Arc::new(Mutex::new(Vec::new()));
    s.set_file_host(Box::new(Inbox(inbox.clone())));
    let deliver = |s: &mut Session, from: &str, bytes: Vec<u8>| {
        inbox.lock().unwrap().push(Arrival::File {
            from: from.into(),
            bytes,
        });
        s.receive_files(&[]);
    };
    // A .npy file (binary), dropped from a path: the name shown is the file's.
    let rows: Vec<[f64; 2]> = (0..50).map(|k| [f64::from(k), f64::from(k % 7)]).collect();
    deliver(&mut s, "/home/me/data/points.npy", npy(&rows));
    assert_eq!(s.settings.target, "samples", "{:?}", s.error);
    assert_eq!(s.target.name(), "Samples: points.npy");
    assert!(
        s.message
            .as_deref()
            .unwrap()
            .contains("from /home/me/data/points.npy")
    );
    // Whitespace-separated text with no telling extension is samples too.
    deliver(
        &mut s,
        "measured",
        b"0 0\n1 1\n2 0\n3 1\n4 0\n5 1\n6 0\n7 1\n8 0\n9 1\n".to_vec(),
    );
    assert_eq!(s.target.name(), "Samples: measured", "{:?}", s.error);
    // A JSON object is a model or mixture file, and its refusal says so.
    deliver(
        &mut s,
        "broken.json",
        b"{\"format\":\"nhf-playground-model\",".to_vec(),
    );
    assert!(
        s.error.as_deref().unwrap().contains("kept"),
        "{:?}",
        s.error
    );
    assert_eq!(s.target.name(), "Samples: measured");
    // Binary bytes named .json are not a model file.
    deliver(&mut s, "x.json", vec![0xff, 0xfe, 0x00]);
    assert!(
        s.error.as_deref().unwrap().contains("not a text file"),
        "{:?}",
        s.error
    );
    assert_eq!(s.target.name(), "Samples: measured");
}

#[test]
fn the_user_sets_the_box_and_a_bad_box_changes_nothing() {
    let mut s = session();
    load(&mut s, "ring.csv", ring_csv().as_bytes()).unwrap();
    let answer = s
        .apply(Command::SamplesBox(Some([-3.0, 3.0, -2.5, 2.5])))
        .unwrap();
    assert!(answer.contains("[-3.000, 3.000]"), "{answer}");
    assert_eq!(s.target.bounds().0, [[-3.0, 3.0], [-2.5, 2.5]]);
    assert_eq!(s.settings.target, "samples");
    assert!(
        s.link_hash().contains("box=-3,3,-2.5,2.5"),
        "{}",
        s.link_hash()
    );
    let e = s
        .apply(Command::SamplesBox(Some([3.0, -3.0, -2.5, 2.5])))
        .unwrap_err();
    assert!(e.contains("xmin < xmax"), "{e}");
    assert_eq!(s.target.bounds().0, [[-3.0, 3.0], [-2.5, 2.5]]);
    s.apply(Command::SamplesBox(None)).unwrap();
    assert!(s.target.bounds().0[0][0] > -3.0);
    // Without samples there is no box to set.
    let mut fresh = session();
    assert!(fresh.apply(Command::SamplesBox(None)).is_err());
}

#[test]
fn a_link_names_the_samples_and_opens_only_where_that_file_is_open() {
    let mut a = session();
    load(&mut a, "ring.csv", ring_csv().as_bytes()).unwrap();
    a.apply(Command::Set("seed".into(), 7.into())).unwrap();
    let link = a.link_hash();
    assert!(
        link.contains("target=samples") && link.contains("data="),
        "{link}"
    );
    // Elsewhere, without the file: refused, saying what to open, nothing changed.
    let mut b = session();
    let before = b.settings.clone();
    let e = b.apply(Command::Link(link.clone())).unwrap_err();
    assert!(
        e.contains("cannot carry its rows") && e.contains("open that file"),
        "{e}"
    );
    assert_eq!(b.settings, before);
    // With another file of samples open: refused the same way.
    let mut other = ring_csv();
    other.push_str("9,9\n");
    load(&mut b, "other.csv", other.as_bytes()).unwrap();
    assert!(b.apply(Command::Link(link.clone())).is_err());
    // With the same file open: the link's settings apply.
    load(&mut b, "ring.csv", ring_csv().as_bytes()).unwrap();
    b.apply(Command::Link(link)).unwrap();
    assert_eq!(b.settings.target, "samples");
    assert_eq!(b.settings.train.seed, 7);
    assert_eq!(b.flow().params, a.flow().params);
    // The density objective fits the rows' kernel estimate, and its link reopens too.
    b.apply(Command::Set("objective".into(), "density".into()))
        .unwrap();
    let density = b.link_hash();
    b.apply(Command::Link(density.clone())).unwrap();
    assert_eq!(b.link_hash(), density);
    // Another target's link keeps the file open, to go back to from the picker.
    b.apply(Command::Link("#target=moons".into())).unwrap();
    b.apply(Command::Target("samples".into())).unwrap();
    assert_eq!(b.target.name(), "Samples: ring.csv");
    // A session started from a stored state with the samples target (the rows are not
    // stored) says what to do and shows 8gaussians.
    let stored: Settings =
        serde_json::from_str(&serde_json::to_string(&a.settings).unwrap()).unwrap();
    let c = Session::new(stored);
    assert_eq!(c.settings.target, "8gaussians");
    assert!(
        c.error
            .as_deref()
            .unwrap()
            .contains("open a CSV or .npy file"),
        "{:?}",
        c.error
    );
}

#[test]
fn the_samples_travel_in_the_model_file() {
    let mut a = session();
    load(&mut a, "ring.csv", ring_csv().as_bytes()).unwrap();
    a.apply(Command::SamplesBox(Some([-3.0, 3.0, -3.0, 3.0])))
        .unwrap();
    a.apply(Command::Step).unwrap();
    a.apply(Command::Step).unwrap();
    a.apply(Command::SaveModel).unwrap();
    let text = String::from_utf8(a.outbox.pop().unwrap().bytes).unwrap();
    let mut b = session();
    let answer = b.apply(Command::LoadModel(text.clone())).unwrap();
    assert!(answer.contains("Samples: ring.csv"), "{answer}");
    assert_eq!(b.settings.samples, a.settings.samples);
    assert_eq!(b.target.bounds(), a.target.bounds());
    assert!(b.flow().params == a.flow().params);
    // Training resumes, and the same file resumes the same way everywhere.
    let mut c = session();
    c.apply(Command::LoadModel(text)).unwrap();
    b.apply(Command::Step).unwrap();
    c.apply(Command::Step).unwrap();
    assert_eq!(b.trainer.step, 3);
    assert!(
        b.flow().params == c.flow().params,
        "the file resumed two ways"
    );
}

#[test]
fn a_training_job_carries_the_rows_across_a_worker_boundary() {
    let mut s = session();
    load(&mut s, "ring.csv", ring_csv().as_bytes()).unwrap();
    let job = TrainJob::of(3, &s.settings, &s.trainer, false);
    assert_eq!(job.samples.len(), 800);
    // What a worker receives: the header through JSON (the settings lose the rows).
    let header: JobHeader =
        serde_json::from_str(&serde_json::to_string(&job.header).unwrap()).unwrap();
    assert!(header.settings.samples.is_none());
    let far = TrainJob { header, ..job };
    let mut runner = JobRunner::new(far).unwrap();
    let report = runner.run_slice(0.0, 0.0);
    s.apply(Command::Step).unwrap();
    assert!(
        report.params == s.trainer.checkpoint().params,
        "the worker trained differently"
    );
}

#[test]
fn a_model_file_naming_large_samples_by_hash_opens_only_where_they_are_open() {
    let mut a = session();
    load(&mut a, "ring.csv", ring_csv().as_bytes()).unwrap();
    a.apply(Command::Step).unwrap();
    a.apply(Command::SaveModel).unwrap();
    let text = String::from_utf8(a.outbox.pop().unwrap().bytes).unwrap();
    // What a file of more than 200,000 rows carries instead of them: name, count and hash.
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let hash = a.settings.samples.as_ref().unwrap().hash.clone();
    file["target_definition"] = serde_json::json!({"name": "ring.csv", "count": 400, "hash": hash});
    let named = file.to_string();
    let mut b = session();
    let before = b.settings.clone();
    let e = b.apply(Command::LoadModel(named.clone())).unwrap_err();
    assert!(
        e.contains("ring.csv")
            && e.contains("400 rows")
            && e.contains(&hash)
            && e.contains("open ring.csv first"),
        "{e}"
    );
    assert_eq!(b.settings, before);
    load(&mut b, "ring.csv", ring_csv().as_bytes()).unwrap();
    b.apply(Command::LoadModel(named)).unwrap();
    assert_eq!(b.settings.target, "samples");
    assert!(b.flow().params == a.flow().params);
}
