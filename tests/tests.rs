//! Integration tests: each writes a small fixture folder, runs the real binary, and checks what a
//! user would see: exit code, message, and the published tables against hand-computed values.

mod util;

mod access;
mod burnout;
mod disclosure;
mod errors;
mod ingest;
mod mapping_examples;
mod operation;
mod parts;
mod privacy;
mod projection;
mod readers;
mod sample;
mod workload;
