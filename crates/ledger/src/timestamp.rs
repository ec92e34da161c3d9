//! Trusted timestamps (RFC 3161): the request Boundary sends a timestamping authority
//! (TSA) for a checkpoint, and the check of the token it gets back — that the token
//! names exactly that checkpoint, and that the TSA's certificate signed it.
//!
//! The message stamped is the checkpoint's body (C2SP tlog-checkpoint text), hashed with
//! SHA-256. Tokens are CMS `SignedData` (RFC 5652) whose content is a `TSTInfo`; signatures
//! by RSA (PKCS #1 v1.5) with SHA-256 are accepted.

use cmpv2::status::PkiStatus;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::asn1::{Int, ObjectIdentifier, OctetString};
use der::{Decode, DecodePem, Encode};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::{Digest, Sha256};
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::spki::AlgorithmIdentifier;
use x509_cert::Certificate;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TSTINFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const ID_SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ID_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const ID_KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error("the TSA's answer is not a timestamp response: {0}")]
    Malformed(String),
    #[error("the TSA refused the request (status {0})")]
    Refused(String),
    #[error("the token is not for this checkpoint (its message imprint differs)")]
    WrongImprint,
    #[error("the token's signature does not verify with the TSA certificate")]
    BadSignature,
    #[error("the token was not signed by the configured TSA certificate")]
    WrongSigner,
    #[error("the token uses {0}, which Boundary does not check")]
    Unsupported(String),
    #[error("the TSA certificate is not usable: {0}")]
    BadCertificate(String),
}

fn malformed(e: impl std::fmt::Display) -> TimestampError {
    TimestampError::Malformed(e.to_string())
}

/// A TSA's certificate, checked to be for timestamping.
#[derive(Debug, Clone)]
pub struct TsaCertificate {
    cert: Certificate,
    key: rsa::RsaPublicKey,
}

impl TsaCertificate {
    /// # Errors
    /// Not a PEM certificate, not an RSA key, or without the timeStamping extended key usage.
    pub fn from_pem(pem: &str) -> Result<Self, TimestampError> {
        let cert = Certificate::from_pem(pem.as_bytes())
            .map_err(|e| TimestampError::BadCertificate(e.to_string()))?;
        let for_timestamping = cert
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .filter(|e| e.extn_id == ID_EXT_KEY_USAGE)
            .filter_map(|e| ExtendedKeyUsage::from_der(e.extn_value.as_bytes()).ok())
            .any(|eku| eku.0.contains(&ID_KP_TIME_STAMPING));
        if !for_timestamping {
            return Err(TimestampError::BadCertificate(
                "it lacks the timeStamping extended key usage".into(),
            ));
        }
        let spki = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| TimestampError::BadCertificate(e.to_string()))?;
        let key = rsa::RsaPublicKey::from_public_key_der(&spki).map_err(|_| {
            TimestampError::BadCertificate("only RSA TSA keys are supported".into())
        })?;
        Ok(Self { cert, key })
    }

    /// Whose certificate it is, as an RFC 4514 name (`CN=…,O=…`): a reader who is shown a
    /// timestamp needs to know whose word it is.
    #[must_use]
    pub fn subject(&self) -> String {
        self.cert.tbs_certificate.subject.to_string()
    }

    /// Who issued it, as an RFC 4514 name; the same as the subject for a self-signed one.
    #[must_use]
    pub fn issuer(&self) -> String {
        self.cert.tbs_certificate.issuer.to_string()
    }
}

fn sha256_alg() -> AlgorithmIdentifier<der::Any> {
    AlgorithmIdentifier {
        oid: ID_SHA256,
        parameters: None,
    }
}

/// A DER `TimeStampReq` for `message`, asking for the TSA's certificate in the token.
///
/// # Errors
/// Only if encoding fails.
pub fn request(message: &[u8], nonce: u64) -> Result<Vec<u8>, TimestampError> {
    // A positive INTEGER: clear the top bit and drop leading zero bytes (DER minimal form).
    let n = nonce >> 1;
    let bytes = n.to_be_bytes();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(7);
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: sha256_alg(),
            hashed_message: OctetString::new(Sha256::digest(message).to_vec())
                .map_err(malformed)?,
        },
        req_policy: None,
        nonce: Some(Int::new(&bytes[first..]).map_err(malformed)?),
        cert_req: true,
        extensions: None,
    };
    req.to_der().map_err(malformed)
}

/// The token (DER `ContentInfo`) from a TSA's DER `TimeStampResp`.
///
/// # Errors
/// A response that is not one, or a refusal.
pub fn token_from_response(der: &[u8]) -> Result<Vec<u8>, TimestampError> {
    let resp = TimeStampResp::from_der(der).map_err(malformed)?;
    match resp.status.status {
        PkiStatus::Accepted | PkiStatus::GrantedWithMods => {}
        other => return Err(TimestampError::Refused(format!("{other:?}"))),
    }
    resp.time_stamp_token
        .ok_or_else(|| TimestampError::Malformed("granted, but no token".into()))?
        .to_der()
        .map_err(malformed)
}

/// Checks that `token` stamps exactly `message` and was signed by `tsa`; returns the
/// time the TSA gives (`GeneralizedTime`, as text).
///
/// # Errors
/// What is wrong with the token.
pub fn verify(
    token: &[u8],
    message: &[u8],
    tsa: &TsaCertificate,
) -> Result<String, TimestampError> {
    let ci = ContentInfo::from_der(token).map_err(malformed)?;
    if ci.content_type != ID_SIGNED_DATA {
        return Err(malformed("not CMS SignedData"));
    }
    let sd: SignedData = ci.content.decode_as().map_err(malformed)?;
    if sd.encap_content_info.econtent_type != ID_CT_TSTINFO {
        return Err(malformed("the signed content is not a TSTInfo"));
    }
    let econtent: OctetString = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| malformed("no signed content"))?
        .decode_as()
        .map_err(malformed)?;
    let tst_der = econtent.as_bytes();
    let tst = TstInfo::from_der(tst_der).map_err(malformed)?;
    if tst.message_imprint.hash_algorithm.oid != ID_SHA256
        || tst.message_imprint.hashed_message.as_bytes() != Sha256::digest(message).as_slice()
    {
        return Err(TimestampError::WrongImprint);
    }

    let signer = sd
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| malformed("no signer"))?;
    if signer.digest_alg.oid != ID_SHA256 {
        return Err(TimestampError::Unsupported(format!(
            "digest {}",
            signer.digest_alg.oid
        )));
    }
    if let SignerIdentifier::IssuerAndSerialNumber(id) = &signer.sid {
        if id.issuer != tsa.cert.tbs_certificate.issuer
            || id.serial_number != tsa.cert.tbs_certificate.serial_number
        {
            return Err(TimestampError::WrongSigner);
        }
    }
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or_else(|| malformed("no signed attributes"))?;
    let mut digest_ok = false;
    let mut type_ok = false;
    for attr in attrs.iter() {
        let Some(value) = attr.values.iter().next() else {
            continue;
        };
        if attr.oid == ID_MESSAGE_DIGEST {
            let d: OctetString = value.decode_as().map_err(malformed)?;
            digest_ok = d.as_bytes() == Sha256::digest(tst_der).as_slice();
        } else if attr.oid == ID_CONTENT_TYPE {
            let t: ObjectIdentifier = value.decode_as().map_err(malformed)?;
            type_ok = t == ID_CT_TSTINFO;
        }
    }
    if !digest_ok || !type_ok {
        return Err(TimestampError::BadSignature);
    }
    let alg = signer.signature_algorithm.oid;
    if alg != ID_RSA_ENCRYPTION && alg != ID_SHA256_WITH_RSA {
        return Err(TimestampError::Unsupported(format!(
            "signature algorithm {alg}"
        )));
    }
    // The signature covers the signed attributes encoded as a SET OF.
    let signed_bytes = attrs.to_der().map_err(malformed)?;
    let sig = rsa::pkcs1v15::Signature::try_from(signer.signature.as_bytes())
        .map_err(|_| TimestampError::BadSignature)?;
    rsa::pkcs1v15::VerifyingKey::<Sha256>::new(tsa.key.clone())
        .verify(&signed_bytes, &sig)
        .map_err(|_| TimestampError::BadSignature)?;
    Ok(tst.gen_time.to_date_time().to_string())
}
