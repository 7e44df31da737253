//! Native file dialogs for the desktop window (rfd: the desktop portal on Linux, falling back
//! to zenity; the system dialogs on macOS and Windows).
//!
//! Each dialog's future is created on the UI thread (macOS wants that) and awaited on a
//! thread of its own, so the window keeps drawing and training while the dialog is open.
//! Outcomes come back through a channel that the window polls every frame.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};

use nhf_playground::app::file_host::{Arrival, FileHost};
use nhf_playground::app::files::{FileOut, MAX_MODEL_BYTES};
use nhf_playground::targets::sample_file;

/// The largest file read: a file of samples may be larger than a model file.
const MAX_OPEN_BYTES: usize = if sample_file::MAX_BYTES > MAX_MODEL_BYTES {
    sample_file::MAX_BYTES
} else {
    MAX_MODEL_BYTES
};

/// What a finished dialog did.
enum Outcome {
    /// A file was written here.
    Saved(PathBuf),
    /// A file was chosen and read: its path and its bytes (or why it could not be read).
    Picked(PathBuf, Result<Vec<u8>, String>),
    /// The user closed the dialog, or no dialog could be shown.
    Cancelled(&'static str),
    /// Writing the chosen file failed.
    Failed(String),
}

/// The dialogs that are open, and the channel their outcomes come back on.
pub struct FileDialogs {
    open: usize,
    sender: Sender<Outcome>,
    receiver: Receiver<Outcome>,
}

impl Default for FileDialogs {
    fn default() -> Self {
        let (sender, receiver) = channel();
        Self {
            open: 0,
            sender,
            receiver,
        }
    }
}

/// Reads a chosen or dropped file, refusing one too large to open before reading it (the
/// session then tells a model from samples and checks each against its own limit).
fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    if size > MAX_OPEN_BYTES as u64 {
        return Err(format!(
            "{}: {size} bytes is too large to open (at most {MAX_OPEN_BYTES})",
            path.display()
        ));
    }
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The dialog's file-type filter for a file name ("nhf-model.json" → JSON files).
fn filter_for(name: &str) -> (&'static str, &'static str) {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("csv") => ("CSV", "csv"),
        Some("png") => ("PNG image", "png"),
        _ => ("JSON", "json"),
    }
}

impl FileDialogs {
    /// Whether a dialog is open (one at a time: a second click is refused with a message).
    pub fn is_open(&self) -> bool {
        self.open > 0
    }

    fn spawn<F>(&mut self, future: F, finish: impl FnOnce(F::Output) -> Outcome + Send + 'static)
    where
        F: Future + Send + 'static,
    {
        self.open += 1;
        let sender = self.sender.clone();
        std::thread::spawn(move || {
            let outcome = finish(pollster::block_on(future));
            let _ = sender.send(outcome);
        });
    }

    /// Asks where to save `file` (its name suggested, in the working directory), then writes it.
    pub fn save(&mut self, file: FileOut) {
        let (kind, extension) = filter_for(&file.name);
        let future = rfd::AsyncFileDialog::new()
            .set_title(format!("Save {}", file.name))
            .set_directory(std::env::current_dir().unwrap_or_default())
            .set_file_name(file.name.clone())
            .add_filter(kind, &[extension])
            .save_file();
        self.spawn(future, move |chosen| match chosen {
            None => Outcome::Cancelled("not saved"),
            Some(handle) => {
                let path = handle.path().to_path_buf();
                match std::fs::write(&path, &file.bytes) {
                    Ok(()) => Outcome::Saved(path),
                    Err(e) => Outcome::Failed(format!("could not write {}: {e}", path.display())),
                }
            }
        });
    }

    /// Asks for a model, custom-mixture or samples file to load.
    pub fn open(&mut self) {
        let samples: Vec<&str> = sample_file::SAMPLE_EXTENSIONS
            .iter()
            .map(|e| e.trim_start_matches('.'))
            .collect();
        let future = rfd::AsyncFileDialog::new()
            .set_title("Load a model, mixture or samples file")
            .set_directory(std::env::current_dir().unwrap_or_default())
            .add_filter("Model or mixture (JSON)", &["json"])
            .add_filter("Samples (CSV, text, .npy)", &samples)
            .pick_file();
        self.spawn(future, |chosen| match chosen {
            None => Outcome::Cancelled("no file loaded"),
            Some(handle) => {
                let path = handle.path().to_path_buf();
                let bytes = read_file(&path);
                Outcome::Picked(path, bytes)
            }
        });
    }

    /// The outcomes of the dialogs that closed since the last call.
    fn finished(&mut self) -> Vec<Arrival> {
        let mut arrivals = Vec::new();
        while let Ok(outcome) = self.receiver.try_recv() {
            self.open = self.open.saturating_sub(1);
            arrivals.push(match outcome {
                Outcome::Saved(path) => Arrival::Note(format!("saved {}", path.display())),
                Outcome::Picked(path, Ok(bytes)) => Arrival::File {
                    from: path.display().to_string(),
                    bytes,
                },
                Outcome::Picked(_, Err(e)) | Outcome::Failed(e) => Arrival::Failed(e),
                Outcome::Cancelled(what) => Arrival::Note(format!(
                    "{what}: the dialog was closed (a file can also be dropped onto the window)"
                )),
            });
        }
        arrivals
    }
}

/// One dialog at a time: a second click while one is open is answered with this.
const BUSY: &str = "a file dialog is already open: finish it first";

/// Natively, files the app offers go through a save dialog, "Load file" opens a file dialog,
/// and a model or mixture file dropped onto the window is loaded.
impl FileHost for FileDialogs {
    fn deliver(&mut self, file: FileOut, _what: &str) -> Result<String, String> {
        if self.is_open() {
            return Ok(BUSY.into());
        }
        let message = format!("choose where to save {}", file.name);
        self.save(file);
        Ok(message)
    }

    fn pick(&mut self) -> Result<String, String> {
        if self.is_open() {
            return Ok(BUSY.into());
        }
        self.open();
        Ok("choose a model, mixture or samples file (or drop one onto the window)".into())
    }

    fn arrivals(&mut self, dropped: &[egui::DroppedFileHandle]) -> Vec<Arrival> {
        let mut arrivals = self.finished();
        for f in dropped {
            let from = f.path().display().to_string();
            arrivals.push(match f.bytes() {
                Ok(bytes) => Arrival::File { from, bytes },
                Err(e) => Arrival::Failed(format!("{from}: {e}")),
            });
        }
        arrivals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_follow_the_suggested_name() {
        assert_eq!(filter_for("samples.csv"), ("CSV", "csv"));
        assert_eq!(filter_for("views.png"), ("PNG image", "png"));
        assert_eq!(filter_for("nhf-model.json"), ("JSON", "json"));
    }

    #[test]
    fn oversized_files_are_refused_before_reading() {
        let dir = std::env::temp_dir().join(format!("nhf-dialog-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.csv");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_OPEN_BYTES as u64 + 1).unwrap();
        assert!(read_file(&big).unwrap_err().contains("too large"));
        let missing = dir.join("missing.json");
        assert!(read_file(&missing).is_err());
        // Binary files are read: a .npy file of samples is one (the session refuses binary
        // JSON).
        let binary = dir.join("samples.npy");
        std::fs::write(&binary, [0x93, b'N', 0xff]).unwrap();
        assert_eq!(read_file(&binary).unwrap(), [0x93, b'N', 0xff]);
        let good = dir.join("good.json");
        std::fs::write(&good, "{}").unwrap();
        assert_eq!(read_file(&good).unwrap(), b"{}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
