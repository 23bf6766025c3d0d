//! Which Azure service a host name belongs to, and the private DNS zone its private
//! endpoints use: the documented zone values, as a table, never guessed from the name.
//!
//! Source: Microsoft Learn, "Azure Private Endpoint private DNS zone values"
//! (<https://learn.microsoft.com/azure/private-link/private-endpoint-dns>). The zone is not
//! always `privatelink.` + the name's suffix: Key Vault's names end in `vault.azure.net`
//! but its zone is `privatelink.vaultcore.azure.net`.

/// One row: names ending in `suffix` belong to the service whose private endpoints have
/// the sub-resource (group id) `group`, and their records live in `zone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    pub suffix: &'static str,
    pub group: &'static str,
    pub zone: &'static str,
}

impl Service {
    /// The service endpoint of a subnet that carries this service's traffic into the
    /// VNET ("Virtual network service endpoints",
    /// learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoints-overview).
    /// The ARM type of the service's own resource, for the services whose network rules
    /// the checklist reads (`target.public-access`).
    pub fn resource_type(&self) -> Option<&'static str> {
        match self.group {
            "sqlServer" => Some("Microsoft.Sql/servers"),
            "blob" | "file" | "queue" | "table" | "dfs" | "web" => {
                Some("Microsoft.Storage/storageAccounts")
            }
            "vault" => Some("Microsoft.KeyVault/vaults"),
            "registry" => Some("Microsoft.ContainerRegistry/registries"),
            "Sql" => Some("Microsoft.DocumentDB/databaseAccounts"),
            "sites" => Some("Microsoft.Web/sites"),
            _ => None,
        }
    }

    pub fn endpoint(&self) -> Option<&'static str> {
        match self.group {
            "sqlServer" | "postgresqlServer" | "mysqlServer" => Some("Microsoft.Sql"),
            "blob" | "file" | "queue" | "table" | "dfs" | "web" => Some("Microsoft.Storage"),
            "vault" => Some("Microsoft.KeyVault"),
            "sites" => Some("Microsoft.Web"),
            "registry" => Some("Microsoft.ContainerRegistry"),
            "Sql" => Some("Microsoft.AzureCosmosDB"),
            "namespace" => Some("Microsoft.ServiceBus"),
            _ => None,
        }
    }
}

const fn row(suffix: &'static str, group: &'static str, zone: &'static str) -> Service {
    Service {
        suffix,
        group,
        zone,
    }
}

/// The table, most specific suffix first (`scm.azurewebsites.net` before
/// `azurewebsites.net`). Public cloud, then the sovereign clouds' suffixes.
pub const SERVICES: &[Service] = &[
    row(
        "database.windows.net",
        "sqlServer",
        "privatelink.database.windows.net",
    ),
    row(
        "blob.core.windows.net",
        "blob",
        "privatelink.blob.core.windows.net",
    ),
    row(
        "file.core.windows.net",
        "file",
        "privatelink.file.core.windows.net",
    ),
    row(
        "queue.core.windows.net",
        "queue",
        "privatelink.queue.core.windows.net",
    ),
    row(
        "table.core.windows.net",
        "table",
        "privatelink.table.core.windows.net",
    ),
    row(
        "dfs.core.windows.net",
        "dfs",
        "privatelink.dfs.core.windows.net",
    ),
    row(
        "web.core.windows.net",
        "web",
        "privatelink.web.core.windows.net",
    ),
    row(
        "vault.azure.net",
        "vault",
        "privatelink.vaultcore.azure.net",
    ),
    // The SCM name lives in the same zone as the app, as APP.scm.
    row(
        "scm.azurewebsites.net",
        "sites",
        "privatelink.azurewebsites.net",
    ),
    row(
        "azurewebsites.net",
        "sites",
        "privatelink.azurewebsites.net",
    ),
    row("azurecr.io", "registry", "privatelink.azurecr.io"),
    row(
        "documents.azure.com",
        "Sql",
        "privatelink.documents.azure.com",
    ),
    row(
        "servicebus.windows.net",
        "namespace",
        "privatelink.servicebus.windows.net",
    ),
    row(
        "redis.cache.windows.net",
        "redisCache",
        "privatelink.redis.cache.windows.net",
    ),
    row(
        "postgres.database.azure.com",
        "postgresqlServer",
        "privatelink.postgres.database.azure.com",
    ),
    row(
        "mysql.database.azure.com",
        "mysqlServer",
        "privatelink.mysql.database.azure.com",
    ),
    // Azure Government and Azure operated by 21Vianet.
    row(
        "database.usgovcloudapi.net",
        "sqlServer",
        "privatelink.database.usgovcloudapi.net",
    ),
    row(
        "blob.core.usgovcloudapi.net",
        "blob",
        "privatelink.blob.core.usgovcloudapi.net",
    ),
    row(
        "file.core.usgovcloudapi.net",
        "file",
        "privatelink.file.core.usgovcloudapi.net",
    ),
    row(
        "vault.usgovcloudapi.net",
        "vault",
        "privatelink.vaultcore.usgovcloudapi.net",
    ),
    row("azurewebsites.us", "sites", "privatelink.azurewebsites.us"),
    row(
        "database.chinacloudapi.cn",
        "sqlServer",
        "privatelink.database.chinacloudapi.cn",
    ),
    row(
        "blob.core.chinacloudapi.cn",
        "blob",
        "privatelink.blob.core.chinacloudapi.cn",
    ),
    row(
        "file.core.chinacloudapi.cn",
        "file",
        "privatelink.file.core.chinacloudapi.cn",
    ),
    row("vault.azure.cn", "vault", "privatelink.vaultcore.azure.cn"),
    row(
        "chinacloudsites.cn",
        "sites",
        "privatelink.chinacloudsites.cn",
    ),
];

/// The service `name` belongs to, by the longest matching suffix on a label boundary
/// (`sql-contoso.database.windows.net`, not `notdatabase.windows.net`), in its public or
/// its `privatelink.` form; `None` for a name of no known service.
pub fn service_of(name: &str) -> Option<&'static Service> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    SERVICES
        .iter()
        .filter(|service| {
            let private = format!("privatelink.{}", service.suffix);
            [service.suffix, private.as_str()].iter().any(|suffix| {
                name.strip_suffix(suffix)
                    .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1)
            })
        })
        .max_by_key(|service| service.suffix.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of the contract's table, by a name of that service.
    #[test]
    fn each_documented_service_has_its_zone() {
        let cases = [
            (
                "sql-contoso.database.windows.net",
                "sqlServer",
                "privatelink.database.windows.net",
            ),
            (
                "stcontoso.blob.core.windows.net",
                "blob",
                "privatelink.blob.core.windows.net",
            ),
            (
                "stcontoso.file.core.windows.net",
                "file",
                "privatelink.file.core.windows.net",
            ),
            (
                "stcontoso.queue.core.windows.net",
                "queue",
                "privatelink.queue.core.windows.net",
            ),
            (
                "stcontoso.table.core.windows.net",
                "table",
                "privatelink.table.core.windows.net",
            ),
            (
                "stcontoso.dfs.core.windows.net",
                "dfs",
                "privatelink.dfs.core.windows.net",
            ),
            (
                "stcontoso.z6.web.core.windows.net",
                "web",
                "privatelink.web.core.windows.net",
            ),
            (
                "kv-contoso.vault.azure.net",
                "vault",
                "privatelink.vaultcore.azure.net",
            ),
            (
                "app-contoso.azurewebsites.net",
                "sites",
                "privatelink.azurewebsites.net",
            ),
            (
                "app-contoso.scm.azurewebsites.net",
                "sites",
                "privatelink.azurewebsites.net",
            ),
            ("crcontoso.azurecr.io", "registry", "privatelink.azurecr.io"),
            (
                "crcontoso.westeurope.data.azurecr.io",
                "registry",
                "privatelink.azurecr.io",
            ),
            (
                "cosmos-contoso.documents.azure.com",
                "Sql",
                "privatelink.documents.azure.com",
            ),
            (
                "sb-contoso.servicebus.windows.net",
                "namespace",
                "privatelink.servicebus.windows.net",
            ),
            (
                "redis-contoso.redis.cache.windows.net",
                "redisCache",
                "privatelink.redis.cache.windows.net",
            ),
            (
                "pg-contoso.postgres.database.azure.com",
                "postgresqlServer",
                "privatelink.postgres.database.azure.com",
            ),
            (
                "my-contoso.mysql.database.azure.com",
                "mysqlServer",
                "privatelink.mysql.database.azure.com",
            ),
            (
                "sql-gov.database.usgovcloudapi.net",
                "sqlServer",
                "privatelink.database.usgovcloudapi.net",
            ),
            (
                "kv-cn.vault.azure.cn",
                "vault",
                "privatelink.vaultcore.azure.cn",
            ),
        ];
        for (name, group, zone) in cases {
            let service = service_of(name).unwrap_or_else(|| panic!("{name}: no service"));
            assert_eq!((service.group, service.zone), (group, zone), "{name}");
        }
    }

    #[test]
    fn the_privatelink_form_and_case_and_final_dot_match_too() {
        let service = service_of("SQL-Contoso.privatelink.database.windows.net.").unwrap();
        assert_eq!(service.zone, "privatelink.database.windows.net");
    }

    #[test]
    fn other_names_belong_to_no_service() {
        for name in [
            "db.contoso.internal",
            "database.windows.net",
            "notdatabase.windows.net",
            "vaultcore.azure.net.evil.example",
            "10.1.2.4",
        ] {
            assert_eq!(service_of(name), None, "{name}");
        }
    }
}
