//! `boundary serve`: the web app and API.

use crate::args::Global;
use crate::user_error;
use anyhow::Context;
use boundary_app::App;
use boundary_web::{AppState, WebConfig};
use std::sync::Arc;

pub(crate) async fn run(g: &Global, listen: &str, public_url: Option<&str>) -> anyhow::Result<()> {
    init_logging();
    let store = super::init::prepare(g, false).await?;
    let app = App::new(store);
    if let Some(why) = app.check_ledger_at_start().await? {
        eprintln!("WARNING: the log does not match its latest signed checkpoint ({why}). Boundary will show what it holds but record nothing new. Run `boundary verify`.");
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| user_error(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let public = public_url.map_or_else(|| format!("http://{addr}"), str::to_owned);
    if let Some(secret) = app.setup_link_if_empty().await? {
        eprintln!("Boundary has no organisation yet. Open this link to set it up (it works once, within 24 hours):");
        println!("{}/setup/{secret}", public.trim_end_matches('/'));
    }
    eprintln!("Boundary is listening on http://{addr} (public address {public}).");
    let state = AppState {
        app,
        config: Arc::new(WebConfig::new(&public)),
    };
    boundary_web::serve(listener, state, shutdown_signal())
        .await
        .context("serving")?;
    Ok(())
}

fn init_logging() {
    let level = match std::env::var("BOUNDARY_LOG").as_deref() {
        Ok("debug") => tracing::Level::DEBUG,
        Ok("warn") => tracing::Level::WARN,
        Ok("error") => tracing::Level::ERROR,
        _ => tracing::Level::INFO,
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
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
