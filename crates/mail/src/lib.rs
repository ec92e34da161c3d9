//! E-mail over SMTP with `lettre`: the [`boundary_app::reminders::Mailer`] that
//! `boundary serve` plugs in. Settings come from the command line or the environment;
//! the password never reaches a log.

use boundary_app::reminders::{MailFailure, Mailer};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::future::Future;
use std::pin::Pin;

/// What can go wrong setting up or sending mail, in words for the operator. A server's
/// refusal often repeats the recipient's address, so only its code is kept.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP security must be starttls, tls or none, not {0:?}")]
    UnknownSecurity(String),
    #[error("the SMTP sender {from:?} is not an e-mail address: {source}")]
    Sender {
        from: String,
        source: lettre::address::AddressError,
    },
    #[error("the SMTP CA certificate does not read: {0}")]
    Certificate(#[source] lettre::transport::smtp::Error),
    #[error("the SMTP TLS settings are not usable: {0}")]
    Tls(#[source] lettre::transport::smtp::Error),
    #[error("the recipient is not an e-mail address")]
    Recipient,
    #[error("the message could not be built: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("{}", describe(.0))]
    Send(#[source] lettre::transport::smtp::Error),
}

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network.
    None,
}

impl Security {
    /// # Errors
    /// `UnknownSecurity`, whose words name the accepted values.
    pub fn parse(s: &str) -> Result<Self, MailError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Ok(Self::StartTls),
            "tls" => Ok(Self::Tls),
            "none" => Ok(Self::None),
            other => Err(MailError::UnknownSecurity(other.to_owned())),
        }
    }

    #[must_use]
    pub fn default_port(self) -> u16 {
        match self {
            Self::StartTls => 587,
            Self::Tls => 465,
            Self::None => 25,
        }
    }
}

/// Everything needed to reach the mail server.
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. `Boundary <boundary@practice.nhs.uk>`.
    pub from: String,
    /// A PEM certificate to trust besides the public roots, for a relay with its own CA.
    pub extra_root_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "(set)"))
            .finish_non_exhaustive()
    }
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// # Errors
    /// A sender that is not an address, a certificate that does not read, or TLS
    /// settings that cannot be built.
    pub fn new(s: SmtpSettings) -> Result<Self, MailError> {
        let from: Mailbox = s.from.parse().map_err(|source| MailError::Sender {
            from: s.from.clone(),
            source,
        })?;
        let mut tls = TlsParameters::builder(s.host.clone());
        if let Some(pem) = &s.extra_root_pem {
            let cert = Certificate::from_pem(pem).map_err(MailError::Certificate)?;
            tls = tls.add_root_certificate(cert);
        }
        let tls = tls.build_rustls().map_err(MailError::Tls)?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.as_str())
            .port(s.port)
            .tls(match s.security {
                Security::StartTls => Tls::Required(tls),
                Security::Tls => Tls::Wrapper(tls),
                Security::None => Tls::None,
            })
            .timeout(Some(std::time::Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (s.user, s.password) {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(
        &'a self,
        to: &'a str,
        subject: &'a str,
        body: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), MailFailure>> + Send + 'a>> {
        Box::pin(async move {
            let sent = async {
                let to: Mailbox = to.parse().map_err(|_| MailError::Recipient)?;
                let message = Message::builder()
                    .from(self.from.clone())
                    .to(to)
                    .subject(subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(body.to_owned())?;
                self.transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(MailError::Send)
            };
            sent.await.map_err(MailFailure::from)
        })
    }
}

/// An SMTP failure in words for the operator's log: a refusal by its code only;
/// connection and TLS failures say why.
fn describe(e: &lettre::transport::smtp::Error) -> String {
    let code = e
        .status()
        .map(|c| format!(" (code {c})"))
        .unwrap_or_default();
    if e.is_permanent() {
        format!("the mail server refused the message{code}")
    } else if e.is_transient() {
        format!("the mail server refused the message for now{code}")
    } else if e.is_client() {
        "the message could not be sent as written".to_owned()
    } else {
        format!("the mail server could not be reached or spoken to: {e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_is_one_of_three_with_its_usual_port() {
        assert_eq!(Security::parse("STARTTLS").unwrap(), Security::StartTls);
        assert_eq!(Security::parse("tls").unwrap().default_port(), 465);
        assert!(Security::parse("ssl")
            .unwrap_err()
            .to_string()
            .contains("starttls, tls or none"));
    }

    #[test]
    fn the_password_is_not_in_debug_output() {
        let s = SmtpSettings {
            host: "smtp.example.nhs.uk".into(),
            port: 587,
            security: Security::StartTls,
            user: Some("boundary".into()),
            password: Some("hunter2-correct-horse".into()),
            from: "boundary@example.nhs.uk".into(),
            extra_root_pem: None,
        };
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
