//! Integration tests: the real server on an ephemeral port with a fresh data folder and
//! a fresh database (SQLite, and PostgreSQL on `BOUNDARY_TEST_POSTGRES_URL`), driven over
//! HTTP; and the real `boundary` binary.

// A failed unwrap in a test is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

mod abuse;
mod advice;
mod api;
mod attachments;
mod audit;
mod bidi;
mod browser;
mod bundle_trust;
mod case_story;
mod cli;
mod come_back;
mod compression;
mod corrections;
mod dead_ends;
mod encryption;
mod export_jobs;
mod export_text;
mod exports;
mod file_modes;
mod gifts;
mod house;
mod invitations;
mod keys;
mod ledger;
mod letters;
mod mail;
mod matrix;
mod metrics;
mod object_storage;
mod pack_reading;
mod pages;
mod people;
mod rebuild;
mod session_time;
mod sharing;
mod sign_in;
mod throttle;
mod timestamps;
mod token_lifetime;
mod two_factor;
mod verify_load;

mod tamper;
#[path = "../../../../tests/support/tsa.rs"]
mod tsa_support;
