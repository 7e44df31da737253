//! The command line: with no subcommand it opens the desktop window; the subcommands are the
//! headless research tools. `--json` prints one machine-readable result line last.

mod bench;
mod chain_report;
mod classic_command;
mod compare_command;
mod file_dialog;
mod hmc_command;
mod l2hmc_command;
mod research;
mod thumbnail;
mod train_args;
mod train_thread;
mod window;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// NHF Playground: train and watch Neural Hamiltonian Flows on 2D targets.
#[derive(Parser, Debug)]
#[command(
    name = "nhf-playground",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    /// A playground link to open in the window: the whole URL, its hash (`#target=banana&…`)
    /// or the bare `target=banana&…`.
    #[arg(value_name = "LINK")]
    link: Option<String>,
    /// Print the status JSON on stdout once a second while the window runs.
    #[arg(long)]
    print_status: bool,
    /// Save a screenshot of the window to this PNG after --after-frames frames, then exit.
    #[arg(long, value_name = "FILE.png")]
    screenshot: Option<PathBuf>,
    /// Frames to draw before --screenshot.
    #[arg(long, default_value_t = 30)]
    after_frames: u64,
    /// Speed over bit-identity: kernels with fused multiply-adds where the CPU has AVX and FMA.
    /// Results then differ in the last bits from the browser's and from runs without --fast.
    #[arg(long, global = true)]
    fast: bool,
}

/// Objective names on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ObjectiveArg {
    /// Density estimation from samples (negative ELBO).
    Samples,
    /// Fit an unnormalised density (reverse KL).
    Density,
}

/// Kinetic energy names on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KineticArg {
    /// ½a²|p|² with a learnable a.
    Fixed,
    /// An MLP per block.
    Learned,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Train a flow on a target and report loss, grid KL, held-out NLL and ESS.
    Train(research::TrainArgs),
    /// Evaluate a saved model.
    Eval(research::EvalArgs),
    /// Draw samples from a saved model (CSV on stdout, in the target's display coordinates).
    Sample(research::SampleArgs),
    /// A planar or radial flow (Rezende & Mohamed 2015) trained by the reverse KL.
    Classic(classic_command::ClassicArgs),
    /// Hamiltonian Monte Carlo on a target's own density: acceptance, ESS and split R̂.
    Hmc(hmc_command::HmcArgs),
    /// L2HMC (Levy et al. 2018): train the augmented leapfrog, then sample; ESS and split R̂.
    L2hmc(l2hmc_command::L2hmcArgs),
    /// Several methods on one target's density, each at its defaults: one line per method.
    Compare(compare_command::CompareArgs),
    /// Time training steps of the standard configuration.
    Bench(bench::BenchArgs),
    /// List the built-in targets.
    Targets {
        /// One JSON object per target.
        #[arg(long)]
        json: bool,
    },
}

/// Parses the arguments and runs; errors go to stderr with exit status 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.fast {
        nhf_playground::nhf::lanes::set_fast_kernels(true);
        if !nhf_playground::nhf::lanes::fast_kernels_available() {
            eprintln!("note: --fast needs a CPU with AVX and FMA; this one runs the exact kernels");
        }
    }
    let result = match cli.command {
        None => window::run(window::WindowOptions {
            print_status: cli.print_status,
            screenshot: cli.screenshot,
            after_frames: cli.after_frames,
            link: cli.link,
        }),
        Some(Cmd::Train(args)) => research::train(&args),
        Some(Cmd::Eval(args)) => research::eval(&args),
        Some(Cmd::Sample(args)) => research::sample(&args),
        Some(Cmd::Bench(args)) => bench::run(&args),
        Some(Cmd::Hmc(args)) => hmc_command::run(&args),
        Some(Cmd::L2hmc(args)) => l2hmc_command::run(&args),
        Some(Cmd::Classic(args)) => classic_command::run(&args),
        Some(Cmd::Compare(args)) => compare_command::run(&args),
        Some(Cmd::Targets { json }) => {
            research::list_targets(json);
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
