//! E-mail: invitations, and reminders of what is coming due on a case. Boundary's
//! e-mails never carry case content — a reminder says only that a step is due, with a
//! link — so a mailbox read by someone else gives nothing away. Sending is through a
//! [`Mailer`]; `boundary serve` plugs in SMTP.

use crate::{App, Result};
use boundary_domain::advice::reminders::{due, to_send, Due};
use boundary_domain::{CaseId, Role};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Why an e-mail did not go, as the mailer says it: shown in the operator's log, so it
/// must not include the message or the recipient's address.
pub type MailFailure = Box<dyn std::error::Error + Send + Sync>;

/// A server that delivers e-mail.
pub trait Mailer: Send + Sync {
    fn send<'a>(
        &'a self,
        to: &'a str,
        subject: &'a str,
        body: &'a str,
    ) -> Pin<Box<dyn Future<Output = std::result::Result<(), MailFailure>> + Send + 'a>>;
}

/// Where e-mail goes, and the address the links in it point to.
#[derive(Clone)]
pub struct MailConfig {
    pub mailer: Arc<dyn Mailer>,
    pub public_url: String,
}

/// A missed reminder is still sent this many days late (after a server was down), and
/// no later.
const CATCH_UP_DAYS: i64 = 3;

pub const REMINDER_SUBJECT: &str = "You have a step due in Boundary";

/// One case's due items, for its owner's pages.
#[derive(Debug, Clone)]
pub struct CaseDue {
    pub case: CaseId,
    pub label: String,
    pub items: Vec<Due>,
}

impl App {
    /// Sends e-mail through `mail` from now on.
    pub fn configure_mail(&mut self, mail: MailConfig) {
        self.mail = Some(mail);
    }

    /// Whether e-mail is set up, for pages that say so.
    #[must_use]
    pub fn mail_configured(&self) -> bool {
        self.mail.is_some()
    }

    /// What is due on a case whose records the caller may read.
    async fn dues_of(&self, case: &crate::CaseRow) -> Result<Vec<Due>> {
        let records = self.records_of(case).await?;
        let steps: Vec<_> = self
            .checklist_of(case, &records)
            .await?
            .into_iter()
            .map(|l| (l.step, l.state))
            .collect();
        let letters: Vec<_> = records.letters.iter().map(|r| &r.record).collect();
        Ok(due(case.id, &steps, &letters))
    }

    /// For "my cases": what is due on each case the actor owns — every step due again, and
    /// removal dates from a week ago on.
    ///
    /// # Errors
    /// Database errors.
    pub async fn my_dues(&self, actor: &crate::Actor) -> Result<Vec<CaseDue>> {
        let week_ago = boundary_domain::advice::dates::plus_days(self.uk_today(), -7);
        let mut out = Vec::new();
        for case in self.cases(actor).await? {
            if case.status == boundary_domain::CaseStatus::Closed {
                continue;
            }
            let items: Vec<Due> = self
                .dues_of(&case)
                .await?
                .into_iter()
                .filter(|d| d.until_done || d.due_on >= week_ago)
                .collect();
            if !items.is_empty() {
                out.push(CaseDue {
                    case: case.id,
                    label: case.person.label.clone(),
                    items,
                });
            }
        }
        Ok(out)
    }

    /// Sends each reminder whose day has come and that has not gone yet, to the case's
    /// owner while they are an active clinician. Returns how many went. A reminder that
    /// fails is tried again next time.
    ///
    /// # Errors
    /// Database errors; a mail server's refusal is logged, not returned.
    pub async fn send_due_reminders(&self) -> Result<usize> {
        let Some(mail) = self.mail.clone() else {
            return Ok(0);
        };
        let mut sent = 0;
        for (id, owner) in self.store.open_cases().await? {
            // One case that cannot be read must not stop the others' reminders.
            match self.send_case_reminders(&mail, id, owner).await {
                Ok(n) => sent += n,
                Err(e) => {
                    tracing::warn!(case = %id, error = %e, "reminders for a case not worked out");
                }
            }
        }
        Ok(sent)
    }

    async fn send_case_reminders(
        &self,
        mail: &MailConfig,
        id: CaseId,
        owner: boundary_domain::MemberId,
    ) -> Result<usize> {
        let member = self.store.member(owner).await?;
        if !member.usable() || !member.roles.has(Role::Clinician) {
            return Ok(0);
        }
        let case = self.store.case(id).await?;
        let dues = self.dues_of(&case).await?;
        let mut sent = 0;
        for key in to_send(&dues, self.uk_today(), CATCH_UP_DAYS) {
            // Claimed before sending, so that servers sharing a database send it once.
            if !self
                .store
                .claim_reminder(&key, owner, self.now_micros())
                .await?
            {
                continue;
            }
            let body = format!(
                "You have a step due in Boundary.\n\nOpen it here (you will be asked to sign in):\n{}/cases/{id}/advice\n\nThis e-mail says nothing more on purpose: what is in Boundary stays in Boundary.\n",
                mail.public_url.trim_end_matches('/')
            );
            match mail
                .mailer
                .send(&member.email, REMINDER_SUBJECT, &body)
                .await
            {
                Ok(()) => {
                    tracing::info!(member = %owner, case = %id, "reminder sent");
                    sent += 1;
                }
                Err(why) => {
                    self.store.release_reminder(&key).await?;
                    tracing::warn!(member = %owner, error = %why, "reminder not sent; will try again");
                }
            }
        }
        Ok(sent)
    }

    /// E-mails an invitation link, when e-mail is set up. Returns whether it went.
    pub(crate) async fn email_invitation(&self, to: &str, org: &str, secret: &str) -> bool {
        let Some(mail) = self.mail.clone() else {
            return false;
        };
        let hours = self.limits.password_link_seconds / 3600;
        let body = format!(
            "{org} has invited you to Boundary, where doctors keep a secure record of unwanted contact.\n\nJoin here (the link works once, for {hours} hours). If you are new to Boundary you choose a password; if you already use it, sign in and accept:\n{}/password/{secret}\n\nIf you did not expect this, you can ignore it.\n",
            mail.public_url.trim_end_matches('/')
        );
        match mail
            .mailer
            .send(to, "You have been invited to Boundary", &body)
            .await
        {
            Ok(()) => true,
            Err(why) => {
                // Not the address, and never the link.
                tracing::warn!(error = %why, "invitation e-mail not sent");
                false
            }
        }
    }
}
