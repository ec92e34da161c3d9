//! One function per subcommand.

mod admin;
mod bench;
mod bench_ledger;
mod bench_pdf;
mod bundle;
mod export;
mod init;
mod keys;
mod ledger;
mod mail;
mod serve;

use crate::args::{Cli, Command, KeysCommand, OrgCommand, TokenCommand, UserCommand};
use boundary_app::AppError;

pub(crate) async fn run(cli: Cli) -> anyhow::Result<()> {
    let g = &cli.global;
    match cli.command {
        Command::Serve {
            front,
            tsa,
            sessions,
            mail,
        } => serve::run(g, &front, &tsa, &sessions, &mail).await,
        Command::Init => init::run(g).await,
        Command::Org {
            command: OrgCommand::Add { name },
        } => admin::org_add(g, &name).await,
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    org,
                    role,
                    password_stdin,
                    public_url,
                },
        } => admin::user_add(g, &email, &name, &org, &role, password_stdin, &public_url).await,
        Command::Token {
            command:
                TokenCommand::Create {
                    email,
                    label,
                    expires_days,
                },
        } => admin::token_create(g, &email, label.as_deref(), expires_days).await,
        Command::Rebuild => admin::rebuild(g).await,
        Command::Keys {
            command: KeysCommand::Rotate,
        } => keys::rotate(g).await,
        Command::Verify {
            bundle: Some(bundle),
            vkey,
            against,
            receipt,
            tsa_cert,
        } => bundle::verify_bundle(
            g,
            &bundle::BundleArgs {
                path: &bundle,
                vkey: vkey.as_deref(),
                against: against.as_deref(),
                receipt: receipt.as_deref(),
                tsa_cert: tsa_cert.as_deref(),
            },
        ),
        Command::Verify {
            against, receipt, ..
        } => ledger::verify(g, against.as_deref(), receipt.as_deref()).await,
        Command::Checkpoint { vkey } => ledger::checkpoint(g, vkey).await,
        Command::Export {
            case,
            format,
            out,
            from,
            to,
            withhold,
            reason,
            access_records,
        } => {
            let request = boundary_app::exports::ExportRequest {
                format,
                from,
                to,
                withhold,
                reason,
                access_records,
            };
            export::run(g, &case, &request, &out).await
        }
        Command::Bench { entries, events } => {
            bench::run(entries).await?;
            bench_ledger::run(events).await?;
            bench_pdf::run()
        }
    }
}

/// An application error as one sentence for the terminal.
pub(crate) fn describe_app_error(e: &AppError) -> String {
    match e {
        AppError::Invalid(errors) => errors
            .iter()
            .map(|(field, msg)| format!("{field}: {msg}"))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::NotFound => "no such organisation, member or case".into(),
        AppError::Conflict(why) => why.clone(),
        other => other.to_string(),
    }
}

/// Prints the one value a script needs, or a JSON object with `--json`.
pub(crate) fn emit(json: bool, key: &str, value: &str) {
    if json {
        println!("{}", serde_json::json!({ key: value }));
    } else {
        println!("{value}");
    }
}
