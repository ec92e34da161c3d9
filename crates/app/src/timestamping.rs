//! Trusted timestamps for checkpoints (RFC 3161). When the tree has grown, the latest
//! checkpoint is sent to the configured timestamping authority at most once per interval;
//! the token is checked and kept beside the checkpoint. A TSA that is down or answers
//! nonsense never stops anything being logged: the failure is remembered, shown on the
//! ledger page, and the request tried again a little later.
//!
//! The HTTP exchange itself belongs to whoever runs the loop (the `serve` command); this
//! module decides when, builds the request, and checks and keeps the answer.

use crate::{App, Result};
use boundary_domain::Timestamp;
use boundary_ledger::timestamp::{request, token_from_response, verify, TsaCertificate};
use boundary_store::ledger::parse_checkpoint;

/// The setting under which the TSA's certificate is kept, so that verification needs no flags.
pub const TSA_CERT_SETTING: &str = "tsa_certificate_pem";
/// After a failure, the next try comes this soon (or at the interval, if shorter).
const RETRY_SECONDS: i64 = 60;

/// Where to get timestamps, and whose signature to expect on them.
#[derive(Debug, Clone)]
pub struct TsaConfig {
    pub url: String,
    pub cert_pem: String,
    pub cert: TsaCertificate,
    pub interval_seconds: i64,
}

/// What the ledger page says about timestamping.
#[derive(Debug, Clone, Default)]
pub struct TsaState {
    pub url: Option<String>,
    pub last_success: Option<Timestamp>,
    pub last_attempt: Option<Timestamp>,
    /// The last failure, if it came after the last success.
    pub last_error: Option<String>,
}

/// One request to send: the DER body, and what it is for.
#[derive(Debug, Clone)]
pub struct TimestampJob {
    pub size: u64,
    pub body: String,
    pub request: Vec<u8>,
    pub url: String,
}

impl App {
    /// Turns timestamping on, and records the TSA's certificate for verification.
    ///
    /// # Errors
    /// Database errors.
    pub async fn configure_tsa(&mut self, config: TsaConfig) -> Result<()> {
        self.store
            .set_setting(TSA_CERT_SETTING, &config.cert_pem)
            .await?;
        if let Ok(mut s) = self.tsa_state.write() {
            s.url = Some(config.url.clone());
        }
        self.tsa = Some(std::sync::Arc::new(config));
        Ok(())
    }

    #[must_use]
    pub fn tsa_state(&self) -> TsaState {
        self.tsa_state.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// The request to send now, if timestamping is on, the tree has grown since the last
    /// token, and it is time.
    ///
    /// # Errors
    /// Database errors.
    pub async fn timestamp_due(&self) -> Result<Option<TimestampJob>> {
        let Some(config) = self.tsa.clone() else {
            return Ok(None);
        };
        let now = self.now();
        let state = self.tsa_state();
        let wait_after =
            |t: Option<Timestamp>, secs: i64| t.is_some_and(|t| t.plus_seconds(secs) > now);
        if wait_after(state.last_success, config.interval_seconds)
            || (state.last_error.is_some()
                && wait_after(
                    state.last_attempt,
                    RETRY_SECONDS.min(config.interval_seconds),
                ))
        {
            return Ok(None);
        }
        let Some(latest) = self.store.latest_checkpoint().await? else {
            return Ok(None);
        };
        if self
            .store
            .last_timestamped_size()
            .await?
            .is_some_and(|s| s >= latest.size)
        {
            return Ok(None);
        }
        let Some(body) = parse_checkpoint(&latest).map(|c| c.body()) else {
            return Ok(None);
        };
        let request = request(
            body.as_bytes(),
            u64::from_be_bytes(self.random.bytes16()[..8].try_into().unwrap_or([0; 8])),
        )?;
        Ok(Some(TimestampJob {
            size: latest.size,
            body,
            request,
            url: config.url.clone(),
        }))
    }

    /// Checks and keeps the TSA's answer, or remembers why there is none.
    ///
    /// # Errors
    /// Database errors only; a bad answer is remembered, not returned.
    pub async fn record_timestamp(
        &self,
        job: &TimestampJob,
        answer: std::result::Result<Vec<u8>, String>,
    ) -> Result<()> {
        let now = self.now();
        let checked = answer.and_then(|der| {
            let config = self.tsa.as_ref().ok_or("timestamping is off")?;
            let token = token_from_response(&der).map_err(|e| e.to_string())?;
            let time =
                verify(&token, job.body.as_bytes(), &config.cert).map_err(|e| e.to_string())?;
            Ok((token, time))
        });
        let outcome = match checked {
            Ok((token, time)) => {
                self.store.store_timestamp(job.size, &token, &time).await?;
                tracing::info!(size = job.size, "checkpoint timestamped");
                None
            }
            Err(why) => {
                tracing::warn!(error = %why, "timestamping failed; will try again");
                Some(why)
            }
        };
        if let Ok(mut s) = self.tsa_state.write() {
            s.last_attempt = Some(now);
            match outcome {
                None => {
                    s.last_success = Some(now);
                    s.last_error = None;
                }
                Some(why) => s.last_error = Some(format!("{now}: {why}")),
            }
        }
        Ok(())
    }

    /// The TSA certificate recorded for verification, if timestamping was ever configured.
    pub(crate) async fn recorded_tsa_cert(&self) -> Result<Option<TsaCertificate>> {
        Ok(self
            .store
            .setting(TSA_CERT_SETTING)
            .await?
            .and_then(|pem| TsaCertificate::from_pem(&pem).ok()))
    }
}
