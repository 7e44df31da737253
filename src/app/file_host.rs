//! Where files go to and come from, as the platform does it: a download and the browser's
//! file picker on the web, save and open dialogs on the desktop. The session hands files over
//! through this trait (as it hands training to a [`super::training_host::TrainingHost`]), so the
//! entries read no flags of the session's.

use super::files::FileOut;

/// Something that arrived for the playground from outside.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrival {
    /// A file, to open as a model, a mixture or samples; `from` says where it came from.
    File {
        /// The file's name or path, for the message (its ending also tells samples apart).
        from: String,
        /// Its contents (text, or a `.npy` file's binary).
        bytes: Vec<u8>,
    },
    /// A file that could not be read, or a dialog that failed: tell the user, as an error.
    Failed(String),
    /// Tell the user this (a file was saved, a dialog was closed).
    Note(String),
}

/// The platform's way with files.
pub trait FileHost {
    /// Hands `file` (the model, samples, a view: `what`) to the user (a download, a save
    /// dialog). Returns what to tell them, or why it could not be done.
    fn deliver(&mut self, file: FileOut, what: &str) -> Result<String, String>;
    /// Asks the user for a model, mixture or samples file; its contents come back through
    /// [`FileHost::arrivals`]. Returns what to tell them meanwhile.
    fn pick(&mut self) -> Result<String, String>;
    /// What arrived since the last call: files picked, files `dropped` onto the window this
    /// frame, and the outcome of dialogs.
    fn arrivals(&mut self, dropped: &[egui::DroppedFileHandle]) -> Vec<Arrival>;
}
