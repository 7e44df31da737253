//! The native entry: the desktop window, and the research command line (`train`, `eval`,
//! `sample`, `bench`, `targets`). The web entry lives in `web.rs`.

#[cfg(not(target_arch = "wasm32"))]
mod native;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    // The engine reads no environment; this entry passes the one platform fact it needs
    // (which kernel clones it may take).
    if std::env::var_os("NHF_NO_AVX").is_some() {
        nhf_playground::nhf::lanes::set_avx_allowed(false);
    }
    if std::env::var_os("NHF_NO_AVX512").is_some() {
        nhf_playground::nhf::lanes::set_avx512_allowed(false);
    }
    native::main()
}

/// On wasm the library's `web::start` runs the app; this binary has nothing to do.
#[cfg(target_arch = "wasm32")]
fn main() {}
