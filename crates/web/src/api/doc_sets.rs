//! The closed sets in the API's request bodies and parameters, written into the OpenAPI
//! document from the domain's own lists — a status, a channel, a role — so a client
//! generated from it offers exactly the values the server takes, and a new channel in
//! the domain reaches the document without anyone remembering to add it.

use boundary_domain::advice::gift::{Decision, DonorKind};
use boundary_domain::advice::letter::LetterKind;
use boundary_domain::advice::WarningException;
use boundary_domain::{Access, AmendableField, CaseStatus, Channel, Role};
use serde_json::Value;
use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::{OpenApi, RefOr};

/// (schema, property, the values it takes). Properties that may be left out or null
/// keep that: null joins the set.
fn sets() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    vec![
        (
            "StatusIn",
            "status",
            CaseStatus::ALL.map(CaseStatus::code).to_vec(),
        ),
        (
            "ShareIn",
            "access",
            vec![Access::Read.code(), Access::Contribute.code()],
        ),
        (
            "EntryIn",
            "channel",
            Channel::ALL.map(Channel::code).to_vec(),
        ),
        (
            "AmendmentIn",
            "field",
            AmendableField::ALL.map(AmendableField::code).to_vec(),
        ),
        ("InviteIn", "role", Role::ALL.map(Role::code).to_vec()),
        (
            "MemberChangeIn",
            "roles",
            Role::ALL.map(Role::code).to_vec(),
        ),
        (
            "LetterIn",
            "kind",
            LetterKind::ALL.map(LetterKind::code).to_vec(),
        ),
        ("ExportIn", "format", vec!["pdf", "bundle"]),
        (
            "GiftIn",
            "donor_is",
            DonorKind::ALL.map(DonorKind::code).to_vec(),
        ),
        (
            "GiftIn",
            "decision",
            Decision::ALL.map(Decision::code).to_vec(),
        ),
        (
            "AssessmentIn",
            "exception",
            WarningException::ALL.map(WarningException::code).to_vec(),
        ),
    ]
}

/// Query and path parameters that are closed sets: (parameter name, values).
fn parameter_sets() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![("kind", LetterKind::ALL.map(LetterKind::code).to_vec())]
}

fn values(codes: &[&str], nullable: bool) -> Vec<Value> {
    let mut v: Vec<Value> = codes.iter().map(|c| Value::from(*c)).collect();
    if nullable {
        v.push(Value::Null);
    }
    v
}

/// Whether an object schema's type admits null (an `Option` field).
fn admits_null(o: &utoipa::openapi::schema::Object) -> bool {
    serde_json::to_value(&o.schema_type).ok().is_some_and(|t| {
        t == "null"
            || t.as_array()
                .is_some_and(|a| a.contains(&Value::from("null")))
    })
}

fn restrict(schema: &mut RefOr<Schema>, codes: &[&str]) {
    match schema {
        RefOr::T(Schema::Object(o)) => {
            let nullable = admits_null(o);
            o.enum_values = Some(values(codes, nullable));
        }
        RefOr::T(Schema::Array(a)) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                restrict(items, codes);
            }
        }
        _ => {}
    }
}

/// Writes every closed set into `doc`.
pub(super) fn write(doc: &mut OpenApi) {
    if let Some(components) = doc.components.as_mut() {
        for (name, property, codes) in sets() {
            if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(name) {
                if let Some(p) = o.properties.get_mut(property) {
                    restrict(p, &codes);
                }
            }
        }
    }
    let parameters = parameter_sets();
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            for p in op.parameters.iter_mut().flatten() {
                if let Some((_, codes)) = parameters.iter().find(|(n, _)| *n == p.name) {
                    if let Some(s) = p.schema.as_mut() {
                        restrict(s, codes);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::OpenApi as _;

    #[test]
    fn every_set_lands_on_a_property_that_exists_with_the_domains_values() {
        let doc = serde_json::to_value(super::super::openapi::ApiDoc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        for (name, property, codes) in sets() {
            let p = &schemas[name]["properties"][property];
            let set = p["enum"]
                .as_array()
                .or_else(|| p["items"]["enum"].as_array());
            let set = set.unwrap_or_else(|| panic!("{name}.{property} has no set: {p}"));
            for code in codes {
                assert!(
                    set.contains(&Value::from(code)),
                    "{name}.{property}: {code}"
                );
            }
        }
        let draft = &doc["paths"]["/api/v1/cases/{id}/letters/draft"]["get"]["parameters"];
        let kind = draft
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "kind")
            .unwrap();
        assert_eq!(kind["schema"]["enum"].as_array().unwrap().len(), 3);
        let template = &doc["paths"]["/api/v1/letter-templates/{kind}"]["put"]["parameters"][0];
        assert_eq!(
            template["schema"]["enum"].as_array().unwrap().len(),
            3,
            "{template}"
        );
    }
}
