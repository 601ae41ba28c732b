//! The typed API rejects mismatched signatures at compile time (trybuild). The expected
//! compiler output is in `tests/compile_fail/*.stderr`; regenerate it with
//! `TRYBUILD=overwrite make e2e` after a toolchain or generated-API change.
#[test]
fn typed_api_rejects_mismatches() {
    let t = trybuild::TestCases::new();
    t.pass("tests/compile_pass/*.rs");
    t.compile_fail("tests/compile_fail/*.rs");
}
