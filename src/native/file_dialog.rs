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

/// What a finished dialog did.
enum Outcome {
    /// A file was written here.
    Saved(PathBuf),
    /// A file was chosen and read: its path and its text (or why it could not be read).
    Picked(PathBuf, Result<String, String>),
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

/// Reads a chosen file as text, refusing files too large to be a model before reading them.
fn read_text(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    if size > MAX_MODEL_BYTES as u64 {
        return Err(format!(
            "{}: {size} bytes is too large for a model or mixture file (at most {MAX_MODEL_BYTES})",
            path.display()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{}: not a text file", path.display()))
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

    /// Asks for a model or custom-mixture file to load.
    pub fn open(&mut self) {
        let future = rfd::AsyncFileDialog::new()
            .set_title("Load a model or mixture file")
            .set_directory(std::env::current_dir().unwrap_or_default())
            .add_filter("JSON", &["json"])
            .pick_file();
        self.spawn(future, |chosen| match chosen {
            None => Outcome::Cancelled("no file loaded"),
            Some(handle) => {
                let path = handle.path().to_path_buf();
                let text = read_text(&path);
                Outcome::Picked(path, text)
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
                Outcome::Picked(path, Ok(text)) => Arrival::File {
                    from: path.display().to_string(),
                    text,
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

/// Natively, files the app offers go through a save dialog, "Load model" opens a file dialog,
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
        Ok("choose a model or mixture file (or drop one onto the window)".into())
    }

    fn arrivals(&mut self, dropped: &[egui::DroppedFileHandle]) -> Vec<Arrival> {
        let mut arrivals = self.finished();
        for f in dropped {
            let from = f.path().display().to_string();
            let text = f
                .bytes()
                .map_err(|e| format!("{from}: {e}"))
                .and_then(|b| String::from_utf8(b).map_err(|_| format!("{from}: not a text file")));
            arrivals.push(match text {
                Ok(text) => Arrival::File { from, text },
                Err(e) => Arrival::Failed(e),
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
    fn oversized_and_binary_files_are_refused_before_loading() {
        let dir = std::env::temp_dir().join(format!("nhf-dialog-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let binary = dir.join("binary.json");
        std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
        assert!(read_text(&binary).unwrap_err().contains("not a text file"));
        let big = dir.join("big.json");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_MODEL_BYTES as u64 + 1).unwrap();
        assert!(read_text(&big).unwrap_err().contains("too large"));
        let missing = dir.join("missing.json");
        assert!(read_text(&missing).is_err());
        let good = dir.join("good.json");
        std::fs::write(&good, "{}").unwrap();
        assert_eq!(read_text(&good).unwrap(), "{}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
