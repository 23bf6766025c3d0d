//! End-to-end: the other end of the path (issue 22) on the shipped Functions example, from
//! files and from `--azure` (the test kit's mock on 127.0.0.1), and the app's secret
//! settings never printed. `--no-probe` throughout: the example's names and addresses are
//! only evaluated.

use netdiag_tests::arm::{ArmMock, IDENTITY_HEADER};
use netdiag_tests::{Run, command};

use super::checklist::check;

const APP: &str = "/subscriptions/4d2e8f61-0000-4000-8000-0000000f0a11/resourceGroups/rg-orders-func/providers/Microsoft.Web/sites/func-orders";
const TARGET: &str = "stordersfunc.file.core.windows.net:445";
const ACCOUNT_KEY: &str = "bm90LWEtcmVhbC1rZXktYnV0LWtlZXAtaXQtc2VjcmV0LTEyMzQ1Njc4OTA=";
const KEY_VAULT_REF: &str =
    "@Microsoft.KeyVault(SecretUri=https://kv-orders.vault.azure.net/secrets/orders-db/)";

fn export() -> String {
    netdiag_tests::functions_export().display().to_string()
}

/// README's third example: the content share's account admits only the integration
/// subnet, and content share is not routed through the VNET.
#[test]
fn the_functions_example_names_the_content_share_and_the_command() {
    let run = Run::of(command("tcpping").args(["--network", &export(), "--no-probe", TARGET]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "Checklist for stordersfunc.file.core.windows.net:445 - snapshot: 1 site, 1 plan, 1 VNET, 1 storage"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Likely cause: platform.content-share: the content share is on storage account stordersfunc"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("--set properties.vnetContentShareEnabled=true"),
        "{}",
        run.stdout
    );
    let report =
        Run::of(command("tcpping").args(["--json", "--network", &export(), "--no-probe", TARGET]))
            .json();
    assert_eq!(report["verdict"]["cause"], "platform.content-share");
    assert_eq!(check(&report, "target.public-access")["status"], "pass");
    assert_eq!(check(&report, "platform.content-share")["status"], "fail");
}

/// Inside the app, the secret settings are environment variables: the checklist uses what
/// they say (the content share's account, a Key Vault reference's vault), and no output or
/// report carries their values.
#[test]
fn secret_settings_never_reach_an_output_or_a_report() {
    let connection = format!(
        "DefaultEndpointsProtocol=https;AccountName=stordersfunc;AccountKey={ACCOUNT_KEY};EndpointSuffix=core.windows.net"
    );
    let mut outputs = Vec::new();
    for format in [None, Some("--json")] {
        let mut cmd = command("tcpping");
        cmd.env("WEBSITE_SITE_NAME", "func-orders")
            .env("WEBSITE_PRIVATE_IP", "10.40.1.5")
            .env("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", &connection)
            .env("AzureWebJobsStorage", &connection)
            .env("OrdersDbPassword", KEY_VAULT_REF)
            .args(["--network", &export(), "--no-probe"]);
        if let Some(flag) = format {
            cmd.arg(flag);
        }
        let run = Run::of(cmd.arg(TARGET));
        assert_eq!(run.code, 1, "{}", run.stderr);
        if format.is_some() {
            let report = run.json();
            let vault = check(&report, "platform.key-vault-refs");
            assert!(
                vault["evidence"].as_str().unwrap().contains(
                    "the vault of kv-orders (setting OrdersDbPassword) is not in the snapshot"
                ),
                "{vault}"
            );
        }
        outputs.push(run.stdout);
        outputs.push(run.stderr);
    }
    for output in &outputs {
        assert!(
            !output.contains(ACCOUNT_KEY),
            "the account key leaked: {output}"
        );
        assert!(
            !output.contains("secrets/orders-db"),
            "a Key Vault reference leaked: {output}"
        );
        assert!(!output.contains("AccountKey"), "{output}");
    }
}

/// `--azure` finds the content share's storage account by the name in the connection
/// string (a list of the subscription's accounts, then the one account), and the verdict
/// is the export's.
#[test]
fn azure_reads_the_content_shares_storage_account() {
    let mock = ArmMock::with_exports(&[&netdiag_tests::functions_export()]);
    let connection =
        format!("DefaultEndpointsProtocol=https;AccountName=stordersfunc;AccountKey={ACCOUNT_KEY}");
    let azure = |mock: &ArmMock| {
        let mut cmd = command("tcpping");
        cmd.env("IDENTITY_ENDPOINT", mock.identity_endpoint())
            .env("IDENTITY_HEADER", IDENTITY_HEADER)
            .env("WEBSITE_SITE_NAME", "func-orders")
            .env("WEBSITE_PRIVATE_IP", "10.40.1.5")
            .env("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", &connection)
            .args([
                "--json",
                "--azure",
                "--arm-endpoint",
                &mock.url(),
                "--app",
                APP,
                "--no-probe",
                TARGET,
            ]);
        cmd
    };
    let run = Run::of(&mut azure(&mock));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(
        report["verdict"]["cause"], "platform.content-share",
        "{}",
        report["verdict"]
    );
    assert!(mock.arm_requests().iter().any(|r| {
        r.path
            .ends_with("/providers/Microsoft.Storage/storageAccounts/stordersfunc")
    }),);
    assert!(!run.stdout.contains(ACCOUNT_KEY));

    // Reader on resource groups only: the subscription's list of accounts answers 403, and
    // the check that needed it names the role.
    let mock = ArmMock::with_exports(&[&netdiag_tests::functions_export()]);
    mock.state().forbidden_subscription_lists = true;
    let report = Run::of(&mut azure(&mock)).json();
    let share = check(&report, "platform.content-share");
    assert_eq!(share["status"], "skip", "{share}");
    assert!(
        share["evidence"].as_str().unwrap().contains("403"),
        "{share}"
    );
    assert!(
        share["remedy"]
            .as_str()
            .unwrap()
            .contains("Reader role on the subscription"),
        "{share}"
    );
}
