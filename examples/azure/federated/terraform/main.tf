# The reviews service's identity, federated with the cluster's OIDC issuer.

resource "azurerm_resource_group" "shop" {
  name     = "shop-rg"
  location = "eastus"
}

resource "azurerm_kubernetes_cluster" "shop" {
  name                      = "shop-aks"
  location                  = azurerm_resource_group.shop.location
  resource_group_name       = azurerm_resource_group.shop.name
  dns_prefix                = "shop"
  oidc_issuer_enabled       = true
  workload_identity_enabled = true

  default_node_pool {
    name       = "default"
    node_count = 2
    vm_size    = "Standard_D2s_v5"
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_user_assigned_identity" "reviews" {
  name                = "reviews-identity"
  location            = azurerm_resource_group.shop.location
  resource_group_name = azurerm_resource_group.shop.name
}

locals {
  reviews_namespace       = "reviews"
  reviews_service_account = "system:serviceaccount:reviews:reviews-api"
}

resource "azurerm_federated_identity_credential" "reviews" {
  name                      = "reviews-api-fic"
  user_assigned_identity_id = azurerm_user_assigned_identity.reviews.id
  # Read from the cluster itself: always the exact issuer, trailing slash included.
  issuer   = azurerm_kubernetes_cluster.shop.oidc_issuer_url
  subject  = local.reviews_service_account
  audience = ["api://AzureADTokenExchange"]
}

# The ServiceAccount annotation takes the identity's client_id (not principal_id or id).
output "reviews_client_id" {
  value = azurerm_user_assigned_identity.reviews.client_id
}
