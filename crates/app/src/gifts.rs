//! The organisation's gift register: anyone who works there records a gift offered to
//! them; managers and admins keep the register. A gift from the person of concern of a
//! case the recorder may see is also put on that case's timeline — in the case, not in
//! the register, so that those who keep the register learn nothing about cases.

use crate::{authorise, Actor, App, Result};
use boundary_domain::advice::gift::{assess, assess_register, donor_is_person, GiftInput};
use boundary_domain::advice::Gift;
use boundary_domain::{CaseId, EventBody, GiftId, KeyId};
use boundary_store::gifts::GiftRow;

/// One gift of the register, read against the others.
#[derive(Debug, Clone)]
pub struct RegisterLine {
    pub gift: GiftRow,
    pub needs_register_entry: bool,
    /// The donor's gifts in the 12 months up to this one's date, this one included.
    pub donor_total_pence: u64,
}

/// What the register said of a gift just recorded.
#[derive(Debug, Clone)]
pub struct GiftRecorded {
    pub id: GiftId,
    pub needs_register_entry: bool,
    pub donor_total_pence: u64,
    pub warnings: Vec<String>,
    /// The recorder's cases whose person of concern the donor looks like.
    pub cases: Vec<CaseId>,
}

impl App {
    /// Records a gift in the organisation's register.
    ///
    /// # Errors
    /// `NotFound` for a member who may not record gifts (auditors); `Invalid` field errors.
    pub async fn record_gift(&self, actor: &Actor, input: &GiftInput) -> Result<GiftRecorded> {
        authorise::record_gift(actor)?;
        let gift = Gift::parse(input, self.uk_today())?;
        self.ensure_writable()?;
        let earlier: Vec<Gift> = self
            .store
            .gifts(actor.org)
            .await?
            .into_iter()
            .map(|g| g.record)
            .collect();
        let assessment = assess(&gift, &earlier);
        let mut warnings = assessment.warnings;
        let mut seen = self.cases(actor).await?;
        seen.extend(self.shared_with_me(actor).await?);
        let matched: Vec<_> = seen
            .into_iter()
            .filter(|c| donor_is_person(&gift, &c.person))
            .collect();
        for case in &matched {
            warnings.push(format!(
                "The donor looks like {}, the person in one of your cases. The advice is to \
                 decline gifts from someone who is pursuing you; the gift has been added to \
                 that case's timeline.",
                case.person.label
            ));
        }

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
        for case in &matched {
            let case_key = self.store.data_key(case.key).await?;
            let noted = self.event(
                actor,
                case.id,
                EventBody::GiftNoted {
                    gift: id,
                    record: gift.clone(),
                },
            );
            w.append(case.key, &case_key, &noted).await?;
        }
        w.commit().await?;
        Ok(GiftRecorded {
            id,
            needs_register_entry: assessment.needs_register_entry,
            donor_total_pence: assessment.donor_total_pence,
            warnings,
            cases: matched.iter().map(|c| c.id).collect(),
        })
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
