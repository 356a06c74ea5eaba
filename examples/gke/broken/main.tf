# GK003 in Terraform: the project number in the pool name.
resource "google_service_account" "billing" {
  account_id = "billing-app"
  project    = "shop-prod-4711"
}

resource "google_service_account_iam_member" "billing_wi" {
  service_account_id = google_service_account.billing.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:123456789012.svc.id.goog[billing/invoices]"
}
