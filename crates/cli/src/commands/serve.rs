//! `boundary serve`: the web app and API.

use crate::args::{FrontArgs, Global, MailArgs, SessionArgs, TsaArgs};
use crate::user_error;
use anyhow::Context;
use boundary_app::timestamping::TsaConfig;
use boundary_app::App;
use boundary_ledger::timestamp::TsaCertificate;
use boundary_web::{AppState, WebConfig};
use std::sync::Arc;

pub(crate) async fn run(
    g: &Global,
    front: &FrontArgs,
    tsa: &TsaArgs,
    sessions: &SessionArgs,
    mail: &MailArgs,
) -> anyhow::Result<()> {
    init_logging();
    // Settings that cannot work are refused before anything is created or served.
    let mailer = super::mail::mailer(mail)?;
    // A folder others can read is refused, not quietly fixed: the operator learns that the
    // data has been open (and may have set a group on purpose, for backups, say).
    if let Some(why) =
        crate::context::exposure(g, &boundary_store::data_folder::DataFolder::new(&g.data))
    {
        return Err(user_error(why));
    }
    let store = super::init::prepare(g, false).await?;
    let mut app = App::new(store).with_limits(boundary_app::Limits {
        session_idle_seconds: sessions.session_idle_minutes * 60,
        session_absolute_seconds: sessions.session_max_hours * 3600,
        ..boundary_app::Limits::default()
    });
    if let Some(config) = tsa_config(tsa)? {
        eprintln!(
            "Checkpoints will be timestamped by {} at most every {} seconds.",
            config.url, config.interval_seconds
        );
        app.configure_tsa(config).await?;
        tokio::spawn(timestamp_loop(app.clone()));
    }
    if let Some(why) = app.check_ledger_at_start().await? {
        eprintln!("WARNING: the log does not match its latest signed checkpoint ({why}). Boundary will show what it holds but record nothing new. Run `boundary verify`.");
    }
    let listen = &front.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| user_error(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let public = front
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    if let Some(mailer) = mailer {
        app.configure_mail(boundary_app::reminders::MailConfig {
            mailer: std::sync::Arc::new(mailer),
            public_url: public.clone(),
        });
        eprintln!(
            "E-mail goes through {} ({}); reminders are looked for every {} seconds.",
            mail.smtp_host.as_deref().unwrap_or_default(),
            mail.smtp_security,
            mail.reminder_interval
        );
        tokio::spawn(super::mail::reminder_loop(
            app.clone(),
            mail.reminder_interval,
        ));
    }
    if let Some(secret) = app.setup_link_if_empty().await? {
        eprintln!("Boundary has no organisation yet. Open this link to set it up (it works once, within 24 hours):");
        println!("{}/setup/{secret}", public.trim_end_matches('/'));
    }
    if let Some(files) = app.files_location() {
        eprintln!("Attached files are kept in {files}.");
    }
    eprintln!("Boundary is listening on http://{addr} (public address {public}).");
    let state = AppState {
        app,
        config: Arc::new(WebConfig {
            trusted_proxy: front.trusted_proxy,
            export_wait: std::time::Duration::from_secs_f64(front.export_wait),
            ..WebConfig::new(&public)
        }),
    };
    boundary_web::serve(listener, state, shutdown_signal())
        .await
        .context("serving")?;
    Ok(())
}

fn tsa_config(args: &TsaArgs) -> anyhow::Result<Option<TsaConfig>> {
    let (Some(url), Some(cert_path)) = (&args.tsa_url, &args.tsa_cert) else {
        return Ok(None);
    };
    if !url.starts_with("http://") {
        return Err(user_error(
            "--tsa-url must be an http:// URL (tokens are signed, so they need no TLS)",
        ));
    }
    if args.tsa_interval < 1 {
        return Err(user_error("--tsa-interval must be at least 1 second"));
    }
    let cert_pem = std::fs::read_to_string(cert_path).map_err(|e| {
        user_error(format!(
            "cannot read the TSA certificate {}: {e}",
            cert_path.display()
        ))
    })?;
    let cert = TsaCertificate::from_pem(&cert_pem)
        .map_err(|e| user_error(format!("{}: {e}", cert_path.display())))?;
    Ok(Some(TsaConfig {
        url: url.clone(),
        cert_pem,
        cert,
        interval_seconds: args.tsa_interval,
    }))
}

/// Sends the latest checkpoint to the TSA whenever one is due; never stops, never blocks logging.
async fn timestamp_loop(app: App) {
    let Ok(client) = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
    else {
        tracing::error!("cannot make an HTTP client: timestamping is off");
        return;
    };
    let tick = std::time::Duration::from_secs(1);
    loop {
        tokio::time::sleep(tick).await;
        let job = match app.timestamp_due().await {
            Ok(Some(job)) => job,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "cannot tell whether a timestamp is due");
                continue;
            }
        };
        let answer = match client
            .post(&job.url)
            .header("content-type", "application/timestamp-query")
            .body(job.request.clone())
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
        {
            Ok(r) => r
                .bytes()
                .await
                .map(|b| b.to_vec())
                .map_err(|e| e.to_string()),
            Err(e) => Err(format!("the TSA did not answer: {e}")),
        };
        if let Err(e) = app.record_timestamp(&job, answer).await {
            tracing::warn!(error = %e, "cannot record the timestamp");
        }
    }
}

fn init_logging() {
    let level = match std::env::var("BOUNDARY_LOG").as_deref() {
        Ok("debug") => tracing::Level::DEBUG,
        Ok("warn") => tracing::Level::WARN,
        Ok("error") => tracing::Level::ERROR,
        _ => tracing::Level::INFO,
    };
    // Colours only for a person at a terminal; a log file or collector gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_max_level(level)
        .try_init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
