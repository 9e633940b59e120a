//! `Client::from_env()` reads the process environment. This is the only test of this binary,
//! so no other test can see or race on the variables it sets.

#[test]
fn clients_from_the_process_environment() {
    let key = "0123456789abcdef0123456789abcdef";
    for name in ["MEMSET_API_KEY", "MEMSET_API_URL", "ONEANDONE_TOKEN", "ONEANDONE_API_URL"] {
        std::env::remove_var(name);
    }
    let error = memset::Client::from_env().expect_err("not set");
    assert_eq!(error.variable(), Some("MEMSET_API_KEY"));

    std::env::set_var("MEMSET_API_KEY", key);
    std::env::set_var("MEMSET_API_URL", "http://127.0.0.1:9/v1");
    let ms = memset::Client::from_env().expect("set");
    assert_eq!(ms.base_url(), "http://127.0.0.1:9/v1");

    std::env::set_var("ONEANDONE_TOKEN", "token");
    let oa = oneandone::ClientBuilder::from_env().expect("set").build().expect("valid");
    assert_eq!(oa.base_url(), "https://cloudpanel-api.1and1.com/v1");

    std::env::set_var("PROFITBRICKS_USERNAME", "user");
    std::env::remove_var("PROFITBRICKS_PASSWORD");
    let error = profitbricks::Client::from_env().expect_err("no password");
    assert_eq!(error.variable(), Some("PROFITBRICKS_PASSWORD"));
}
