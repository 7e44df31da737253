//! Native file dialogs for the desktop window (rfd: the desktop portal on Linux, falling back
//! to zenity; the system dialogs on macOS and Windows).
//!
//! Each dialog's future is created on the UI thread (macOS wants that) and awaited on a
//! thread of its own, so the window keeps drawing and training while the dialog is open.
//! Outcomes come back through a channel that the window polls every frame.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};

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

/// What the window should do with a finished dialog.
pub enum Report {
    /// Tell the user this.
    Message(String),
    /// Tell the user this as an error.
    Error(String),
    /// Load this text as a model or mixture file (it came from this path).
    Load(PathBuf, String),
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
    pub fn finished(&mut self) -> Vec<Report> {
        let mut reports = Vec::new();
        while let Ok(outcome) = self.receiver.try_recv() {
            self.open = self.open.saturating_sub(1);
            reports.push(match outcome {
                Outcome::Saved(path) => Report::Message(format!("saved {}", path.display())),
                Outcome::Picked(path, Ok(text)) => Report::Load(path, text),
                Outcome::Picked(_, Err(e)) | Outcome::Failed(e) => Report::Error(e),
                Outcome::Cancelled(what) => Report::Message(format!(
                    "{what}: the dialog was closed (a file can also be dropped onto the window)"
                )),
            });
        }
        reports
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
