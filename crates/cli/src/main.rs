//! The `boundary` command. Each subcommand parses its arguments, calls one `boundary-app`
//! function, and prints what a script needs alone on the last line of stdout. A user's
//! mistake is one plain sentence on stderr and exit status 2.

mod args;
mod commands;
mod context;
mod outcome;

pub(crate) use outcome::{user_error, OriginNotEstablished, UserError, VerificationFailed};

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One sentence: clap's first paragraph, whose list of missing arguments is on
            // the lines after the first.
            let text = e.render().to_string();
            let sentence = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            let sentence = if sentence.is_empty() {
                "invalid arguments".to_owned()
            } else {
                sentence
            };
            eprintln!(
                "boundary: {}. See `boundary --help`.",
                sentence.trim_start_matches("error: ").trim_end_matches('.')
            );
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("boundary: could not start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.downcast_ref::<VerificationFailed>().is_some() {
                ExitCode::from(1)
            } else if e.downcast_ref::<OriginNotEstablished>().is_some() {
                ExitCode::from(3)
            } else if let Some(u) = e.downcast_ref::<UserError>() {
                eprintln!("boundary: {u}");
                ExitCode::from(2)
            } else if let Some(a) = e.downcast_ref::<boundary_app::AppError>() {
                eprintln!("boundary: {}", commands::describe_app_error(a));
                if a.is_fault() {
                    ExitCode::from(1)
                } else {
                    ExitCode::from(2)
                }
            } else {
                eprintln!("boundary: {e:#}");
                ExitCode::from(1)
            }
        }
    }
}
