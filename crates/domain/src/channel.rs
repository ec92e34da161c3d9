//! How a contact reached the doctor.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InConsultation,
    AtWorkplace,
    AtHome,
    PhoneCall,
    TextMessage,
    Email,
    LetterOrCard,
    Gift,
    SocialMediaRequest,
    SocialMediaMessage,
    SocialMediaPost,
    ViaThirdParty,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Choose how the contact happened")]
pub struct UnknownChannel;

impl Channel {
    /// Every channel, in the order the log form offers them.
    pub const ALL: [Channel; 13] = [
        Channel::TextMessage,
        Channel::PhoneCall,
        Channel::SocialMediaMessage,
        Channel::SocialMediaRequest,
        Channel::SocialMediaPost,
        Channel::Email,
        Channel::LetterOrCard,
        Channel::Gift,
        Channel::InConsultation,
        Channel::AtWorkplace,
        Channel::AtHome,
        Channel::ViaThirdParty,
        Channel::Other,
    ];

    /// The wire name, as in INTERFACES.md.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Channel::InConsultation => "in_consultation",
            Channel::AtWorkplace => "at_workplace",
            Channel::AtHome => "at_home",
            Channel::PhoneCall => "phone_call",
            Channel::TextMessage => "text_message",
            Channel::Email => "email",
            Channel::LetterOrCard => "letter_or_card",
            Channel::Gift => "gift",
            Channel::SocialMediaRequest => "social_media_request",
            Channel::SocialMediaMessage => "social_media_message",
            Channel::SocialMediaPost => "social_media_post",
            Channel::ViaThirdParty => "via_third_party",
            Channel::Other => "other",
        }
    }

    /// What a doctor reads on the page.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Channel::InConsultation => "In a consultation",
            Channel::AtWorkplace => "At my workplace",
            Channel::AtHome => "At or near my home",
            Channel::PhoneCall => "Phone call",
            Channel::TextMessage => "Text or WhatsApp message",
            Channel::Email => "E-mail",
            Channel::LetterOrCard => "Letter or card",
            Channel::Gift => "Gift",
            Channel::SocialMediaRequest => "Social media friend or follow request",
            Channel::SocialMediaMessage => "Social media message",
            Channel::SocialMediaPost => "Social media post or comment",
            Channel::ViaThirdParty => "Through someone else",
            Channel::Other => "Something else",
        }
    }

    /// # Errors
    /// Refuses anything but a wire name.
    pub fn parse(s: &str) -> Result<Self, UnknownChannel> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s.trim())
            .ok_or(UnknownChannel)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde_and_parse() {
        for c in Channel::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
            assert_eq!(Channel::parse(c.code()).unwrap(), c);
        }
        assert!(Channel::parse("carrier_pigeon").is_err());
    }
}
