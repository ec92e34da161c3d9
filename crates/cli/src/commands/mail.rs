//! E-mail for `boundary serve`: the SMTP settings checked before serving, and the loop
//! that sends reminders as they come due.

use crate::args::MailArgs;
use crate::user_error;
use boundary_app::App;
use boundary_mail::{Security, SmtpMailer, SmtpSettings};

/// The mailer the settings describe, or none without a host.
///
/// # Errors
/// Settings that cannot work, in one sentence, before anything is served.
pub(crate) fn mailer(args: &MailArgs) -> anyhow::Result<Option<SmtpMailer>> {
    let Some(host) = args.smtp_host.clone() else {
        return Ok(None);
    };
    let security = Security::parse(&args.smtp_security).map_err(|e| user_error(e.to_string()))?;
    let extra_root_pem = match &args.smtp_ca_file {
        None => None,
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            user_error(format!(
                "cannot read the SMTP CA certificate {}: {e}",
                path.display()
            ))
        })?),
    };
    let password = std::env::var("BOUNDARY_SMTP_PASSWORD").ok();
    if args.smtp_user.is_some() && password.is_none() {
        return Err(user_error(
            "--smtp-user needs its password in the environment, as BOUNDARY_SMTP_PASSWORD",
        ));
    }
    let settings = SmtpSettings {
        host,
        port: args.smtp_port.unwrap_or_else(|| security.default_port()),
        security,
        user: args.smtp_user.clone(),
        password,
        from: args.smtp_from.clone().unwrap_or_default(),
        extra_root_pem,
    };
    SmtpMailer::new(settings)
        .map(Some)
        .map_err(|e| user_error(e.to_string()))
}

/// Sends the reminders that are due, every `interval` seconds, for as long as the server
/// runs. A failure is logged and tried again next time; it never stops the server.
pub(crate) async fn reminder_loop(app: App, interval: u64) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(interval));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match app.send_due_reminders().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sent = n, "reminders sent"),
            Err(e) => tracing::warn!(error = %e, "cannot work out the reminders that are due"),
        }
    }
}
