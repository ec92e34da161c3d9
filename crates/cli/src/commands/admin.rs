//! `org add`, `user add`, `token create` and `rebuild`.

use crate::args::Global;
use crate::commands::emit;
use crate::{context, user_error};
use std::io::Read;

pub(crate) async fn org_add(g: &Global, name: &str) -> anyhow::Result<()> {
    let app = context::open(g).await?;
    let id = app.add_org(name).await?;
    eprintln!("Added the organisation {name}.");
    emit(g.json, "id", &id.to_string());
    Ok(())
}

pub(crate) async fn user_add(
    g: &Global,
    email: &str,
    name: &str,
    org: &str,
    role: &str,
    password_stdin: bool,
    public_url: &str,
) -> anyhow::Result<()> {
    let password = if password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        let p = s.trim_end_matches(['\r', '\n']).to_owned();
        if p.is_empty() {
            return Err(user_error(
                "--password-stdin was given but standard input was empty",
            ));
        }
        Some(p)
    } else {
        None
    };
    let app = context::open(g).await?;
    let added = app
        .add_member(
            org,
            email,
            name,
            role,
            password.map(boundary_app::SecretString::from).as_ref(),
        )
        .await?;
    match added.password_link {
        Some(secret) => {
            let link = format!("{}/password/{secret}", public_url.trim_end_matches('/'));
            eprintln!("Added {email} as {role}. Send them this link to choose a password; it works once, within 72 hours:");
            if g.json {
                println!(
                    "{}",
                    serde_json::json!({ "id": added.member.to_string(), "link": link })
                );
            } else {
                println!("{link}");
            }
        }
        None => {
            eprintln!("Added {email} as {role}.");
            emit(g.json, "id", &added.member.to_string());
        }
    }
    Ok(())
}

pub(crate) async fn token_create(
    g: &Global,
    email: &str,
    label: Option<&str>,
    expires_days: Option<i64>,
) -> anyhow::Result<()> {
    let app = context::open(g).await?;
    let member = app.member_by_email(email).await?;
    let token = app.create_token(member, label, expires_days).await?;
    eprintln!("This token is shown once. Keep it like a password.");
    emit(g.json, "token", &token.secret);
    Ok(())
}

pub(crate) async fn rebuild(g: &Global) -> anyhow::Result<()> {
    let app = context::open(g).await?;
    let n = app.rebuild().await?;
    eprintln!("Rebuilt every projection from {n} events.");
    emit(g.json, "events", &n.to_string());
    Ok(())
}
