//! The organisation's gift register: anyone who works there records a gift offered to
//! them; managers and admins keep the register. A gift from the person of concern of a
//! case the recorder may add to is also put on that case's timeline — in the case, not in
//! the register, so that those who keep the register learn nothing about cases. With the
//! same NHS number that happens at once; with only the same name, the recorder is asked.

use crate::{authorise, Actor, App, AppError, CaseRow, Result};
use boundary_domain::advice::gift::{assess, assess_register, donor_match, DonorMatch, GiftInput};
use boundary_domain::advice::Gift;
use boundary_domain::{CaseId, EventBody, GiftId, KeyId};
use boundary_store::gifts::GiftRow;
use boundary_store::WriteTx;

/// One gift of the register, read against the others.
#[derive(Debug, Clone)]
pub struct RegisterLine {
    pub gift: GiftRow,
    pub needs_register_entry: bool,
    /// The donor's gifts in the 12 months up to this one's date, this one included.
    pub donor_total_pence: u64,
}

/// What the register says of a gift the actor recorded.
#[derive(Debug, Clone)]
pub struct GiftOutcome {
    pub id: GiftId,
    pub needs_register_entry: bool,
    pub donor_total_pence: u64,
    pub warnings: Vec<String>,
    /// Cases whose person the donor may be, that the actor may add the gift to: (case,
    /// the person's label).
    pub may_add_to: Vec<(CaseId, String)>,
}

impl App {
    /// Records a gift in the organisation's register, and on the timeline of each case the
    /// actor may add to whose person has the donor's NHS number.
    ///
    /// # Errors
    /// `NotFound` for a member who may not record gifts (auditors); `Invalid` field errors.
    pub async fn record_gift(&self, actor: &Actor, input: &GiftInput) -> Result<GiftOutcome> {
        authorise::record_gift(actor)?;
        let gift = Gift::parse(input, self.uk_today())?;
        self.ensure_writable()?;
        let cases = self.cases_for_gifts(actor).await?;
        let id = GiftId::from_random(self.random.bytes16());
        let mut w = self.store.begin_write().await?;
        let (key_id, key) = w
            .gift_register_key(
                actor.org,
                KeyId::from_random(self.random.bytes16()),
                self.now(),
            )
            .await?;
        let event = self.register_event(
            actor,
            EventBody::GiftRecorded {
                org: actor.org,
                gift: id,
                record: gift.clone(),
            },
        );
        w.append(key_id, &key, &event).await?;
        for (case, may_add) in &cases {
            if *may_add && donor_match(&gift, &case.person) == DonorMatch::Certain {
                self.note_gift(&mut w, actor, case, id, &gift).await?;
            }
        }
        w.commit().await?;
        self.gift_outcome(actor, id).await
    }

    /// What the register says now of a gift the actor recorded: for the page shown after
    /// recording it.
    ///
    /// # Errors
    /// `NotFound` for a gift of another organisation, or recorded by someone else.
    pub async fn gift_outcome(&self, actor: &Actor, id: GiftId) -> Result<GiftOutcome> {
        authorise::record_gift(actor)?;
        let gifts = self.store.gifts(actor.org).await?;
        let Some(row) = gifts
            .iter()
            .find(|g| g.id == id && g.recorded_by == actor.member)
        else {
            return Err(AppError::NotFound);
        };
        let others: Vec<Gift> = gifts
            .iter()
            .filter(|g| g.id != id)
            .map(|g| g.record.clone())
            .collect();
        let assessment = assess(&row.record, &others);
        let mut warnings = assessment.warnings;
        let mut may_add_to = Vec::new();
        for (case, may_add) in self.cases_for_gifts(actor).await? {
            let matched = donor_match(&row.record, &case.person);
            if matched == DonorMatch::No {
                continue;
            }
            let label = &case.person.label;
            let noted = self
                .records_of(&case)
                .await?
                .gifts
                .iter()
                .any(|r| r.record.0 == id);
            warnings.push(match (noted, may_add, matched) {
                (true, _, _) => format!(
                    "The donor is {label}, the person in one of your cases: the gift is on \
                     that case's timeline. The advice is to decline gifts from someone who is \
                     pursuing you."
                ),
                (false, true, _) => {
                    may_add_to.push((case.id, label.clone()));
                    format!(
                        "The donor may be {label}, the person in one of your cases. If it is \
                         them, add the gift to that case's timeline; the advice is to decline \
                         gifts from someone who is pursuing you."
                    )
                }
                (false, false, _) => format!(
                    "The donor may be {label}, the person in a case shared with you. Tell the \
                     case's owner about the gift."
                ),
            });
        }
        Ok(GiftOutcome {
            id,
            needs_register_entry: assessment.needs_register_entry,
            donor_total_pence: assessment.donor_total_pence,
            warnings,
            may_add_to,
        })
    }

    /// Puts a gift the actor recorded on a case's timeline, when its donor may be the
    /// case's person and the actor may add to the case. Adding it again changes nothing.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not add to, or a gift they did not record;
    /// `Conflict` when the donor does not match the case's person.
    pub async fn add_gift_to_case(&self, actor: &Actor, case: CaseId, gift: GiftId) -> Result<()> {
        let (row, _) = self.store.case_and_key(case).await?;
        authorise::record_advice(actor, &row, self.share_of(actor, &row).await?)?;
        let found = self
            .store
            .gifts(actor.org)
            .await?
            .into_iter()
            .find(|g| g.id == gift && g.recorded_by == actor.member)
            .ok_or(AppError::NotFound)?;
        if donor_match(&found.record, &row.person) == DonorMatch::No {
            return Err(AppError::Conflict(
                "The gift's donor does not look like this case's person.".into(),
            ));
        }
        if self
            .records_of(&row)
            .await?
            .gifts
            .iter()
            .any(|r| r.record.0 == gift)
        {
            return Ok(());
        }
        self.ensure_writable()?;
        let mut w = self.store.begin_write().await?;
        self.note_gift(&mut w, actor, &row, gift, &found.record)
            .await?;
        w.commit().await?;
        Ok(())
    }

    async fn note_gift(
        &self,
        w: &mut WriteTx<'_>,
        actor: &Actor,
        case: &CaseRow,
        id: GiftId,
        gift: &Gift,
    ) -> Result<()> {
        let key = self.store.data_key(case.key).await?;
        let noted = self.event(
            actor,
            case.id,
            EventBody::GiftNoted {
                gift: id,
                record: gift.clone(),
            },
        );
        w.append(case.key, &key, &noted).await?;
        Ok(())
    }

    /// The cases the actor sees, each with whether they may add to it.
    async fn cases_for_gifts(&self, actor: &Actor) -> Result<Vec<(CaseRow, bool)>> {
        let mut out = Vec::new();
        for case in self.cases(actor).await? {
            out.push((case, true));
        }
        for case in self.shared_with_me(actor).await? {
            let may_add = self.may_log(actor, &case).await?;
            out.push((case, may_add));
        }
        Ok(out)
    }

    /// The organisation's gift register, oldest offer first. Managers and admins.
    ///
    /// # Errors
    /// `NotFound` for anyone else.
    pub async fn gift_register(&self, actor: &Actor) -> Result<Vec<RegisterLine>> {
        authorise::keep_gift_register(actor)?;
        let gifts = self.store.gifts(actor.org).await?;
        let records: Vec<Gift> = gifts.iter().map(|g| g.record.clone()).collect();
        Ok(gifts
            .into_iter()
            .zip(assess_register(&records))
            .map(|(gift, a)| RegisterLine {
                gift,
                needs_register_entry: a.needs_register_entry,
                donor_total_pence: a.donor_total_pence,
            })
            .collect())
    }

    /// Whether the actor may record gifts, for deciding what a page offers.
    #[must_use]
    pub fn may_record_gifts(&self, actor: &Actor) -> bool {
        authorise::record_gift(actor).is_ok()
    }

    /// Whether the actor keeps the register, for deciding what a page offers.
    #[must_use]
    pub fn keeps_gift_register(&self, actor: &Actor) -> bool {
        authorise::keep_gift_register(actor).is_ok()
    }
}
