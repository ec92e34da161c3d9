//! A pursuer who knows the doctor's e-mail address cannot keep them locked out (issue 18,
//! finding 5): guesses are slowed per account and source, and a browser that has signed
//! in to the account before is never held back by failures from elsewhere. Each browser
//! here connects from its own loopback address, so the server sees real, different
//! sources.

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::{redirect, StatusCode};
use rstest::rstest;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// A browser on its own address, keeping its own cookies.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: Mutex<BTreeMap<String, String>>,
}

impl Browser {
    fn at(app: &TestApp, address: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(redirect::Policy::none())
                .local_address(Some(address.parse().unwrap()))
                .build()
                .unwrap(),
            base: app.base.clone(),
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    fn remember(&self, r: &reqwest::Response) {
        for v in r.headers().get_all("set-cookie") {
            let pair = v.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            let mut jar = self.cookies.lock().unwrap();
            if v.is_empty() {
                jar.remove(k);
            } else {
                jar.insert(k.to_owned(), v.to_owned());
            }
        }
    }

    fn cookie_header(&self) -> String {
        let jar = self.cookies.lock().unwrap();
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn knows_device(&self) -> bool {
        self.cookies.lock().unwrap().contains_key("boundary_device")
    }

    /// Signs in from the form, as a person would; the status the server answered.
    async fn sign_in(&self, email: &str, password: &str) -> StatusCode {
        let r = self
            .http
            .get(format!("{}/sign-in", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.remember(&r);
        let csrf = csrf_in(&r.text().await.unwrap());
        let r = self
            .http
            .post(format!("{}/sign-in", self.base))
            .header("cookie", self.cookie_header())
            .form(&[("email", email), ("password", password), ("csrf", &csrf)])
            .send()
            .await
            .unwrap();
        self.remember(&r);
        r.status()
    }

    async fn sign_out(&self) {
        let r = self
            .http
            .get(format!("{}/account", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        let csrf = csrf_in(&r.text().await.unwrap());
        let r = self
            .http
            .post(format!("{}/sign-out", self.base))
            .header("cookie", self.cookie_header())
            .form(&[("csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        self.remember(&r);
    }
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_owner_signs_in_while_someone_elsewhere_keeps_failing(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    // Ada's phone has signed in before (and signed out since: it stays known).
    let phone = Browser::at(&app, "127.0.0.3");
    assert_eq!(
        phone.sign_in("ada@example.nhs.uk", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    phone.sign_out().await;
    assert!(phone.knows_device(), "signing out keeps the device known");

    // The pursuer guesses from one address, then from many, a wrong password each time,
    // waiting out each delay: far past every limit, for hours.
    let stalker = Browser::at(&app, "127.0.0.2");
    let mut refused = 0;
    for round in 0..40 {
        let status = stalker
            .sign_in("ada@example.nhs.uk", "i know where you live")
            .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
        let elsewhere = Browser::at(&app, &format!("127.0.1.{}", round + 1));
        elsewhere
            .sign_in("ada@example.nhs.uk", "i know where you live")
            .await;
        app.clock.advance(60);
    }
    assert!(
        refused > 20,
        "the pursuer's own address is slowed: {refused}"
    );
    assert_eq!(
        stalker.sign_in("ada@example.nhs.uk", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits at the guessing address"
    );

    // The pursuer on the same network as Ada's phone fails there too.
    let same_network = Browser::at(&app, "127.0.0.4");
    for _ in 0..40 {
        same_network
            .sign_in("ada@example.nhs.uk", "i know where you live")
            .await;
        app.clock.advance(30);
    }

    // Ada, on her phone, on that network, signs in at once.
    let phone_elsewhere = Browser::at(&app, "127.0.0.4");
    *phone_elsewhere.cookies.lock().unwrap() = phone.cookies.lock().unwrap().clone();
    assert_eq!(
        phone_elsewhere
            .sign_in("ada@example.nhs.uk", PASSWORD)
            .await,
        StatusCode::SEE_OTHER,
        "a browser the account knows is never locked out by others' failures"
    );

    // A browser the account has never seen waits while guesses come from everywhere: the
    // limit against spread-out guessing. A forged device cookie does not help.
    let new_laptop = Browser::at(&app, "127.0.0.5");
    new_laptop.cookies.lock().unwrap().insert(
        "boundary_device".into(),
        format!("{}.{}", 1, "0".repeat(64)),
    );
    assert_eq!(
        new_laptop.sign_in("ada@example.nhs.uk", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.clock.advance(15 * 60 + 1);
    assert_eq!(
        new_laptop.sign_in("ada@example.nhs.uk", PASSWORD).await,
        StatusCode::SEE_OTHER,
        "after the wait"
    );
}
